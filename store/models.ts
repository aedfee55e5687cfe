/**
 * MongoDB collections, through Mongoose. The review log (`events`) and its projections (reviews,
 * tasks, comments, notifications) are written by the recording activity; documents, versions and
 * the one-active-review claims by the API. Every list the API serves has an index. Only features
 * that FerretDB v1 also has are used: no transactions, `$lookup` or change streams, and anything
 * that must happen once rests on a unique key (an insert that fails on conflict), never on
 * read-modify-write.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import {
  MATERIAL_KINDS,
  REGIONS,
  REVIEW_STATUSES,
  ROLES,
  SEVERITIES,
  STAGES,
  TASK_KINDS,
  TASK_STATUSES,
  NOTIFICATION_TYPES,
  type CommentRecord,
  type MaterialKind,
  type NotificationRecord,
  type Region,
  type TaskRecord,
} from '../domain/model';
import type { Flag } from '../domain/assist';
import type { ReviewProjection } from '../domain/projection';
import { cstDay } from '../domain/register';
import type { LoggedEvent } from '../domain/review-log';
import { budgetLeftMs } from '../platform/budget';
import { delegationSchema, type DelegationDoc } from './delegations';
import { createExchangeModels, type ExchangeModels } from './exchange';
import { insertIfAbsent } from './mongo';
import { createPrecedentModels, type PrecedentModels } from './precedents';
import { createSealModels, type SealModels } from './record-seal';
import { personSchema, type PersonDoc } from './people';
import {
  figureBucketSchema,
  figureLockSchema,
  registerRowSchema,
  type FigureBucketDoc,
  type FigureLockDoc,
  type RegisterRowDoc,
} from './register';
import { calendarRedatingSchema, calendarYearSchema, type CalendarRedatingDoc, type CalendarYearDoc } from './calendar';
import { counterSchema, type CounterDoc } from './counters';
import { dueHourOf } from '../domain/stats-counters';

/** A change to stored data made once per store (store/migrations.ts): who claimed it, and when it was done. */
export interface MigrationDoc {
  _id: string;
  holder: string;
  /** The holder's last beat. */
  at: Date;
  doneAt?: Date;
}

const migrationSchema = new Schema<MigrationDoc>(
  { _id: String, holder: { type: String, required: true }, at: { type: Date, required: true }, doneAt: Date },
  { versionKey: false },
);

/** The statistics' counters and their components' marks (store/stats-counters.ts). */
const statsCounterSchema = counterSchema();
statsCounterSchema.index({ scope: 1 });

export interface Article {
  number: string;
  text: string;
}

/**
 * A document: who owns it. Everything else about it is derived (api/views.ts `documentView`): its
 * title and current version from its versions, its status from its reviews, so no field is ever
 * updated in place (and no concurrent writer can lose another's update).
 */
