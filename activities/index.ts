/**
 * Every side effect of the review workflows. `recordTransition` stores one transition of a review:
 * it checks the API's signature on the request that caused it, then records it on MongoDB
 * (recording.ts: appends the new events to the log, updates the projections that changed).
 * Idempotent by construction (see `log-store.ts`).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Signed, SignedPayload } from '../domain/messages';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES, type NumberFormats, type ReviewOffices } from '../domain/offices';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import type { Models } from '../store/models';
import { liveRecordingStore } from '../store/recording-store';
import { indexClosedReview } from '../store/precedent-index';
import { recordExchange, type ExchangeRecordInput, type ExchangeRecordResult } from './exchange';
import * as recording from './recording';
import type { RecordTransitionResult, TransitionRecord } from './recording';

export type { RecordTransitionResult } from './recording';

export interface RecordTransitionInput extends TransitionRecord {
  workflowId: string;
  /** The request that caused the transition, as the API signed it (none for deadlines). */
  vouch?: { purpose: SignedPayload<unknown>['purpose']; request: Signed<unknown> };
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
  const store = liveRecordingStore(models);
  const settings: recording.RecordingSettings = { formats: numberFormats, offices, now: () => new Date() };
  return {
    /**
     * Stores one transition: checks the signature, then records it (recording.ts). Returns the
     * log's last hash for the next transition to chain on, and the numbers assigned, for the
     * workflow to take into its state.
     */
    async recordTransition(input: RecordTransitionInput): Promise<RecordTransitionResult> {
      const { vouch } = input;
      if (vouch && !verifyRequest(signingKeys, vouch.purpose, input.workflowId, vouch.request)) {
        throw ApplicationFailure.nonRetryable(
          'the request is not signed by the API: nothing was recorded',
          'forbidden',
        );
      }
      const result = await recording.recordTransition(store, settings, input);
      // A closed review's comments join the precedent library as it closes (idempotent: a retry
      // finds them indexed; a failure retries the activity, whose recording stores nothing twice).
      if (input.review.status !== 'in_review') await indexClosedReview(models, input.review.reviewId);
      return result;
    },

    /** Stores one transition of a topic or a shared guideline (activities/exchange.ts). */
    async recordExchange(input: ExchangeRecordInput): Promise<ExchangeRecordResult> {
      return recordExchange(models, store, signingKeys, input);
    },
  };
}
