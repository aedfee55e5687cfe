/**
 * The collections of an issued document's course (domain/after-review.ts): its issuance (one per
 * document: the `_id` is the document's, so a second issuance is refused by the store), its
 * hash-chained log, the filing as read models, and the public's suggestions. The course's tasks
 * and notifications go to the shared `tasks` and `notifications` collections, so work lists and
 * notification lists show them beside a review's.
 *
 * Bound lazily to the connection the shared models use, with their indexes created once.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import {
  FILING_STATUSES,
  ISSUED_STATUSES,
  chinaDateOf,
  type CourseEvent,
  type CourseState,
  type FilingReport,
  type FilingStatus,
  type Issuance,
  type IssuedStatus,
} from '../domain/after-review';
import type { ActorRef, Region } from '../domain/model';
import { REGIONS } from '../domain/model';
import { insertIfAbsent, isDuplicateKey } from './mongo';
import type { Models, NotificationDoc, TaskDoc } from './models';
import { monthOf, urgencyKeyOf } from './models';
import { dueHourOf } from '../domain/stats-counters';

/** A document's issuance and where its validity stands; `_id` is the document's id. */
export type IssuanceDoc = Omit<Issuance, 'documentId' | 'issuedAt'> & {
  _id: string;
  issuedAt: Date;
  status: IssuedStatus;
  expiredAt?: string;
  repealedAt?: string;
  repealReason?: string;
  lastSeq: number;
};

/** A filing for the record, as the API reads it; `registeredMonth` (China time) files the catalogue. */
export interface FilingDoc {
  _id: string;
  documentId: string;
  region: Region;
  org: string;
  documentNumber: string;
  title: string;
  publishedOn: string;
  status: FilingStatus;
  dueAt: string;
  submittedAt?: string;
  onTime?: boolean;
  report?: FilingReport;
  attachments?: string[];
  missing?: string[];
  registeredAt?: string;
  registeredMonth?: string;
  outcome?: { decision: string; opinion?: string; at: string; by?: ActorRef };
  correctionReport?: { text: string; at: string };
  lastSeq: number;
}

/** One event of a course's log; `_id` is `<documentId>#<seq>`, so an append is idempotent. */
export type CourseEventDoc = CourseEvent & { _id: string; documentId: string; prevHash: string; hash: string };

/**
 * A review suggestion from the public. The tracking code is never stored, only its SHA-256
 * (`codeHash`): whoever reads the store cannot answer for the sender.
 */
export interface SuggestionDoc {
  _id: string;
  codeHash: string;
  documentId: string;
  region: Region;
  documentNumber: string;
  text: string;
  contact: string;
  status: 'received' | 'answered';
  taskId?: string;
  reply?: string;
  receivedAt: Date;
  answeredAt?: string;
}

export interface AfterReviewModels {
  Issuance: Model<IssuanceDoc>;
  Filing: Model<FilingDoc>;
  CourseEvent: Model<CourseEventDoc>;
  Suggestion: Model<SuggestionDoc>;
}

const actorRef = { sub: String, name: String, region: String, role: String };

const issuanceSchema = new Schema<IssuanceDoc>(
  {
    _id: String,
    region: { type: String, enum: REGIONS, required: true },
    org: { type: String, required: true },
    reviewId: { type: String, required: true },
    version: { type: Number, required: true },
    title: { type: String, required: true },
    documentNumber: { type: String, required: true },
    issuedOn: { type: String, required: true },
    publishedOn: { type: String, required: true },
    publishedIn: { type: String, required: true },
    validityYears: { type: Number, required: true },
    validUntil: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    issuedBy: { _id: false, ...actorRef },
    status: { type: String, enum: ISSUED_STATUSES, required: true },
    expiredAt: String,
    repealedAt: String,
    repealReason: String,
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false },
);
// A document number names one issued document: the public's suggestions find it by that number.
issuanceSchema.index({ documentNumber: 1 }, { unique: true });

const filingSchema = new Schema<FilingDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
    region: { type: String, enum: REGIONS, required: true },
    org: String,
    documentNumber: String,
    title: String,
    publishedOn: String,
    status: { type: String, enum: FILING_STATUSES, required: true },
    dueAt: String,
    submittedAt: String,
    onTime: Boolean,
    report: Schema.Types.Mixed,
    attachments: { type: [String], default: undefined },
    missing: { type: [String], default: undefined },
    registeredAt: String,
    registeredMonth: String,
    outcome: Schema.Types.Mixed,
    correctionReport: Schema.Types.Mixed,
    lastSeq: { type: Number, required: true },
  },
  { versionKey: false },
);
filingSchema.index({ region: 1, registeredMonth: 1, registeredAt: 1 });

const courseEventSchema = new Schema<CourseEventDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
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
courseEventSchema.index({ documentId: 1, seq: 1 });

