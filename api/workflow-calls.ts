/**
 * Calls that wait on a review workflow. A decision is answered only once the workflow has accepted
 * and stored it; when that takes longer than DECISION_TIMEOUT (no worker, MongoDB down), the caller
 * gets a 503 instead of a request that hangs.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ApiDeps } from './deps';
import { ApiError } from './errors';

export async function awaitWorkflow<R>(deps: ApiDeps, call: () => Promise<R>): Promise<R> {
  const signal = AbortSignal.timeout(deps.config.decisionTimeoutMs);
  try {
    return await deps.temporal.withAbortSignal(signal, call);
  } catch (err) {
    // The review exists (the caller has just read it), so a workflow that is gone has closed.
    if (err instanceof WorkflowNotFoundError) throw ApiError.conflict('the review is already closed');
    if (signal.aborted) {
      throw new ApiError(
        'unavailable',
        'the review engine did not confirm the request in time; it may still be recorded: check the task, or retry with the same Idempotency-Key',
      );
    }
    throw err;
  }
}
