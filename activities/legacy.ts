/**
 * The activities of the release-1 workflow (`workflows/legacy/`), kept for the reviews it started.
 * Its `persistReview` still receives the whole state on every transition; it now writes what the
 * new engine writes: the log (one event per entry of the state's history, hash-chained like any
 * other), the review projection marked `engine: 'legacy'`, the tasks, comments and notifications.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { LegacyReviewState } from '../domain/legacy';
import type { CommentRecord, Disposition, NotificationRecord } from '../domain/model';
import { earliestDueAt } from '../domain/projection';
import { GENESIS_HASH, type NewEvent } from '../domain/review-log';
import type { Models } from '../store/models';
import { appendEvents, eventId, writeProjection, writeSideRecords } from './log-store';

export interface PersistReviewInput {
  state: LegacyReviewState;
  comments: CommentRecord[];
  dispositions: ({ commentId: string } & Disposition)[];
  /** Absent in histories recorded before deadlines raised notifications. */
  notifications?: NotificationRecord[];
}

/**
 * Writes what the new engine reads for a release-1 review whose whole state is `state`: the entries
 * of its history not yet in the log, the review projection and every task. Idempotent.
 */
export async function writeLegacyState(models: Models, state: LegacyReviewState): Promise<void> {
  const logged = await models.Review.findById(state.reviewId, { lastSeq: 1 }).lean();
  const from = logged?.lastSeq ?? 0;
  const prevHash =
    from === 0
      ? GENESIS_HASH
      : ((await models.Event.findById(eventId(state.reviewId, from), { hash: 1 }).lean())?.hash ?? GENESIS_HASH);
  // The release-1 history named what happened but not every detail the new events carry.
  const events = state.history
    .slice(from)
    .map(
      ({ at, type, actor, ...data }, i) =>
        ({ seq: from + i + 1, type, at, ...(actor && { actor }), data }) as unknown as NewEvent,
    );
  await appendEvents(models, state.reviewId, prevHash, events);
  const { tasks, history, articleNumbers: _a, commentIndex: _c, stateVersion: _v, ...summary } = state;
  await writeProjection(
    models,
    {
      ...summary,
      revisionLetters: [],
      extensions: [],
      warnings: [],
      lastSeq: history.length,
      earliestDueAt: earliestDueAt(state),
      engine: 'legacy',
    },
    tasks,
  );
}

export function legacyActivities(models: Models) {
  return {
    /** Mirrors one transition of a release-1 review. */
    async persistReview({ state, comments, dispositions, notifications = [] }: PersistReviewInput): Promise<void> {
      await writeSideRecords(models, { comments, dispositions, notifications, materials: [] });
      await writeLegacyState(models, state);
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
