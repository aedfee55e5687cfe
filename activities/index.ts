/**
 * Every side effect of the review workflows. `recordTransition` stores one transition of a review:
 * it checks the API's signature on the request that caused it, that the request is fresh and new and
 * that the run is the review's registered one (record-guard.ts), then records it on MongoDB
 * (recording.ts: appends the new events to the log, updates the projections that changed).
 * Idempotent by construction (see `log-store.ts`).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TimeModel } from '../domain/clock';
import type { Signed, SignedPayload } from '../domain/messages';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES, type NumberFormats, type ReviewOffices } from '../domain/offices';
import type { AuditKeys } from '../platform/audit-seal';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import type { Models } from '../store/models';
import { liveRecordingStore } from '../store/recording-store';
import { redateCalendarPage, type RedateReview, type RedatingPageInput } from './calendar-redating';
import { makeCheckpoint, type CheckpointInput } from './checkpoints';
import { reconcileReviews, type ReconcileInput, type ReviewRuns } from './reconcile';
import { guardRecording, sealReview } from './record-guard';
import { afterReviewActivities } from './after-review';
import { indexReview } from '../store/precedent-index';
import { recordExchange, type ExchangeRecordInput, type ExchangeRecordResult } from './exchange';
import * as recording from './recording';
import type { RecordTransitionResult, TransitionRecord } from './recording';

export type { RecordTransitionResult } from './recording';

export interface RecordTransitionInput extends TransitionRecord {
  workflowId: string;
  /** The first run id of the workflow (continue-as-new keeps it): only the review's registered run records. */
  run?: string;
  /** The request that caused the transition, as the API signed it (none for deadlines). */
  vouch?: { purpose: SignedPayload<unknown>['purpose']; request: Signed<unknown> };
}

export function createActivities({
  models,
  signingKeys,
  auditKeys,
  checkpointDir,
  checkpointChunkLeaves,
  runs,
  redate,
  numberFormats = DEFAULT_NUMBER_FORMATS,
  offices = DEFAULT_OFFICES,
  timeModel = {},
}: {
  models: Models;
  signingKeys: SigningKeys;
  /** What the review's seal is signed with (platform/audit-seal.ts); without them nothing is sealed. */
  auditKeys?: AuditKeys;
  /** Where checkpoints are written for the operator to copy off (DATA_DIR/checkpoints). */
  checkpointDir?: string;
  /** How many leaves a checkpoint stores a document (CHECKPOINT_CHUNK_LEAVES). */
  checkpointChunkLeaves?: number;
  /** What Temporal says of a review's workflow, and stopping a stray run, for the reconciler (reconcile.ts). */
  runs?: ReviewRuns;
  /** Sends a review the signed calendar Update, for re-dating jobs (calendar-redating.ts). */
  redate?: RedateReview;
  numberFormats?: NumberFormats;
  offices?: ReviewOffices;
  /** The working day's length (compressed in demos and tests): the statistics time concluded reviews by it. */
  timeModel?: TimeModel;
}) {
  const store = liveRecordingStore(models);
  const settings: recording.RecordingSettings = { formats: numberFormats, offices, now: () => new Date(), timeModel };
  return {
    ...afterReviewActivities({ models, signingKeys }),
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
      const seal = await guardRecording(models, input, Context.current().info.scheduledTimestampMs);
      const { reviewId, lastSeq } = input.review;
      return recording.recordTransition(store, settings, input, {
        // The seal covers the log's head and the frozen records' stored hashes.
        moveSeal:
          auditKeys &&
          ((lastHash, frozen) =>
            sealReview(models, auditKeys, { reviewId, events: lastSeq, newEvents: input.events }, lastHash, {
              standing: seal,
              frozen,
            })),
        // A closed review's comments join the precedent library as it closes (idempotent: a retry
        // finds them indexed; a failure retries the activity, whose recording stores nothing twice).
        closed: (review) => indexReview(models, { ...review, _id: review.reviewId }),
      });
    },

    /** Makes a signed checkpoint of every review's sealed head (checkpoints.ts). */
    makeCheckpoint(input: CheckpointInput) {
      return makeCheckpoint({ models, signingKeys, auditKeys, checkpointDir, checkpointChunkLeaves }, input);
    },

    /** Closes on the record the open reviews whose workflow was ended from outside (reconcile.ts). */
    reconcileReviews(input: ReconcileInput) {
      return reconcileReviews({ models, store, settings, signingKeys, auditKeys, runs }, input);
    },

    /** Re-dates one page of running reviews on a loaded year (calendar-redating.ts). */
    redateCalendarPage(input: RedatingPageInput) {
      if (!redate) throw ApplicationFailure.nonRetryable('this worker cannot send Updates to reviews', 'unavailable');
      return redateCalendarPage({ models, signingKeys, redate }, input);
    },

    /** Stores one transition of a topic or a shared guideline (activities/exchange.ts). */
    async recordExchange(input: ExchangeRecordInput): Promise<ExchangeRecordResult> {
      return recordExchange(models, store, signingKeys, input);
    },
  };
}
