/**
 * The calls that change a review: starting one, deciding a task, withdrawing. Each request is signed
 * for the workflow it is addressed to (`platform/signing.ts`), and each answer waits until the
 * workflow has accepted and stored the change; when that takes longer than DECISION_TIMEOUT (no
 * worker, a store that does not answer), the caller gets a 503 instead of a request that hangs.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import {
  DocumentIdAttribute,
  OriginRegionAttribute,
  REVIEW_WORKFLOW_TYPE,
  ReviewStageAttribute,
  ReviewStatusAttribute,
  assignTaskUpdate,
  completeTaskUpdate,
  requestExtensionUpdate,
  submittedUpdate,
  withdrawUpdate,
  type AssignTaskRequest,
  type CompleteTaskRequest,
  type CompleteTaskResult,
  type ExtensionRequest,
  type ReviewInput,
  type StageRef,
  type SubmittedReview,
} from '../../domain/messages';
import type { Actor, TaskRecord } from '../../domain/model';
import { budgetSignal } from '../../platform/budget';
import { signRequest } from '../../platform/signing';
import type { ReviewDoc } from '../../store/models';
import type { AppContext } from '../context';
import { AppError } from '../errors';

export async function awaitWorkflow<R>(ctx: AppContext, call: () => Promise<R>): Promise<R> {
  // The request's own budget when there is one (its caller may already have been answered 503).
  const request = budgetSignal();
  const timeout = AbortSignal.timeout(ctx.config.decisionTimeoutMs);
  const signal = request ? AbortSignal.any([request, timeout]) : timeout;
  try {
    return await ctx.temporal.withAbortSignal(signal, call);
  } catch (err) {
    // The review exists (the caller has just read it), so a workflow that is gone has closed.
    if (err instanceof WorkflowNotFoundError) throw AppError.conflict('the review is already closed');
    if (signal.aborted) {
      throw new AppError(
        'unavailable',
        'the review engine did not confirm the request in time; it may still be recorded: check the task, or retry with the same Idempotency-Key',
      );
    }
    throw err;
  }
}

/**
 * Starts the review workflow and answers once its first task is stored (update-with-start).
 * `idempotent` (the caller and its Idempotency-Key) joins a retry to the review its first attempt
 * started: the same workflow, and an Update with a fixed id, whose first outcome Temporal returns.
 */
export function startReview(
  ctx: AppContext,
  input: ReviewInput,
  requestId: string,
  idempotent?: string,
): Promise<SubmittedReview> {
  const { config } = ctx;
  const start = new WithStartWorkflowOperation(REVIEW_WORKFLOW_TYPE, {
    workflowId: input.reviewId,
    taskQueue: config.temporal.taskQueue,
    args: [
      signRequest(ctx.signingKeys, 'start', input.reviewId, input, requestId, new Date(), ctx.config.requestTtlMs),
    ],
    workflowIdConflictPolicy: idempotent ? 'USE_EXISTING' : 'FAIL',
    // A review id names one review for good: never a second run after the first has closed.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: OriginRegionAttribute, value: input.originRegion },
      { key: DocumentIdAttribute, value: input.documentId },
      { key: ReviewStageAttribute, value: 'intake' },
      { key: ReviewStatusAttribute, value: 'in_review' },
    ],
  });
  return awaitWorkflow(ctx, () =>
    ctx.temporal.workflow.executeUpdateWithStart(submittedUpdate, {
      startWorkflowOperation: start,
      ...(idempotent && { updateId: `submit:${idempotent}` }),
    }),
  );
}

/**
 * Sends a decision to the review's workflow. `idempotencyKey` makes it an Update with a fixed id,
 * which Temporal deduplicates: a retried request gets the first outcome.
 */
export function decideTask(
  ctx: AppContext,
  review: Pick<ReviewDoc, '_id'>,
  request: CompleteTaskRequest,
  requestId: string,
  idempotencyKey?: string,
): Promise<CompleteTaskResult> {
  const handle = ctx.temporal.workflow.getHandle(review._id);
  const updateId = idempotencyKey && `complete:${request.taskId}:${request.actor.sub}:${idempotencyKey}`;
  return awaitWorkflow(ctx, () =>
    handle.executeUpdate(completeTaskUpdate, {
      args: [
        signRequest(
          ctx.signingKeys,
          'completeTask',
          review._id,
          request,
          requestId,
          new Date(),
          ctx.config.requestTtlMs,
        ),
      ],
      ...(updateId && { updateId }),
    }),
  );
}

/** Asks the review's workflow for more time; `idempotencyKey`, as for {@link decideTask}. */
export function requestExtension(
  ctx: AppContext,
  review: Pick<ReviewDoc, '_id'>,
  request: ExtensionRequest,
  requestId: string,
  idempotencyKey?: string,
): Promise<CompleteTaskResult> {
  const updateId = idempotencyKey && `extension:${review._id}:${request.actor.sub}:${idempotencyKey}`;
  return awaitWorkflow(ctx, () =>
    ctx.temporal.workflow.getHandle(review._id).executeUpdate(requestExtensionUpdate, {
      args: [
        signRequest(
          ctx.signingKeys,
          'requestExtension',
          review._id,
          request,
          requestId,
          new Date(),
          ctx.config.requestTtlMs,
        ),
      ],
      ...(updateId && { updateId }),
    }),
  );
}

/** Withdraws the review; `idempotencyKey`, as for {@link decideTask}. */
export function withdrawReview(
  ctx: AppContext,
  review: Pick<ReviewDoc, '_id'>,
  actor: Actor,
  reason: string | undefined,
  requestId: string,
  idempotencyKey?: string,
): Promise<StageRef> {
  const handle = ctx.temporal.workflow.getHandle(review._id);
  const body = { actor, ...(reason && { reason }) };
  const updateId = idempotencyKey && `withdraw:${review._id}:${actor.sub}:${idempotencyKey}`;
  return awaitWorkflow(ctx, () =>
    handle.executeUpdate(withdrawUpdate, {
      args: [
        signRequest(ctx.signingKeys, 'withdraw', review._id, body, requestId, new Date(), ctx.config.requestTtlMs),
      ],
      ...(updateId && { updateId }),
    }),
  );
}

/** Claims, assigns or releases a task through its review's workflow, which records it in the log. */
export function assignTask(
  ctx: AppContext,
  reviewId: string,
  request: AssignTaskRequest,
  requestId: string,
): Promise<TaskRecord> {
  return awaitWorkflow(ctx, () =>
    ctx.temporal.workflow.getHandle(reviewId).executeUpdate(assignTaskUpdate, {
      args: [signRequest(ctx.signingKeys, 'assignTask', reviewId, request, requestId)],
    }),
  );
}
