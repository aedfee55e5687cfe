/**
 * After the review, on real servers with compressed calendar days (CALENDAR_DAY_DURATION): issuance
 * (once, of an approved review only), the filing course (on time; late with reminder and
 * escalation; deferred then registered; correction advised then reported), the hash-chained log,
 * the catalogue, the public's suggestions and their abuse cases, repeal, and who may do what.
 */
import request from 'supertest';
import { firstBrokenLink } from '../platform/log-chain';
import type { LoggedEvent } from '../domain/review-log';
import { courseLog } from '../features/after-review/use-cases';
import { eventually, startHarness, type Harness } from './harness';
import {
  afterReviewCast,
  approvedDocument,
  draft,
  filingReport,
  issuanceBody,
  type people,
} from './support/after-review';

/** One calendar day. Long enough for a few HTTP calls inside a day, short enough for 30-day limits. */
const DAY_MS = 200;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    CALENDAR_DAY_DURATION: `${DAY_MS}ms`,
    FILING_DAYS: '{"beijing":30}',
    PUBLIC_SUGGESTIONS_PER_MINUTE: '8',
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const cast = afterReviewCast(() => h);
const { get, post } = cast;

interface Task {
  id: string;
  kind: string;
  status: string;
  dueAt: string | null;
  subject: { type: string; id: string };
  documentId: string;
}

/** `who`'s task of `kind` about `documentId` with `status`, once the workflow has stored it. */
function courseTask(who: keyof typeof people, documentId: string, kind: string, status = 'open') {
  return eventually(
    async () => {
      const items = (await get(who, `/v1/tasks?kind=${kind}&status=${status}&limit=100`).expect(200)).body
        .items as Task[];
      return items.find((t) => t.documentId === documentId);
    },
    `a ${status} ${kind} task of ${documentId} for ${who}`,
    30_000,
  );
}

async function issued(
  title?: string,
): Promise<{ documentId: string; filingId: string; body: Record<string, unknown> }> {
  const { documentId } = await approvedDocument(cast, title);
  const res = await post('drafter', `/v1/documents/${documentId}/issuance`, issuanceBody()).expect(201);
  return { documentId, filingId: res.body.filingId as string, body: res.body };
}

describe('issuance', () => {
  test('only the owning drafter issues, only after a review closed approved, and only once', async () => {
    const draftOnly = (await post('drafter', '/v1/documents', draft('未送审的文件')).expect(201)).body.id as string;
    const early = await post('drafter', `/v1/documents/${draftOnly}/issuance`, issuanceBody()).expect(409);
    expect(early.body.error.code).toBe('conflict');

    const { documentId, reviewId } = await approvedDocument(cast);
    await post('otherDrafter', `/v1/documents/${documentId}/issuance`, issuanceBody()).expect(404);
    await post('bjReviewer', `/v1/documents/${documentId}/issuance`, issuanceBody()).expect(403);
    const badDate = await post(
      'drafter',
      `/v1/documents/${documentId}/issuance`,
      issuanceBody({ publishedOn: '2027-02-30' }),
    );
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.details[0].path).toBe('publishedOn');
    await post('drafter', `/v1/documents/${documentId}/issuance`, { ...issuanceBody(), extra: 1 }).expect(400);

    const body = issuanceBody({ validityYears: 3 });
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () => post('drafter', `/v1/documents/${documentId}/issuance`, body)),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = attempts.find((r) => r.status === 201)!.body;
    expect(winner).toMatchObject({
      documentId,
      status: 'issued',
      validUntil: '2030-03-02',
      reviewId,
      filing: { status: 'due' },
    });

    const doc = (await get('drafter', `/v1/documents/${documentId}`).expect(200)).body;
    expect(doc).toMatchObject({
      status: 'issued',
      validUntil: '2030-03-02',
      issuance: { documentNumber: body.documentNumber },
    });
    // One filing task for the drafting office, due FILING_DAYS (30) compressed days after issuance.
    const filing = await courseTask('drafter', documentId, 'filing');
    expect(filing.subject).toEqual({ type: 'document', id: documentId });
    const issuedAt = Date.parse(
      (await get('drafter', `/v1/filings/${winner.filingId}`).expect(200)).body.history[0].at,
    );
    expect(Date.parse(filing.dueAt!) - issuedAt).toBe(30 * DAY_MS);
    // Another document may not take the same number.
    const other = await approvedDocument(cast, '另一份文件');
    await post('drafter', `/v1/documents/${other.documentId}/issuance`, { ...body }).expect(409);
  }, 120_000);
});

