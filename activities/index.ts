/**
 * Every side effect of the review workflow. Idempotent by construction: ids come from the workflow,
 * writes are upserts keyed by them, and the review mirror only ever moves forward (`stateVersion`),
 * so a retried activity never duplicates a task, a comment or a history entry.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CommentRecord, NotificationRecord, ReviewState } from '../domain/model';
import type { PendingWrites } from '../workflows/review-machine';
import type { Model, RootFilterQuery, UpdateQuery } from 'mongoose';
import type { Models } from '../store/models';

export interface PersistReviewInput {
  state: ReviewState;
  comments: CommentRecord[];
  dispositions: PendingWrites['dispositions'];
  /** Absent in histories recorded before deadlines raised notifications. */
  notifications?: NotificationRecord[];
}

export function createActivities({ models }: { models: Models }) {
  return {
    /**
     * Mirrors one transition: new comments, dispositions and notifications, every task of the
     * review, the review.
     */
    async persistReview({ state, comments, dispositions, notifications = [] }: PersistReviewInput): Promise<void> {
      for (const { id, ...comment } of comments) {
        await models.Comment.updateOne({ _id: id }, { $setOnInsert: comment }, { upsert: true });
      }
      for (const { id, createdAt, ...notification } of notifications) {
        await models.Notification.updateOne(
          { _id: id },
          { $setOnInsert: { ...notification, createdAt: new Date(createdAt) } },
          { upsert: true },
        );
      }
      for (const { commentId, ...disposition } of dispositions) {
        await models.Comment.updateOne({ _id: commentId }, { $set: { disposition } });
      }
      const stateVersion = state.stateVersion;
      for (const { id, ...task } of state.tasks) {
        await moveForward(models.Task, id, stateVersion, { ...task, stateVersion });
      }
      await moveForward(models.Review, state.reviewId, stateVersion, {
        documentId: state.documentId,
        originRegion: state.originRegion,
        org: state.org,
        status: state.status,
        stage: state.stage,
        submittedAt: new Date(state.submittedAt),
        earliestDueAt: earliestDueAt(state),
        stateVersion,
        state,
      });
      if (state.status !== 'in_review') {
        // Frees the document for a new review; a no-op once done.
        await models.Document.updateOne(
          { _id: state.documentId, activeReviewId: state.reviewId },
          { $set: { activeReviewId: null, status: state.status } },
        );
      }
    },

    /** The article numbers of a stored version; a missing version is a permanent failure. */
    async loadVersionFacts({
      documentId,
      version,
    }: {
      documentId: string;
      version: number;
    }): Promise<{ articleNumbers: string[] }> {
      const found = await models.Version.findOne({ documentId, version }, { articles: 1 }).lean();
      if (!found)
        throw ApplicationFailure.nonRetryable(`document ${documentId} has no version ${version}`, 'validation_failed');
      return { articleNumbers: found.articles.map((a) => a.number) };
    },
  };
}

/**
 * The first due date the review has to meet: an open task's, or the whole review's while its clock
 * runs. The review is overdue once that has passed.
 */
function earliestDueAt(state: ReviewState): Date | null {
  const due = state.tasks.filter((t) => t.status === 'open' && t.dueAt !== null).map((t) => t.dueAt as string);
  if (state.clock.runningSince && state.clock.dueAt) due.push(state.clock.dueAt);
  return due.length === 0 ? null : new Date(Math.min(...due.map((d) => Date.parse(d))));
}

/**
 * Writes `fields` unless the stored copy is already at `stateVersion` or later. The first try
 * updates an older copy; when nothing older matched, an insert-if-absent covers the new document
 * and leaves a newer one untouched.
 */
async function moveForward<T extends { _id: string; stateVersion: number }>(
  model: Model<T>,
  id: string,
  stateVersion: number,
  fields: Omit<T, '_id'>,
): Promise<void> {
  const older = { _id: id, stateVersion: { $lt: stateVersion } } as RootFilterQuery<T>;
  const updated = await model.updateOne(older, { $set: fields } as UpdateQuery<T>);
  if (updated.matchedCount === 0) {
    await model.updateOne({ _id: id }, { $setOnInsert: fields } as UpdateQuery<T>, {
      upsert: true,
    });
  }
}
