/**
 * The benchmark's seeding writes exactly what the app would. The same planned journeys are played
 * twice: through the app's own routes (supertest against the real Express app) and the real
 * `recordTransition` activity, into one database; and through `seedReviews` / `recordPlan`, which
 * bulk-inserts the outcome, into another. Every stored document of every collection must be equal.
 *
 * No workflow runs here: the routes' Temporal client is a stand-in that plays each request on the
 * review machine the way `workflows/review.ts` does (one transition at a time, planned on a fork,
 * events stamped with the request id, recorded by the activity before they are adopted, the numbers
 * the recording assigned taken into the state), and fires the deadlines its timers would between
 * requests. Time is the plan's: `Date` is pinned to each request's instant, so the store's own
 * timestamps match too (a frozen record's `createdAt` included). The numbers run across the reviews
 * in the order they are played, which the seeding reproduces with one counter for the store.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import jwt from 'jsonwebtoken';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { createActivities, type RecordTransitionInput, type RecordTransitionResult } from '../activities';
import type { Claims } from '../api/auth';
import { createApp } from '../api/app';
import type { CompleteTaskRequest, ReviewInput, Signed, SubmittedReview, WithdrawRequest } from '../domain/messages';
import { reviewProjection, touchedTasks } from '../domain/projection';
import { GENESIS_HASH, type NewEvent } from '../domain/review-log';
import { loadConfig, signingKeysOf, type Config } from '../platform/config';
import { connectMongo } from '../bin/connections';
import { createModels, ensureIndexes, type Models } from '../store/models';
import { ReviewMachine } from '../workflows/review-machine';
import { JOURNEY_KINDS, planReview, type ReviewPlan } from '../scripts/bench/plans';
import { SeedNumbers, insertStoredReviews, recordPlan, seedReviews } from '../scripts/bench/seed';

const SECRET = 'bench-seed-test-secret-at-least-32-bytes';
const COLLECTIONS = [
  'documents',
  'versions',
  'reviewClaims',
  'reviews',
  'tasks',
  'events',
  'comments',
  'notifications',
  'numbers',
  'records',
  'storeMeta',
  // The journeys upload no files: empty on both sides.
  'attachments',
];
/** Collections the app writes that the journeys leave empty or that the seeding need not reproduce. */
const NOT_SEEDED = [
  // Idempotency keys and decision locks belong to requests in flight, not to stored reviews.
  'idempotentRequests',
  'decisionLocks',
  // Counts of finished months are computed on demand (api/stats.ts); the seeding clears them.
  'statsMonths',
];

let config: Config;
const activityEnv = new MockActivityEnvironment();
const dbs: { recorded?: Connection; seeded?: Connection } = {};
let recorded: Models;
let seeded: Models;

