/**
 * Seeding a store with reviews exactly as the app would have stored them, at bulk-insert speed.
 *
 * A planned journey (`plans.ts`) is played through the real `ReviewMachine` the way the workflow
 * plays it (`workflows/review.ts`: a transition per request or deadline, its events stamped with the
 * request id, the projection of the state after it); each transition is then applied in memory the
 * way the recording activity applies it to MongoDB (`activities/log-store.ts`: events chained and
 * keyed `<reviewId>#<seq>`, comments and notifications inserted once, dispositions set, the review
 * and touched tasks moved forward to the log position), and the API's own writes (document,
 * versions, the claim of the document) are folded the same way. The end result of each journey is
 * inserted with `insertMany`. `test/bench-seed.test.ts` checks the outcome against the real routes
 * and the real activity, document by document.
 *
 * The release-1 shapes (the mirror document with the whole state, history included) come from the
 * frozen release-1 machine driven through the same plans, for the store-cost comparison.
 */
import type { Claims } from '../../api/auth';
import { completeTaskBodySchema, documentBodySchema, withdrawBodySchema, type DocumentBody } from '../../api/schemas';
import { eventId } from '../../activities/log-store';
import { DEFAULT_POLICY, type ReviewPolicy, type TimeModel } from '../../domain/clock';
import type { LegacyReviewState } from '../../domain/legacy';
import { reviewWorkflowId, type ReviewInput } from '../../domain/messages';
import type { Actor, DecisionInput, Region, TaskKind, TaskRecord } from '../../domain/model';
import { earliestDueAt, reviewProjection, touchedTasks, type ReviewProjection } from '../../domain/projection';
import { GENESIS_HASH, sideRecords, type NewEvent } from '../../domain/review-log';
import { chainEvents } from '../../runtime/log-chain';
import {
  monthOf,
  type CommentDoc,
  type DocumentDoc,
  type EventDoc,
  type Models,
  type NotificationDoc,
  type ReviewClaimDoc,
  type ReviewDoc,
  type TaskDoc,
  type VersionDoc,
} from '../../store/models';
import { ReviewMachine as LegacyReviewMachine } from '../../workflows/legacy/review-machine';
import { ReviewMachine } from '../../workflows/review-machine';
import type { PlanStep, ReviewPlan } from './plans';

/** The review settings the app runs with (`runtime/config.ts`); the defaults unless configured. */
export interface SeedSettings {
  policy: ReviewPolicy;
  timeModel: TimeModel;
}
export const DEFAULT_SEED_SETTINGS: SeedSettings = { policy: DEFAULT_POLICY, timeModel: {} };

/** Everything the app stores for one review of one document. */
export interface StoredReview {
  document: DocumentDoc;
  versions: VersionDoc[];
  /** Present while the review is in progress; the close deletes it. */
  claim?: ReviewClaimDoc;
  review: ReviewDoc;
  tasks: TaskDoc[];
  events: EventDoc[];
  comments: CommentDoc[];
  notifications: NotificationDoc[];
}

/** The caller the API derives from a token with these claims (`api/auth.ts` verifyToken). */
export function actorOf(claims: Claims): Actor {
  return {
    sub: claims.sub,
    region: claims.region,
    roles: [...new Set(claims.roles)],
    ...(claims.name !== undefined && { name: claims.name }),
    ...(claims.org !== undefined && { org: claims.org }),
  };
}

/** Who did something, as documents and versions record it. */
function personOf(claims: Claims): { sub: string; name?: string } {
  return { sub: claims.sub, ...(claims.name ? { name: claims.name } : {}) };
}

/** What crosses Temporal's JSON payload converter arrives without `undefined` and with copies. */
function throughPayload<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A review engine the API's requests are played on: today's machine or release 1's. */
interface Engine {
  openTask(kind: TaskKind, region: Region): TaskRecord | undefined;
  nextDeadline(): number | undefined;
  fireDeadlines(at: string): void;
  complete(
    taskId: string,
    actor: Actor,
    input: DecisionInput,
    at: string,
    requestId: string,
    articles?: string[],
  ): void;
  withdraw(actor: Actor, at: string, reason: string | undefined, requestId: string): void;
}

