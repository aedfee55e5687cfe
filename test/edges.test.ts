/**
 * The low findings of the release-2 evaluation, each reproduced against the real servers and now
 * answered as the contract says: a NUL character in a title, a file name, a path or a query is 400
 * (not 500); a file of exactly 20 MB is taken and one byte more is 413; a ZIP is typed by its
 * entries, whatever its name; a slow upload out of budget gets its 503 and its connection closed,
 * and leaves nothing stored; asking for more time for a closed review is 403 for whoever may never
 * ask (409 stays for the one who may, when the review is closed).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../api/app';
import { MAX_ATTACHMENT_BYTES, sniffType, zipEntryNames } from '../features/documents/attachments';
import { castOf, startHarness, type Claims, type Harness } from './harness';
import { WORD_PARTS, zipOf } from './support/zip';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  drafter: { sub: 'edge-drafter', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' },
  bjReviewer: { sub: 'edge-bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'edge-tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'edge-supervisor', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { auth, get, post, accept } = castOf(() => h, people);
const upload = (who: Person, path: string) => request(h.app).post(path).set(auth(who));

const draft = {
  title: '北京市道路停车管理办法',
  articles: [{ number: '1', text: '为规范道路停车，制定本办法。' }],
  legalBasis: ['《中华人民共和国道路交通安全法》'],
  materials: { draftingExplanation: '规范停车秩序。' },
};

async function newDocument(): Promise<string> {
  return (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
}

/** The stored bytes of attachment files (GridFS chunks): what a refused or cut-off upload must not leave. */
const storedChunks = () => h.mongo.db!.collection('attachmentFiles.chunks').countDocuments();
const storedFiles = () => h.mongo.db!.collection('attachmentFiles.files').countDocuments();

