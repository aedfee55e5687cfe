/**
 * What must happen once happens once, on the embedded store, under dozens of concurrent requests:
 * one active review per document, one accepted decision per task (with one recording activity for
 * it), one number per version, and one answer per idempotency key.
 */
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { CHECK_ITEMS } from '../domain/model';
import { createApp } from '../api/app';
import { castOf, startHarness, type Claims, type Harness } from './harness';

const ORG = '北京市水务局';
const people: Record<string, Claims> = {
  drafter: { sub: 'd', region: 'beijing', roles: ['drafter'], org: ORG },
  reviewer: { sub: 'r', region: 'beijing', roles: ['reviewer'] },
};
const approve = { decision: 'approve', checklist: CHECK_ITEMS.map((item) => ({ item, result: 'pass' })) };
const draft = {
  title: '北京市节约用水办法实施细则',
  articles: [
    { number: '1', text: '为了节约用水，制定本细则。' },
    { number: '2', text: '用水单位应当建立节水制度。' },
  ],
  legalBasis: ['《北京市节约用水办法》'],
  materials: { draftingExplanation: '起草说明' },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
const { auth, post, task, accept } = castOf(() => h, people);
const N = 50;

function tally(statuses: number[]): Record<number, number> {
  return statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
}

/** A review submitted and accepted at intake. */
async function submitted(): Promise<{ documentId: string; reviewId: string }> {
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('reviewer', reviewId);
  return { documentId, reviewId };
}

/** How many recording activities the review's workflow has scheduled. */
async function recordings(reviewId: string): Promise<number> {
  const history = await h.client.workflow.getHandle(reviewId).fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  ).length;
}

test(`when ${N} submissions of one document race, exactly one is accepted and one workflow runs`, async () => {
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const answers = await Promise.all(
    Array.from({ length: N }, () => post('drafter', `/v1/documents/${documentId}/reviews`)),
  );
  expect(tally(answers.map((a) => a.status))).toEqual({ 202: 1, 409: N - 1 });
  const winner = answers.find((a) => a.status === 202)!.body.reviewId as string;
  expect(winner).toBe(`review:${documentId}:1`);
  expect(await h.models.ReviewClaim.countDocuments({ _id: documentId })).toBe(1);
  expect(await h.models.Review.countDocuments({ documentId })).toBe(1);
  await expect(h.client.workflow.getHandle(`review:${documentId}:2`).describe()).rejects.toThrow(/not found/i);
  const document = (await post('drafter', '/v1/documents', draft).expect(201)).body; // the store still answers
  expect(document.id).toBeDefined();
});

test(`when ${N} decisions on one task race, exactly one is recorded, the others get 409, and one activity records it`, async () => {
  const { reviewId } = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const before = await recordings(reviewId);
  const answers = await Promise.all(
    Array.from({ length: N }, () => post('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}/complete`, approve)),
  );
  expect(tally(answers.map((a) => a.status))).toEqual({ 200: 1, 409: N - 1 });
  expect(await h.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(1);
  expect(await recordings(reviewId)).toBe(before + 1);
});

test(`when ${N} resubmissions of one revision race, one is recorded and the others get 409`, async () => {
  const { documentId, reviewId } = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  await post('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}/complete`, {
    decision: 'request_changes',
    comments: [{ article: '2', text: '须明确节水制度的内容', severity: 'amend' }],
  }).expect(200);
  await post('drafter', `/v1/documents/${documentId}/versions`, draft).expect(201);
  const [comment] = await h.models.Comment.find({ reviewId }).lean();
  const revision = await task('drafter', reviewId, 'revision');
  const before = await recordings(reviewId);
  const answers = await Promise.all(
    Array.from({ length: N }, () =>
      post('drafter', `/v1/tasks/${encodeURIComponent(revision.id)}/complete`, {
        decision: 'resubmit',
        dispositions: [{ commentId: comment._id, status: 'adopted' }],
      }),
    ),
  );
  expect(tally(answers.map((a) => a.status))).toEqual({ 200: 1, 409: N - 1 });
  expect(await h.models.Event.countDocuments({ reviewId, type: 'resubmitted' })).toBe(1);
  expect(await recordings(reviewId)).toBe(before + 1);
});

test(`when ${N} revisions of one document race, each gets its own version number and none is lost`, async () => {
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      post('drafter', `/v1/documents/${documentId}/versions`, { ...draft, title: `第${i}稿` }),
    ),
  );
  expect(tally(answers.map((a) => a.status))).toEqual({ 201: N });
  const numbers = answers.map((a) => a.body.version as number).sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: N }, (_, i) => i + 2));
  const versions = await h.models.Version.find({ documentId }).lean();
  expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, ...numbers]);
});

