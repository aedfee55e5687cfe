/**
 * A recording store in memory, for seeding a store with many reviews at bulk-insert speed: it keeps
 * what recording gives it, answers recording's reads from that, and `flush` inserts it all with one
 * `insertMany` per collection, cast by the same schemas as the live store's writes (events through
 * the driver, exactly as hashed, as the live store inserts them).
 *
 * It holds whole reviews: the reviews it records are new to the store, and it is given their
 * documents, versions and claims (`addDocument`, `addVersion`, `addClaim`: the API's writes).
 * Reading or updating a version or comment it was not given is an error, never a silent difference
 * from the live store. Numbers continue after the highest the store held in each series when the
 * bulk store was opened over it (`continuing`). What it holds is replaced, never changed in place,
 * so what it has handed out (a record's sources) stays as it was. One recording at a time.
 */
import type { SideRecords } from '../domain/review-log';
import {
  noteReviewMonth,
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
} from './models';
import type { Moved, NumberClaim, RecordingStore, StoredRecordSources } from './recording-store';
import { addFolded, type CountedComponent, type CounterDoc } from './counters';
import { foldFigures, type RegisterRowDoc } from './register';
import { addFoldedStats, foldStats } from './stats-counters';
import type { Increments } from '../domain/annual-figures';

/** What a bulk store holds, collection by collection, and the months its reviews are filed under. */
export interface BulkDocs {
  documents: DocumentDoc[];
  versions: VersionDoc[];
  reviewClaims: ReviewClaimDoc[];
  reviews: ReviewDoc[];
  tasks: TaskDoc[];
  events: EventDoc[];
  comments: CommentDoc[];
  notifications: NotificationDoc[];
  numbers: NumberDoc[];
  records: RecordDoc[];
  months: string[];
  registerRows: RegisterRowDoc[];
  /** The year's counters and the statistics' counters, laid out as the live store leaves them (store/counters.ts). */
  figures: Map<string, CounterDoc>;
  stats: Map<string, CounterDoc>;
}

export class BulkRecordingStore implements RecordingStore {
  private documents = new Map<string, DocumentDoc>();
  private versions = new Map<string, VersionDoc>();
  private claims = new Map<string, ReviewClaimDoc>();
  private reviews = new Map<string, ReviewDoc>();
  private tasks = new Map<string, TaskDoc>();
  /** By review, then by `_id`. */
  private events = new Map<string, Map<string, EventDoc>>();
  /** By review, then by `_id`; `reviewOfComment` finds a comment's review. */
  private comments = new Map<string, Map<string, CommentDoc>>();
  private reviewOfComment = new Map<string, string>();
  private notifications = new Map<string, NotificationDoc>();
  private numbers = new Map<string, NumberDoc>();
  private records = new Map<string, RecordDoc>();
  private months = new Set<string>();
  private registerRows = new Map<string, RegisterRowDoc>();
  private figures = new Map<string, CounterDoc>();
  private stats = new Map<string, CounterDoc>();

  /** `lastNumbers`: the last n taken in each series before this store's (none by default). */
  constructor(private readonly lastNumbers = new Map<string, number>()) {}

  /** A bulk store whose numbers continue after those `models` holds. */
  static async continuing(models: Models): Promise<BulkRecordingStore> {
    const last = new Map<string, number>();
    // Series by series, as the live store reads the last number (FerretDB v1 has no $max accumulator).
    for (const series of (await models.Number.distinct('series')).map(String)) {
      const [top] = await models.Number.find({ series }, { n: 1 }).sort({ n: -1 }).limit(1).lean<NumberDoc[]>();
      if (top) last.set(series, top.n);
    }
    return new BulkRecordingStore(last);
  }

  addDocument(document: DocumentDoc): void {
    this.documents.set(document._id, document);
  }

  addVersion(version: VersionDoc): void {
    this.versions.set(version._id, version);
  }

  addClaim(claim: ReviewClaimDoc): void {
    this.claims.set(claim._id, claim);
  }

