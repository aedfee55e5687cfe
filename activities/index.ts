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
import { verifyRequest, type SigningKeys } from '../platform/signing';
import type { Models } from '../store/models';
import { appendEvents, writeProjection, writeSideRecords } from './log-store';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES, type NumberFormats, type ReviewOffices } from '../domain/offices';
import { freezeRecords } from '../store/records';
import { assignNumbers } from './numbering';

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

export interface RecordTransitionResult {
  lastHash: string;
  /** The numbers given to the transition's numbered events. */
  numbers: { seq: number; number: string }[];
}

export function createActivities({
  models,
  signingKeys,
  numberFormats = DEFAULT_NUMBER_FORMATS,
  offices = DEFAULT_OFFICES,
}: {
  models: Models;
  signingKeys: SigningKeys;
  numberFormats?: NumberFormats;
  offices?: ReviewOffices;
}) {
  return {
    /**
     * Stores one transition: checks the signature, gives the numbered events their numbers, appends
     * the events, writes the records they carry and the projections, and freezes the written record
     * a closing or a revision request produces. Returns the log's last hash for the next transition
     * to chain on, and the numbers assigned, for the workflow to take into its state.
     */
    async recordTransition(input: RecordTransitionInput): Promise<RecordTransitionResult> {
      const { vouch } = input;
      if (vouch && !verifyRequest(signingKeys, vouch.purpose, input.workflowId, vouch.request)) {
        throw ApplicationFailure.nonRetryable(
          'the request is not signed by the API: nothing was recorded',
          'forbidden',
        );
      }
      const settings = { formats: numberFormats, offices };
      const { events, review, numbers } = await assignNumbers(models, settings, input.review, input.events);
      const lastHash = await appendEvents(models, review.reviewId, input.prevHash, events);
      await writeSideRecords(models, sideRecords(review, events));
      await writeProjection(models, review, input.tasks);
      await freezeRecords(models, offices, review, events);
      return { lastHash, numbers };
    },
  };
}
