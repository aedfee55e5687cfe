/**
 * The register's exports at more than a page, against the real store: rows laid out here directly
 * (the recording path that writes them is covered by test/register.test.ts), read back through
 * the API as CSV and XLSX and through the export's own row reader, which reads a day at a time in
 * pages. Every row exactly once and in order, rows stored during an export, a client that goes away.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { REGISTER_COLUMNS, cstDay, cstYear, searchTerms, type RegisterRow } from '../domain/register';
import type { Actor } from '../domain/model';
import { ClosedError, writeCsv } from '../features/register/exports';
import { registerRowView, registerRows } from '../features/register/use-cases';
import { noteReviewMonth, monthOf } from '../store/models';
import type { RegisterRowDoc } from '../store/register';
import { castOf, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
const people = {
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const supervisor: Actor = { sub: 'sup', region: 'hebei', roles: ['supervisor'] };
const { get } = castOf(() => h, people);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const REGIONS = ['beijing', 'tianjin', 'hebei'] as const;
const ROWS = 2500;
const NOW = Date.now();
/** Three rows per instant (ties broken by `_id`), 100 s apart: 2,500 rows over three days and more. */
const receivedAt = (i: number) => new Date(NOW - 3_600_000 - Math.floor(i / 3) * 100_000);

function rowDoc(id: string, at: Date, i: number): RegisterRowDoc {
  const title = `北京市第${i}号管理办法`;
  return {
    _id: id,
    documentId: `doc-${id}`,
    region: REGIONS[i % 3],
    year: cstYear(at),
    receivedOn: cstDay(at),
    status: 'approved',
    registrationNumber: `京审登〔${cstYear(at)}〕${i}号`,
    org: '北京市交通委员会',
    receivedAt: at,
    conclusion: 'legal',
    workingDaysUsed: i % 20,
    extensions: 0,
    extensionWorkingDays: 0,
    lastSeq: 9,
    title,
    terms: searchTerms(title),
    clock: undefined as unknown as RegisterRowDoc['clock'],
  };
}

/** Newest received first, then the greater `_id`: the register's order. */
function inOrder(docs: RegisterRowDoc[]): string[] {
  return [...docs]
    .sort((a, b) =>
      a.receivedAt.getTime() === b.receivedAt.getTime()
        ? a._id < b._id
          ? 1
          : -1
        : b.receivedAt.getTime() - a.receivedAt.getTime(),
    )
    .map((d) => d._id);
}

const docs: RegisterRowDoc[] = [];

beforeAll(async () => {
  h = await startHarness();
  // Ids in no particular relation to the order, so that the tie-break is seen at work.
  for (let i = 0; i < ROWS; i++)
    docs.push(rowDoc(`rv-${String((i * 7919) % 100_003).padStart(6, '0')}`, receivedAt(i), i));
  for (let i = 0; i < ROWS; i += 500) await h.models.RegisterRow.insertMany(docs.slice(i, i + 500));
  // The oldest month reviews are filed under, as the recording path notes it: a month back.
  await noteReviewMonth(h.models, monthOf(new Date(NOW - 40 * 86_400_000)));
}, 240_000);
afterAll(async () => {
  await h?.stop();
});

/** A CSV as rows of fields (RFC 4180 quoting). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

const cells = (row: RegisterRow) => REGISTER_COLUMNS.map((c) => String(c.cell(row)));
const download = (accept: string) =>
  get('supervisor', '/v1/register')
    .set('Accept', accept)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);

describe('the register exports, across pages and days', () => {
  test('CSV and XLSX of 2,500 rows hold every row once, in the register order, with the cells of the JSON view', async () => {
    // The rows as the API answers them (the JSON pages' view), in the register's order.
    const byId = new Map(docs.map((d) => [d._id, d]));
    const now = h.ctx.now();
    const json = inOrder(docs).map((id) => registerRowView(byId.get(id)!, h.ctx, now));

    const csv = (await download('text/csv')).body as Buffer;
    const [header, ...lines] = parseCsv(csv.subarray(3).toString('utf8'));
    expect(header).toEqual(REGISTER_COLUMNS.map((c) => c.heading));
    expect(lines.length).toBe(ROWS);
    expect(lines).toEqual(json.map(cells));

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(XLSX)).body as ArrayBuffer);
    const read: string[][] = [];
    workbook.worksheets[0].eachRow((row) => {
      const values = Array.from((row.values as unknown[]).slice(1), (v) =>
        v === null || v === undefined ? '' : String(v as string | number),
      );
      read.push([...values, ...Array<string>(REGISTER_COLUMNS.length - values.length).fill('')]);
    });
    expect(read[0]).toEqual(REGISTER_COLUMNS.map((c) => c.heading));
    expect(read.slice(1)).toEqual(json.map(cells));
  }, 120_000);

  test('rows stored during an export: those received after the rows written so far are not in it, those received before are, each once and in order', async () => {
    const rows = registerRows(h.ctx, supervisor, {}, 50)[Symbol.asyncIterator]();
    const seen: RegisterRow[] = [];
    for (let i = 0; i < 100; i++) seen.push((await rows.next()).value as RegisterRow);
    // Stored now, while the export is at its 100th row of 2,500: 20 new reviews (the newest), 20 rows
    // received before any row of the export, and a change to a row not read yet.
    const newest = Array.from({ length: 20 }, (_, i) => rowDoc(`zz-new-${i}`, new Date(NOW - 60_000), i));
    const oldest = Array.from({ length: 20 }, (_, i) =>
      rowDoc(`aa-old-${String(i).padStart(2, '0')}`, new Date(NOW - 20 * 86_400_000 - i * 1000), i),
    );
    await Promise.all([...newest, ...oldest].map((doc) => h.models.RegisterRow.create(doc)));
    const changed = inOrder(docs)[2000];
    await h.models.RegisterRow.updateOne({ _id: changed }, { $set: { status: 'returned' } });
    for (let next = await rows.next(); !next.done; next = await rows.next()) seen.push(next.value);

    const ids = seen.map((r) => r.reviewId);
    expect(ids).toEqual([...inOrder(docs), ...inOrder(oldest)]);
    expect(seen.find((r) => r.reviewId === changed)?.status).toBe('returned');
    await h.models.RegisterRow.deleteMany({ _id: { $in: [...newest, ...oldest].map((d) => d._id) } });
    await h.models.RegisterRow.updateOne({ _id: changed }, { $set: { status: 'approved' } });
  }, 120_000);

  test('a client that goes away mid-download ends the export: the server stops reading the store', async () => {
    const find = jest.spyOn(h.models.RegisterRow, 'find');
    let exported: Promise<void> | undefined;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8' });
      exported = writeCsv(registerRows(h.ctx, supervisor, {}, 20), res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      let readsAtAbort = 0;
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.once('data', () => {
            readsAtAbort = find.mock.calls.length;
            req.destroy(); // gone, with the download barely started
            resolve();
          });
        });
        req.on('error', () => undefined);
      });
      await expect(exported).rejects.toBeInstanceOf(ClosedError);
      const reads = find.mock.calls.length;
      // 2,500 rows in pages of 20 would be 125 pages at least; the export stopped at the page it was on.
      expect(reads).toBeLessThanOrEqual(readsAtAbort + 2);
      expect(reads).toBeLessThan(ROWS / 20);
    } finally {
      find.mockRestore();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
