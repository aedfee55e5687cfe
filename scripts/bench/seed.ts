/**
 * Seeding a store with reviews exactly as the app would have stored them, at bulk-insert speed.
 *
 * A planned journey (`plans.ts`) is played through the real `ReviewMachine` the way the workflow
 * plays it (`workflows/review.ts`: a transition per request or deadline, its events stamped with the
 * request id, the projection of the state after it, the numbers the recording assigned taken into the
 * state); each transition is then applied in memory the way the recording activity applies it to
 * MongoDB (`activities/index.ts` recordTransition: `assignNumbers` gives the numbered events their
 * numbers from a counter per series `<series>:<region>:<year>`, `appendEvents` chains them and keys
 * them `<reviewId>#<seq>`, `writeSideRecords` inserts comments and notifications once, sets
 * dispositions and merges supplied materials into the version, `writeProjection` moves the review and
 * touched tasks forward to the log position and releases the claim at the close, `freezeRecords`
 * builds the revision letters and the opinion with `domain/written-record.ts` from the log, the
 * version and the comments as they stand and keeps the first copy). The API's own writes (document,
 * versions, the claim of the document) are made the same way. The result of each journey is inserted
 * with `insertMany`. `test/bench-seed.test.ts` checks the outcome against the real routes and the
 * real activity, document by document.
 *
 * Numbers are taken from a counter of the seeder ({@link SeedNumbers}) per series, in the order plans
 * are recorded, continuing from the highest number the store holds when `seedReviews` starts, so
 * every series is gap-free as the app would have left it had it recorded the plans in that order.
 */
import { createHash } from 'node:crypto';
import type { Claims } from '../../api/auth';
import { documentBodySchema, type DocumentBody } from '../../features/documents/schemas';
import { withdrawBodySchema } from '../../features/reviews/schemas';
import { completeTaskBodySchema } from '../../features/tasks/schemas';
import { eventId } from '../../activities/log-store';
import { DEFAULT_POLICY, type ReviewPolicy, type TimeModel } from '../../domain/clock';
import { reviewWorkflowId, type ReviewInput } from '../../domain/messages';
import type { Actor, DecisionInput, Region, TaskKind, TaskRecord } from '../../domain/model';
import {
  DEFAULT_NUMBER_FORMATS,
  DEFAULT_OFFICES,
  cstYear,
  formatNumber,
  type NumberFormats,
  type ReviewOffices,
} from '../../domain/offices';
import { reviewProjection, touchedTasks, type ReviewProjection } from '../../domain/projection';
import { GENESIS_HASH, NUMBERED_EVENTS, recordNumber, sideRecords, type NewEvent } from '../../domain/review-log';
import { buildOpinion, buildRevisionLetter, type RecordSources } from '../../domain/written-record';
import { opinionHtml, revisionLetterHtml } from '../../records/pages';
import { chainEvents } from '../../platform/log-chain';
import {
  monthOf,
  noteReviewMonth,
  versionId,
  type CommentDoc,
  type DocumentDoc,
  type EventDoc,
  type Models,
  type NotificationDoc,
  type NumberDoc,
  type RecordDoc,
  type ReviewClaimDoc,
  type ReviewDoc,
  type TaskDoc,
  type VersionDoc,
} from '../../store/models';
import { letterRecordId, opinionRecordId } from '../../store/records';
import { ReviewMachine } from '../../workflows/review-machine';
import type { PlanStep, ReviewPlan } from './plans';

/** The review settings the app runs with (`runtime/config.ts`); the defaults unless configured. */
export interface SeedSettings {
  policy: ReviewPolicy;
  timeModel: TimeModel;
  /** REVIEW_OFFICES and NUMBER_FORMATS: how records name the review bodies and write numbers. */
  offices: ReviewOffices;
  numberFormats: NumberFormats;
}
export const DEFAULT_SEED_SETTINGS: SeedSettings = {
  policy: DEFAULT_POLICY,
  timeModel: {},
  offices: DEFAULT_OFFICES,
  numberFormats: DEFAULT_NUMBER_FORMATS,
};

/**
 * The seeder's counters, one per number series (`<registration|revision|opinion>:<region>:<year>`):
 * the last n taken, as `assignNumbers` finds it in the store. One counter serves a whole store.
 */
export class SeedNumbers {
  private readonly last = new Map<string, number>();

  take(series: string): number {
    const n = (this.last.get(series) ?? 0) + 1;
    this.last.set(series, n);
    return n;
  }

