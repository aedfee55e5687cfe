/**
 * Every side effect of the review workflows. `recordTransition` stores one transition of a review:
 * it checks the API's signature on the request that caused it, appends the new events to the log,
 * and updates the projections that changed. Idempotent by construction (see `log-store.ts`).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Signed, SignedPayload } from '../domain/messages';
import type { TaskRecord } from '../domain/model';
import type { ReviewProjection } from '../domain/projection';
import { sideRecords, type NewEvent } from '../domain/review-log';
import { verifyRequest, type SigningKeys } from '../runtime/signing';
import type { Models } from '../store/models';
import { legacyActivities } from './legacy';
import { appendEvents, writeProjection, writeSideRecords } from './log-store';

export interface RecordTransitionInput {
  workflowId: string;
  /** The transition's events, in order, continuing the log after `prevHash`. */
  events: NewEvent[];
  prevHash: string;
  /** The review as it stands after the transition. */
  review: ReviewProjection;
  /** The tasks the transition changed, as they stand after it. */
  tasks: TaskRecord[];
  /** The request that caused the transition, as the API signed it (none for deadlines). */
  vouch?: { purpose: SignedPayload<unknown>['purpose']; request: Signed<unknown> };
}

export function createActivities({ models, signingKeys }: { models: Models; signingKeys: SigningKeys }) {
  return {
    /** Stores one transition; returns the hash of the log's last event for the next one to chain on. */
    async recordTransition(input: RecordTransitionInput): Promise<{ lastHash: string }> {
      const { vouch, review, events } = input;
      if (vouch && !verifyRequest(signingKeys, vouch.purpose, input.workflowId, vouch.request)) {
        throw ApplicationFailure.nonRetryable(
          'the request is not signed by the API: nothing was recorded',
          'forbidden',
        );
      }
      const lastHash = await appendEvents(models, review.reviewId, input.prevHash, events);
      await writeSideRecords(models, sideRecords(review.reviewId, review.documentId, events));
      await writeProjection(models, review, input.tasks);
      return { lastHash };
    },

    ...legacyActivities(models),
  };
}
