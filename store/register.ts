/**
 * The register's rows and the year's counters, as the recording path keeps them (store/models.ts
 * binds the models). Both are written idempotently: a row only moves forward in its review's log;
 * a counter set is incremented together with the mark of the subject and log position that moved
 * it, in one update of one document, so a retried recording never counts twice; updates of one
 * counters document take turns (see `countFigures`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Schema, type Model } from 'mongoose';
import type { ClockState } from '../domain/model';
import type { AfterReviewRegisterFields, ReviewRegisterFields } from '../domain/register';
import type { Increments } from '../domain/annual-figures';
import { isDuplicateKey } from './mongo';

/** One register row per review (`_id` the review's id). */
export type RegisterRowDoc = Omit<ReviewRegisterFields, 'reviewId' | 'receivedAt'> &
  AfterReviewRegisterFields & {
    _id: string;
    receivedAt: Date;
    /** Set with the version under review: the title, and the words the row is found by. */
    title?: string;
    terms?: string[];
    /** The review clock, for a running review's working days used. */
    clock: ClockState;
    /** The position in the document's course the after-review columns were set at. */
    afterReviewSeq?: number;
  };

/**
 * The counters of one year and region, spread over a few documents (`<year>:<region>:<bucket>`,
 * the bucket a hash of the subject) so that no document grows without bound and concurrent
 * recordings rarely touch the same one. `seen` holds, per subject, the log position counted last.
 */
export interface FigureBucketDoc {
  _id: string;
  year: number;
  region: string;
  counts: Record<string, number>;
  seen: Record<string, number>;
}

export const FIGURE_BUCKETS = 16;

export const registerRowSchema = new Schema<RegisterRowDoc>(
  {
    _id: String,
    documentId: { type: String, required: true },
    region: { type: String, required: true },
    year: { type: Number, required: true },
    receivedOn: String,
    status: { type: String, required: true },
    registrationNumber: String,
    opinionNumber: String,
    org: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    acceptedAt: String,
    closedAt: String,
    conclusion: String,
    workingDaysUsed: Number,
    extensions: { type: Number, default: 0 },
    extensionWorkingDays: { type: Number, default: 0 },
    caseOfficer: Schema.Types.Mixed,
    lastSeq: { type: Number, required: true },
    title: String,
    terms: { type: [String], default: undefined },
    clock: Schema.Types.Mixed,
    documentNumber: String,
    publishedOn: String,
    filingStatus: String,
    validUntil: String,
    afterReviewSeq: Number,
  },
  { versionKey: false },
);
// The register reads a year of a region (or of all), newest first; a search adds its terms.
registerRowSchema.index({ year: 1, region: 1, receivedAt: -1, _id: -1 });
registerRowSchema.index({ year: 1, receivedAt: -1, _id: -1 });
// Exports read a day at a time (features/register/use-cases.ts), each day newest first.
registerRowSchema.index({ receivedOn: 1, receivedAt: -1, _id: -1 });
registerRowSchema.index({ terms: 1 });
registerRowSchema.index({ documentId: 1 });

export const figureBucketSchema = new Schema<FigureBucketDoc>(
  {
    _id: String,
    year: { type: Number, required: true },
    region: { type: String, required: true },
    counts: { type: Schema.Types.Mixed, default: {} },
    seen: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
figureBucketSchema.index({ year: 1, region: 1 });

/** A subject id as a field name: no `.` and no leading `$`. */
function seenKey(subjectId: string): string {
  return subjectId.replace(/[.$]/g, '_');
}

function bucketOf(subjectId: string): number {
  return createHash('sha1').update(subjectId).digest().readUInt16BE(0) % FIGURE_BUCKETS;
}

/** Who holds a counters document while updating it (`_id` the document's). */
export interface FigureLockDoc {
  _id: string;
  holder: string;
  at: Date;
}

export const figureLockSchema = new Schema<FigureLockDoc>(
  { _id: String, holder: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

/** A lock held longer than this was left by a recording that died: the next one takes it over. */
const STALE_LOCK_MS = 15_000;
const LOCK_WAIT_MS = 30_000;

/**
 * Runs `update` while holding the lock of counters document `_id`. The embedded store (FerretDB)
 * applies two updates of one document at once as read, change, write, so one of two concurrent
 * `$inc`s would be lost: updates of a counters document take turns. The lock is an insert under a
 * unique key, which both stores refuse to repeat.
 */
async function holdingLock(locks: Model<FigureLockDoc>, _id: string, update: () => Promise<void>): Promise<void> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await locks.create({ _id, holder, at: new Date() });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await locks.findById(_id).lean<FigureLockDoc>();
    if (held && Date.now() - held.at.getTime() > STALE_LOCK_MS) {
      await locks.deleteOne({ _id, holder: held.holder }); // only that stale holder's: one taker wins the insert
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`the counters ${_id} stayed locked: retry`);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 30));
  }
  try {
    await update();
  } finally {
    await locks.deleteOne({ _id, holder });
  }
}