  takeNumber(claim: NumberClaim): Promise<string> {
    const taken = this.numbers.get(claim._id);
    if (taken) return Promise.resolve(taken.number);
    const n = (this.lastNumbers.get(claim.series) ?? 0) + 1;
    this.lastNumbers.set(claim.series, n);
    const number = claim.format(n);
    this.numbers.set(claim._id, { _id: claim._id, series: claim.series, n, number, reviewId: claim.reviewId });
    return Promise.resolve(number);
  }

  insertEvents(events: readonly EventDoc[]): Promise<boolean> {
    let allNew = true;
    for (const event of events) {
      const log = this.events.get(event.reviewId) ?? new Map<string, EventDoc>();
      this.events.set(event.reviewId, log);
      if (log.has(event._id)) allNew = false;
      else log.set(event._id, event);
    }
    return Promise.resolve(allNew);
  }

  eventHashes(reviewId: string): Promise<Map<number, string>> {
    return Promise.resolve(new Map([...(this.events.get(reviewId)?.values() ?? [])].map((e) => [e.seq, e.hash])));
  }

  holdsEvent(reviewId: string, eventId: string): Promise<boolean> {
    return Promise.resolve(this.events.get(reviewId)?.has(eventId) ?? false);
  }

  insertComments(comments: readonly CommentDoc[]): Promise<void> {
    for (const comment of comments) {
      const ofReview = this.comments.get(comment.reviewId) ?? new Map<string, CommentDoc>();
      this.comments.set(comment.reviewId, ofReview);
      if (!ofReview.has(comment._id)) {
        ofReview.set(comment._id, comment);
        this.reviewOfComment.set(comment._id, comment.reviewId);
      }
    }
    return Promise.resolve();
  }

  setDisposition(commentId: string, disposition: CommentDoc['disposition']): Promise<void> {
    const ofReview = this.comments.get(this.reviewOfComment.get(commentId) ?? '');
    const comment = ofReview?.get(commentId);
    if (!ofReview || !comment) return Promise.reject(notHeld('comment', commentId));
    ofReview.set(commentId, { ...comment, disposition });
    return Promise.resolve();
  }

  mergeMaterials(versionId: string, materials: SideRecords['materials'][number]['materials']): Promise<void> {
    const version = this.versions.get(versionId);
    if (!version) return Promise.reject(notHeld('version', versionId));
    this.versions.set(versionId, { ...version, materials: { ...version.materials, ...materials } });
    return Promise.resolve();
  }

  insertNotifications(notifications: readonly NotificationDoc[]): Promise<void> {
    for (const n of notifications) if (!this.notifications.has(n._id)) this.notifications.set(n._id, n);
    return Promise.resolve();
  }

  moveTaskForward(task: TaskDoc): Promise<Moved> {
    return Promise.resolve(moveForward(this.tasks, task));
  }

  moveReviewForward(review: ReviewDoc): Promise<Moved> {
    return Promise.resolve(moveForward(this.reviews, review));
  }

  noteReviewMonth(month: string): Promise<void> {
    this.months.add(month);
    return Promise.resolve();
  }

  releaseClaim(documentId: string, reviewId: string): Promise<void> {
    if (this.claims.get(documentId)?.reviewId === reviewId) this.claims.delete(documentId);
    return Promise.resolve();
  }

  recordSources(reviewId: string, versionId: string): Promise<StoredRecordSources> {
    const version = this.versions.get(versionId);
    if (!version) return Promise.reject(notHeld('version', versionId));
    return Promise.resolve({
      events: [...(this.events.get(reviewId)?.values() ?? [])],
      version: {
        title: version.title,
        ...(version.docType !== undefined && { docType: version.docType }),
        legalBasis: version.legalBasis,
        materials: version.materials,
      },
      comments: [...(this.comments.get(reviewId)?.values() ?? [])],
    });
  }

  insertRecord(record: RecordDoc): Promise<RecordDoc> {
    const frozen = this.records.get(record._id);
    if (frozen) return Promise.resolve(frozen);
    this.records.set(record._id, record);
    return Promise.resolve(record);
  }

