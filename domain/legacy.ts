/**
 * The engine of release 1, kept to finish the reviews it started and to replay their histories
 * (workflow type `reviewWorkflow`, `workflows/legacy/`). Its workflow carried the whole review state,
 * history included, and trusted the actor in its messages; new reviews run `legalityReview`.
 * Frozen: nothing here changes with the new engine.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ReviewPolicy, TimeModel } from './clock';
import type {
  Actor,
  CheckInput,
  ClockState,
  ConsultationState,
  DecisionInput,
  HistoryEntry,
  Outcome,
  Region,
  ReviewStatus,
  Severity,
  Stage,
  TaskKind,
  TaskRecord,
} from './model';
import type { CompleteTaskResult, StageRef } from './messages';

/** The workflow type of the release-1 engine. */
export const LEGACY_WORKFLOW_TYPE = 'reviewWorkflow';

/** The decisions each task kind accepted in release 1. */
export const LEGACY_DECISIONS_BY_KIND: Partial<Record<TaskKind, readonly string[]>> = {
  origin_review: ['approve', 'request_changes', 'reject'],
  revision: ['resubmit'],
  consultation: ['concur', 'concur_with_comments', 'object'],
  consolidation: ['proceed', 'request_changes'],
  signoff: ['sign', 'return'],
};

export interface LegacyReviewInput {
  reviewId: string;
  documentId: string;
  originRegion: Region;
  org: string;
  drafter: { sub: string; name?: string };
  version: number;
  articleNumbers: string[];
  urgent: boolean;
  submittedAt: string;
  policy: ReviewPolicy;
  timeModel: TimeModel;
}

/** The state the release-1 workflow kept and mirrored whole on every transition. */
export interface LegacyReviewState {
  reviewId: string;
  documentId: string;
  originRegion: Region;
  org: string;
  drafter: { sub: string; name?: string; region: Region; role: 'drafter' };
  version: number;
  urgent: boolean;
  status: ReviewStatus;
  stage: Stage;
  outcome?: Outcome;
  submittedAt: string;
  closedAt?: string;
  tasks: TaskRecord[];
  consultations: Partial<Record<Region, ConsultationState>>;
  articleNumbers: string[];
  commentIndex: { id: string; version: number; severity: Severity }[];
  checklist?: CheckInput[];
  revisions: number;
  clock: ClockState;
  overdueAt?: string;
  history: HistoryEntry[];
  stateVersion: number;
}

export interface LegacyCompleteTaskRequest {
  taskId: string;
  actor: Actor;
  input: DecisionInput;
}

export interface LegacyWithdrawRequest {
  actor: Actor;
  reason?: string;
}

export const legacyCompleteTaskUpdate = defineUpdate<CompleteTaskResult, [LegacyCompleteTaskRequest]>('completeTask');
export const legacyWithdrawUpdate = defineUpdate<StageRef, [LegacyWithdrawRequest]>('withdraw');
export const legacyReviewStateQuery = defineQuery<LegacyReviewState>('reviewState');
