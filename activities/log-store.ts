/**
 * Writing the review log and its projections to MongoDB. Every write is idempotent, so a retried
 * activity never duplicates anything: events are inserted under `<reviewId>#<seq>`, comments and
 * notifications under ids the workflow made, and a projection is only ever moved forward (a copy
 * written at a later log position is never overwritten by an earlier one).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Model, RootFilterQuery, UpdateQuery } from 'mongoose';
import type { TaskRecord } from '../domain/model';
import type { ReviewProjection } from '../domain/projection';
import type { NewEvent, SideRecords } from '../domain/review-log';
import { chainEvents } from '../platform/log-chain';
import { monthOf, noteReviewMonth, versionId, type Models, type ReviewDoc } from '../store/models';
import { insertIfAbsent, isDuplicateKey } from '../store/mongo';

export const eventId = (reviewId: string, seq: number): string => `${reviewId}#${seq}`;

/**
 * Appends `events` to the log of `reviewId` and returns the hash of the last one. Events already
 * there (a retry) are left alone once their hashes are seen to match: the log is append-only.
 */
export async function appendEvents(
  models: Models,
  reviewId: string,
  prevHash: string,
  events: readonly NewEvent[],
): Promise<string> {
  const chained = chainEvents(prevHash, events);
  const docs = chained.map((e) => ({ _id: eventId(reviewId, e.seq), reviewId, ...e }));
  try {
    // Through the driver, not Mongoose: the stored event must be exactly what was hashed.
    await models.Event.collection.insertMany(
      docs as unknown as Parameters<typeof models.Event.collection.insertMany>[0],
      { ordered: false },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const stored = await models.Event.find({ reviewId }, { seq: 1, hash: 1 }).lean();
    const storedHash = new Map(stored.map((e) => [e.seq, e.hash]));
    const diverged = chained.find((e) => storedHash.get(e.seq) !== e.hash);
    if (diverged) {
      throw ApplicationFailure.nonRetryable(
        `the log of ${reviewId} already holds a different event ${diverged.seq}`,
        'log_diverged',
      );
    }
  }
  return chained[chained.length - 1]?.hash ?? prevHash;
}

/** Stores new comments, dispositions and notifications (insert-if-absent and idempotent sets). */
export async function writeSideRecords(models: Models, records: SideRecords): Promise<void> {
  // Inserts under distinct ids go at once; updates stay in order (one decision may answer a comment twice:
  // the last answer stands, and FerretDB's updates of one document at once could interleave).
  await Promise.all(
    records.comments.map(({ id, ...comment }) => insertIfAbsent(models.Comment, { _id: id, ...comment })),
  );
  for (const { commentId, ...disposition } of records.dispositions) {
    await models.Comment.updateOne({ _id: commentId }, { $set: { disposition } });
  }
  for (const { documentId, version, materials } of records.materials) {
    // Setting each key is idempotent; the keys are the schema's own, never a caller's.
    const set = Object.fromEntries(Object.entries(materials).map(([key, text]) => [`materials.${key}`, text]));
    await models.Version.updateOne({ _id: versionId(documentId, version) }, { $set: set });
  }
  await Promise.all(
    records.notifications.map(({ id, createdAt, ...notification }) =>
      insertIfAbsent(models.Notification, {
        _id: id,
        ...notification,
        createdAt: new Date(createdAt),
        month: monthOf(createdAt),
      }),
    ),
  );
}

/** Moves the review and the given tasks forward to log position `lastSeq`; frees the document once closed. */
export async function writeProjection(
  models: Models,
  review: ReviewProjection,
  tasks: readonly TaskRecord[],
): Promise<void> {
  const { lastSeq } = review;
  // Distinct tasks at once; the review last, so a reader who sees it moved finds its tasks moved too.
  await Promise.all(
    tasks.map(({ id, ...task }) =>
      moveForward(models.Task, id, lastSeq, { ...task, lastSeq, month: monthOf(task.createdAt) }),
    ),
  );
  const { reviewId, submittedAt, earliestDueAt, ...rest } = review;
  const doc: Omit<ReviewDoc, '_id'> = {
    ...rest,
    submittedAt: new Date(submittedAt),
    earliestDueAt: earliestDueAt === null ? null : new Date(earliestDueAt),
    month: monthOf(submittedAt),
  };
  if ((await moveForward(models.Review, reviewId, lastSeq, doc)) === 'inserted') {
    // Lists read month by month back to the oldest review's month.
    await noteReviewMonth(models, doc.month);
  }
  // Frees the document for a new review; a no-op once done.
  if (review.status !== 'in_review') await models.ReviewClaim.deleteOne({ _id: review.documentId, reviewId });
}

/**
 * Writes `fields` unless the stored copy is already at log position `lastSeq` or later. The first
 * try updates an older copy; when nothing older matched, an insert-if-absent covers a new document
 * and leaves a newer one untouched.
 */
async function moveForward<T extends { _id: string; lastSeq: number }>(
  model: Model<T>,
  id: string,
  lastSeq: number,
  fields: Omit<T, '_id'>,
): Promise<'updated' | 'inserted' | 'unchanged'> {
  const older = { _id: id, lastSeq: { $lt: lastSeq } } as RootFilterQuery<T>;
  const updated = await model.updateOne(older, { $set: fields } as UpdateQuery<T>);
  if (updated.matchedCount > 0) return 'updated';
  return (await insertIfAbsent(model, { _id: id, ...fields } as T)) ? 'inserted' : 'unchanged';
}
