/**
 * The messages of an issued document's workflow (`workflows/filing.ts`), typed once for the API and
 * the workflow. Every change is an Update: the caller (the drafter, a reviewer, the public form)
 * needs to know it was accepted and stored, or why not. Each is signed by the API (`afterReview`
 * purpose) and its signature is checked before anything is recorded, as for a review.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  ActorRefWithOrg,
  AfterReviewInput,
  CourseState,
  CourseTask,
  FilingReport,
  FilingState,
  SuggestionState,
  TaskDecisionInput,
} from './after-review';
import type { Signed } from './messages';

export const AFTER_REVIEW_WORKFLOW_TYPE = 'documentAfterReview';

/** One workflow per issued document, by its business id. */
export const afterReviewWorkflowId = (documentId: string): string => `after-review:${documentId}`;

/** What a run starts from: a new course, or one carried on after continue-as-new. */
export type AfterReviewStart =
  | (Signed<AfterReviewInput> & { continued?: never })
  | { continued: { state: CourseState; lastHash: string } & Pick<AfterReviewInput, 'limits' | 'dayMs'> };

export type AfterReviewRequest =
  | { step: 'file'; actor: ActorRefWithOrg; report: FilingReport; attachments?: string[] }
  | { step: 'supplement'; actor: ActorRefWithOrg; text: string; attachments?: string[] }
  | { step: 'correction_report'; actor: ActorRefWithOrg; text: string }
  | { step: 'repeal'; actor: ActorRefWithOrg; reason: string }
  | { step: 'decide'; actor: ActorRefWithOrg; taskId: string; input: TaskDecisionInput }
  | { step: 'suggestion'; suggestionId: string };

export interface AfterReviewAnswer {
  status: CourseState['status'];
  filing: FilingState;
  task?: CourseTask;
  suggestion?: SuggestionState;
}

/** Answers once the workflow has recorded its first step (issued, the filing task open). */
export const issuedUpdate = defineUpdate<AfterReviewAnswer>('issued');
export const afterReviewStepUpdate = defineUpdate<AfterReviewAnswer, [Signed<AfterReviewRequest>]>('afterReviewStep');
export const courseStateQuery = defineQuery<CourseState>('courseState');
