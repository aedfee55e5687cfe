/**
 * Recording one step of an issued document's course (workflows/filing.ts): the API's signature on
 * the request that caused it is checked first, then the step's events are chained onto the log with
 * the review log's rules (platform/log-chain.ts) and stored with the read models they change
 * (store/after-review.ts), the register row and the year's counters (register.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CourseEvent, CourseState } from '../domain/after-review';
import type { Signed } from '../domain/messages';
import type { LoggedEvent } from '../domain/review-log';
import { chainEvents } from '../platform/log-chain';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import { storeCourseStep } from '../store/after-review';
import type { Models } from '../store/models';
import { writeCourseRegister } from './register';

export interface RecordAfterReviewInput {
  workflowId: string;
  /** The hash of the last event recorded: the new events chain onto it. */
  prevHash: string;
  events: CourseEvent[];
  /** The course after the step, for its read models. */
  state: CourseState;
  /** The request that caused the step, as the API signed it (none for deadlines). */
  vouch?: { request: Signed<unknown> };
}

export function afterReviewActivities({ models, signingKeys }: { models: Models; signingKeys: SigningKeys }) {
  return {
    async recordAfterReview(input: RecordAfterReviewInput): Promise<{ lastHash: string }> {
      const { vouch, workflowId, state } = input;
      if (vouch && !verifyRequest(signingKeys, 'afterReview', workflowId, vouch.request)) {
        throw ApplicationFailure.nonRetryable(
          'the request is not signed by the API: nothing was recorded',
          'forbidden',
        );
      }
      const requestId = vouch?.request.requestId;
      const withRequest = input.events.map((e) => ({ ...e, ...(requestId && { requestId }) }));
      // The chain rules are the review log's: the course's events have the same fields.
      const chained = chainEvents(
        input.prevHash,
        withRequest as unknown as LoggedEvent[],
      ) as unknown as (CourseEvent & {
        prevHash: string;
        hash: string;
      })[];
      await storeCourseStep(models, state.issuance.documentId, chained, state);
      await writeCourseRegister(models, workflowId, state, input.events);
      return { lastHash: chained.length > 0 ? chained[chained.length - 1].hash : input.prevHash };
    },
  };
}