/** The API's side of a journey: the document, its versions and the claim, as the routes write them. */
class DocumentRecords {
  readonly document: DocumentDoc;
  readonly versions: VersionDoc[] = [];
  claim?: ReviewClaimDoc;

  constructor(plan: ReviewPlan) {
    const { at, by, body: raw } = plan.create;
    const body = documentBodySchema.parse(raw);
    const createdAt = new Date(at);
    this.versions.push(this.version(plan.documentId, 1, body, by, createdAt));
    this.document = {
      _id: plan.documentId,
      title: body.title,
      ...(body.docType !== undefined && { docType: body.docType }),
      ...(body.summary !== undefined && { summary: body.summary }),
      region: by.region,
      org: by.org!,
      createdBy: personOf(by),
      status: 'draft',
      currentVersion: 1,
      versions: [{ version: 1, createdAt }],
      activeReviewId: null,
      reviewCount: 0,
      // Mongoose's timestamps, stamped by the store's clock when the route writes.
      createdAt,
      updatedAt: createdAt,
    };
  }

  private version(documentId: string, n: number, body: DocumentBody, by: Claims, at: Date): VersionDoc {
    return {
      _id: `${documentId}:v${n}`,
      documentId,
      version: n,
      title: body.title,
      ...(body.docType !== undefined && { docType: body.docType }),
      ...(body.summary !== undefined && { summary: body.summary }),
      articles: body.articles,
      legalBasis: body.legalBasis,
      materials: body.materials,
      urgent: body.urgent ?? false,
      createdBy: personOf(by),
      createdAt: at,
    };
  }

  current(): VersionDoc {
    return this.versions[this.versions.length - 1];
  }

  /** `POST /v1/documents/:id/reviews` before it starts the workflow: the claim and the document's status. */
  claimFor(reviewId: string, at: Date): void {
    this.claim = { _id: this.document._id, reviewId, claimedAt: at };
    Object.assign(this.document, {
      activeReviewId: reviewId,
      status: 'in_review',
      reviewCount: Math.max(this.document.reviewCount, 1),
      updatedAt: at,
    });
  }

  /** `POST /v1/documents/:id/versions`. */
  revise(raw: DocumentBody, by: Claims, at: Date): void {
    const body = documentBodySchema.parse(raw);
    const next = this.document.currentVersion + 1;
    this.versions.push(this.version(this.document._id, next, body, by, at));
    Object.assign(this.document, {
      currentVersion: next,
      versions: [...this.document.versions, { version: next, createdAt: at }],
      title: body.title,
      ...(body.docType !== undefined && { docType: body.docType }),
      ...(body.summary !== undefined && { summary: body.summary }),
      updatedAt: at,
    });
  }

  /** What the recording activity does once the review has closed: frees the document. */
  release(reviewId: string, status: DocumentDoc['status'], at: Date): void {
    if (this.claim?.reviewId === reviewId) this.claim = undefined;
    if (this.document.activeReviewId === reviewId)
      Object.assign(this.document, { activeReviewId: null, status, updatedAt: at });
  }
}

/**
 * Plays `plan` (its first `stepCount` steps) on the engine `start` makes: the requests as the API
 * turns them into workflow messages, and the deadlines the workflow's timers fire in between.
 */
