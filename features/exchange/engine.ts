/**
 * The exchange's calls to Temporal: starting a topic's or a guideline's workflow (answered once its
 * first transition is stored) and sending it a signed request.
 */
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import {
  GUIDELINE_WORKFLOW_TYPE,
  TOPIC_WORKFLOW_TYPE,
  exchangeActionUpdate,
  exchangeStartedUpdate,
  type ExchangeAnswer,
  type ExchangeRequest,
  type ExchangeSubjectState,
  type GuidelineStart,
  type TopicStart,
} from '../../domain/exchange';
import { signRequest } from '../../platform/signing';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { awaitWorkflow } from '../reviews/engine';

export function startCase(
  ctx: AppContext,
  type: 'topic' | 'guideline',
  id: string,
  input: TopicStart | GuidelineStart,
  requestId: string,
): Promise<ExchangeSubjectState> {
  const start = new WithStartWorkflowOperation(type === 'topic' ? TOPIC_WORKFLOW_TYPE : GUIDELINE_WORKFLOW_TYPE, {
    workflowId: id,
    taskQueue: ctx.config.temporal.taskQueue,
    args: [signRequest(ctx.signingKeys, 'start', id, input, requestId)],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  return awaitWorkflow(ctx, () =>
    ctx.temporal.workflow.executeUpdateWithStart(exchangeStartedUpdate, { startWorkflowOperation: start }),
  );
}

export async function sendToCase(
  ctx: AppContext,
  id: string,
  request: ExchangeRequest,
  requestId: string,
  idempotencyKey?: string,
): Promise<ExchangeAnswer> {
  const updateId = idempotencyKey && `exchange:${id}:${request.actor.sub}:${idempotencyKey}`;
  try {
    return await awaitWorkflow(ctx, () =>
      ctx.temporal.workflow.getHandle(id).executeUpdate(exchangeActionUpdate, {
        args: [signRequest(ctx.signingKeys, 'exchange', id, request, requestId)],
        ...(updateId && { updateId }),
      }),
    );
  } catch (err) {
    // awaitWorkflow says "the review is already closed" for a workflow that has ended.
    if (
      err instanceof WorkflowNotFoundError ||
      (err instanceof AppError && err.code === 'conflict' && /review/.test(err.message))
    )
      throw AppError.conflict('该议题或指引已办结');
    throw err;
  }
}