test(`when one keyed decision is sent ${N / 5} times at once, every copy gets the one answer; another body under the key is 422`, async () => {
  const { reviewId } = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const path = `/v1/tasks/${encodeURIComponent(origin.id)}/complete`;
  const keyed = () => post('reviewer', path, approve).set('Idempotency-Key', 'approve-once');
  const answers = await Promise.all(Array.from({ length: N / 5 }, keyed));
  // Copies that found the first one in flight joined it; those after it replay its answer.
  expect(tally(answers.map((a) => a.status))).toEqual({ 200: N / 5 });
  for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
  expect((await keyed()).body).toEqual(answers[0].body);
  const other = await post('reviewer', path, { ...approve, checklist: approve.checklist.slice(0, 6) }).set(
    'Idempotency-Key',
    'approve-once',
  );
  expect(other.status).toBe(422);
  expect(other.body.error.code).toBe('idempotency_mismatch');
  expect(await h.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(1);
});

test('when a keyed withdrawal is retried, the retry gets the first answer; a new request is refused', async () => {
  const { reviewId } = await submitted();
  const path = `/v1/reviews/${encodeURIComponent(reviewId)}/withdraw`;
  const first = await post('drafter', path, { reason: '政策调整' }).set('Idempotency-Key', 'withdraw-1').expect(200);
  const retried = await post('drafter', path, { reason: '政策调整' }).set('Idempotency-Key', 'withdraw-1').expect(200);
  expect(retried.body).toEqual(first.body);
  expect(first.body).toMatchObject({ status: 'withdrawn', stage: 'closed' });
  await post('drafter', path, { reason: '政策调整' }).set('Idempotency-Key', 'withdraw-2').expect(409);
  await post('drafter', path, { reason: '另一个理由' }).set('Idempotency-Key', 'withdraw-1').expect(422);
  expect(await h.models.Event.countDocuments({ reviewId, type: 'withdrawn' })).toBe(1);
});

test(`when ${N} decisions on one task race through two API processes, one is recorded and the others get 409`, async () => {
  const { reviewId } = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const before = await recordings(reviewId);
  // A second API process: its own application, so its own decisions in flight, on the same store and Temporal.
  const second = createApp({ app: h.ctx, readiness: () => Promise.resolve({ mongodb: true, temporal: true }) });
  const path = `/v1/tasks/${encodeURIComponent(origin.id)}/complete`;
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      i % 2 === 0 ? post('reviewer', path, approve) : request(second).post(path).set(auth('reviewer')).send(approve),
    ),
  );
  expect(tally(answers.map((a) => a.status))).toEqual({ 200: 1, 409: N - 1 });
  expect(await h.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(1);
  expect(await recordings(reviewId)).toBe(before + 1);
});

test('a decision costs no store round trip for a lock, and a retry right after a refused one is not 409', async () => {
  const { reviewId } = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const path = `/v1/tasks/${encodeURIComponent(origin.id)}/complete`;
  const calls: string[] = [];
  h.mongo.set('debug', (collection: string, method: string) => calls.push(`${collection}.${method}`));
  let refused;
  try {
    // Refused by the workflow (a checklist item missing), then sent again at once, whole.
    refused = await post('reviewer', path, { ...approve, checklist: approve.checklist.slice(0, 6) });
    const retried = await post('reviewer', path, approve);
    expect({ status: retried.status, stage: retried.body.review?.stage }).toEqual({
      status: 200,
      stage: 'consultation',
    });
  } finally {
    h.mongo.set('debug', false);
  }
  // The workflow's validator refused it (the request schema lets six items through).
  expect({
    status: refused.status,
    code: refused.body.error?.code,
    path: refused.body.error?.details?.[0]?.path,
  }).toEqual({ status: 400, code: 'validation_failed', path: 'checklist' });
  expect(calls.filter((c) => c.startsWith('decisionLocks.'))).toEqual([]);
});

test(`when one keyed draft is sent ${N / 5} times at once, one document is made and every copy answers it; another draft under the key is 422`, async () => {
  const keyed = (body: object = draft) => post('drafter', '/v1/documents', body).set('Idempotency-Key', 'draft-once');
  const answers = await Promise.all(Array.from({ length: N / 5 }, () => keyed()));
  expect(tally(answers.map((a) => a.status))).toEqual({ 201: N / 5 });
  const id = answers[0].body.id as string;
  for (const answer of answers) expect(answer.body).toMatchObject({ id, title: draft.title, currentVersion: 1 });
  expect(await h.models.Document.countDocuments({ _id: id })).toBe(1);
  expect(await h.models.Version.countDocuments({ documentId: id })).toBe(1);
  const other = await keyed({ ...draft, title: '另一份草案' });
  expect({ status: other.status, code: other.body.error?.code }).toEqual({ status: 422, code: 'idempotency_mismatch' });
  // The key is the caller's own: another drafter's copy makes another document.
  const colleague = await request(h.app)
    .post('/v1/documents')
    .set({ Authorization: `Bearer ${h.token({ ...people.drafter, sub: 'd2' })}` })
    .set('Idempotency-Key', 'draft-once')
    .send(draft)
    .expect(201);
  expect(colleague.body.id).not.toBe(id);
});

test('when a keyed creation is cut off between its version and its document, its retry makes the document once', async () => {
  const keyed = () => post('drafter', '/v1/documents', draft).set('Idempotency-Key', 'draft-cut-off');
  // The first copy's process "dies" after storing the version: its document write never happens.
  const before = new Date();
  const create = jest.spyOn(h.models.Document, 'create').mockRejectedValueOnce(new Error('process killed'));
  try {
    expect((await keyed()).status).toBe(500);
  } finally {
    create.mockRestore();
  }
  const cutOff = await h.models.Version.find({ createdAt: { $gte: before } }).lean();
  expect(cutOff).toHaveLength(1);
  const [left] = cutOff;
  expect(await h.models.Document.countDocuments({ _id: left.documentId })).toBe(0);
  const retries = await Promise.all(Array.from({ length: N / 5 }, keyed));
  expect(tally(retries.map((a) => a.status))).toEqual({ 201: N / 5 });
  for (const retry of retries) expect(retry.body).toMatchObject({ id: left.documentId, currentVersion: 1 });
  expect(await h.models.Document.countDocuments({ _id: left.documentId })).toBe(1);
  expect(await h.models.Version.countDocuments({ documentId: left.documentId })).toBe(1);
  // The document made is a whole one: it can be submitted.
  await post('drafter', `/v1/documents/${left.documentId}/reviews`).expect(202);
});