function play(
  plan: ReviewPlan,
  settings: SeedSettings,
  start: (input: ReviewInput, requestId: string, newId: () => string, docs: DocumentRecords) => Engine,
  stepCount = plan.steps.length,
): { docs: DocumentRecords; engine: Engine } {
  const docs = new DocumentRecords(plan);
  const ids = [...plan.commentIds];
  const newId = () => {
    const id = ids.shift();
    if (id === undefined) throw new Error(`plan of ${plan.documentId} hands out more comment ids than it planned`);
    return id;
  };
  let engine: Engine | undefined;
  for (const step of plan.steps.slice(0, stepCount)) {
    if (engine) fireUntil(engine, step.at);
    engine = apply(step);
  }
  if (!engine) throw new Error(`plan of ${plan.documentId} has no submission`);
  return { docs, engine };

  function apply(step: PlanStep): Engine {
    const at = new Date(step.at);
    if (step.type === 'submit') {
      const reviewId = reviewWorkflowId(plan.documentId, 1);
      docs.claimFor(reviewId, at);
      const version = docs.current();
      const input: ReviewInput = {
        reviewId,
        documentId: plan.documentId,
        originRegion: docs.document.region,
        org: docs.document.org,
        drafter: personOf(step.by),
        version: docs.document.currentVersion,
        articleNumbers: version.articles.map((a) => a.number),
        urgent: version.urgent ?? false,
        submittedAt: step.at,
        policy: settings.policy,
        timeModel: settings.timeModel,
      };
      return start(throughPayload(input), step.requestId, newId, docs);
    }
    if (!engine) throw new Error(`plan of ${plan.documentId}: ${step.type} before the submission`);
    if (step.type === 'revise') {
      docs.revise(step.body, step.by, at);
    } else if (step.type === 'withdraw') {
      const { reason } = withdrawBodySchema.parse(step.body);
      engine.withdraw(actorOf(step.by), step.at, reason || undefined, step.requestId);
    } else {
      const task = engine.openTask(step.task.kind, step.task.region);
      if (!task)
        throw new Error(
          `plan of ${plan.documentId}: no open ${step.task.kind} task of ${step.task.region} at ${step.at}`,
        );
      const input: DecisionInput = { ...completeTaskBodySchema.parse(step.body) };
      let articles: string[] | undefined;
      if (input.decision === 'resubmit') {
        input.version = input.version ?? docs.document.currentVersion;
        articles = docs.versions.find((v) => v.version === input.version)?.articles.map((a) => a.number);
      }
      engine.complete(task.id, actorOf(step.by), input, step.at, step.requestId, articles);
    }
    return engine;
  }
}

/** Fires, one wake-up at a time, every deadline the workflow's timer reaches by `until`. */
function fireUntil(engine: Engine, until: string): void {
  const limit = Date.parse(until);
  for (let next = engine.nextDeadline(); next !== undefined && next <= limit; next = engine.nextDeadline()) {
    engine.fireDeadlines(new Date(next).toISOString());
  }
}

/**
 * Today's engine with the recording activity's writes applied in memory: a transition is planned
 * on a fork, stamped and projected as the workflow sends it, and applied as the activity stores it.
 */
class RecordingEngine implements Engine {
  private machine: ReviewMachine;
  private lastHash = GENESIS_HASH;
  readonly events: EventDoc[] = [];
  readonly comments = new Map<string, CommentDoc>();
  readonly notifications = new Map<string, NotificationDoc>();
  readonly tasks = new Map<string, TaskDoc>();
  review?: ReviewDoc;

  constructor(
    input: ReviewInput,
    requestId: string,
    newId: () => string,
    private readonly docs: DocumentRecords,
  ) {
    this.machine = ReviewMachine.submit(input, newId);
    this.record(this.machine, requestId);
  }

  openTask(kind: TaskKind, region: Region): TaskRecord | undefined {
    return this.machine.state.tasks.find((t) => t.status === 'open' && t.kind === kind && t.region === region);
  }

  nextDeadline(): number | undefined {
    return this.machine.state.status === 'in_review' ? this.machine.nextDeadline() : undefined;
  }

  fireDeadlines(at: string): void {
    const draft = this.machine.fork();
    draft.fireDeadlines(at);
    this.record(draft);
  }

  complete(
    taskId: string,
    actor: Actor,
    input: DecisionInput,
    at: string,
    requestId: string,
    articles?: string[],
  ): void {
    const request = throughPayload({ taskId, actor, input, ...(articles && { articleNumbers: articles }) });
    const draft = this.machine.fork();
    draft.complete(
      request.taskId,
      request.actor,
      request.input,
      at,
      request.articleNumbers && { articleNumbers: request.articleNumbers },
    );
    this.record(draft, requestId);
  }

  withdraw(actor: Actor, at: string, reason: string | undefined, requestId: string): void {
    const request = throughPayload({ actor, ...(reason && { reason }) });
    const draft = this.machine.fork();
    draft.withdraw(request.actor, at, request.reason);
    this.record(draft, requestId);
  }