describe('filing', () => {
  test('filed on time, registered, reviewed with no issue: every step in a chained log and in the catalogue', async () => {
    const { documentId, filingId } = await issued();
    await post('otherDrafter', `/v1/documents/${documentId}/filings`, filingReport).expect(404);
    const badReport = await post('drafter', `/v1/documents/${documentId}/filings`, { report: { basis: 'x' } });
    expect(badReport.status).toBe(400);

    const filed = await post('drafter', `/v1/documents/${documentId}/filings`, filingReport).expect(202);
    expect(filed.body).toMatchObject({ filingId, status: 'submitted', onTime: true });
    await post('drafter', `/v1/documents/${documentId}/filings`, filingReport).expect(409);
    expect((await courseTask('drafter', documentId, 'filing', 'completed')).status).toBe('completed');

    // Only the region's reviewers see and decide the registration.
    const registration = await courseTask('bjReviewer', documentId, 'filing_registration');
    expect(registration.subject).toEqual({ type: 'filing', id: filingId });
    await post('tjReviewer', `/v1/tasks/${registration.id}/complete`, { decision: 'register' }).expect(404);
    await get('hbReviewer', `/v1/filings/${filingId}`).expect(404);
    await post('bjReviewer', `/v1/tasks/${registration.id}/complete`, { decision: 'no_issue' }).expect(400);
    await post('bjReviewer', `/v1/tasks/${registration.id}/complete`, { decision: 'refuse' }).expect(400);
    // Of concurrent registrations, one is recorded.
    const decisions = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('bjReviewer', `/v1/tasks/${registration.id}/complete`, { decision: 'register' }),
      ),
    );
    expect(decisions.filter((r) => r.status === 200)).toHaveLength(1);
    expect(decisions.filter((r) => r.status === 409)).toHaveLength(9);

    const review = await courseTask('bjReviewer', documentId, 'filing_review');
    await post('bjReviewer', `/v1/tasks/${review.id}/complete`, { decision: 'no_issue' }).expect(200);

    const filing = (await get('supervisor', `/v1/filings/${filingId}`).expect(200)).body;
    expect(filing).toMatchObject({ filingId, documentId, region: 'beijing', status: 'no_issue', onTime: true });
    expect(filing.outcome).toMatchObject({ decision: 'no_issue' });
    expect(filing.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['issued', 'filing_submitted', 'filing_registered', 'filing_reviewed']),
    );
    const log = await courseLog(h.ctx, documentId);
    expect(firstBrokenLink(log as unknown as LoggedEvent[])).toBeUndefined();
    // Tampering with any event breaks the chain from there.
    const tampered = log.map((e, i) => (i === 2 ? { ...e, at: '2000-01-01T00:00:00.000Z' } : e));
    expect(firstBrokenLink(tampered as unknown as LoggedEvent[])).toBe(3);

    const month = new Date(Date.parse(filing.registeredAt) + 8 * 3600_000).toISOString().slice(0, 7);
    const catalogue = (await get('tjReviewer', `/v1/filings/catalogue?region=beijing&month=${month}`).expect(200)).body;
    expect(catalogue.items.map((i: { filingId: string }) => i.filingId)).toContain(filingId);
    expect(catalogue).toHaveProperty('nextCursor');
    const page = await get('tjReviewer', `/v1/filings/catalogue?region=beijing&month=${month}`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain(filing.documentNumber);
    await get('tjReviewer', '/v1/filings/catalogue?region=beijing&month=2027-13').expect(400);
  }, 120_000);

  test('filed late: the drafter is reminded before the limit, then it is overdue and escalated to the supervisors', async () => {
    const { documentId, filingId } = await issued();
    const task = await courseTask('drafter', documentId, 'filing');
    const notes = async (who: 'drafter' | 'supervisor') =>
      (
        (await get(who, '/v1/notifications?limit=100').expect(200)).body.items as { type: string; taskId?: string }[]
      ).filter((n) => n.taskId === task.id);
    await eventually(
      async () => ((await notes('supervisor')).some((n) => n.type === 'escalation') ? true : undefined),
      'the escalation',
      30_000,
    );
    expect((await notes('drafter')).map((n) => n.type).sort()).toEqual(['overdue', 'reminder']);
    const overdueTask = await courseTask('drafter', documentId, 'filing');
    expect(overdueTask).toMatchObject({ overdue: true });

    const filed = await post('drafter', `/v1/documents/${documentId}/filings`, filingReport).expect(202);
    expect(filed.body).toMatchObject({ status: 'submitted', onTime: false });
    expect((await get('drafter', `/v1/filings/${filingId}`).expect(200)).body.onTime).toBe(false);
  }, 60_000);

  test('registration deferred for materials, supplied, then registered; correction advised, then reported', async () => {
    const { documentId, filingId } = await issued();
    await post('drafter', `/v1/documents/${documentId}/filings`, filingReport).expect(202);
    const first = await courseTask('bjReviewer', documentId, 'filing_registration');
    await post('bjReviewer', `/v1/tasks/${first.id}/complete`, { decision: 'defer' }).expect(400);
    await post('bjReviewer', `/v1/tasks/${first.id}/complete`, {
      decision: 'defer',
      missing: ['official_text'],
    }).expect(200);
    expect((await get('drafter', `/v1/filings/${filingId}`).expect(200)).body).toMatchObject({
      status: 'deferred',
      missing: ['official_text'],
    });
    const supplementTask = await courseTask('drafter', documentId, 'filing_supplement');
    expect(
      Date.parse(supplementTask.dueAt!) -
        Date.parse((await get('drafter', `/v1/filings/${filingId}`)).body.history.at(-1).at),
    ).toBe(15 * DAY_MS);
    await post('drafter', `/v1/filings/${filingId}/correction-report`, { text: '已改' }).expect(409);
    await post('otherDrafter', `/v1/filings/${filingId}/supplement`, { text: '正式文本' }).expect(404);
    await post('drafter', `/v1/filings/${filingId}/supplement`, { text: '已补充正式文本（纸质件已寄送）' }).expect(200);

    const second = await courseTask('bjReviewer', documentId, 'filing_registration');
    expect(second.id).not.toBe(first.id);
    await post('bjReviewer', `/v1/tasks/${second.id}/complete`, { decision: 'register' }).expect(200);
    const review = await courseTask('bjReviewer', documentId, 'filing_review');
    await post('bjReviewer', `/v1/tasks/${review.id}/complete`, { decision: 'correction_advised' }).expect(400);
    await post('bjReviewer', `/v1/tasks/${review.id}/complete`, {
      decision: 'correction_advised',
      opinion: '第二条施行日期应当明确',
    }).expect(200);
    const correction = await courseTask('drafter', documentId, 'filing_correction');
    expect(correction.dueAt).not.toBeNull();
    await post('drafter', `/v1/filings/${filingId}/correction-report`, { text: '已修改第二条并重新公布' }).expect(200);
    const filing = (await get('drafter', `/v1/filings/${filingId}`).expect(200)).body;
    expect(filing).toMatchObject({
      status: 'corrected',
      outcome: { decision: 'correction_advised', opinion: '第二条施行日期应当明确' },
      correctionReport: { text: '已修改第二条并重新公布' },
    });
    expect(filing.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['filing_deferred', 'filing_supplemented', 'filing_reviewed', 'correction_reported']),
    );
  }, 120_000);
});