  /**
   * Continues every series after the last number `models` holds (the app may have taken some since
   * the last seeding: `assignNumbers` counts on from the store's highest n).
   */
  async catchUp(models: Models): Promise<void> {
    // As assignNumbers reads it, series by series (FerretDB v1 has no $max accumulator).
    const names: unknown[] = await models.Number.distinct('series');
    for (const series of names.map(String)) {
      const [last] = await models.Number.find({ series }, { n: 1 }).sort({ n: -1 }).limit(1).lean<NumberDoc[]>();
      if (last && last.n > (this.last.get(series) ?? 0)) this.last.set(series, last.n);
    }
  }
}

/** The counter `recordPlan` and `seedReviews` use unless given one: the seeder's, for one store per process. */
export const SEEDER_NUMBERS = new SeedNumbers();

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
  /** The numbers its registration, revision letters and opinion took. */
  numbers: NumberDoc[];
  /** Its frozen revision letters and opinion. */
  records: RecordDoc[];
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

/**
 * The instant the store's clock reads while a request is handled: the request's own, as the test
 * pins it. Deadlines fired before a request are recorded at that instant too (in the test and here);
 * a live worker would record them at the deadline, which matters only for a frozen record's
 * `createdAt`, and no deadline issues one.
 */
interface Clock {
  now: Date;
}

/** A review engine the API's requests are played on: today's machine or release 1's. */
interface Engine {
  /** Whether the engine has the intake stage (受理, 补正): release 1 had none. */
  readonly intake: boolean;
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

  /** `POST /v1/documents`: version 1, then the document (Mongoose's timestamps, the store's clock). */
  constructor(plan: ReviewPlan) {
    const { at, by, body: raw } = plan.create;
    const body = documentBodySchema.parse(raw);
    const createdAt = new Date(at);
    this.versions.push(this.version(plan.documentId, 1, body, by, createdAt));
    this.document = {
      _id: plan.documentId,
      region: by.region,
      org: by.org!,
      createdBy: personOf(by),
      createdAt,
      updatedAt: createdAt,
    };
  }