  /** The workflow's `record` and the activity's `recordTransition`, for one transition. */
  private record(draft: ReviewMachine, requestId?: string): void {
    const emitted = draft.drainEvents();
    if (emitted.length === 0) return;
    const stamped: NewEvent[] = requestId ? emitted.map((e) => ({ ...e, requestId })) : emitted;
    const state = draft.state;
    const sent = throughPayload({
      events: stamped,
      review: reviewProjection(state),
      tasks: touchedTasks(state, stamped),
    });
    this.machine = draft;

    const { review, events, tasks } = sent;
    for (const e of chainEvents(this.lastHash, events)) {
      this.events.push({ _id: eventId(review.reviewId, e.seq), reviewId: review.reviewId, ...e });
      this.lastHash = e.hash;
    }
    const side = sideRecords(review.reviewId, review.documentId, events);
    for (const { id, ...comment } of side.comments)
      if (!this.comments.has(id)) this.comments.set(id, { _id: id, ...comment });
    for (const { commentId, ...disposition } of side.dispositions) {
      const comment = this.comments.get(commentId);
      if (comment) comment.disposition = disposition;
    }
    for (const { id, createdAt, ...n } of side.notifications) {
      if (!this.notifications.has(id)) {
        this.notifications.set(id, { _id: id, ...n, createdAt: new Date(createdAt), month: monthOf(createdAt) });
      }
    }
    this.moveForward(review, tasks);
  }

  /** `writeProjection`: each touched task and the review, unless already at this log position. */
  private moveForward(review: ReviewProjection, tasks: TaskRecord[]): void {
    const { lastSeq } = review;
    for (const { id, ...task } of tasks) {
      const stored = this.tasks.get(id);
      const fields = { ...task, lastSeq, month: monthOf(task.createdAt) };
      if (!stored) this.tasks.set(id, { _id: id, ...fields });
      else if (stored.lastSeq < lastSeq) Object.assign(stored, fields);
    }
    const { reviewId, submittedAt, earliestDueAt: due, ...rest } = review;
    const fields = {
      ...rest,
      submittedAt: new Date(submittedAt),
      earliestDueAt: due === null ? null : new Date(due),
      month: monthOf(submittedAt),
    };
    if (!this.review) this.review = { _id: reviewId, ...fields };
    else if (this.review.lastSeq < lastSeq) Object.assign(this.review, fields);
    if (review.status !== 'in_review') {
      const closedAt = new Date(this.events[this.events.length - 1].at);
      this.docs.release(reviewId, review.status, closedAt);
    }
  }
}

/** What the app stores for the first `stepCount` requests of `plan` (all of them by default). */
export function recordPlan(plan: ReviewPlan, settings = DEFAULT_SEED_SETTINGS, stepCount?: number): StoredReview {
  const { docs, engine } = play(
    plan,
    settings,
    (input, requestId, newId, records) => new RecordingEngine(input, requestId, newId, records),
    stepCount,
  );
  const recorded = engine as RecordingEngine;
  return {
    document: docs.document,
    versions: docs.versions,
    ...(docs.claim && { claim: docs.claim }),
    review: recorded.review!,
    tasks: [...recorded.tasks.values()],
    events: recorded.events,
    comments: [...recorded.comments.values()],
    notifications: [...recorded.notifications.values()],
  };
}

/** A review as release 1 stored it: the mirror with the whole state, and every task. */
export interface Release1Review {
  review: {
    _id: string;
    documentId: string;
    originRegion: Region;
    org: string;
    status: string;
    stage: string;
    submittedAt: Date;
    earliestDueAt: Date | null;
    stateVersion: number;
    state: LegacyReviewState;
  };
  tasks: (Omit<TaskRecord, 'id'> & { _id: string; stateVersion: number })[];
}

/** Release 1's engine: its machine keeps the whole state and history and is mirrored whole. */
class Release1Engine implements Engine {
  readonly machine: LegacyReviewMachine;

  constructor(input: ReviewInput, newId: () => string) {
    const { historyLimit: _limit, ...legacyInput } = input;
    this.machine = new LegacyReviewMachine(legacyInput, newId);
  }