describe('repeal', () => {
  test('the issuing unit repeals: the document is repealed, its open tasks cancelled, and suggestions refused', async () => {
    const { documentId, body } = await issued();
    await post('otherDrafter', `/v1/documents/${documentId}/repeal`, { reason: '不再适用' }).expect(404);
    await post('drafter', `/v1/documents/${documentId}/repeal`, {}).expect(400);
    const repealed = await post('drafter', `/v1/documents/${documentId}/repeal`, { reason: '已被新办法替代' }).expect(
      200,
    );
    expect(repealed.body).toEqual({ documentId, status: 'repealed' });
    expect((await get('drafter', `/v1/documents/${documentId}`).expect(200)).body.status).toBe('repealed');
    expect((await courseTask('drafter', documentId, 'filing', 'cancelled')).status).toBe('cancelled');
    await post('drafter', `/v1/documents/${documentId}/filings`, filingReport).expect(409);
    await request(h.app)
      .post('/v1/public/suggestions')
      .send({ documentNumber: body.documentNumber, text: '足够长的一段审查建议内容', contact: 'a' })
      .expect(404);
  }, 120_000);
});

describe('review suggestions from the public', () => {
  const publicPost = (body: object) => request(h.app).post('/v1/public/suggestions').send(body);
  const publicGet = (code: string) => request(h.app).get(`/v1/public/suggestions/${code}`);

  test('a suggestion gets a tracking code and a task for the issuing region, whose reply is all the status reveals', async () => {
    const { body } = await issued();
    const number = body.documentNumber as string;
    const sent = await publicPost({
      documentNumber: number,
      text: '第二条施行日期与上位法不一致，建议审查。',
      contact: '13800000000',
    }).expect(201);
    expect(Object.keys(sent.body)).toEqual(['code']);
    const code = sent.body.code as string;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await publicGet(code).expect(200)).body).toEqual({ status: 'received' });

    const task = await courseTask('bjReviewer', body.documentId as string, 'suggestion');
    expect(task.subject.type).toBe('suggestion');
    const read = (await get('bjReviewer', `/v1/tasks/${task.id}`).expect(200)).body;
    expect(read.suggestion).toMatchObject({ text: '第二条施行日期与上位法不一致，建议审查。', contact: '13800000000' });
    await get('tjReviewer', `/v1/tasks/${task.id}`).expect(404);
    await post('bjReviewer', `/v1/tasks/${task.id}/complete`, { decision: 'reply' }).expect(400);
    await post('bjReviewer', `/v1/tasks/${task.id}/complete`, {
      decision: 'reply',
      opinion: '经审查，该条与上位法一致。',
    }).expect(200);
    expect((await publicGet(code).expect(200)).body).toEqual({
      status: 'answered',
      reply: '经审查，该条与上位法一致。',
    });
  }, 120_000);

  test('bad input is a clear 400, an unknown number 404, guessed codes reveal nothing, and a flood is refused with 429', async () => {
    const unknownField = await publicPost({
      documentNumber: 'x',
      text: '足够长的一段审查建议内容',
      contact: 'a',
      admin: true,
    }).expect(400);
    expect(unknownField.body.error.code).toBe('validation_failed');
    const short = await publicPost({ documentNumber: '京交规〔2027〕1号', text: '太短', contact: 'a' }).expect(400);
    expect(short.body.error.details[0].path).toBe('text');
    await publicPost({ documentNumber: { $ne: null }, text: '足够长的一段审查建议内容', contact: 'a' }).expect(400);
    const unknown = await publicPost({
      documentNumber: '京交规〔1999〕9号',
      text: '足够长的一段审查建议内容',
      contact: 'a',
    }).expect(404);
    expect(unknown.body.error.details[0].path).toBe('documentNumber');
    await publicGet('not-a-code').expect(400);
    await publicGet('0123456789ABCDEFGHJKMNPQRS').expect(404);
    // A token changes nothing: the public routes never read it, and /v1 stays closed without one.
    await request(h.app).get('/v1/filings/catalogue?region=beijing&month=2027-03').expect(401);

    const flood = [];
    for (let i = 0; i < 6; i++) flood.push((await publicPost({ documentNumber: 'x', text: 'y', contact: 'z' })).status);
    expect(flood).toContain(429);
    expect(flood.at(-1)).toBe(429);
  });
});