  versionTitle(versionId: string): Promise<string | undefined> {
    return Promise.resolve(this.versions.get(versionId)?.title);
  }

  moveRegisterRowForward(row: RegisterRowDoc): Promise<void> {
    moveForward(this.registerRows, row);
    return Promise.resolve();
  }

  countFigures(subjectId: string, seq: number, increments: Increments): Promise<void> {
    foldFigures(this.figures, subjectId, seq, increments);
    return Promise.resolve();
  }

  countStats(subjectId: string, seq: number, components: readonly CountedComponent[]): Promise<void> {
    foldStats(this.stats, subjectId, seq, components);
    return Promise.resolve();
  }

  /** Hands over everything held and holds nothing more (numbering goes on where it was). */
  drain(): BulkDocs {
    const docs: BulkDocs = {
      documents: [...this.documents.values()],
      versions: [...this.versions.values()],
      reviewClaims: [...this.claims.values()],
      reviews: [...this.reviews.values()],
      tasks: [...this.tasks.values()],
      events: [...this.events.values()].flatMap((log) => [...log.values()]),
      comments: [...this.comments.values()].flatMap((ofReview) => [...ofReview.values()]),
      notifications: [...this.notifications.values()],
      numbers: [...this.numbers.values()],
      records: [...this.records.values()],
      months: [...this.months],
      registerRows: [...this.registerRows.values()],
      figures: this.figures,
      stats: this.stats,
    };
    this.documents = new Map();
    this.versions = new Map();
    this.claims = new Map();
    this.reviews = new Map();
    this.tasks = new Map();
    this.events = new Map();
    this.comments = new Map();
    this.reviewOfComment = new Map();
    this.notifications = new Map();
    this.numbers = new Map();
    this.records = new Map();
    this.months = new Set();
    this.registerRows = new Map();
    this.figures = new Map();
    this.stats = new Map();
    return docs;
  }

  /** Inserts everything held into `models`' collections, one `insertMany` each, and holds nothing more. */
  async flush(models: Models): Promise<void> {
    const docs = this.drain();
    const options = { ordered: false } as const;
    const insert = <T>(model: { insertMany(docs: T[], o: typeof options): Promise<unknown> }, list: T[]) =>
      list.length === 0 ? undefined : model.insertMany(list, options);
    await Promise.all([
      insert(models.Document, docs.documents),
      insert(models.Version, docs.versions),
      insert(models.ReviewClaim, docs.reviewClaims),
      insert(models.Review, docs.reviews),
      insert(models.Task, docs.tasks),
      insert(models.Comment, docs.comments),
      insert(models.Notification, docs.notifications),
      insert(models.Number, docs.numbers),
      insert(models.Record, docs.records),
      insert(models.RegisterRow, docs.registerRows),
      // Through the driver, as the live store inserts them: the stored event must be exactly what was hashed.
      docs.events.length === 0
        ? undefined
        : models.Event.collection.insertMany(
            docs.events as unknown as Parameters<typeof models.Event.collection.insertMany>[0],
            options,
          ),
    ]);
    for (const month of docs.months) await noteReviewMonth(models, month);
    // The counters after what they count: a reader never sees counts of reviews not stored yet.
    await addFolded({ Counter: models.FigureBucket, Lock: models.FigureLock }, docs.figures);
    await addFoldedStats(models, docs.stats);
  }
}

/** The move-forward rule of the live store: write unless the held copy is at `lastSeq` or later. */
function moveForward<T extends { _id: string; lastSeq: number }>(held: Map<string, T>, doc: T): Moved {
  const stored = held.get(doc._id);
  if (!stored) {
    held.set(doc._id, doc);
    return 'inserted';
  }
  if (stored.lastSeq >= doc.lastSeq) return 'unchanged';
  // As `$set` does: the fields given replace theirs, the others stay.
  held.set(doc._id, { ...stored, ...doc });
  return 'updated';
}

function notHeld(what: string, id: string): Error {
  return new Error(`the bulk store holds no ${what} ${id}: it records only reviews it was given whole`);
}