  openTask(kind: TaskKind, region: Region): TaskRecord | undefined {
    return this.machine.state.tasks.find((t) => t.status === 'open' && t.kind === kind && t.region === region);
  }

  nextDeadline(): number | undefined {
    return this.machine.state.status === 'in_review' ? this.machine.nextDeadline() : undefined;
  }

  fireDeadlines(at: string): void {
    this.machine.fireDeadlines(at);
  }

  complete(
    taskId: string,
    actor: Actor,
    input: DecisionInput,
    at: string,
    _requestId: string,
    articles?: string[],
  ): void {
    this.machine.complete(taskId, actor, input, at, articles && { articleNumbers: articles });
  }

  withdraw(actor: Actor, at: string, reason: string | undefined): void {
    this.machine.withdraw(actor, at, reason);
  }
}

/** The first `stepCount` requests of `plan` as release 1 stored them. */
export function release1Plan(plan: ReviewPlan, settings = DEFAULT_SEED_SETTINGS, stepCount?: number): Release1Review {
  const { engine } = play(plan, settings, (input, _requestId, newId) => new Release1Engine(input, newId), stepCount);
  const state = throughPayload((engine as Release1Engine).machine.state);
  const due = earliestDueAt(state);
  return {
    review: {
      _id: state.reviewId,
      documentId: state.documentId,
      originRegion: state.originRegion,
      org: state.org,
      status: state.status,
      stage: state.stage,
      submittedAt: new Date(state.submittedAt),
      earliestDueAt: due === null ? null : new Date(due),
      stateVersion: state.stateVersion,
      state,
    },
    tasks: state.tasks.map(({ id, ...task }) => ({ _id: id, ...task, stateVersion: state.stateVersion })),
  };
}

/**
 * Inserts `reviews` (made by {@link recordPlan}) as the app would have left them, with one
 * `insertMany` per collection; events go through the driver, as the activity writes them, the rest
 * through Mongoose so that they are cast by the same schemas.
 */
export async function insertStoredReviews(models: Models, reviews: readonly StoredReview[]): Promise<void> {
  if (reviews.length === 0) return;
  const all = <T>(pick: (r: StoredReview) => T | T[] | undefined): T[] =>
    reviews.flatMap((r) => {
      const v = pick(r);
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    });
  const options = { ordered: false } as const;
  await Promise.all([
    models.Document.insertMany(
      all((r) => r.document),
      options,
    ),
    models.Version.insertMany(
      all((r) => r.versions),
      options,
    ),
    models.ReviewClaim.insertMany(
      all((r) => r.claim),
      options,
    ),
    models.Review.insertMany(
      all((r) => r.review),
      options,
    ),
    models.Task.insertMany(
      all((r) => r.tasks),
      options,
    ),
    models.Comment.insertMany(
      all((r) => r.comments),
      options,
    ),
    models.Notification.insertMany(
      all((r) => r.notifications),
      options,
    ),
    // The stored event must be exactly what was hashed: no casting.
    models.Event.collection.insertMany(
      all((r) => r.events) as unknown as Parameters<typeof models.Event.collection.insertMany>[0],
      options,
    ),
  ]);
  const oldest = reviews.map((r) => r.review.month).reduce((a, b) => (a < b ? a : b));
  await models.StoreMeta.updateOne({ _id: 'firstMonth' }, { $min: { month: oldest } }, { upsert: true });
  // Counts kept for finished months (api/stats.ts) do not know of reviews filed there afterwards.
  await models.StatsMonth.deleteMany({});
}

/** Records and inserts `plans` in batches; `onBatch` hears of the progress. */
export async function seedReviews(
  models: Models,
  plans: Iterable<ReviewPlan>,
  {
    settings = DEFAULT_SEED_SETTINGS,
    batchSize = 500,
    onBatch,
  }: { settings?: SeedSettings; batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<number> {
  let batch: StoredReview[] = [];
  let done = 0;
  for (const plan of plans) {
    batch.push(recordPlan(plan, settings));
    if (batch.length >= batchSize) {
      await insertStoredReviews(models, batch);
      done += batch.length;
      onBatch?.(done);
      batch = [];
    }
  }
  await insertStoredReviews(models, batch);
  done += batch.length;
  onBatch?.(done);
  return done;
}