/** Polls until `probe` is true, or fails after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a NUL character', () => {
  test('in a title, an article, a material or a key of the body, it is 400 naming the field', async () => {
    const cases: [object, string][] = [
      [{ ...draft, title: '停车\u0000管理' }, 'title'],
      [{ ...draft, articles: [{ number: '1', text: '第一条\u0000' }] }, 'articles.0.text'],
      [{ ...draft, materials: { draftingExplanation: '说明', other: '\u0000' } }, 'materials.other'],
      [{ ...draft, materials: { draftingExplanation: '说明', ['a\u0000b']: 'x' } }, 'materials.a\\0b'],
    ];
    const before = await h.models.Document.countDocuments({ org: people.drafter.org });
    for (const [body, path] of cases) {
      const res = await post('drafter', '/v1/documents', body);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 400,
        code: 'validation_failed',
      });
      expect(res.body.error.details).toEqual([expect.objectContaining({ path })]);
    }
    expect(await h.models.Document.countDocuments({ org: people.drafter.org })).toBe(before);
  });

  test('in a path or a query, it is 400 before anything is looked up', async () => {
    const documentId = await newDocument();
    for (const [url, where] of [
      ['/v1/documents/%00', '(path)'],
      [`/v1/documents/${documentId}%00/versions/1`, '(path)'],
      [`/v1/documents/${documentId}/versions/1%00`, '(path)'],
      ['/v1/reviews/review%3A%00%3A1', '(path)'],
      ['/v1/tasks?status=open&kind=%00', 'query'],
      ['/v1/notifications?cursor=a%00b', 'query'],
    ]) {
      const res = await get('drafter', url);
      expect({ url, status: res.status, details: res.body.error?.details }).toEqual({
        url,
        status: 400,
        details: [expect.objectContaining({ path: where })],
      });
    }
  });

  test('in the name of an uploaded file, written plainly or percent-encoded (RFC 5987), it is 400 and nothing is stored', async () => {
    const documentId = await newDocument();
    const boundary = 'nul-boundary';
    const multipart = (disposition: string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\n\r\n%PDF-1.4\n`),
        Buffer.alloc(1000, 7),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    for (const disposition of ["filename*=UTF-8''%E4%BE%9D%E6%8D%AE%00.pdf", 'filename="依据\u0000.pdf"']) {
      const res = await upload('drafter', `/v1/documents/${documentId}/attachments`)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(multipart(disposition));
      expect({ disposition, status: res.status, code: res.body.error?.code }).toEqual({
        disposition,
        status: 400,
        code: 'validation_failed',
      });
    }
    expect(await h.models.Attachment.countDocuments({ documentId })).toBe(0);
  });
});

describe('attachment size and type', () => {
  test('when a file is exactly 20 MB it is kept whole; one byte more is 413 and nothing of it stays', async () => {
    const documentId = await newDocument();
    const path = `/v1/documents/${documentId}/attachments`;
    const pdfOf = (size: number) => {
      const file = Buffer.alloc(size, 0x20);
      file.write('%PDF-1.7\n');
      return file;
    };
    const exactly = await upload('drafter', path).attach('file', pdfOf(MAX_ATTACHMENT_BYTES), {
      filename: '恰好二十兆.pdf',
    });
    expect({ status: exactly.status, size: exactly.body.size }).toEqual({ status: 201, size: 20 * 1024 * 1024 });
    const chunksOfOne = await storedChunks();

    const over = await upload('drafter', path).attach('file', pdfOf(MAX_ATTACHMENT_BYTES + 1), {
      filename: '超出一字节.pdf',
    });
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('payload_too_large');
    await until(async () => (await storedChunks()) === chunksOfOne, 'the refused file to be removed');
    expect(await h.models.Attachment.countDocuments({ documentId })).toBe(1);
  });

  test('when a ZIP is attached, its entries decide: a Word document or an OFD is kept whatever its name, any other ZIP is 415 whatever its name', async () => {
    const documentId = await newDocument();
    const path = `/v1/documents/${documentId}/attachments`;
    const docx = zipOf({ ...WORD_PARTS, 'word/media/image1.png': Buffer.alloc(300_000, 1) }, '注释');
    const ofd = zipOf({ 'OFD.xml': '<ofd:OFD/>', 'Doc_0/Document.xml': '<ofd:Document/>' });
    const kept: [Buffer, string, string][] = [
      [docx, '起草说明.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [docx, '起草说明.pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [ofd, '公告.ofd', 'application/ofd'],
      [ofd, '公告', 'application/ofd'],
    ];
    for (const [file, filename, contentType] of kept) {
      const res = await upload('drafter', path).attach('file', file, { filename });
      expect({ filename, status: res.status, contentType: res.body.contentType }).toEqual({
        filename,
        status: 201,
        contentType,
      });
    }
    const files = await storedFiles();
    const chunks = await storedChunks();

    const refused: [Buffer, string][] = [
      // An archive of anything, named as a Word document.
      [zipOf({ 'readme.txt': '说明', 'tools/run.exe': Buffer.alloc(300_000, 2) }), '征求意见稿.docx'],
      // A spreadsheet is an Office file but no Word document.
      [zipOf({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' }), '附表.docx'],
      // Word's parts with macros: a macro-enabled document (.docm), not a DOCX.
      [zipOf({ ...WORD_PARTS, 'word/vbaProject.bin': Buffer.alloc(100, 3) }), '宏.docx'],
      // Word's first entry but no central directory (cut short).
      [zipOf(WORD_PARTS).subarray(0, 400), '截断.docx'],
      [zipOf({ 'Doc_0/Document.xml': '<x/>' }), '无入口.ofd'],
    ];
    for (const [file, filename] of refused) {
      const res = await upload('drafter', path).attach('file', file, { filename });
      expect({ filename, status: res.status, code: res.body.error?.code }).toEqual({
        filename,
        status: 415,
        code: 'unsupported_media_type',
      });
    }
    await until(
      async () => (await storedFiles()) === files && (await storedChunks()) === chunks,
      'the refused files to be removed',
    );
    expect(await h.models.Attachment.countDocuments({ documentId })).toBe(kept.length);
  });

  test('the ZIP reader takes the entries from the central directory and refuses what is not a whole ZIP', () => {
    const docx = zipOf(WORD_PARTS, 'x'.repeat(1000));
    expect(zipEntryNames(docx, docx.length)).toEqual(Object.keys(WORD_PARTS));
    // Only the end of a large file is kept: the directory is found in it.
    const large = zipOf({ ...WORD_PARTS, 'word/media/big.bin': Buffer.alloc(1_000_000, 5) });
    const tail = large.subarray(large.length - 4096);
    expect(zipEntryNames(tail, large.length)).toEqual([...Object.keys(WORD_PARTS), 'word/media/big.bin']);
    expect(sniffType(large.subarray(0, 512), tail, large.length)).toMatch(/wordprocessingml/);
    // Bytes before the archive (a self-extracting program), or the end record alone, are not read as a ZIP.
    const prefixed = Buffer.concat([Buffer.alloc(10, 0), docx]);
    expect(zipEntryNames(prefixed, prefixed.length)).toBeUndefined();
    expect(zipEntryNames(docx.subarray(docx.length - 1022), docx.length)).toBeUndefined();
    expect(sniffType(Buffer.from('PK\u0003\u0004'), Buffer.alloc(0), 4)).toBeUndefined();
  });
});

describe('a slow upload', () => {
  let server: Server;
  let port: number;
  const BUDGET_MS = 1_000;
  beforeAll(async () => {
    // The API with a short upload budget (UPLOAD_TIMEOUT), on a real socket.
    const app = createApp({
      app: { ...h.ctx, config: { ...h.config, uploadTimeoutMs: BUDGET_MS } },
      readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('when an upload is still arriving at the end of its budget, it gets 503, its connection is closed, and nothing of it is stored', async () => {
    const documentId = await newDocument();
    const chunksBefore = await storedChunks();
    const boundary = 'edge-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="慢.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n%PDF-1.7\n',
    );
    const socket = net.connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = once(socket, 'close');
    const started = Date.now();
    socket.write(
      `POST /v1/documents/${documentId}/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: ${auth('drafter').Authorization}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`,
    );
    // Enough for the store to hold a chunk of it (GridFS writes 255 KB at a time), then it stalls.
    socket.write(Buffer.concat([head, Buffer.alloc(600_000, 0x20)]));

    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the connection was left open')), 10_000)),
    ]);
    const elapsed = Date.now() - started;
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"unavailable"');
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    // What had been written of the file is removed; no description was stored.
    await until(async () => (await storedChunks()) === chunksBefore, 'the partial upload to be removed');
    expect(await h.models.Attachment.countDocuments({ documentId })).toBe(0);
  });
});

describe('asking for more time (延期) on a closed review', () => {
  test('when someone who may never ask for it asks, it is 403 whatever the state; the origin reviewer gets 409', async () => {
    const documentId = await newDocument();
    const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
    await accept('bjReviewer', reviewId);
    const path = `/v1/reviews/${encodeURIComponent(reviewId)}/extensions`;
    const body = { workingDays: 3, reason: '需补充调研' };
    // While it is open, the drafter is refused for who they are.
    expect((await post('drafter', path, body)).status).toBe(403);

    await post('drafter', `/v1/reviews/${encodeURIComponent(reviewId)}/withdraw`, { reason: '撤回重拟' }).expect(200);
    for (const who of ['drafter', 'supervisor'] as const) {
      const res = await post(who, path, body);
      expect({ who, status: res.status, code: res.body.error?.code }).toEqual({
        who,
        status: 403,
        code: 'forbidden',
      });
    }
    // A reviewer of another region does not even see this review.
    expect((await post('tjReviewer', path, body)).status).toBe(404);
    // The one who may ask is told the review is closed.
    const closed = await post('bjReviewer', path, body);
    expect({ status: closed.status, code: closed.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
  });
});
