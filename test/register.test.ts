/**
 * The register (台账) and the year's figures against real servers: reviews run through their
 * workflows, the recording path keeps the rows and the counters, and the API lists, searches and
 * exports them. The figures are checked against a count made here, independently, from the log.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { recordTransition } from '../activities/recording';
import { REGISTER_COLUMNS, cstYear, type RegisterRow } from '../domain/register';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES } from '../domain/offices';
import { projectLog } from '../domain/projection';
import { subjectEventCounts } from '../domain/annual-figures';
import type { EventDoc } from '../store/models';
import { liveRecordingStore } from '../store/recording-store';
import { countFigures } from '../store/register';
import { allPass, castOf, startHarness, type Claims, type Harness } from './harness';
import { issuanceBody } from './support/after-review';
import { expectStatsEqualStore } from './support/stats';

let h: Harness;
const people = {
  bjDrafter: { sub: 'bj-d', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会', name: '张三' },
  tjDrafter: { sub: 'tj-d', region: 'tianjin', roles: ['drafter'], org: '天津市民政局' },
  bjReviewer: { sub: 'bj-r', region: 'beijing', roles: ['reviewer'], name: '李审' },
  bjSigner: { sub: 'bj-s', region: 'beijing', roles: ['signer'] },
  tjReviewer: { sub: 'tj-r', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-r', region: 'hebei', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, decide, accept } = castOf(() => h, people);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const YEAR = cstYear(new Date());

const draftOf = (title: string) => ({
  title,
  articles: [
    { number: '1', text: '为规范相关工作，制定本办法。' },
    { number: '2', text: '本办法自公布之日起施行。' },
  ],
  legalBasis: ['《中华人民共和国行政许可法》'],
  materials: { draftingExplanation: '起草说明' },
});

async function submit(
  who: 'bjDrafter' | 'tjDrafter',
  title: string,
): Promise<{ documentId: string; reviewId: string }> {
  const documentId = (await post(who, '/v1/documents', draftOf(title)).expect(201)).body.id as string;
  const reviewId = (await post(who, `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  return { documentId, reviewId };
}

const reviews: Record<string, string> = {};
const documents: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  // Signed after consultation with comments and an objection: legal.
  const signed = await submit('bjDrafter', '北京市促进京津冀交通一体化若干措施');
  reviews.signed = signed.reviewId;
  documents.signed = signed.documentId;
  await accept('bjReviewer', signed.reviewId);
  await decide('bjReviewer', signed.reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('tjReviewer', signed.reviewId, 'consultation', {
    decision: 'concur_with_comments',
    comments: [
      { article: '1', text: '建议写明协同机制', severity: 'advisory' },
      { article: '2', text: '施行日期应预留准备期', severity: 'amend' },
    ],
  });
  await decide('hbReviewer', signed.reviewId, 'consultation', { decision: 'object', opinion: '与河北省规定不一致' });
  await decide('bjReviewer', signed.reviewId, 'consolidation', { decision: 'proceed', opinion: '已协调' });
  await decide('bjSigner', signed.reviewId, 'signoff', { decision: 'sign' });
  // Rejected at origin review, with a blocking comment: unlawful.
  const rejected = await submit('bjDrafter', '北京市养老服务补贴管理办法');
  reviews.rejected = rejected.reviewId;
  await accept('bjReviewer', rejected.reviewId);
  await decide('bjReviewer', rejected.reviewId, 'origin_review', {
    decision: 'reject',
    checklist: allPass.map((c) => (c.item === 'competence' ? { ...c, result: 'fail', note: '增设许可' } : c)),
    opinion: '超越法定权限',
    comments: [{ article: '2', text: '增设行政许可', severity: 'blocking' }],
  });
  // Returned at intake.
  const returned = await submit('bjDrafter', '北京市机关内部考勤制度');
  reviews.returned = returned.reviewId;
  await decide('bjReviewer', returned.reviewId, 'intake', {
    decision: 'return',
    grounds: 'not_normative_document',
    opinion: '不属于行政规范性文件',
  });
  // Still running, in Beijing and in Tianjin.
  reviews.running = (await submit('bjDrafter', '北京市共享单车停放管理规定')).reviewId;
  const tianjin = await submit('tjDrafter', '天津市养老机构监督管理办法');
  reviews.tianjin = tianjin.reviewId;
  await accept('tjReviewer', tianjin.reviewId);
}, 240_000);
afterAll(async () => {
  await h?.stop();
});

async function allPages(who: keyof typeof people, query: string): Promise<RegisterRow[]> {
  const rows: RegisterRow[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(who, `/v1/register?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
    rows.push(...(res.body.items as RegisterRow[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return rows;
}

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

describe('the register', () => {
  test('a supervisor reads every review of the year, newest first, across pages, with the columns filled as the reviews went', async () => {
    const rows = await allPages('supervisor', `year=${YEAR}`);
    expect(rows.map((r) => r.reviewId).sort()).toEqual(Object.values(reviews).sort());
    const received = rows.map((r) => Date.parse(r.receivedAt));
    expect(received).toEqual([...received].sort((a, b) => b - a));
    const signed = rows.find((r) => r.reviewId === reviews.signed)!;
    expect(signed).toMatchObject({
      title: '北京市促进京津冀交通一体化若干措施',
      draftingUnit: '北京市交通委员会',
      region: 'beijing',
      status: 'approved',
      conclusion: 'legal',
      registrationNumber: expect.any(String),
      opinionNumber: expect.any(String),
      caseOfficer: { sub: 'bj-r', name: '李审' },
      extensions: 0,
    });
    expect(signed.closedAt).not.toBeNull();
    const returned = rows.find((r) => r.reviewId === reviews.returned)!;
    expect(returned).toMatchObject({
      status: 'returned',
      conclusion: 'returned',
      registrationNumber: null,
      acceptedAt: null,
    });
    expect(rows.find((r) => r.reviewId === reviews.running)).toMatchObject({ status: 'in_review', conclusion: null });
  });

  test('filters by region and status, and finds Chinese text in titles and numbers', async () => {
    const tianjin = await allPages('supervisor', `year=${YEAR}&region=tianjin`);
    expect(tianjin.map((r) => r.reviewId)).toEqual([reviews.tianjin]);
    const closed = await allPages('supervisor', `year=${YEAR}&region=beijing&status=rejected`);
    expect(closed.map((r) => r.reviewId)).toEqual([reviews.rejected]);
    const elderly = await allPages('supervisor', `q=${encodeURIComponent('养老')}`);
    expect(elderly.map((r) => r.reviewId).sort()).toEqual([reviews.rejected, reviews.tianjin].sort());
    const oneWord = await allPages('supervisor', `q=${encodeURIComponent('交通一体化')}`);
    expect(oneWord.map((r) => r.reviewId)).toEqual([reviews.signed]);
    const signed = oneWord[0];
    const byNumber = await allPages('supervisor', `q=${encodeURIComponent(signed.opinionNumber!)}`);
    expect(byNumber.map((r) => r.reviewId)).toEqual([reviews.signed]);
    // Characters that appear, but not next to each other, find nothing.
    expect(await allPages('supervisor', `q=${encodeURIComponent('养交')}`)).toEqual([]);
    expect(await allPages('supervisor', `year=${YEAR - 1}`)).toEqual([]);
  });

  test('reviewers read their own region only; asking for another is 403; drafters are refused', async () => {
    const own = await allPages('tjReviewer', `year=${YEAR}`);
    expect(own.map((r) => r.reviewId)).toEqual([reviews.tianjin]);
    await get('tjReviewer', '/v1/register?region=beijing').expect(403);
    await get('bjDrafter', '/v1/register').expect(403);
    await get('tjReviewer', '/v1/register?region=beijing').set('Accept', 'text/csv').expect(403);
    await request(h.app).get('/v1/register').expect(401);
    await get('supervisor', '/v1/register?year=20x6').expect(400);
    await get('supervisor', '/v1/register?foo=1').expect(400);
  });

  test('the CSV (UTF-8 with BOM) and the XLSX carry the same rows as the JSON pages', async () => {
    const json = await allPages('supervisor', `year=${YEAR}&region=beijing`);
    const csv = await get('supervisor', `/v1/register?year=${YEAR}&region=beijing`)
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header).toEqual(REGISTER_COLUMNS.map((c) => c.heading));
    expect(lines).toEqual(json.map(cells));

    const xlsx = await get('supervisor', `/v1/register?year=${YEAR}&region=beijing`)
      .set('Accept', XLSX)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const read: string[][] = [];
    sheet.eachRow((row) => {
      read.push(
        Array.from((row.values as unknown[]).slice(1), (v) =>
          v === null || v === undefined ? '' : String(v as string | number),
        ),
      );
    });
    const width = REGISTER_COLUMNS.length;
    const padded = read.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
    expect(padded[0]).toEqual(REGISTER_COLUMNS.map((c) => c.heading));
    expect(padded.slice(1)).toEqual(json.map(cells));
  });
});

/** The year's figures counted here from the stored log alone, by rules written out for this test. */
function countFromLog(events: EventDoc[], region?: string) {
  const byReview = new Map<string, EventDoc[]>();
  for (const e of events) byReview.set(e.reviewId, [...(byReview.get(e.reviewId) ?? []), e]);
  const n = {
    received: 0,
    accepted: 0,
    returnedAtIntake: 0,
    legal: 0,
    legalAfterRevision: 0,
    unlawful: 0,
    returned: 0,
    withdrawn: 0,
    answered: 0,
    noResponse: 0,
    blocking: 0,
    amend: 0,
    advisory: 0,
  };
  const used: number[] = [];
  for (const log of byReview.values()) {
    log.sort((a, b) => a.seq - b.seq);
    const origin = (log[0].data as { originRegion: string }).originRegion;
    const wasAccepted = log.some((e) => e.type === 'accepted');
    for (const e of log) {
      if (cstYear(e.at) !== YEAR) continue;
      const data = e.data as Record<string, unknown>;
      const mine = (r: string) => region === undefined || r === region;
      if (e.type === 'submitted' && mine(origin)) n.received++;
      if (e.type === 'accepted' && mine(origin)) n.accepted++;
      if (e.type === 'withdrawn' && mine(origin)) n.withdrawn++;
      if (e.type === 'returned' && mine(origin)) {
        if (wasAccepted) n.returned++;
        else n.returnedAtIntake++;
      }
      if ((e.type === 'approved' || e.type === 'rejected') && mine(origin)) {
        if (data.conclusion === 'legal') n.legal++;
        if (data.conclusion === 'legal_after_revision') n.legalAfterRevision++;
        if (data.conclusion === 'illegal') n.unlawful++;
      }
      if ((e.type === 'approved' || e.type === 'rejected' || e.type === 'returned') && wasAccepted && mine(origin))
        used.push(data.workingDaysUsed as number);
      if (e.type === 'task_completed' && mine(data.region as string)) {
        if (data.kind === 'consultation') n.answered++;
        for (const c of (data.comments ?? []) as { severity: 'blocking' | 'amend' | 'advisory' }[]) n[c.severity]++;
      }
      if (e.type === 'consultation_expired' && mine(data.region as string)) n.noResponse++;
    }
  }
  used.sort((a, b) => a - b);
  const median =
    used.length === 0
      ? null
      : used.length % 2
        ? used[(used.length - 1) / 2]
        : (used[used.length / 2 - 1] + used[used.length / 2]) / 2;
  return { n, median };
}

