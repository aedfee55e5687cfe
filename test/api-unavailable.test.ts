/**
 * When the review engine cannot confirm a decision (here: no worker is running), the API answers
 * 503 within DECISION_TIMEOUT instead of hanging, and a retry with the same Idempotency-Key once
 * the worker is back records the decision exactly once.
 */
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ DECISION_TIMEOUT: '1s' });
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  drafter: { sub: 'hb-drafter', region: 'hebei', roles: ['drafter'], org: '河北省交通运输厅' },
  reviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
} satisfies Record<string, Claims>;
const { get, post, accept } = castOf(() => h, people);

test('when no worker confirms a decision in time, it is 503, and a keyed retry after recovery records it once', async () => {
  const doc = await post('drafter', '/v1/documents', {
    title: '河北省公路治超若干规定',
    articles: [{ number: '1', text: '为加强公路治超管理，制定本规定。' }],
    legalBasis: ['《公路安全保护条例》'],
    materials: { draftingExplanation: '说明' },
  }).expect(201);
  // The submission runs under the same 1 s budget: on a busy machine its first answer may be 503,
  // and the keyed resend the contract prescribes is what a client does then.
  const { reviewId } = await eventually(async () => {
    const res = await post('drafter', `/v1/documents/${doc.body.id}/reviews`).set('Idempotency-Key', 'submit-once');
    if (res.status !== 202 && res.status !== 503) throw new Error(`submission answered ${res.status}`);
    return res.status === 202 ? (res.body as { reviewId: string }) : undefined;
  }, 'the submission');
  await accept('reviewer', reviewId);
  const taskId = await eventually(async () => {
    const res = await get(
      'reviewer',
      `/v1/tasks?status=open&kind=origin_review&reviewId=${encodeURIComponent(reviewId)}`,
    ).expect(200);
    return (res.body.items as { id: string }[])[0]?.id;
  }, 'the origin review task');

  await h.worker.stop();
  const decide = () =>
    post('reviewer', `/v1/tasks/${taskId}/complete`, { decision: 'approve', checklist: allPass }).set(
      'Idempotency-Key',
      'k1',
    );
  const started = Date.now();
  const refused = await decide().expect(503);
  expect(refused.body.error.code).toBe('unavailable');
  expect(Date.now() - started).toBeLessThan(10_000);

  await h.replaceWorker();
  // The stopped worker's sticky queue can hold the pending workflow task for a few seconds before
  // the server hands it to the new worker, so the client keeps retrying with the same key, as real
  // clients do after a 503, until the engine answers.
  const accepted = await eventually(
    async () => {
      const res = await decide();
      if (res.status === 503) return undefined;
      return res;
    },
    'the engine to accept the keyed retry',
    30_000,
  );
  expect(accepted.status).toBe(200);
  expect(accepted.body.review).toEqual({ status: 'in_review', stage: 'consultation' });
  const review = await get('drafter', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200);
  const decisions = (review.body.history as { type: string; taskId?: string }[]).filter(
    (e) => e.type === 'task_completed' && e.taskId === taskId,
  );
  expect(decisions).toHaveLength(1);
});