export interface DocumentDoc {
  _id: string;
  region: Region;
  org: string;
  createdBy: { sub: string; name?: string };
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionDoc {
  _id: string;
  documentId: string;
  version: number;
  title: string;
  docType?: string;
  summary?: string;
  articles: Article[];
  legalBasis: string[];
  materials: Record<string, unknown>;
  urgent: boolean;
  createdBy: { sub: string; name?: string };
  createdAt: Date;
}

/**
 * A review as the API reads it: the projection of its log (`domain/projection.ts`), with the fields
 * that lists filter and sort on stored as dates.
 */
export type ReviewDoc = Omit<ReviewProjection, 'reviewId' | 'submittedAt' | 'earliestDueAt'> & {
  _id: string;
  submittedAt: Date;
  earliestDueAt: Date | null;
  /** The hour `earliestDueAt` falls in (domain/stats-counters.ts `dueHourOf`), while in review: the statistics' hour under way. */
  earliestDueHour?: string | null;
  /** Of `submittedAt`, for paging. */
  month: string;
};

/**
 * A task as the work lists read it; `lastSeq` is the log position it was written at, `month`
 * (of `createdAt`) files it for paging (api/paging.ts).
 */
export type TaskDoc = Omit<TaskRecord, 'id'> & {
  _id: string;
  lastSeq: number;
  month: string;
  /** The review's 加急 flag and 受理编号 as they stood when the task last moved (for the work list). */
  urgent?: boolean;
  registrationNumber?: string;
  /** The assignee's sub, flat so the work list's `assignee` filter reaches an index; null in the pool. */
  assigneeSub?: string | null;
  /** The task's place in the work list by urgency, one sortable string ({@link urgencyKeyOf}). */
  urgencyKey?: string;
  /** The hour `dueAt` falls in (domain/stats-counters.ts `dueHourOf`): the statistics' hour under way. */
  dueHour?: string | null;
};

/**
 * A task's place in the work list by urgency as one string: its due date (none: after every date),
 * then its arrival, then its id. One field, so that the store sorts it from an index even where it
 * sorts on one field only (FerretDB), and a page starts after the last key of the one before.
 */
export function urgencyKeyOf(task: { dueAt: string | null; createdAt: string; _id?: string; id?: string }): string {
  return `${task.dueAt ?? '~'}|${task.createdAt}|${task._id ?? task.id ?? ''}`;
}

/** One event of a review's log; `_id` is `<reviewId>#<seq>`, so an append is idempotent. */
export type EventDoc = LoggedEvent & { _id: string; reviewId: string };

/** The claim that a document has a review under way: at most one per document, by its `_id`. */
export interface ReviewClaimDoc {
  _id: string;
  reviewId: string;
  claimedAt: Date;
  /** The submission's caller and Idempotency-Key, when it sent one: its retries join this review. */
  idempotent?: string;
}

export type CommentDoc = Omit<CommentRecord, 'id'> & { _id: string };

export type NotificationDoc = Omit<NotificationRecord, 'id' | 'createdAt'> & {
  _id: string;
  /** On the notifications after the review, which concern a document rather than a review. */
  documentId?: string;
  createdAt: Date;
  /** Of `createdAt`, for paging. */
  month: string;
};

/** A request made with an `Idempotency-Key` (api/once.ts): its body's hash and, once known, its answer. */
export interface IdempotentRequestDoc {
  _id: string;
  bodyHash: string;
  createdAt: Date;
  answer?: { status: number; body: unknown };
}

/**
 * A decision half written (暂存): one per task and person (`_id` is `taskId|sub`), the body the
 * person will send, kept until they save again or the task is decided.
 */
export interface TaskDraftDoc {
  _id: string;
  taskId: string;
  sub: string;
  body: Record<string, unknown>;
  savedAt: Date;
}

/**
 * A number taken from a series (activities/numbering.ts): `_id` is the event that carries it, and
 * (series, n) is unique, so numbers are gap-free and never repeat.
 */
export interface NumberDoc {
  _id: string;
  /** `<registration|revision|opinion>:<region>:<year>`. */
  series: string;
  n: number;
  number: string;
  reviewId: string;
}

/** A file attached to a document's materials; its content is in GridFS under the same `_id`. */
export interface AttachmentDoc {
  _id: string;
  documentId: string;
  kind: MaterialKind;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: { sub: string; name?: string };
  uploadedAt: Date;
}

/** A written record frozen when it was issued (an opinion, a revision letter): served as issued. */
export interface RecordDoc {
  _id: string;
  reviewId: string;
  kind: 'opinion' | 'revision_letter';
  round?: number;
  number?: string;
  issuedOn: string;
  json: unknown;
  html: string;
  /** Hex SHA-256 of `html`. */
  sha256: string;
  createdAt: Date;
}

/**
 * The assistive-review flags of one stored version under one rule set, computed once
 * (features/assist/flags.ts). `_id` is `<versionId>@<rulesVersion>`: written insert-only, never
 * updated, so concurrent first reads store one copy, and a new rule set gets a record of its own
 * beside the old one.
 */
export interface VersionFlagsDoc {
  _id: string;
  versionId: string;
  rulesVersion: string;
  /** The day the dates were compared with (YYYY-MM-DD, China time): the day the version was stored. */
  checkedOn: string;
  flags: Flag[];
  createdAt: Date;
}

/**
 * The months reviews are filed under, one document each (`month:<YYYY-MM>`), so lists know where to
 * stop. Written insert-only: on FerretDB an update is a read-modify-write, and two `$min` updates
 * (or two upserts) at once can lose the lower month. A store of before this change may also hold one
 * `firstMonth` document, which the minimum takes in as well.
 */
export interface StoreMetaDoc {
  _id: string;
  month: string;
}

const actorRef = { sub: String, name: String, region: String, role: String };
const personRef = new Schema({ sub: String, name: String }, { _id: false });

const documentSchema = new Schema<DocumentDoc>(
  {
    _id: String,
    region: { type: String, enum: REGIONS, required: true },
    org: { type: String, required: true },
    createdBy: { sub: String, name: String },
  },
  { timestamps: true, versionKey: false },
);
documentSchema.index({ region: 1, org: 1, createdAt: -1 });

const versionSchema = new Schema<VersionDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
    version: { type: Number, required: true },
    title: { type: String, required: true },
    docType: String,
    summary: String,
    articles: [{ _id: false, number: String, text: String }],
    legalBasis: [String],
    materials: { type: Schema.Types.Mixed, default: {} },
    urgent: { type: Boolean, default: false },
    createdBy: { sub: String, name: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
versionSchema.index({ documentId: 1, version: 1 }, { unique: true });

const reviewSchema = new Schema<ReviewDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
    originRegion: { type: String, enum: REGIONS, required: true },
    org: String,
    drafter: { _id: false, ...actorRef },
    version: Number,
    urgent: Boolean,
    status: { type: String, enum: REVIEW_STATUSES, required: true },
    stage: { type: String, enum: STAGES, required: true },
    outcome: Schema.Types.Mixed,
    submittedAt: { type: Date, required: true },
    closedAt: String,
    consultations: { type: Schema.Types.Mixed, default: {} },
    checklist: Schema.Types.Mixed,
    revisions: Number,
    clock: Schema.Types.Mixed,
    overdueAt: String,
    acceptedAt: String,
    registrationNumber: String,
    opinionNumber: String,
    revisionLetters: { type: Schema.Types.Mixed, default: [] },
    extensions: { type: Schema.Types.Mixed, default: [] },
    warnings: { type: [String], default: [] },
    earliestDueAt: { type: Date, default: null },
    earliestDueHour: String,
    lastSeq: { type: Number, required: true },
    month: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// Lists filter by equality and read one month at a time, newest first (api/paging.ts).
reviewSchema.index({ month: 1, submittedAt: -1, _id: -1 });
reviewSchema.index({ originRegion: 1, status: 1, stage: 1, month: 1, submittedAt: -1 });
reviewSchema.index({ status: 1, submittedAt: -1 });
reviewSchema.index({ documentId: 1 });
// The statistics count the reviews due in the hour under way one by one.
reviewSchema.index({ status: 1, earliestDueHour: 1 });

const taskSchema = new Schema<TaskDoc>(
  {
    _id: String,
    // Review tasks only: the tasks of the exchange and after the review name their `subject`
    // (a topic, a guideline, a document, a filing, a suggestion; store/after-review.ts, store/exchange.ts).
    reviewId: String,
    documentId: String,
    subject: { _id: false, type: { type: String }, id: String },
    kind: { type: String, enum: TASK_KINDS, required: true },
    region: { type: String, enum: REGIONS, required: true },
    role: { type: String, enum: ROLES, required: true },
    org: String,
    status: { type: String, enum: TASK_STATUSES, required: true },
    version: Number,
    dueAt: { type: String, default: null },
    remindAt: String,
    remindedAt: String,
    overdueAt: String,
    createdAt: { type: String, required: true },
    completedAt: String,
    decision: String,
    completedBy: actorRef,
    opinion: String,
    assignee: { type: personRef, default: undefined },
    assignedBy: { type: personRef, default: undefined },
    assignedAt: String,
    assigneeSub: String,
    lastSeq: { type: Number, required: true },
    month: { type: String, required: true },
    urgent: Boolean,
    registrationNumber: String,
    urgencyKey: String,
    dueHour: String,
  },
  { versionKey: false },
);
// Work read a month at a time (closed tasks, lists without a status) filters on the month too.
taskSchema.index({ region: 1, role: 1, status: 1, month: 1, createdAt: -1 });
taskSchema.index({ status: 1, month: 1, createdAt: -1 });
// Open work (GET /v1/tasks?status=open) gives no month: its equalities, then its sort, _id the tie-break.
// On the embedded store an index ending in _id also gets a btree that reads each page, the pages after
// a cursor included, in order (scripts/ferretdb/postgresql-top-pages.patch); one a store made before
// the patch holds is made again once (store/keyset-indexes.ts).
taskSchema.index({ region: 1, role: 1, status: 1, createdAt: -1, _id: -1 });
taskSchema.index({ status: 1, createdAt: -1, _id: -1 });
taskSchema.index({ assigneeSub: 1, status: 1, createdAt: -1, _id: -1 });
taskSchema.index({ reviewId: 1 });
taskSchema.index({ status: 1, dueAt: 1 });
// The statistics count the tasks due in the hour under way one by one.
taskSchema.index({ status: 1, dueHour: 1 });
// The work list by urgency (GET /v1/tasks?sort=urgency): a pool's open tasks, due soonest first
// (`_id` last: on the embedded store it gets a btree that reads each page in order, see above).
taskSchema.index({ region: 1, role: 1, status: 1, urgencyKey: 1, _id: 1 });

const commentSchema = new Schema<CommentDoc>(
  {
    _id: String,
    reviewId: { type: String, required: true },
    documentId: { type: String, required: true },
    taskId: String,
    version: Number,
    stage: String,
    article: String,
    text: String,
    severity: { type: String, enum: SEVERITIES },
    basis: String,
    author: actorRef,
    disposition: { _id: false, status: String, reason: String, at: String },
    createdAt: String,
  },
  { versionKey: false },
);
commentSchema.index({ documentId: 1, createdAt: 1 });

const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: String,
    type: { type: String, enum: NOTIFICATION_TYPES, required: true },
    audience: { region: String, role: String, org: String, subs: { type: [String], default: undefined } },
    reviewId: String,
    /** The notifications after the review name the document instead of a review. */
    documentId: String,
    taskId: String,
    dueAt: String,
    message: String,
    createdAt: { type: Date, required: true },
    month: { type: String, required: true },
  },
  { versionKey: false },
);
notificationSchema.index({ 'audience.role': 1, 'audience.region': 1, month: 1, createdAt: -1 });
notificationSchema.index({ 'audience.subs': 1, month: 1, createdAt: -1 });

