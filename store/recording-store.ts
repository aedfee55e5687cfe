/**
 * The store as recording a transition sees it (activities/recording.ts): the few primitives it
 * writes and reads through. Two implementations: `liveRecordingStore` below, MongoDB as the
 * recording activity uses it (every write idempotent, so a retried recording duplicates nothing),
 * and `BulkRecordingStore` (bulk-recording-store.ts), which keeps what it is given in memory and
 * inserts it in bulk, for seeding a store with many reviews.
 */
import type { Model, RootFilterQuery, UpdateQuery } from 'mongoose';
import type { Increments } from '../domain/annual-figures';
import type { Disposition } from '../domain/model';
import type { SideRecords } from '../domain/review-log';
import type { RecordSources } from '../domain/written-record';
import {
  noteReviewMonth,
  type CommentDoc,
  type EventDoc,
  type Models,
  type NotificationDoc,
  type NumberDoc,
  type RecordDoc,
  type ReviewDoc,
  type TaskDoc,
} from './models';
import { insertAllAbsent, insertIfAbsent, isDuplicateKey } from './mongo';
import type { CountedComponent } from './counters';
import { countFigures, moveRegisterRowForward, type RegisterRowDoc } from './register';
import { countStats } from './stats-counters';

/** A number to take for the event `_id` in `series`; `format` writes the n-th number of the series. */
export interface NumberClaim {
  _id: string;
  series: string;
  reviewId: string;
  format: (n: number) => string;
}

/** What a frozen record is built from, as the store holds it. */
export interface StoredRecordSources {
  events: EventDoc[];
  version: RecordSources['version'];
  comments: CommentDoc[];
}

/** How moving a projection forward went. */
export type Moved = 'updated' | 'inserted' | 'unchanged';

export interface RecordingStore {
  /**
   * The number taken for `claim._id` before (a retried recording), or else the next number of
   * `claim.series`: gap-free, and never given twice.
   */
  takeNumber(claim: NumberClaim): Promise<string>;
  /** Inserts the events (ids `<reviewId>#<seq>`); false when some were stored already (those stay). */
  insertEvents(events: readonly EventDoc[]): Promise<boolean>;
  /** The hash of each stored event of the review, by `seq`. */
  eventHashes(reviewId: string): Promise<Map<number, string>>;
  /** Whether the review's log holds the event `eventId` (`<reviewId>#<seq>`): one read by id. */
  holdsEvent(reviewId: string, eventId: string): Promise<boolean>;
  /** Insert-if-absent, each (one round trip). */
  insertComments(comments: readonly CommentDoc[]): Promise<void>;
  setDisposition(commentId: string, disposition: Disposition): Promise<void>;
  /** Sets each of `materials` on the version (the keys are the schema's, never a caller's). */
  mergeMaterials(versionId: string, materials: SideRecords['materials'][number]['materials']): Promise<void>;
  /** Insert-if-absent, each (one round trip). */
  insertNotifications(notifications: readonly NotificationDoc[]): Promise<void>;
  /**
   * Writes the task unless the stored copy is already at its log position (`lastSeq`) or later;
   * `opened`: the transition being recorded opened it (so it is most likely not stored yet).
   */
  moveTaskForward(task: TaskDoc, opened?: boolean): Promise<Moved>;
  /** Writes the review unless the stored copy is already at its log position (`lastSeq`) or later. */
  moveReviewForward(review: ReviewDoc): Promise<Moved>;
  /** Notes that a review is filed under `month` (insert-if-absent). */
  noteReviewMonth(month: string): Promise<void>;
  /** Frees the document for a new review, if `reviewId` still holds it. */
  releaseClaim(documentId: string, reviewId: string): Promise<void>;
  /** The review's events, its comments, and the version's title, type, legal basis and materials. */
  recordSources(reviewId: string, versionId: string): Promise<StoredRecordSources>;
  /** Insert-if-absent; answers the copy that stands (this one, or one frozen before). */
  insertRecord(record: RecordDoc): Promise<RecordDoc>;
  /** The title of a stored version. */
  versionTitle(versionId: string): Promise<string | undefined>;
  /** Moves the review's register row forward to its log position (store/register.ts). */
  moveRegisterRowForward(row: RegisterRowDoc): Promise<void>;
  /** Adds to the year's counters, once per log position of `subjectId` (store/register.ts). */
  countFigures(subjectId: string, seq: number, increments: Increments): Promise<void>;
  /** Counts the difference a transition of `subjectId` makes to the statistics, once (store/stats-counters.ts). */
  countStats(subjectId: string, seq: number, components: readonly CountedComponent[]): Promise<void>;
}

/** How often to count again when another review took the number first. */
const MAX_NUMBER_RACE = 200;

