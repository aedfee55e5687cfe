/**
 * The workflow's messages, typed once and shared by the client (API) and the workflow, and the
 * custom search attributes that make reviews listable in Temporal's own UI. Wire names are stable.
 *
 * Every request that changes a review is vouched for by the API: it carries the API's HMAC over
 * what was asked, by whom and from which HTTP request (`runtime/signing.ts`). The workflow refuses
 * an unsigned request in its validator, and the activity that records a transition checks the
 * signature before anything is stored, so a client that reaches Temporal directly cannot decide.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, DecisionInput, PersonRef, Region, ReviewState, ReviewStatus, Stage, TaskRecord } from './model';
import type { AssignmentAction } from './rules';
import type { ReviewPolicy, TimeModel } from './clock';
import type { YearSchedule } from './calendar-data';

export const DEFAULT_TASK_QUEUE = 'legality-review';

/** The workflow type of every review started since the review log (`workflows/review.ts`). */
export const REVIEW_WORKFLOW_TYPE = 'legalityReview';

/** Workflow ids are business ids: the n-th review of a document. */
export function reviewWorkflowId(documentId: string, n: number): string {
  return `review:${documentId}:${n}`;
}

/** What starts a review. */
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
  /**
   * Continue-as-new once the run's history has this many events (Temporal also suggests it on its
   * own limits); the review goes on in a new run with the same id.
   */
  historyLimit?: number;
}

/** What the API vouches for: the request, the HTTP request it came from, and the signature. */
export interface Signed<T> {
  body: T;
  /** The `X-Request-Id` of the HTTP request; recorded on the events it caused. */
  requestId?: string;
  signedAt: string;
  /**
   * The request's own unique id (a fresh UUID per signature, unlike `requestId`, which the caller may
   * reuse): a workflow and the recording activity take each one once.
   */
  nonce?: string;
  /** After this the request is refused: a captured request cannot be replayed later. */
  expiresAt?: string;
  /** Which of the configured signing keys made `signature` (keys can be rotated). */
  keyId: string;
  /** Hex HMAC-SHA256 over the canonical JSON of {@link SignedPayload}. */
  signature: string;
}

/** What a signature covers: the request and where it is addressed, so it cannot be replayed elsewhere. */
export interface SignedPayload<T> {
  /** `exchange`: a request to a topic's or guideline's workflow (domain/exchange.ts). */
  purpose:
    | 'start'
    | 'completeTask'
    | 'withdraw'
    | 'requestExtension'
    | 'recordKeeper'
    | 'afterReview'
    | 'assignTask'
    | 'exchange'
    | 'updateCalendar'
    | 'calendarRedating';
  workflowId: string;
  body: T;
  requestId?: string;
  signedAt: string;
  nonce?: string;
  expiresAt?: string;
  keyId: string;
}

export interface CompleteTaskRequest {
  taskId: string;
  actor: Actor;
  input: DecisionInput;
  /** For `resubmit`: the article numbers of the resubmitted version, read by the API. */
  articleNumbers?: string[];
  /** The assignee for whom `actor` decides as their delegate, found by the API in a running delegation. */
  onBehalfOf?: string;
}

/** Who handles a task: a claim, an assignment (分办, 转办) or a release to the pool. */
export interface AssignTaskRequest {
  taskId: string;
  actor: Actor;
  action: AssignmentAction;
  /** For `assign`: the person of the directory the API found with the task's region and role. */
  assignee?: PersonRef;
  reason?: string;
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

/** The origin reviewer asks for more time (延期). */
export interface ExtensionRequest {
  actor: Actor;
  workingDays: number;
  reason: string;
}

/** What the submission learns once the first transition is stored: where the review stands. */
export interface SubmittedReview extends StageRef {
  reviewId: string;
  /** The first task, ready to be acted on. */
  taskId: string;
}

/** What starts the record keeper (workflows/record-keeper.ts). */
export interface RecordKeeperInput {
  checkpointIntervalMs: number;
  /** How often open reviews are compared with their workflows (activities/reconcile.ts). */
  reconcileIntervalMs: number;
}

/** The record keeper's workflow id: one per task queue. */
export const recordKeeperId = (taskQueue: string): string => `record-keeper:${taskQueue}`;

/** A run that continues a review after continue-as-new: the state so far and the log's last hash. */
export interface ContinuedReview {
  continued: {
    state: ReviewState;
    lastHash: string;
    /** The signed requests taken so far that have not expired yet (nonce → expiresAt). */
    seenRequests?: [string, string][];
    policy: ReviewPolicy;
    timeModel: TimeModel;
    historyLimit?: number;
  };
}

/**
 * An Update sent with the start (update-with-start): it returns once the review's first task is
 * stored, so the submission answers with a task a client can act on at once.
 */
export const submittedUpdate = defineUpdate<SubmittedReview, []>('submitted');

/** An Update, not a signal: the reviewer must learn whether the decision was accepted, and why not. */
export const completeTaskUpdate = defineUpdate<CompleteTaskResult, [Signed<CompleteTaskRequest>]>('completeTask');

/** An Update: the drafter must learn whether the withdrawal took effect (it may already be closed). */
export const withdrawUpdate = defineUpdate<StageRef, [Signed<WithdrawRequest>]>('withdraw');

/** An Update: the reviewer must learn whether the request was taken (one at a time, within the maximum). */
export const requestExtensionUpdate = defineUpdate<CompleteTaskResult, [Signed<ExtensionRequest>]>('requestExtension');

/**
 * An Update: the caller must learn whether the claim or assignment took (of concurrent claims one
 * wins), and the change enters the review's log in order with its other events.
 */
export const assignTaskUpdate = defineUpdate<TaskRecord, [Signed<AssignTaskRequest>]>('assignTask');

/** A year's calendar, as loaded by an admin (`PUT /v1/calendar/:year`). */
export interface CalendarUpdateRequest {
  schedule: YearSchedule;
}

/** What re-dating a review on a loaded calendar did: whether its deadlines moved, and its due date now. */
export interface CalendarUpdateResult {
  moved: boolean;
  reviewDueAt?: string;
}

/**
 * An Update: the loading waits until each running review has recorded its re-dated deadlines, so a
 * read right after shows them. The calendar travels in the request: the workflow never reads the store.
 */
export const calendarUpdate = defineUpdate<CalendarUpdateResult, [Signed<CalendarUpdateRequest>]>('updateCalendar');

/** What starts re-dating the running reviews on a loaded year (workflows/calendar-redating.ts). */
export interface CalendarRedatingInput {
  year: number;
  /** The load this job re-dates on: the stored year's `loadId` (features/calendar/use-cases.ts). */
  loadId: string;
  schedule: YearSchedule;
  /** Running reviews read per page (CALENDAR_REDATING_PAGE_SIZE). */
  pageSize: number;
}

/** Where a re-dating job stands; carried into each continued run. */
export interface CalendarRedatingCursor {
  /** The last review id handled: the next page starts after it. */
  after?: string;
  pages: number;
  redated: number;
  moved: number;
}

/** One job per load: a repeated identical load joins or finds the same one. */
export const calendarRedatingId = (year: number, loadId: string): string => `calendar-redating:${year}:${loadId}`;

/** The Update id a job sends to each review: Temporal answers a repeat with the first outcome. */
export const calendarRedatingUpdateId = (loadId: string): string => `calendar:${loadId}`;

/** A query: reads the live state, never changes it. */
export const reviewStateQuery = defineQuery<ReviewState>('reviewState');

/** A query: the tasks whose decision the workflow is recording right now (stale API locks are told by it). */
export const decidingQuery = defineQuery<string[]>('deciding');

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