const suggestionSchema = new Schema<SuggestionDoc>(
  {
    _id: String,
    codeHash: { type: String, required: true },
    documentId: { type: String, required: true },
    region: { type: String, enum: REGIONS, required: true },
    documentNumber: String,
    text: { type: String, required: true },
    contact: { type: String, required: true },
    status: { type: String, required: true },
    taskId: String,
    reply: String,
    receivedAt: { type: Date, required: true },
    answeredAt: String,
  },
  { versionKey: false },
);
suggestionSchema.index({ codeHash: 1 }, { unique: true });

const bound = new WeakMap<Connection, { models: AfterReviewModels; ready: Promise<void> }>();

/** The course's models on the connection `shared` uses, their indexes created (once per connection). */
export async function afterReviewModels(shared: Models): Promise<AfterReviewModels> {
  const connection = shared.Document.db;
  let entry = bound.get(connection);
  if (!entry) {
    const models: AfterReviewModels = {
      Issuance: connection.model('Issuance', issuanceSchema, 'issuances'),
      Filing: connection.model('Filing', filingSchema, 'filings'),
      CourseEvent: connection.model('CourseEvent', courseEventSchema, 'courseEvents'),
      Suggestion: connection.model('Suggestion', suggestionSchema, 'suggestions'),
    };
    const ready = Promise.all(Object.values(models).map((m: Model<unknown>) => m.createIndexes())).then(
      () => undefined,
    );
    entry = { models, ready };
    bound.set(connection, entry);
  }
  await entry.ready;
  return entry.models;
}

/** Updates `doc` unless a later step already wrote it; inserts it when absent (as a review's projections). */
async function moveForward<T extends { _id: string; lastSeq: number }>(model: Model<T>, doc: T): Promise<void> {
  const { _id, ...fields } = doc;
  const updated = await model.updateOne({ _id, lastSeq: { $lt: doc.lastSeq } }, { $set: fields } as never);
  if (updated.matchedCount > 0) return;
  await insertIfAbsent(model, doc);
}

/**
 * Stores one step of a course: its chained events (idempotent by `_id`), then the read models the
 * state after it gives. Safe to repeat: a retried activity writes the same things.
 */
export async function storeCourseStep(
  shared: Models,
  documentId: string,
  events: (CourseEvent & { prevHash: string; hash: string })[],
  state: CourseState,
): Promise<void> {
  const models = await afterReviewModels(shared);
  const docs = events.map((e) => ({ ...e, _id: `${documentId}#${e.seq}`, documentId }));
  try {
    // Through the driver, as the review log: stored exactly as hashed (no empty `actor` added).
    await models.CourseEvent.collection.insertMany(
      docs as unknown as Parameters<typeof models.CourseEvent.collection.insertMany>[0],
      { ordered: false },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const { issuance, filing, lastSeq } = state;
  await Promise.all([
    models.Issuance.updateOne(
      { _id: documentId, lastSeq: { $lt: lastSeq } },
      {
        $set: {
          status: state.status,
          lastSeq,
          ...(state.expiredAt && { expiredAt: state.expiredAt }),
          ...(state.repealedAt && { repealedAt: state.repealedAt, repealReason: state.repealReason }),
        },
      },
    ),
    moveForward(models.Filing, {
      _id: filing.filingId,
      documentId,
      region: issuance.region,
      org: issuance.org,
      documentNumber: issuance.documentNumber,
      title: issuance.title,
      publishedOn: issuance.publishedOn,
      status: filing.status,
      dueAt: filing.dueAt,
      ...(filing.submittedAt && { submittedAt: filing.submittedAt, onTime: filing.onTime }),
      ...(filing.report && { report: filing.report }),
      ...(filing.attachments && { attachments: filing.attachments }),
      ...(filing.missing && { missing: filing.missing }),
      ...(filing.registeredAt && {
        registeredAt: filing.registeredAt,
        registeredMonth: chinaDateOf(filing.registeredAt).slice(0, 7),
      }),
      ...(filing.outcome && { outcome: filing.outcome }),
      ...(filing.correctionReport && { correctionReport: filing.correctionReport }),
      lastSeq,
    }),
    ...state.tasks.map((task) => {
      const { id, ...rest } = task;
      return moveForward(shared.Task, {
        ...rest,
        _id: id,
        // Its place in the work list by urgency and in the assignee filter, as a review task's.
        urgencyKey: urgencyKeyOf(task),
        dueHour: task.dueAt === null ? null : dueHourOf(task.dueAt),
        assigneeSub: null,
        lastSeq,
        month: monthOf(task.createdAt),
      } as unknown as TaskDoc);
    }),
    ...state.suggestions.map((s) =>
      models.Suggestion.updateOne(
        { _id: s.suggestionId },
        {
          $set: {
            status: s.status,
            taskId: s.taskId,
            ...(s.reply !== undefined && { reply: s.reply, answeredAt: s.answeredAt }),
          },
        },
      ),
    ),
    ...events.flatMap((e) => {
      const n = e.data.notification;
      if (!n) return [];
      const { id, ...rest } = n;
      const doc = { _id: id, ...rest, documentId, createdAt: new Date(e.at), month: monthOf(e.at) };
      return [insertIfAbsent(shared.Notification, doc as unknown as NotificationDoc)];
    }),
  ]);
}