describe("the year's figures", () => {
  test('equal a count made from the log, for each region and for all three; the page prints them', async () => {
    const events = await h.models.Event.find({}).lean<EventDoc[]>();
    for (const region of [undefined, 'beijing', 'tianjin', 'hebei']) {
      const { n, median } = countFromLog(events, region);
      const res = await get('supervisor', `/v1/stats/annual?year=${YEAR}${region ? `&region=${region}` : ''}`).expect(
        200,
      );
      expect(res.body).toMatchObject({
        year: YEAR,
        region: region ?? 'all',
        reviews: {
          received: n.received,
          accepted: n.accepted,
          returnedAtIntake: n.returnedAtIntake,
          legal: n.legal,
          legalAfterRevision: n.legalAfterRevision,
          unlawful: n.unlawful,
          returned: n.returned,
          withdrawn: n.withdrawn,
          medianWorkingDays: median,
          extensions: 0,
        },
        consultations: { answered: n.answered, noResponse: n.noResponse },
        comments: { blocking: n.blocking, amend: n.amend, advisory: n.advisory },
        filings: { due: 0, filed: 0, onTime: 0, late: 0, registered: 0, corrections: 0 },
        suggestions: { received: 0, answered: 0 },
        topics: { raised: 0, answered: 0 },
        guidelines: { adopted: 0 },
      });
    }
    // The scenario is not empty: the figures have something to agree on.
    expect(countFromLog(events).n).toMatchObject({
      received: 5,
      accepted: 3,
      legal: 1,
      unlawful: 1,
      returnedAtIntake: 1,
      answered: 2,
    });
    const page = await get('supervisor', `/v1/stats/annual?year=${YEAR}`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain(`京津冀三地${YEAR}年度行政规范性文件合法性审核工作统计`);
    expect(page.text).toContain('<svg');
    await get('tjReviewer', `/v1/stats/annual?year=${YEAR}&region=beijing`).expect(403);
    await get('bjDrafter', `/v1/stats/annual?year=${YEAR}`).expect(403);
  });

  test('a recording retried after it was stored counts nothing twice', async () => {
    const before = (await get('supervisor', `/v1/stats/annual?year=${YEAR}`).expect(200)).body;
    const log = (await h.models.Event.find({ reviewId: reviews.signed }).lean<EventDoc[]>()).sort(
      (a, b) => a.seq - b.seq,
    );
    const events = log.map(({ _id, reviewId: _r, prevHash: _p, hash: _h, ...e }) => e);
    const closing = events.findIndex((e) => e.type === 'approved');
    const retried = events.slice(closing - 2); // the sign-off's transition: completed, stage changed, approved
    const store = liveRecordingStore(h.models);
    const settings = { formats: DEFAULT_NUMBER_FORMATS, offices: DEFAULT_OFFICES, now: () => new Date() };
    await Promise.all(
      Array.from({ length: 10 }, () =>
        recordTransition(store, settings, {
          events: retried,
          prevHash: log[closing - 3].hash,
          review: projectLog(events)!.review,
          tasks: [],
        }),
      ),
    );
    expect((await get('supervisor', `/v1/stats/annual?year=${YEAR}`).expect(200)).body).toEqual(before);
  });

  test('of 40 concurrent countings of one event exactly one counts, and events of other subjects each count once', async () => {
    const at = `${YEAR + 5}-03-01T02:00:00.000Z`;
    const increments = subjectEventCounts([{ type: 'topic_raised', at, region: 'hebei' }]);
    await Promise.all(Array.from({ length: 40 }, () => countFigures(h.models, 'topic:t1', 1, increments)));
    const others = Array.from({ length: 30 }, (_, i) => `suggestion:s${i}`);
    await Promise.all(
      others.map((id) =>
        countFigures(h.models, id, 1, subjectEventCounts([{ type: 'suggestion_received', at, region: 'hebei' }])),
      ),
    );
    const figures = (await get('supervisor', `/v1/stats/annual?year=${YEAR + 5}&region=hebei`).expect(200)).body;
    expect(figures.topics).toEqual({ raised: 1, answered: 0 });
    expect(figures.suggestions).toEqual({ received: 30, answered: 0 });
  });
});

describe('the search (GET /v1/search)', () => {
  const hits = async (who: keyof typeof people, q: string) =>
    (await get(who, `/v1/search?q=${encodeURIComponent(q)}`).expect(200)).body.items as {
      reviewId: string;
      documentId: string;
      title: string;
      registrationNumber?: string;
      opinionNumber?: string;
      documentNumber?: string;
    }[];
  const ids = async (who: keyof typeof people, q: string) => (await hits(who, q)).map((h) => h.reviewId).sort();

  test('finds a review by part of its title, its 受理编号, its opinion number and its 文号', async () => {
    const [signed] = await hits('supervisor', '交通一体化');
    expect(signed).toMatchObject({
      reviewId: reviews.signed,
      documentId: documents.signed,
      title: '北京市促进京津冀交通一体化若干措施',
    });
    expect(await ids('supervisor', signed.registrationNumber!)).toEqual([reviews.signed]);
    expect(await ids('supervisor', signed.opinionNumber!)).toEqual([reviews.signed]);
    const { documentNumber } = issuanceBody();
    await post('bjDrafter', `/v1/documents/${documents.signed}/issuance`, issuanceBody({ documentNumber })).expect(201);
    const byDocumentNumber = await hits('bjReviewer', documentNumber);
    expect(byDocumentNumber).toEqual([expect.objectContaining({ reviewId: reviews.signed, documentNumber })]);
    expect(await ids('supervisor', '养交')).toEqual([]);
  });

  test('each role finds only what it may open: drafters their organisation, review bodies their region and what they were consulted on', async () => {
    const elderly = [reviews.rejected, reviews.tianjin].sort();
    expect(await ids('supervisor', '养老')).toEqual(elderly);
    expect(await ids('bjDrafter', '养老')).toEqual([reviews.rejected]);
    expect(await ids('tjDrafter', '养老')).toEqual([reviews.tianjin]);
    // Tianjin's reviewers were consulted on the signed Beijing review, never on the rejected one.
    expect(await ids('tjReviewer', '养老')).toEqual([reviews.tianjin]);
    expect(await ids('tjReviewer', '交通一体化')).toEqual([reviews.signed]);
    expect(await ids('bjReviewer', '养老')).toEqual([reviews.rejected]);
    expect(await ids('bjSigner', '北京市')).toEqual(
      [reviews.signed, reviews.rejected, reviews.returned, reviews.running].sort(),
    );
    const [signed] = await hits('supervisor', '交通一体化');
    expect(await ids('tjDrafter', signed.registrationNumber!)).toEqual([]);
  });

  test('refuses what is not a search', async () => {
    await get('supervisor', '/v1/search').expect(400);
    await get('supervisor', `/v1/search?q=${encodeURIComponent('养老')}&extra=1`).expect(400);
    await get('supervisor', `/v1/search?q=${'养'.repeat(101)}`).expect(400);
    await get('supervisor', '/v1/search?q[$ne]=1').expect(400);
    await request(h.app)
      .get(`/v1/search?q=${encodeURIComponent('养老')}`)
      .expect(401);
  });
});

test('the statistics (GET /v1/stats) equal a count made from the stored reviews and tasks after these journeys', async () => {
  const readStats = async () => (await get('supervisor', '/v1/stats').expect(200)).body as { at: string };
  await expectStatsEqualStore(readStats, h.models, h.config.timeModel);
});