/**
 * Adds `increments` to the counters, once for log position `seq` of `subjectId`: a second call with
 * the same or an earlier position changes nothing (the increment and the mark of the position go in
 * one write of one document). Positions of one subject arrive in order.
 */
export async function countFigures(
  models: { FigureBucket: Model<FigureBucketDoc>; FigureLock: Model<FigureLockDoc> },
  subjectId: string,
  seq: number,
  increments: Increments,
): Promise<void> {
  const key = seenKey(subjectId);
  const bucket = bucketOf(subjectId);
  for (const [yearRegion, counts] of increments) {
    const [year, region] = yearRegion.split(':');
    const _id = `${yearRegion}:${bucket}`;
    await holdingLock(models.FigureLock, _id, async () => {
      const stored = await models.FigureBucket.findById(_id).lean<FigureBucketDoc>();
      if (!stored) {
        await models.FigureBucket.create({ _id, year: Number(year), region, counts, seen: { [key]: seq } });
        return;
      }
      if ((stored.seen[key] ?? 0) >= seq) return; // counted before: a retried recording
      const inc = Object.fromEntries(Object.entries(counts).map(([name, n]) => [`counts.${name}`, n]));
      await models.FigureBucket.updateOne({ _id }, { $inc: inc, $set: { [`seen.${key}`]: seq } });
    });
  }
}

/**
 * What {@link countFigures} does, on counters documents held in memory: a seeding that writes many
 * subjects at once inserts them afterwards, laid out as the recording path would have left them.
 */
export function foldFigures(
  held: Map<string, FigureBucketDoc>,
  subjectId: string,
  seq: number,
  increments: Increments,
): void {
  const key = seenKey(subjectId);
  for (const [yearRegion, counts] of increments) {
    const [year, region] = yearRegion.split(':');
    const _id = `${yearRegion}:${bucketOf(subjectId)}`;
    const doc = held.get(_id) ?? { _id, year: Number(year), region, counts: {}, seen: {} };
    held.set(_id, doc);
    if ((doc.seen[key] ?? 0) >= seq) continue;
    for (const [name, n] of Object.entries(counts)) doc.counts[name] = (doc.counts[name] ?? 0) + n;
    doc.seen[key] = seq;
  }
}

/**
 * Moves a register row forward to its log position: fields given replace the stored ones (a title
 * only comes with a new version); a copy at that position or later is left alone.
 */
export async function moveRegisterRowForward(model: Model<RegisterRowDoc>, row: RegisterRowDoc): Promise<void> {
  const { _id, ...fields } = row;
  const updated = await model.updateOne({ _id, lastSeq: { $lt: row.lastSeq } }, { $set: fields });
  if (updated.matchedCount > 0) return;
  try {
    await model.create(row);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // stored at this position or later already
  }
}

/**
 * Sets what happened to a document after its review (issuance, filing) on the row of the review
 * that approved it, as of position `courseSeq` of the document's course: a copy from an earlier
 * position (a late retry) is left alone. A review recorded before the register existed has no row:
 * nothing to set.
 */
export async function setAfterReviewFields(
  model: Model<RegisterRowDoc>,
  reviewId: string,
  courseSeq: number,
  fields: AfterReviewRegisterFields,
): Promise<void> {
  await model.updateOne(
    { _id: reviewId, $or: [{ afterReviewSeq: { $exists: false } }, { afterReviewSeq: { $lt: courseSeq } }] },
    { $set: { ...fields, afterReviewSeq: courseSeq } },
  );
}
