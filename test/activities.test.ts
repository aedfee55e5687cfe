/**
 * The recording activity on the embedded store: an append is idempotent under retries, a
 * transition recorded late never moves a projection back, the hash chain holds and shows
 * tampering, and nothing is stored for a request the API did not sign. Activities run in Temporal's
 * mock activity environment.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import mongoose from 'mongoose';
import { createActivities, type RecordTransitionInput } from '../activities';
import { DEFAULT_POLICY } from '../domain/clock';
import { CHECK_ITEMS } from '../domain/model';
import { reviewProjection, touchedTasks } from '../domain/projection';
import { GENESIS_HASH } from '../domain/review-log';
import { firstBrokenLink } from '../platform/log-chain';
import { parseSigningKeys, signRequest } from '../platform/signing';
import { firstReviewMonth, noteReviewMonth, type EventDoc, type Models } from '../store/models';
import { ReviewMachine } from '../workflows/review-machine';
import { suiteStore } from './harness';

let store: Awaited<ReturnType<typeof suiteStore>>;
let models: Models;
const env = new MockActivityEnvironment();
const signingKeys = parseSigningKeys('test-1:activity-test-signing-key-0123456789abcdef');

beforeAll(async () => {
  store = await suiteStore('a');
  models = store.models;
});
afterAll(async () => {
  await store?.drop();
});

const reviewer = { sub: 'r', region: 'tianjin' as const, roles: ['reviewer' as const] };

/** A review submitted (by default on Wednesday 1 April 2026, 10:00 CST) and accepted at intake at once. */
function machine(documentId: string, submittedAt = '2026-04-01T02:00:00.000Z'): ReviewMachine {
  let n = 0;
  const m = ReviewMachine.submit(
    {
      reviewId: `review:${documentId}:1`,
      documentId,
      originRegion: 'tianjin',
      org: '天津市商务局',
      drafter: { sub: 'd' },
      version: 1,
      articleNumbers: ['1'],
      urgent: false,
      submittedAt,
      policy: DEFAULT_POLICY,
      timeModel: {},
    },
    () => `${documentId}-c${++n}`,
  );
  m.complete(m.state.tasks[0].id, reviewer, { decision: 'accept' }, submittedAt);
  return m;
}

const allPass = CHECK_ITEMS.map((item) => ({ item, result: 'pass' as const }));

const originTask = (m: ReviewMachine) => m.state.tasks.find((t) => t.kind === 'origin_review' && t.status === 'open')!;

/** What the workflow sends to record the transition `m` has just made, chained on `prevHash`. */
function transition(m: ReviewMachine, prevHash: string): RecordTransitionInput {
  const events = m.drainEvents();
  const state = structuredClone(m.state);
  return {
    workflowId: state.reviewId,
    run: 'test-run',
    events,
    prevHash,
    review: reviewProjection(state),
    tasks: touchedTasks(state, events),
  };
}

/** Runs the activity as a worker would (its models bound at call time, after beforeAll). */
function recordTransition(input: RecordTransitionInput): Promise<{ lastHash: string }> {
  const { recordTransition: activity } = createActivities({ models, signingKeys });
  return env.run(activity, input);
}

async function logOf(reviewId: string): Promise<EventDoc[]> {
  return (await models.Event.find({ reviewId }).lean<EventDoc[]>()).sort((a, b) => a.seq - b.seq);
}

/** The origin reviewer asks for changes with one comment: a transition that issues a numbered letter. */
function requestChanges(m: ReviewMachine): void {
  m.complete(
    originTask(m).id,
    reviewer,
    { decision: 'request_changes', comments: [{ article: '1', text: '须修改', severity: 'amend' }] },
    '2026-04-02T02:00:00.000Z',
  );
}

/** The store calls (`collection.method`, through Mongoose's debug hook) that `run` makes. */
async function storeCallsOf(run: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => void calls.push(`${collection}.${method}`));
  try {
    await run();
  } finally {
    mongoose.set('debug', false);
  }
  return calls;
}