const eventSchema = new Schema<EventDoc>(
  {
    _id: String,
    reviewId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: String, required: true },
    actor: { _id: false, ...actorRef },
    requestId: String,
    data: { type: Schema.Types.Mixed, default: {} },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
eventSchema.index({ reviewId: 1, seq: 1 });

const storeMetaSchema = new Schema<StoreMetaDoc>({ _id: String, month: String }, { versionKey: false });
const attachmentSchema = new Schema<AttachmentDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
    kind: { type: String, enum: MATERIAL_KINDS, required: true },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedBy: { sub: String, name: String },
    uploadedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
attachmentSchema.index({ documentId: 1 });

const numberSchema = new Schema<NumberDoc>(
  {
    _id: String,
    series: { type: String, required: true },
    n: { type: Number, required: true },
    number: { type: String, required: true },
    reviewId: { type: String, required: true },
  },
  { versionKey: false },
);
numberSchema.index({ series: 1, n: 1 }, { unique: true });
numberSchema.index({ series: 1 });
const recordSchema = new Schema<RecordDoc>(
  {
    _id: String,
    reviewId: { type: String, required: true },
    kind: { type: String, required: true },
    round: Number,
    number: String,
    issuedOn: { type: String, required: true },
    json: { type: Schema.Types.Mixed, required: true },
    html: { type: String, required: true },
    sha256: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
recordSchema.index({ reviewId: 1 });
const idempotentRequestSchema = new Schema<IdempotentRequestDoc>(
  {
    _id: String,
    bodyHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    answer: Schema.Types.Mixed,
  },
  { versionKey: false },
);
const taskDraftSchema = new Schema<TaskDraftDoc>(
  {
    _id: String,
    taskId: { type: String, required: true },
    sub: { type: String, required: true },
    body: { type: Schema.Types.Mixed, required: true },
    savedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
taskDraftSchema.index({ taskId: 1 });

const versionFlagsSchema = new Schema<VersionFlagsDoc>(
  {
    _id: String,
    versionId: { type: String, required: true },
    rulesVersion: { type: String, required: true },
    checkedOn: { type: String, required: true },
    flags: { type: Schema.Types.Mixed, default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

const reviewClaimSchema = new Schema<ReviewClaimDoc>(
  {
    _id: String,
    reviewId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    idempotent: String,
  },
  { versionKey: false },
);

export interface Models extends SealModels, PrecedentModels, ExchangeModels {
  Document: Model<DocumentDoc>;
  Version: Model<VersionDoc>;
  Review: Model<ReviewDoc>;
  Task: Model<TaskDoc>;
  Comment: Model<CommentDoc>;
  Notification: Model<NotificationDoc>;
  Event: Model<EventDoc>;
  ReviewClaim: Model<ReviewClaimDoc>;
  StoreMeta: Model<StoreMetaDoc>;
  IdempotentRequest: Model<IdempotentRequestDoc>;
  Number: Model<NumberDoc>;
  Attachment: Model<AttachmentDoc>;
  Record: Model<RecordDoc>;
  TaskDraft: Model<TaskDraftDoc>;
  VersionFlags: Model<VersionFlagsDoc>;
  Person: Model<PersonDoc>;
  Delegation: Model<DelegationDoc>;
  RegisterRow: Model<RegisterRowDoc>;
  FigureBucket: Model<FigureBucketDoc>;
  FigureLock: Model<FigureLockDoc>;
  StatsCounter: Model<CounterDoc>;
  Migration: Model<MigrationDoc>;
  CalendarYear: Model<CalendarYearDoc>;
  CalendarRedating: Model<CalendarRedatingDoc>;
}

/**
 * A read made on behalf of a request gets the time the request has left as its server-side limit
 * (maxTimeMS): once the caller has been answered 503 the store stops the query instead of running
 * it on for nobody.
 */
function readsWithinBudget(schema: Schema): void {
  schema.pre(['find', 'findOne', 'countDocuments', 'distinct'], function () {
    const left = budgetLeftMs();
    if (left !== undefined && this.getOptions().maxTimeMS === undefined) this.maxTimeMS(left);
  });
  schema.pre('aggregate', function () {
    const left = budgetLeftMs();
    if (left !== undefined && this.options.maxTimeMS === undefined) this.option({ maxTimeMS: left });
  });
}

for (const schema of [
  documentSchema,
  versionSchema,
  reviewSchema,
  taskSchema,
  commentSchema,
  notificationSchema,
  eventSchema,
  storeMetaSchema,
  attachmentSchema,
  numberSchema,
  recordSchema,
  idempotentRequestSchema,
  taskDraftSchema,
  reviewClaimSchema,
  versionFlagsSchema,
  personSchema,
  delegationSchema,
  registerRowSchema,
  figureBucketSchema,
  figureLockSchema,
  statsCounterSchema,
  migrationSchema,
  calendarYearSchema,
]) {
  readsWithinBudget(schema as Schema);
}

/** Binds the models to one connection (tests give each suite its own database). */
export function createModels(connection: Connection): Models {
  return {
    Document: connection.model('Document', documentSchema, 'documents'),
    Version: connection.model('Version', versionSchema, 'versions'),
    Review: connection.model('Review', reviewSchema, 'reviews'),
    Task: connection.model('Task', taskSchema, 'tasks'),
    Comment: connection.model('Comment', commentSchema, 'comments'),
    Notification: connection.model('Notification', notificationSchema, 'notifications'),
    Event: connection.model('Event', eventSchema, 'events'),
    ReviewClaim: connection.model('ReviewClaim', reviewClaimSchema, 'reviewClaims'),
    StoreMeta: connection.model('StoreMeta', storeMetaSchema, 'storeMeta'),
    IdempotentRequest: connection.model('IdempotentRequest', idempotentRequestSchema, 'idempotentRequests'),
    Number: connection.model('Number', numberSchema, 'numbers'),
    Attachment: connection.model('Attachment', attachmentSchema, 'attachments'),
    Record: connection.model('Record', recordSchema, 'records'),
    TaskDraft: connection.model('TaskDraft', taskDraftSchema, 'taskDrafts'),
    VersionFlags: connection.model('VersionFlags', versionFlagsSchema, 'versionFlags'),
    ...createSealModels(connection),
    Person: connection.model('Person', personSchema, 'people'),
    Delegation: connection.model('Delegation', delegationSchema, 'delegations'),
    ...createPrecedentModels(connection),
    ...createExchangeModels(connection),
    RegisterRow: connection.model('RegisterRow', registerRowSchema, 'registerRows'),
    FigureBucket: connection.model('FigureBucket', figureBucketSchema, 'figureBuckets'),
    FigureLock: connection.model('FigureLock', figureLockSchema, 'figureLocks'),
    StatsCounter: connection.model('StatsCounter', statsCounterSchema, 'statsCounters'),
    Migration: connection.model('Migration', migrationSchema, 'migrations'),
    CalendarYear: connection.model('CalendarYear', calendarYearSchema, 'calendarYears'),
    CalendarRedating: connection.model('CalendarRedating', calendarRedatingSchema, 'calendarRedatings'),
  };
}

/** Creates the indexes; idempotent, run by every process at start-up. */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((m: Model<unknown>) => m.createIndexes()));
}

/**
 * Gives every task its keys for the work list by urgency ({@link urgencyKeyOf}) and its due hour,
 * and every review in review its earliest due hour (the statistics count the hour under way by
 * them), where a store of before lacks them. One pass, run once per store (store/migrations.ts);
 * any number at once is harmless: every write sets the one value the item's own fields give.
 */
export async function backfillUrgencyKeys(models: Pick<Models, 'Task' | 'Review'>, batch = 1000): Promise<void> {
  const tasks = models.Task.find({}, { dueAt: 1, createdAt: 1, urgencyKey: 1, dueHour: 1 })
    .lean<Pick<TaskDoc, '_id' | 'dueAt' | 'createdAt' | 'urgencyKey' | 'dueHour'>[]>()
    .cursor();
  let updates: Parameters<typeof models.Task.bulkWrite>[0] = [];
  for await (const task of tasks) {
    const dueHour = task.dueAt === null ? null : dueHourOf(task.dueAt);
    if (task.urgencyKey !== undefined && (task.dueHour ?? null) === dueHour) continue;
    updates.push({
      updateOne: { filter: { _id: task._id }, update: { $set: { urgencyKey: urgencyKeyOf(task), dueHour } } },
    });
    if (updates.length >= batch) {
      await models.Task.bulkWrite(updates, { ordered: false });
      updates = [];
    }
  }
  if (updates.length > 0) await models.Task.bulkWrite(updates, { ordered: false });
  const reviews = models.Review.find({ status: 'in_review' }, { earliestDueAt: 1, earliestDueHour: 1 })
    .lean<Pick<ReviewDoc, '_id' | 'earliestDueAt' | 'earliestDueHour'>[]>()
    .cursor();
  let reviewUpdates: Parameters<typeof models.Review.bulkWrite>[0] = [];
  for await (const r of reviews) {
    const earliestDueHour = r.earliestDueAt ? dueHourOf(new Date(r.earliestDueAt).toISOString()) : null;
    if ((r.earliestDueHour ?? null) === earliestDueHour) continue;
    reviewUpdates.push({ updateOne: { filter: { _id: r._id }, update: { $set: { earliestDueHour } } } });
    if (reviewUpdates.length >= batch) {
      await models.Review.bulkWrite(reviewUpdates, { ordered: false });
      reviewUpdates = [];
    }
  }
  if (reviewUpdates.length > 0) await models.Review.bulkWrite(reviewUpdates, { ordered: false });
}

/**
 * Register rows written before they carried the day they were received on (`receivedOn`) get it
 * here, once per store (store/migrations.ts): an export reads the register a day at a time and
 * would not see them. Any number at once is harmless (each write sets the one value the row's own
 * `receivedAt` gives). One pass
 * through one unsorted cursor (on FerretDB v1, which cannot find a missing field by an index, one
 * scan of the rows), the updates written a batch at a time.
 */
export async function backfillRegisterDays(models: Pick<Models, 'RegisterRow'>, batch = 1000): Promise<void> {
  const cursor = models.RegisterRow.find({ receivedOn: { $exists: false } }, { receivedAt: 1 })
    .lean<Pick<RegisterRowDoc, '_id' | 'receivedAt'>[]>()
    .cursor({ batchSize: batch });
  let missing: Pick<RegisterRowDoc, '_id' | 'receivedAt'>[] = [];
  const write = async () => {
    if (missing.length === 0) return;
    const rows = missing;
    missing = [];
    await models.RegisterRow.bulkWrite(
      rows.map((row) => ({
        updateOne: { filter: { _id: row._id }, update: { $set: { receivedOn: cstDay(row.receivedAt) } } },
      })),
      { ordered: false },
    );
  };
  try {
    for await (const row of cursor) {
      missing.push(row);
      if (missing.length >= batch) await write();
    }
    await write();
  } finally {
    await cursor.close();
  }
}

/** A version's `_id`: its document's and its number. */
export const versionId = (documentId: string, version: number): string => `${documentId}:v${version}`;

/** The month (`YYYY-MM`, UTC) a record created at `at` is filed under, so lists can be read a month at a time. */
export function monthOf(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 7);
}

export function taskFromDoc(doc: TaskDoc): TaskRecord {
  const {
    _id,
    lastSeq: _seq,
    month: _month,
    urgent: _urgent,
    registrationNumber: _number,
    assigneeSub: _assignee,
    urgencyKey: _key,
    dueHour: _hour,
    ...rest
  } = doc;
  return { id: _id, ...rest };
}

/** A stored review as the projection of its log (domain/projection.ts). */
export function reviewFromDoc(doc: ReviewDoc): ReviewProjection {
  const { _id, submittedAt, earliestDueAt, earliestDueHour: _hour, month: _month, ...rest } = doc;
  return {
    ...rest,
    reviewId: _id,
    submittedAt: submittedAt.toISOString(),
    earliestDueAt: earliestDueAt === null ? null : earliestDueAt.toISOString(),
  };
}

export function commentFromDoc(doc: CommentDoc): CommentRecord {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Notes that a review is filed under `month` (idempotent, safe under any concurrency). */
export async function noteReviewMonth(models: Models, month: string): Promise<void> {
  await insertIfAbsent(models.StoreMeta, { _id: `month:${month}`, month });
}

/** The month of the oldest review stored, or null for an empty store. */
export async function firstReviewMonth(models: Models): Promise<string | null> {
  const [first] = await models.StoreMeta.find({}, { month: 1 }).sort({ month: 1 }).limit(1).lean<StoreMetaDoc[]>();
  return first?.month ?? null;
}
