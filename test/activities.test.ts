/**
 * The persistence activity is idempotent and never moves the MongoDB mirror backwards, whatever
 * order its retries arrive in. Real FerretDB, activities run in Temporal's mock activity environment.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Connection } from 'mongoose';
import { createActivities, type PersistReviewInput } from '../activities';
import { DEFAULT_POLICY } from '../domain/clock';
import { connectMongo } from '../runtime/connections';
import { createModels, ensureIndexes, type Models } from '../store/models';
import { ReviewMachine } from '../workflows/review-machine';

let mongo: Connection;
let models: Models;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run through jest');
  mongo = await connectMongo(`${base}/a_${randomUUID().slice(0, 8)}`);
  models = createModels(mongo);
  await ensureIndexes(models);
});
afterAll(async () => {
  await mongo?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

function machine(documentId: string): ReviewMachine {
  let n = 0;
  return new ReviewMachine(
    {
      reviewId: `review:${documentId}:1`,
      documentId,
      originRegion: 'tianjin',
      org: '天津市商务局',
      drafter: { sub: 'd' },
      version: 1,
      articleNumbers: ['1'],
      urgent: false,
      submittedAt: '2026-04-01T02:00:00.000Z',
      policy: DEFAULT_POLICY,
      timeModel: {},
    },
    () => `${documentId}-c${++n}`,
  );
}

const snapshot = (m: ReviewMachine): PersistReviewInput => ({
  state: structuredClone(m.state),
  ...structuredClone(m.drainPending()),
});

describe('persistReview activity', () => {
  test('when the same transition is persisted twice, nothing is duplicated', async () => {
    const { persistReview } = createActivities({ models });
    const documentId = randomUUID();
    const m = machine(documentId);
    const task = m.state.tasks[0];
    m.complete(
      task.id,
      { sub: 'r', region: 'tianjin', roles: ['reviewer'] },
      { decision: 'request_changes', comments: [{ article: '1', text: '须修改', severity: 'amend' }] },
      '2026-04-02T02:00:00.000Z',
    );
    const input = snapshot(m);
    await env.run(persistReview, input);
    await env.run(persistReview, input);
    expect(await models.Comment.countDocuments({ documentId })).toBe(1);
    expect(await models.Task.countDocuments({ documentId })).toBe(2);
    expect((await models.Review.findById(m.state.reviewId).lean())?.state.history).toHaveLength(m.state.history.length);
  });

  test('when an older snapshot arrives after a newer one, the newer one stays', async () => {
    const { persistReview } = createActivities({ models });
    const documentId = randomUUID();
    const m = machine(documentId);
    const older = snapshot(m);
    m.withdraw({ sub: 'd', region: 'tianjin', roles: ['drafter'], org: '天津市商务局' }, '2026-04-02T02:00:00.000Z');
    const newer = snapshot(m);
    await env.run(persistReview, newer);
    await env.run(persistReview, older);
    expect(await models.Review.findById(m.state.reviewId).lean()).toMatchObject({
      status: 'withdrawn',
      stateVersion: newer.state.stateVersion,
    });
    expect(await models.Task.findById(m.state.tasks[0].id).lean()).toMatchObject({ status: 'cancelled' });
  });

  test('when a deadline transition is persisted twice, each notification is stored once and the mirror knows the next due date', async () => {
    const { persistReview } = createActivities({ models });
    const documentId = randomUUID();
    const m = machine(documentId); // submitted Wednesday 1 April 2026, 10:00 CST
    const origin = m.state.tasks[0];
    await env.run(persistReview, snapshot(m));
    expect((await models.Review.findById(m.state.reviewId).lean())?.earliestDueAt?.toISOString()).toBe(origin.dueAt);

    expect(m.fireDeadlines(origin.dueAt as string)).toBe(true); // overdue: notice and escalation
    const input = snapshot(m);
    await env.run(persistReview, input);
    await env.run(persistReview, input);
    const stored = await models.Notification.find({ reviewId: m.state.reviewId }).sort({ _id: 1 }).lean();
    expect(stored.map((n) => [n._id, n.type, n.audience])).toEqual([
      [`${origin.id}:escalation`, 'escalation', { role: 'supervisor' }],
      [`${origin.id}:overdue`, 'overdue', { role: 'reviewer', region: 'tianjin' }],
    ]);
    expect(await models.Task.findById(origin.id).lean()).toMatchObject({ overdueAt: origin.dueAt });
  });

  test('when a resubmitted version does not exist, loading its facts fails without retrying', async () => {
    const { loadVersionFacts } = createActivities({ models });
    await expect(env.run(loadVersionFacts, { documentId: 'none', version: 9 })).rejects.toMatchObject({
      nonRetryable: true,
      type: 'validation_failed',
    });
  });
});
