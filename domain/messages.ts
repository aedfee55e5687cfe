/**
 * The workflow's messages, typed once and shared by the client (API) and the workflow, and the
 * custom search attributes that make reviews listable in Temporal's own UI. Wire names are stable.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, DecisionInput, Region, ReviewState, ReviewStatus, Stage, TaskRecord } from './model';
import type { ReviewPolicy, TimeModel } from './clock';

export const DEFAULT_TASK_QUEUE = 'legality-review';

/** Workflow ids are business ids: the n-th review of a document. */
export function reviewWorkflowId(documentId: string, n: number): string {
  return `review:${documentId}:${n}`;
}

export interface ReviewInput {
  reviewId: string;
  documentId: string;
  originRegion: Region;
  org: string;
  drafter: { sub: string; name?: string };
  version: number;
  articleNumbers: string[];
  urgent: boolean;
  /** When the complete materials arrived: the clock starts here. */
  submittedAt: string;
  policy: ReviewPolicy;
  timeModel: TimeModel;
}

export interface CompleteTaskRequest {
  taskId: string;
  actor: Actor;
  input: DecisionInput;
}

export interface StageRef {
  status: ReviewStatus;
  stage: Stage;
}

export interface CompleteTaskResult {
  task: TaskRecord;
  review: StageRef;
}

export interface WithdrawRequest {
  actor: Actor;
  reason?: string;
}

/** An Update, not a signal: the reviewer must learn whether the decision was accepted, and why not. */
export const completeTaskUpdate = defineUpdate<CompleteTaskResult, [CompleteTaskRequest]>('completeTask');

/** An Update: the drafter must learn whether the withdrawal took effect (it may already be closed). */
export const withdrawUpdate = defineUpdate<StageRef, [WithdrawRequest]>('withdraw');

/** A query: reads the live state, never changes it. */
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');

export const OriginRegionAttribute = defineSearchAttributeKey('OriginRegion', 'KEYWORD');
export const ReviewStageAttribute = defineSearchAttributeKey('ReviewStage', 'KEYWORD');
export const ReviewStatusAttribute = defineSearchAttributeKey('ReviewStatus', 'KEYWORD');
export const DocumentIdAttribute = defineSearchAttributeKey('DocumentId', 'KEYWORD');

export const SEARCH_ATTRIBUTES = [
  OriginRegionAttribute,
  ReviewStageAttribute,
  ReviewStatusAttribute,
  DocumentIdAttribute,
];
