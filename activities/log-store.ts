/**
 * Writing the review log and its projections. Every write is idempotent, so a retried activity
 * never duplicates anything: events are inserted under `<reviewId>#<seq>`, comments and
 * notifications under ids the workflow made, and a projection is only ever moved forward (a copy
 * written at a later log position is never overwritten by an earlier one).
 */
import { ApplicationFailure } from '@temporalio/common';
import { dueHourOf } from '../domain/stats-counters';
import type { TaskRecord } from '../domain/model';
import type { ReviewProjection } from '../domain/projection';
import type { NewEvent, SideRecords } from '../domain/review-log';
import { chainEvents } from '../platform/log-chain';
import { monthOf, urgencyKeyOf, versionId, type ReviewDoc } from '../store/models';
import type { RecordingStore } from '../store/recording-store';

export const eventId = (reviewId: string, seq: number): string => `${reviewId}#${seq}`;

/**
 * Appends `events` to the log of `reviewId` and returns the hash of the last one. Events already
 * there (a retry) are left alone once their hashes are seen to match: the log is append-only.
 */
export async function appendEvents(
  store: RecordingStore,
  reviewId: string,
  prevHash: string,
  events: readonly NewEvent[],
): Promise<string> {
  const chained = chainEvents(prevHash, events);
  const docs = chained.map((e) => ({ _id: eventId(reviewId, e.seq), reviewId, ...e }));
  if (!(await store.insertEvents(docs))) {
    const storedHash = await store.eventHashes(reviewId);
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
export async function writeSideRecords(store: RecordingStore, records: SideRecords): Promise<void> {
  // The inserts go at once, each kind in one round trip (the notifications beside the rest); updates
  // stay in order (one decision may answer a comment twice: the last answer stands, and FerretDB's
  // updates of one document at once could interleave).
  const commentsInOrder = async () => {
    await store.insertComments(records.comments.map(({ id, ...comment }) => ({ _id: id, ...comment })));
    for (const { commentId, ...disposition } of records.dispositions) {
      await store.setDisposition(commentId, disposition);
    }
    for (const { documentId, version, materials } of records.materials) {
      await store.mergeMaterials(versionId(documentId, version), materials);
    }
  };
  await Promise.all([
    commentsInOrder(),
    store.insertNotifications(
      records.notifications.map(({ id, createdAt, ...notification }) => ({
        _id: id,
        ...notification,
        createdAt: new Date(createdAt),
        month: monthOf(createdAt),
      })),
    ),
  ]);
}

/** Moves the review and the given tasks (the transition `events` touched) forward to log position `lastSeq`; frees the document once closed. */
export async function writeProjection(
  store: RecordingStore,
  review: ReviewProjection,
  tasks: readonly TaskRecord[],
  events: readonly NewEvent[],
): Promise<void> {
  const { lastSeq } = review;
  // A task the transition opened is inserted straight away (one round trip instead of two).
  const opened = new Set(events.flatMap((e) => (e.type === 'task_opened' ? [e.data.taskId] : [])));
  // Distinct tasks at once; the review last, so a reader who sees it moved finds its tasks moved too.
  await Promise.all(
    tasks.map(({ id, ...task }) =>
      store.moveTaskForward(
        {
          _id: id,
          ...task,
          urgent: review.urgent,
          urgencyKey: urgencyKeyOf({ id, ...task }),
          dueHour: task.dueAt === null ? null : dueHourOf(task.dueAt),
          ...(review.registrationNumber !== undefined && { registrationNumber: review.registrationNumber }),
          assigneeSub: task.assignee?.sub ?? null,
          lastSeq,
          month: monthOf(task.createdAt),
        },
        opened.has(id),
      ),
    ),
  );
  const { reviewId, submittedAt, earliestDueAt, ...rest } = review;
  const doc: ReviewDoc = {
    _id: reviewId,
    ...rest,
    submittedAt: new Date(submittedAt),
    earliestDueAt: earliestDueAt === null ? null : new Date(earliestDueAt),
    earliestDueHour: earliestDueAt === null || review.status !== 'in_review' ? null : dueHourOf(earliestDueAt),
    month: monthOf(submittedAt),
  };
  if ((await store.moveReviewForward(doc)) === 'inserted') {
    // Lists read month by month back to the oldest review's month.
    await store.noteReviewMonth(doc.month);
  }
  // Frees the document for a new review; a no-op once done.
  if (review.status !== 'in_review') await store.releaseClaim(review.documentId, reviewId);
}