/** The store the recording activity writes to: MongoDB, through `models`. */
export function liveRecordingStore(models: Models): RecordingStore {
  return {
    takeNumber: (claim) => takeNumber(models, claim),

    async insertEvents(events) {
      try {
        // Through the driver, not Mongoose: the stored event must be exactly what was hashed.
        await models.Event.collection.insertMany(
          events as unknown as Parameters<typeof models.Event.collection.insertMany>[0],
          { ordered: false },
        );
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return false;
      }
    },

    async eventHashes(reviewId) {
      const stored = await models.Event.find({ reviewId }, { seq: 1, hash: 1 }).lean();
      return new Map(stored.map((e) => [e.seq, e.hash]));
    },

    async holdsEvent(_reviewId, eventId) {
      return (await models.Event.exists({ _id: eventId })) !== null;
    },

    insertComments: (comments) => insertAllAbsent(models.Comment, comments),

    async setDisposition(commentId, disposition) {
      await models.Comment.updateOne({ _id: commentId }, { $set: { disposition } });
    },

    async mergeMaterials(versionId, materials) {
      // Setting each key is idempotent.
      const set = Object.fromEntries(Object.entries(materials).map(([key, text]) => [`materials.${key}`, text]));
      await models.Version.updateOne({ _id: versionId }, { $set: set });
    },

    insertNotifications: (notifications) => insertAllAbsent(models.Notification, notifications),

    moveTaskForward: (task, opened) => moveForward(models.Task, task, opened),
    moveReviewForward: (review) => moveForward(models.Review, review),
    noteReviewMonth: (month) => noteReviewMonth(models, month),

    async releaseClaim(documentId, reviewId) {
      await models.ReviewClaim.deleteOne({ _id: documentId, reviewId });
    },

    async recordSources(reviewId, versionId) {
      const [events, version, comments] = await Promise.all([
        models.Event.find({ reviewId }).lean<EventDoc[]>(),
        models.Version.findById(versionId, { title: 1, docType: 1, legalBasis: 1, materials: 1 }).lean<
          StoredRecordSources['version']
        >(),
        models.Comment.find({ reviewId }).lean<CommentDoc[]>(),
      ]);
      return { events, version, comments };
    },

    async insertRecord(record) {
      if (await insertIfAbsent(models.Record, record)) return record;
      return (await models.Record.findById(record._id).lean<RecordDoc>())!; // frozen before: that copy stands
    },

    async versionTitle(versionId) {
      return (await models.Version.findById(versionId, { title: 1 }).lean<{ title: string }>())?.title;
    },
    moveRegisterRowForward: (row) => moveRegisterRowForward(models.RegisterRow, row),
    countFigures: (subjectId, seq, increments) => countFigures(models, subjectId, seq, increments),
    countStats: (subjectId, seq, components) => countStats(models, subjectId, seq, components),
  };
}

/**
 * Each number is an insert under the event's id, with a unique (series, n): of two reviews
 * numbered at the same moment one gets n and the other n + 1, and a retried recording finds the
 * number it took before. The insert is tried first (two round trips for a first recording, the
 * usual case); only a refused one looks up whether the event holds a number already.
 */
async function takeNumber(models: Models, claim: NumberClaim): Promise<string> {
  for (let attempt = 0; attempt < MAX_NUMBER_RACE; attempt++) {
    const [last] = await models.Number.find({ series: claim.series }, { n: 1 })
      .sort({ n: -1 })
      .limit(1)
      .lean<NumberDoc[]>();
    const n = (last?.n ?? 0) + 1;
    try {
      await models.Number.create({
        _id: claim._id,
        series: claim.series,
        n,
        number: claim.format(n),
        reviewId: claim.reviewId,
      });
      return claim.format(n);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // Either this event was numbered before (a retry: that number stands), or another review took n.
    const taken = await models.Number.findById(claim._id).lean<NumberDoc>();
    if (taken) return taken.number;
  }
  throw new Error(`could not take a number in ${claim.series}: too many at once`);
}

/**
 * Writes `doc` unless the stored copy is already at log position `doc.lastSeq` or later. The first
 * try updates an older copy; when nothing older matched, an insert-if-absent covers a new document
 * and leaves a newer one untouched. A document the transition has just made (`opened`) is inserted
 * first instead, in one round trip; the update follows only if it is there already (a retry).
 */
export async function moveForward<T extends { _id: string; lastSeq: number }>(
  model: Model<T>,
  doc: T,
  opened = false,
): Promise<Moved> {
  if (opened && (await insertIfAbsent(model, doc))) return 'inserted';
  const { _id, ...fields } = doc;
  const older = { _id, lastSeq: { $lt: doc.lastSeq } } as RootFilterQuery<T>;
  const updated = await model.updateOne(older, { $set: fields } as UpdateQuery<T>);
  if (updated.matchedCount > 0) return 'updated';
  if (opened) return 'unchanged';
  return (await insertIfAbsent(model, doc)) ? 'inserted' : 'unchanged';
}
