/**
 * Reviews of release 1 keep working: a mirror it stored is rewritten at start-up as a log and
 * projections the API serves, and a review workflow it started runs on to its end through the API,
 * its transitions written the new way.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_POLICY } from '../domain/clock';
import { LEGACY_WORKFLOW_TYPE, type LegacyReviewInput } from '../domain/legacy';
import type { Actor } from '../domain/model';
import { migrateRelease1Mirrors } from '../runtime/migrate-release1';
import { ReviewMachine as Release1Machine } from '../workflows/legacy/review-machine';
import { allPass, castOf, startHarness, type Claims, type Harness } from './harness';

const ORG = '天津市交通运输委员会';
const people: Record<string, Claims> = {
  drafter: { sub: 'tj-d', region: 'tianjin', roles: ['drafter'], org: ORG },
  tjReviewer: { sub: 'tj-r', region: 'tianjin', roles: ['reviewer'] },
  bjReviewer: { sub: 'bj-r', region: 'beijing', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-r', region: 'hebei', roles: ['reviewer'] },
  tjSigner: { sub: 'tj-s', region: 'tianjin', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
const { get, decide } = castOf(() => h, people);
const enc = encodeURIComponent;

function release1Input(documentId: string): LegacyReviewInput {
  return {
    reviewId: `review:${documentId}:1`,
    documentId,
    originRegion: 'tianjin',
    org: ORG,
    drafter: { sub: 'tj-d' },
    version: 1,
    articleNumbers: ['1', '2'],
    urgent: false,
    submittedAt: new Date().toISOString(),
    policy: DEFAULT_POLICY,
    timeModel: {},
  };
}

test('when the store holds a mirror of release 1, start-up rewrites it as a log and projections the API serves', async () => {
  const documentId = randomUUID();
  let n = 0;
  const machine = new Release1Machine(release1Input(documentId), () => `c${++n}`);
  const reviewer: Actor = { sub: 'tj-r', region: 'tianjin', roles: ['reviewer'] };
  machine.complete(
    machine.state.tasks[0].id,
    reviewer,
    { decision: 'request_changes', comments: [{ text: '须修改', severity: 'amend' }] },
    new Date().toISOString(),
  );
  const { state } = machine;
  // Exactly what release 1's persistReview wrote.
  await h.models.Review.collection.insertOne({
    _id: state.reviewId as never,
    documentId,
    originRegion: state.originRegion,
    org: state.org,
    status: state.status,
    stage: state.stage,
    submittedAt: new Date(state.submittedAt),
    earliestDueAt: null,
    stateVersion: state.stateVersion,
    state,
  });
  for (const { id, ...task } of state.tasks) {
    await h.models.Task.collection.insertOne({ _id: id as never, ...task, stateVersion: state.stateVersion });
  }

  expect(await migrateRelease1Mirrors(h.models)).toBeGreaterThanOrEqual(1);
  expect(await migrateRelease1Mirrors(h.models)).toBe(0); // once

  const review = (await get('drafter', `/v1/reviews/${enc(state.reviewId)}`).expect(200)).body;
  expect(review).toMatchObject({ stage: 'revision', status: 'in_review', version: 1 });
  expect(review.history.map((e: { type: string }) => e.type)).toEqual(state.history.map((e) => e.type));
  expect(review.openTasks).toEqual([expect.objectContaining({ kind: 'revision', status: 'open' })]);
  const verified = (await get('supervisor', `/v1/reviews/${enc(state.reviewId)}/events/verify`).expect(200)).body;
  expect(verified).toEqual({ ok: true, events: state.history.length });
  const stored = await h.models.Review.collection.findOne({ _id: state.reviewId as never });
  expect(stored).not.toHaveProperty('state');
});

test('when a review workflow of release 1 is still running, it runs to its end through the API', async () => {
  const documentId = randomUUID();
  const input = release1Input(documentId);
  await h.client.workflow.start(LEGACY_WORKFLOW_TYPE, {
    workflowId: input.reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [input],
  });
  await decide('tjReviewer', input.reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('bjReviewer', input.reviewId, 'consultation', { decision: 'concur' });
  await decide('hbReviewer', input.reviewId, 'consultation', { decision: 'concur' });
  const signed = await decide('tjSigner', input.reviewId, 'signoff', { decision: 'sign' });
  expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });

  const review = (await get('supervisor', `/v1/reviews/${enc(input.reviewId)}`).expect(200)).body;
  expect(review).toMatchObject({ status: 'approved', stage: 'closed' });
  const opinion = (await get('supervisor', `/v1/reviews/${enc(input.reviewId)}/opinion`).expect(200)).body;
  expect(opinion.conclusion).toBe('legal');
  const verified = (await get('supervisor', `/v1/reviews/${enc(input.reviewId)}/events/verify`).expect(200)).body;
  expect(verified.ok).toBe(true);
});