  private version(documentId: string, n: number, body: DocumentBody, by: Claims, at: Date): VersionDoc {
    return {
      _id: versionId(documentId, n),
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

  find(version: number): VersionDoc | undefined {
    return this.versions.find((v) => v.version === version);
  }

  /** `POST /v1/documents/:id/reviews` before it starts the workflow: the claim. */
  claimFor(reviewId: string, at: Date): void {
    this.claim = { _id: this.document._id, reviewId, claimedAt: at };
  }

  /** `POST /v1/documents/:id/versions`. */
  revise(raw: DocumentBody, by: Claims, at: Date): void {
    const body = documentBodySchema.parse(raw);
    this.versions.push(this.version(this.document._id, this.current().version + 1, body, by, at));
  }

  /** What the recording activity does once the review has closed: deletes the claim. */
  release(reviewId: string): void {
    if (this.claim?.reviewId === reviewId) this.claim = undefined;
  }
}

/**
 * Plays `plan` (its first `stepCount` steps) on the engine `start` makes: the requests as the API
 * turns them into workflow messages, and the deadlines the workflow's timers fire in between.
 */
function play(
  plan: ReviewPlan,
  settings: SeedSettings,
  start: (input: ReviewInput, requestId: string, newId: () => string, docs: DocumentRecords, clock: Clock) => Engine,
  stepCount = plan.steps.length,
): { docs: DocumentRecords; engine: Engine } {
  const docs = new DocumentRecords(plan);
  const clock: Clock = { now: new Date(plan.create.at) };
  const ids = [...plan.commentIds];
  const newId = () => {
    const id = ids.shift();
    if (id === undefined) throw new Error(`plan of ${plan.documentId} hands out more comment ids than it planned`);
    return id;
  };
  let engine: Engine | undefined;
  for (const step of plan.steps.slice(0, stepCount)) {
    clock.now = new Date(step.at);
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
        version: version.version,
        articleNumbers: version.articles.map((a) => a.number),
        urgent: version.urgent ?? false,
        submittedAt: step.at,
        policy: settings.policy,
        timeModel: settings.timeModel,
      };
      return start(throughPayload(input), step.requestId, newId, docs, clock);
    }
    if (!engine) throw new Error(`plan of ${plan.documentId}: ${step.type} before the submission`);
    if (step.type === 'revise') {
      docs.revise(step.body, step.by, at);
    } else if (step.type === 'withdraw') {
      const { reason } = withdrawBodySchema.parse(step.body);
      engine.withdraw(actorOf(step.by), step.at, reason || undefined, step.requestId);
    } else {
      if (!engine.intake && (step.task.kind === 'intake' || step.task.kind === 'supplement')) return engine;
      const task = engine.openTask(step.task.kind, step.task.region);
      if (!task)
        throw new Error(
          `plan of ${plan.documentId}: no open ${step.task.kind} task of ${step.task.region} at ${step.at}`,
        );
      const input: DecisionInput = { ...completeTaskBodySchema.parse(step.body) };
      let articles: string[] | undefined;
      if (input.decision === 'resubmit') {
        input.version = input.version ?? docs.current().version;
        articles = docs.find(input.version)?.articles.map((a) => a.number);
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
 * on a fork, stamped and projected as the workflow sends it, applied as the activity stores it, and
 * the numbers it took are set on the fork before it is adopted.
 */
class RecordingEngine implements Engine {
  readonly intake = true;
  private machine: ReviewMachine;
  private lastHash = GENESIS_HASH;
  readonly events: EventDoc[] = [];
  readonly comments = new Map<string, CommentDoc>();
  readonly notifications = new Map<string, NotificationDoc>();
  readonly tasks = new Map<string, TaskDoc>();
  readonly numbers: NumberDoc[] = [];
  readonly records = new Map<string, RecordDoc>();
  review?: ReviewDoc;

  constructor(
    input: ReviewInput,
    requestId: string,
    newId: () => string,
    private readonly docs: DocumentRecords,
    private readonly clock: Clock,
    private readonly settings: SeedSettings,
    private readonly counters: SeedNumbers,
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

    const { review, events } = this.assignNumbers(sent.review, sent.events);
    for (const e of chainEvents(this.lastHash, events)) {
      this.events.push({ _id: eventId(review.reviewId, e.seq), reviewId: review.reviewId, ...e });
      this.lastHash = e.hash;
    }
    this.writeSideRecords(review, events);
    this.moveForward(review, sent.tasks);
    this.freezeRecords(review, events);

    // The workflow takes the numbers the recording returned into its state, then adopts the fork.
    for (const event of events) if (event.type in NUMBERED_EVENTS) draft.numbered(event);
    this.machine = draft;
  }

  /** `assignNumbers`: the next number of its series for each numbered event, set on the review too. */
  private assignNumbers(
    review: ReviewProjection,
    events: NewEvent[],
  ): { review: ReviewProjection; events: NewEvent[] } {
    const numbered = { ...review, revisionLetters: review.revisionLetters.map((l) => ({ ...l })) };
    const out = events.map((event) => {
      const series = NUMBERED_EVENTS[event.type as keyof typeof NUMBERED_EVENTS];
      if (series === undefined || (event.data as { number?: string }).number !== undefined) return event;
      const year = cstYear(event.at);
      const key = `${series}:${review.originRegion}:${year}`;
      const n = this.counters.take(key);
      const number = formatNumber(
        this.settings.numberFormats[series],
        this.settings.offices[review.originRegion],
        year,
        n,
      );
      this.numbers.push({
        _id: eventId(review.reviewId, event.seq),
        series: key,
        n,
        number,
        reviewId: review.reviewId,
      });
      const withNumber = { ...event, data: { ...event.data, number } } as NewEvent;
      recordNumber(numbered, withNumber);
      return withNumber;
    });
    return { review: numbered, events: out };
  }

  /** `writeSideRecords`: comments and notifications once, dispositions set, materials merged. */
  private writeSideRecords(review: ReviewProjection, events: NewEvent[]): void {
    const side = sideRecords(review, events);
    for (const { id, ...comment } of side.comments)
      if (!this.comments.has(id)) this.comments.set(id, { _id: id, ...comment });
    for (const { commentId, ...disposition } of side.dispositions) {
      const comment = this.comments.get(commentId);
      if (comment) comment.disposition = disposition;
    }
    for (const { version, materials } of side.materials) {
      const stored = this.docs.find(version);
      if (stored) Object.assign(stored.materials, materials);
    }
    for (const { id, createdAt, ...n } of side.notifications) {
      if (!this.notifications.has(id)) {
        this.notifications.set(id, { _id: id, ...n, createdAt: new Date(createdAt), month: monthOf(createdAt) });
      }
    }
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
    if (review.status !== 'in_review') this.docs.release(reviewId);
  }

  /** `freezeRecords`: the letter of a request for changes, the opinion of a closing; the first copy stays. */
  private freezeRecords(review: ReviewProjection, events: NewEvent[]): void {
    for (const letter of events) {
      if (letter.type !== 'revision_letter') continue;
      const built = buildRevisionLetter(this.sources(review), letter.data.round);
      this.freeze({
        _id: letterRecordId(review.reviewId, letter.data.round),
        reviewId: review.reviewId,
        kind: 'revision_letter',
        round: letter.data.round,
        ...(built.number && { number: built.number }),
        issuedOn: built.issuedOn,
        json: structuredClone(built),
        html: revisionLetterHtml(built),
      });
    }
    if (events.some((e) => e.type === 'approved' || e.type === 'rejected' || e.type === 'returned')) {
      const opinion = buildOpinion(this.sources(review));
      this.freeze({
        _id: opinionRecordId(review.reviewId),
        reviewId: review.reviewId,
        kind: 'opinion',
        ...(opinion.number && { number: opinion.number }),
        issuedOn: opinion.issuedOn,
        json: structuredClone(opinion),
        html: opinionHtml(opinion),
      });
    }
  }

  /** What `store/records.ts` reads: the log, the version's title, type, legal basis and materials, the comments. */
  private sources(review: ReviewProjection): RecordSources {
    const version = this.docs.find(review.version);
    return {
      review,
      events: [...this.events],
      version: version
        ? {
            title: version.title,
            ...(version.docType !== undefined && { docType: version.docType }),
            legalBasis: version.legalBasis,
            materials: version.materials,
          }
        : null,
      comments: [...this.comments.values()]
        .map(({ _id, ...c }) => structuredClone({ id: _id, ...c }))
        .sort((a, b) =>
          a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt),
        ),
      offices: this.settings.offices,
    };
  }

  private freeze(record: Omit<RecordDoc, 'sha256' | 'createdAt'>): void {
    if (this.records.has(record._id)) return;
    this.records.set(record._id, {
      ...record,
      sha256: createHash('sha256').update(record.html, 'utf8').digest('hex'),
      createdAt: new Date(this.clock.now),
    });
  }
}

/**
 * What the app stores for the first `stepCount` requests of `plan` (all of them by default), its
 * numbers taken from `numbers` (the seeder's counter unless given one).
 */
export function recordPlan(
  plan: ReviewPlan,
  settings = DEFAULT_SEED_SETTINGS,
  stepCount?: number,
  numbers: SeedNumbers = SEEDER_NUMBERS,
): StoredReview {
  const { docs, engine } = play(
    plan,
    settings,
    (input, requestId, newId, records, clock) =>
      new RecordingEngine(input, requestId, newId, records, clock, settings, numbers),
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
    numbers: recorded.numbers,
    records: [...recorded.records.values()],
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
    models.Number.insertMany(
      all((r) => r.numbers),
      options,
    ),
    models.Record.insertMany(
      all((r) => r.records),
      options,
    ),
    // The stored event must be exactly what was hashed: no casting.
    models.Event.collection.insertMany(
      all((r) => r.events) as unknown as Parameters<typeof models.Event.collection.insertMany>[0],
      options,
    ),
  ]);
  for (const month of new Set(reviews.map((r) => r.review.month))) await noteReviewMonth(models, month);
  // Counts kept for finished months (api/stats.ts) do not know of reviews filed there afterwards.
  await models.StatsMonth.deleteMany({});
}

/**
 * Records and inserts `plans` in batches, numbered by `numbers` (the seeder's counter unless given
 * one), which first catches up with the numbers the store holds, so seeding a store in several calls,
 * with the app taking numbers in between, continues each series; `onBatch` hears of the progress.
 */
export async function seedReviews(
  models: Models,
  plans: Iterable<ReviewPlan>,
  {
    settings = DEFAULT_SEED_SETTINGS,
    numbers = SEEDER_NUMBERS,
    batchSize = 500,
    onBatch,
  }: { settings?: SeedSettings; numbers?: SeedNumbers; batchSize?: number; onBatch?: (done: number) => void } = {},
): Promise<number> {
  await numbers.catchUp(models);
  let batch: StoredReview[] = [];
  let done = 0;
  for (const plan of plans) {
    batch.push(recordPlan(plan, settings, undefined, numbers));
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
