/**
 * The register's rows and the year's counters, as the recording path keeps them (store/models.ts
 * binds the models). Both are written idempotently: a row only moves forward in its review's log;
 * the counters count each subject's log position once (store/counters.ts), so a retried recording
 * never counts twice.
 */
import { createHash } from 'node:crypto';
import { Schema, type Model } from 'mongoose';
import type { ClockState } from '../domain/model';
import type { AfterReviewRegisterFields, ReviewRegisterFields } from '../domain/register';
import type { Increments } from '../domain/annual-figures';
import {
  counterLockSchema,
  counterSchema,
  countOnce,
  foldOnce,
  holdingLock,
  markId,
  type CountedComponent,
  type CounterDoc,
  type CounterLockDoc,
  type CountFault,
  type CountTarget,
} from './counters';
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
 * the bucket a hash of the subject) so that concurrent recordings rarely touch the same one;
 * each subject's mark (the log position counted last) is a document of its own beside them
 * (store/counters.ts). Documents stored before that hold the marks inline (`seen`), read until
 * {@link moveInlineMarks} has moved them.
 */
export type FigureBucketDoc = CounterDoc;

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

export const figureBucketSchema = counterSchema();
figureBucketSchema.index({ year: 1, region: 1 });

/** A subject id as a field name: no `.` and no leading `$` (the key of an inline mark, and of a mark's id). */
function seenKey(subjectId: string): string {
  return subjectId.replace(/[.$]/g, '_');
}

function bucketOf(subjectId: string): number {
  return createHash('sha1').update(subjectId).digest().readUInt16BE(0) % FIGURE_BUCKETS;
}

export type FigureLockDoc = CounterLockDoc;
export const figureLockSchema = counterLockSchema;

/** The counts documents one subject's increments go to, with its one component. */
function figureTargets(subjectId: string, increments: Increments): [CountTarget, CountedComponent][] {
  const key = seenKey(subjectId);
  const bucket = bucketOf(subjectId);
  return [...increments].map(([yearRegion, counts]) => {
    const [year, region] = yearRegion.split(':');
    const _id = `${yearRegion}:${bucket}`;
    return [
      { _id, fields: { year: Number(year), region }, markScope: _id, legacyKey: seenKey },
      { id: key, add: counts },
    ];
  });
}

/**
 * Adds `increments` to the counters, once for log position `seq` of `subjectId`: a second call with
 * the same or an earlier position changes nothing, whether the first finished, died half way or
 * runs at the same time (store/counters.ts). Positions of one subject arrive in order.
 */
export async function countFigures(
  models: { FigureBucket: Model<FigureBucketDoc>; FigureLock: Model<FigureLockDoc> },
  subjectId: string,
  seq: number,
  increments: Increments,
  fault?: CountFault,
): Promise<void> {
  const store = { Counter: models.FigureBucket, Lock: models.FigureLock };
  for (const [target, component] of figureTargets(subjectId, increments)) {
    await countOnce(store, target, seq, [component], fault);
  }
}

/**
 * What {@link countFigures} does, on counters held in memory: a seeding that writes many subjects
 * at once adds them afterwards ({@link addFolded}), laid out as the recording path leaves them.
 */
export function foldFigures(
  held: Map<string, FigureBucketDoc>,
  subjectId: string,
  seq: number,
  increments: Increments,
): void {
  for (const [target, component] of figureTargets(subjectId, increments)) foldOnce(held, target, seq, [component]);
}

/**
 * Moves the marks that counters documents of before hold inline (`seen`) into documents of their
 * own, one counters document at a time under its lock: a mark stored already at a later position
 * stays. Run once (store/migrations.ts); until then, and if it dies half way, counting reads both.
 */
export async function moveInlineMarks(models: {
  FigureBucket: Model<FigureBucketDoc>;
  FigureLock: Model<FigureLockDoc>;
}): Promise<void> {
  const ids = (await models.FigureBucket.find({ year: { $exists: true } }, { _id: 1 }).lean<{ _id: string }[]>()).map(
    (d) => d._id,
  );
  for (const _id of ids) {
    await holdingLock(models.FigureLock, _id, async () => {
      const doc = await models.FigureBucket.findById(_id, { seen: 1 }).lean<FigureBucketDoc>();
      const seen = Object.entries(doc?.seen ?? {});
      for (let i = 0; i < seen.length; i += 1000) {
        const part = seen.slice(i, i + 1000);
        // Older marks move forward; missing ones are inserted; later ones stay as they are.
        await models.FigureBucket.bulkWrite(
          part.map(([key, seq]) => ({
            updateOne: { filter: { _id: markId(_id, key), seq: { $lt: seq } }, update: { $set: { seq } } },
          })),
          { ordered: false },
        );
        try {
          await models.FigureBucket.collection.insertMany(
            part.map(([key, seq]) => ({ _id: markId(_id, key), seq })) as never[],
            { ordered: false },
          );
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      if (doc?.seen) await models.FigureBucket.updateOne({ _id }, { $unset: { seen: '' } });
    });
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