beforeAll(async () => {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run through jest');
  const suffix = randomUUID().slice(0, 8);
  config = loadConfig(
    {
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: '127.0.0.1:1', // never dialled: the client is the stand-in below
      MONGODB_URI: `${base}/bench_recorded_${suffix}`,
      AUTH_JWT_SECRET: SECRET,
      REQUEST_SIGNING_KEYS: 'bench-1:bench-seed-test-request-signing-key-0123456789',
      // Required of every component; nothing is sent to Temporal here.
      TEMPORAL_PAYLOAD_KEYS: `bench-1:${Buffer.alloc(32, 7).toString('base64')}`,
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    'component',
  );
  dbs.recorded = await connectMongo(config.mongodbUri!);
  dbs.seeded = await connectMongo(`${base}/bench_seeded_${suffix}`);
  recorded = createModels(dbs.recorded);
  seeded = createModels(dbs.seeded);
  await Promise.all([ensureIndexes(recorded), ensureIndexes(seeded)]);
});

afterAll(async () => {
  jest.useRealTimers();
  for (const db of [dbs.recorded, dbs.seeded]) {
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
  }
});

/** Pins `Date` (only: the store driver's timers keep running) to each request's instant. */
function pinClock(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** One review's workflow, as `workflows/review.ts` runs it, recording through the real activity. */
class ReferenceWorkflow {
  private lastHash = GENESIS_HASH;

  private constructor(
    private machine: ReviewMachine,
    private readonly models: Models,
  ) {}

  static async start(start: Signed<ReviewInput>, newId: () => string, models: Models): Promise<ReferenceWorkflow> {
    const workflow = new ReferenceWorkflow(ReviewMachine.submit(start.body, newId), models);
    await workflow.recordTransition(workflow.machine, { purpose: 'start', request: start });
    return workflow;
  }

  /** The activity as a worker runs it. */
  private record(input: RecordTransitionInput): Promise<RecordTransitionResult> {
    const { recordTransition } = createActivities({
      models: this.models,
      signingKeys: signingKeysOf(config),
      offices: config.offices,
      numberFormats: config.numberFormats,
    });
    return activityEnv.run(recordTransition, input);
  }

  get state() {
    return this.machine.state;
  }

  /** Plans on a fork, records the new events (as Temporal sends them: JSON), then adopts the fork. */
  async transition<T>(plan: (draft: ReviewMachine) => T, vouch?: RecordTransitionInput['vouch']): Promise<T> {
    const draft = this.machine.fork();
    const result = plan(draft);
    await this.recordTransition(draft, vouch);
    return result;
  }

  private async recordTransition(draft: ReviewMachine, vouch?: RecordTransitionInput['vouch']): Promise<void> {
    const events = draft.drainEvents();
    if (events.length === 0) return;
    const requestId = vouch?.request.requestId;
    const stamped: NewEvent[] = requestId ? events.map((e) => ({ ...e, requestId })) : events;
    const input: RecordTransitionInput = {
      workflowId: draft.state.reviewId,
      events: stamped,
      prevHash: this.lastHash,
      review: reviewProjection(draft.state),
      tasks: touchedTasks(draft.state, stamped),
      ...(vouch && { vouch }),
    };
    const result = await this.record(JSON.parse(JSON.stringify(input)) as RecordTransitionInput);
    // The numbers the recording assigned go into the state, as the workflow takes them.
    for (const { seq, number } of result.numbers) {
      const event = stamped.find((e) => e.seq === seq);
      if (event) draft.numbered({ ...event, data: { ...event.data, number } } as NewEvent);
    }
    this.lastHash = result.lastHash;
    this.machine = draft;
  }

  /** What the workflow's deadline timer does while nothing else happens, up to `until`. */
  async fireDeadlinesUntil(until: string): Promise<void> {
    for (;;) {
      const next = this.machine.state.status === 'in_review' ? this.machine.nextDeadline() : undefined;
      if (next === undefined || next > Date.parse(until)) return;
      await this.transition((draft) => draft.fireDeadlines(new Date(next).toISOString()));
    }
  }
}

/** The routes' Temporal client: starts and updates reference workflows instead of real ones. */
function standInTemporal(commentIds: () => () => string) {
  const workflows = new Map<string, ReferenceWorkflow>();
  const now = () => new Date().toISOString(); // the pinned clock: the request's instant
  const client = {
    withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
    workflow: {
      async executeUpdateWithStart(
        _update: unknown,
        { startWorkflowOperation }: { startWorkflowOperation: { options: { args: unknown[] } } },
      ): Promise<SubmittedReview> {
        const start = startWorkflowOperation.options.args[0] as Signed<ReviewInput>;
        const reviewId = start.body.reviewId;
        const workflow = await ReferenceWorkflow.start(
          JSON.parse(JSON.stringify(start)) as Signed<ReviewInput>,
          commentIds(),
          recorded,
        );
        workflows.set(reviewId, workflow);
        const { status, stage, tasks } = workflow.state;
        return { reviewId, taskId: tasks[0].id, status, stage };
      },
      getHandle(reviewId: string) {
        const workflow = workflows.get(reviewId)!;
        return {
          async executeUpdate(update: { name: string }, { args }: { args: unknown[] }) {
            if (update.name === 'completeTask') {
              const request = JSON.parse(JSON.stringify(args[0])) as Signed<CompleteTaskRequest>;
              const { taskId, actor, input, articleNumbers } = request.body;
              const task = await workflow.transition(
                (draft) => draft.complete(taskId, actor, input, now(), articleNumbers && { articleNumbers }),
                { purpose: 'completeTask', request },
              );
              return { task, review: { status: workflow.state.status, stage: workflow.state.stage } };
            }
            if (update.name === 'withdraw') {
              const request = JSON.parse(JSON.stringify(args[0])) as Signed<WithdrawRequest>;
              await workflow.transition((draft) => draft.withdraw(request.body.actor, now(), request.body.reason), {
                purpose: 'withdraw',
                request,
              });
              return { status: workflow.state.status, stage: workflow.state.stage };
            }
            throw new Error(`unexpected update ${update.name}`);
          },
        };
      },
    },
  };
  return { client: client as unknown as Client, workflows };
}

/**
 * Plays the first `stepCount` requests of `plan` through the app's routes, as its people would
 * send them, at their planned instants. Returns the document id the API gave the draft.
 */
async function playThroughApi(
  app: ReturnType<typeof createApp>,
  workflows: Map<string, ReferenceWorkflow>,
  plan: ReviewPlan,
  stepCount = plan.steps.length,
): Promise<string> {
  const send = (method: 'get' | 'post', path: string, by: Claims, requestId: string, body?: object) => {
    const token = jwt.sign({ ...by }, SECRET, { algorithm: 'HS256', expiresIn: '1h' });
    const req = request(app)[method](path).set('Authorization', `Bearer ${token}`).set('X-Request-Id', requestId);
    return body === undefined ? req : req.send(body);
  };
  jest.setSystemTime(new Date(plan.create.at));
  const created = await send('post', '/v1/documents', plan.create.by, plan.create.requestId, plan.create.body);
  expect(created.status).toBe(201);
  const documentId = created.body.id as string;
  const reviewId = `review:${documentId}:1`;

  for (const step of plan.steps.slice(0, stepCount)) {
    jest.setSystemTime(new Date(step.at));
    await workflows.get(reviewId)?.fireDeadlinesUntil(step.at);
    let res: request.Response;
    if (step.type === 'submit') {
      res = await send('post', `/v1/documents/${documentId}/reviews`, step.by, step.requestId, {});
    } else if (step.type === 'revise') {
      res = await send('post', `/v1/documents/${documentId}/versions`, step.by, step.requestId, step.body);
    } else if (step.type === 'withdraw') {
      res = await send(
        'post',
        `/v1/reviews/${encodeURIComponent(reviewId)}/withdraw`,
        step.by,
        step.requestId,
        step.body,
      );
    } else {
      const query = `status=open&kind=${step.task.kind}&reviewId=${encodeURIComponent(reviewId)}`;
      const listed = await send('get', `/v1/tasks?${query}`, step.by, randomUUID());
      const taskId = (listed.body.items as { id: string; region: string }[]).find(
        (t) => t.region === step.task.region,
      )?.id;
      expect(taskId).toBeDefined();
      res = await send('post', `/v1/tasks/${encodeURIComponent(taskId!)}/complete`, step.by, step.requestId, step.body);
    }
    expect({ step: step.type, status: res.status, body: res.body }).toMatchObject({
      status: step.type === 'submit' ? 202 : step.type === 'revise' ? 201 : 200,
    });
  }
  return documentId;
}

/** Every document of `name`, as stored, in `_id` order. */
function storedIn(db: Connection, name: string) {
  return db.collection(name).find({}).sort({ _id: 1 }).toArray();
}

describe('benchmark seeding', () => {
  test('when the same journeys are seeded and played through the routes and the recording activity, every stored document is the same', async () => {
    // One journey of every kind, one that is still in progress, submitted on working days of 2026.
    const submitted = (i: number) => Date.parse('2026-03-02T01:30:00.000Z') + i * 7 * 86_400_000 + i * 997_000;
    // The first asks for a missing material at intake (补正), which the drafter supplies.
    const plans = JOURNEY_KINDS.map((kind, i) => planReview(20260302, i, submitted(i), kind, { supplement: i === 0 }));
    const inProgress = planReview(20260302, 99, submitted(JOURNEY_KINDS.length), 'revision', { supplement: false });
    const inProgressSteps = 4; // submitted, accepted, changes requested, a revised version added
    expect(inProgress.steps[inProgressSteps - 1].type).toBe('revise');
    // The review's comment ids are the plan's (the workflow draws them from uuid4); plans play one at a time.
    let playing: ReviewPlan | undefined;
    const { client, workflows } = standInTemporal(() => {
      const ids = [...playing!.commentIds];
      return () => ids.shift()!;
    });
    const app = createApp({
      app: { config, models: recorded, temporal: client, signingKeys: signingKeysOf(config), now: () => new Date() },
      readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    });

    pinClock();
    for (const [plan, steps] of [
      ...plans.map((p) => [p, undefined] as const),
      [inProgress, inProgressSteps] as const,
    ]) {
      playing = plan;
      // The API names the draft; the seed is given the same name.
      plan.documentId = await playThroughApi(app, workflows, plan, steps);
    }
    jest.useRealTimers();

    // One counter for the whole store, as the numbers run across reviews in the order they are recorded.
    const numbers = new SeedNumbers();
    await seedReviews(seeded, plans, { batchSize: 3, numbers });
    await insertStoredReviews(seeded, [recordPlan(inProgress, undefined, inProgressSteps, numbers)]);

    // Every collection the app wrote is compared (or known not to hold stored reviews).
    const written = (await dbs.recorded!.db!.listCollections().toArray()).map((c) => c.name);
    expect(written.filter((name) => !COLLECTIONS.includes(name) && !NOT_SEEDED.includes(name))).toEqual([]);

    for (const name of COLLECTIONS) {
      const [fromRoutes, fromSeed] = await Promise.all([storedIn(dbs.recorded!, name), storedIn(dbs.seeded!, name)]);
      expect({ collection: name, documents: fromSeed }).toEqual({ collection: name, documents: fromRoutes });
    }
    // Seeding more into a store continues each series after the numbers it holds.
    const resumed = new SeedNumbers();
    await resumed.catchUp(seeded);
    const series = 'registration:beijing:2026';
    expect(resumed.take(series)).toBe((await dbs.recorded!.collection('numbers').countDocuments({ series })) + 1);

    // The comparison covered every kind of record.
    const count = (name: string) => dbs.recorded!.collection(name).countDocuments();
    expect(await count('reviews')).toBe(plans.length + 1);
    expect(await count('reviewClaims')).toBe(1);
    for (const name of ['versions', 'comments', 'notifications'])
      expect(await count(name)).toBeGreaterThan(plans.length / 2);
    // The material supplied at intake was merged into the version under review.
    expect(
      await dbs.recorded!.collection('versions').countDocuments({ 'materials.legalBasisNote': { $exists: true } }),
    ).toBe(1);
    // Every closed review has its registration and its opinion (or was withdrawn); letters were issued.
    expect(await count('numbers')).toBeGreaterThan(plans.length);
    expect(await dbs.recorded!.collection('records').countDocuments({ kind: 'opinion' })).toBeGreaterThan(0);
    expect(await dbs.recorded!.collection('records').countDocuments({ kind: 'revision_letter' })).toBeGreaterThan(0);
    expect(
      await dbs.recorded!.collection('comments').countDocuments({ disposition: { $exists: true } }),
    ).toBeGreaterThan(0);
  });
});