describe('recordTransition', () => {
  test('when the same transition is recorded twice (a retry), nothing is duplicated and the chain is the same', async () => {
    const documentId = randomUUID();
    const m = machine(documentId);
    const first = await recordTransition(transition(m, GENESIS_HASH));
    requestChanges(m);
    const input = transition(m, first.lastHash);
    const once = await recordTransition(input);
    const twice = await recordTransition(input);
    expect(twice.lastHash).toBe(once.lastHash);
    expect(await models.Comment.countDocuments({ documentId })).toBe(1);
    expect(await models.Task.countDocuments({ documentId })).toBe(3); // intake, origin review, revision
    const log = await logOf(m.state.reviewId);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: m.state.lastSeq }, (_, i) => i + 1));
    expect(log[log.length - 1].hash).toBe(once.lastHash);
    expect(firstBrokenLink(log)).toBeUndefined();

    // The letter's event carries its page's hash; a retry cut short before the letter was frozen
    // freezes the same page again, under the hash its event carries.
    const letterEvent = log.find((e) => e.type === 'revision_letter')!;
    const letter = (await models.Record.findOne({ reviewId: m.state.reviewId, kind: 'revision_letter' }).lean())!;
    expect((letterEvent.data as { recordSha256?: string }).recordSha256).toBe(letter.sha256);
    await models.Record.deleteOne({ _id: letter._id });
    expect((await recordTransition(input)).lastHash).toBe(once.lastHash);
    expect(await models.Record.findById(letter._id).lean()).toMatchObject({ sha256: letter.sha256, html: letter.html });
  });

  test('when a transition recorded earlier arrives again after a later one, the projections stay at the later one', async () => {
    const m = machine(randomUUID());
    const origin = originTask(m);
    const earlier = transition(m, GENESIS_HASH);
    const { lastHash } = await recordTransition(earlier);
    m.withdraw({ sub: 'd', region: 'tianjin', roles: ['drafter'], org: '天津市商务局' }, '2026-04-02T02:00:00.000Z');
    await recordTransition(transition(m, lastHash));
    await recordTransition(earlier);
    expect(await models.Review.findById(m.state.reviewId).lean()).toMatchObject({
      status: 'withdrawn',
      lastSeq: m.state.lastSeq,
    });
    expect(await models.Task.findById(origin.id).lean()).toMatchObject({ status: 'cancelled' });
  });

  test('when a deadline transition is recorded twice, each notification is stored once and the review knows its next due date', async () => {
    const m = machine(randomUUID());
    const origin = originTask(m);
    const { lastHash } = await recordTransition(transition(m, GENESIS_HASH));
    expect((await models.Review.findById(m.state.reviewId).lean())?.earliestDueAt?.toISOString()).toBe(origin.dueAt);

    expect(m.fireDeadlines(origin.dueAt as string)).toBe(true); // overdue: notice and escalation
    const input = transition(m, lastHash);
    await recordTransition(input);
    await recordTransition(input);
    const stored = await models.Notification.find({ reviewId: m.state.reviewId }).sort({ _id: 1 }).lean();
    // The deadline notices (the tasks' arrival notices, type `task`, are test/next-steps.test.ts's).
    const deadlineNotices = stored.filter((n) => n.type !== 'task');
    expect(deadlineNotices.map((n) => [n._id, n.type, n.audience])).toEqual([
      [`${origin.id}:escalation`, 'escalation', { role: 'supervisor' }],
      [`${origin.id}:overdue`, 'overdue', { role: 'reviewer', region: 'tianjin' }],
    ]);
    expect(await models.Task.findById(origin.id).lean()).toMatchObject({ overdueAt: origin.dueAt });
  });

  test('when a stored event is altered, the chain names it as the first broken link', async () => {
    const m = machine(randomUUID());
    const { lastHash } = await recordTransition(transition(m, GENESIS_HASH));
    requestChanges(m);
    await recordTransition(transition(m, lastHash));
    const reviewId = m.state.reviewId;
    const completed = (await logOf(reviewId)).find((e) => e.type === 'task_completed')!;
    await models.Event.collection.updateOne({ _id: completed._id } as never, {
      $set: { 'data.comments.0.text': '无意见' },
    });
    expect(firstBrokenLink(await logOf(reviewId))).toBe(completed.seq);

    // Removing it is found too: the gap is named.
    await models.Event.collection.deleteOne({ _id: completed._id } as never);
    expect(firstBrokenLink(await logOf(reviewId))).toBe(completed.seq);
  });

  test('when a transition opens tasks, each is stored in one round trip (an insert, not an update that finds nothing first)', async () => {
    const m = machine(randomUUID());
    const { lastHash } = await recordTransition(transition(m, GENESIS_HASH));
    m.complete(originTask(m).id, reviewer, { decision: 'approve', checklist: allPass }, '2026-04-02T02:00:00.000Z');
    const input = transition(m, lastHash);
    const opened = input.events.filter((e) => e.type === 'task_opened').length;
    expect(opened).toBe(2); // the two consultations
    const calls = await storeCallsOf(() => recordTransition(input));
    const onTasks = calls.filter((c) => c.startsWith('tasks.'));
    // The origin review task moves forward (one update); each opened one is inserted.
    expect(onTasks.sort()).toEqual(['tasks.insertOne', 'tasks.insertOne', 'tasks.updateOne']);
    console.log(
      `store round trips recording an approval that opens two consultations: ${calls.length}\n${calls.join('\n')}`,
    );
  });

  test('when a first recording issues a numbered letter, it takes the number in two round trips and reads the log once', async () => {
    const m = machine(randomUUID());
    const { lastHash } = await recordTransition(transition(m, GENESIS_HASH));
    requestChanges(m);
    const input = transition(m, lastHash);
    const calls = await storeCallsOf(() => recordTransition(input));
    // The series' last number, then the insert; the event's own number is looked up only when refused.
    expect(calls.filter((c) => c.startsWith('numbers.'))).toEqual(['numbers.find', 'numbers.insertOne']);
    // The letter is built from the log read once; whether this is a retry is one read by id.
    const eventReads = calls.filter((c) => c.startsWith('events.find')).sort();
    expect(eventReads).toEqual(['events.find', 'events.findOne']);
    // Registration at acceptance and the letter: one number each, a retry taking none.
    await recordTransition(input);
    const numbers = await models.Number.find({ reviewId: m.state.reviewId }).lean();
    expect(numbers.map((n) => n.series.split(':')[0]).sort()).toEqual(['registration', 'revision']);
  });

  test('when the request behind a transition is not signed by the API, nothing is stored', async () => {
    const m = machine(randomUUID());
    const input = transition(m, GENESIS_HASH);
    const forged = signRequest(
      parseSigningKeys('test-1:not-the-api-key-but-long-enough-0123456789'),
      'start',
      input.workflowId,
      {},
    );
    await expect(
      recordTransition({ ...input, vouch: { purpose: 'start' as const, request: forged } }),
    ).rejects.toMatchObject({
      type: 'forbidden',
      nonRetryable: true,
    });
    expect(await models.Event.countDocuments({ reviewId: input.workflowId })).toBe(0);
    expect(await models.Review.countDocuments({ _id: input.workflowId })).toBe(0);

    const genuine = signRequest(signingKeys, 'start', input.workflowId, {});
    await recordTransition({ ...input, vouch: { purpose: 'start' as const, request: genuine } });
    expect(await models.Event.countDocuments({ reviewId: input.workflowId })).toBe(input.events.length);
  });

  test('when the first reviews of an empty store are recorded at once, each is stored and the oldest month is kept', async () => {
    await models.StoreMeta.deleteMany({});
    // Twenty reviews from January to May 2026 (the 5th of each month, 10:00 CST), all recorded at once.
    const inputs = Array.from({ length: 20 }, (_, i) => {
      const month = String(5 - (i % 5)).padStart(2, '0');
      return transition(machine(randomUUID(), `2026-${month}-05T02:00:00.000Z`), GENESIS_HASH);
    });
    const outcomes = await Promise.allSettled(inputs.map((input) => recordTransition(input)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await firstReviewMonth(models)).toBe('2026-01');
  });

  test('when fifty months are noted at once, none is lost (an upsert race on this store loses some)', async () => {
    for (let round = 0; round < 5; round++) {
      await models.StoreMeta.deleteMany({});
      const months = Array.from({ length: 50 }, (_, i) => `2026-${String((i % 9) + 1).padStart(2, '0')}`);
      await Promise.all(months.map((m) => noteReviewMonth(models, m)));
      expect(await firstReviewMonth(models)).toBe('2026-01');
      expect((await models.StoreMeta.find({}).lean()).map((d) => d.month).sort()).toEqual([...new Set(months)].sort());
    }
  });
});
