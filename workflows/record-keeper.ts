/**
 * The record keeper: one durable workflow per task queue (id `record-keeper:<task queue>`, started
 * by the API with a signed start, joined if it runs already). Every RECONCILE_INTERVAL it closes on
 * the record the open reviews whose workflow was ended from outside (activities/reconcile.ts); every
 * CHECKPOINT_INTERVAL it makes a signed checkpoint of every review's sealed head
 * (activities/checkpoints.ts). Timers in a workflow, not in a process: they survive restarts and run
 * once however many API processes there are. A start the API did not sign fails at its first
 * activity, before anything is written.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { RecordKeeperInput, Signed } from '../domain/messages';

const { makeCheckpoint, reconcileReviews } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Rounds per run before continuing as new (the history stays small). */
const ROUNDS_PER_RUN = 200;

export async function recordKeeper(start: Signed<RecordKeeperInput>): Promise<void> {
  const { runId, workflowId } = workflowInfo();
  const { checkpointIntervalMs, reconcileIntervalMs } = start.body;
  let nextCheckpoint = Date.now();
  for (let i = 0; i < ROUNDS_PER_RUN; i++) {
    await reconcileReviews({ start, workflowId });
    if (Date.now() >= nextCheckpoint) {
      await makeCheckpoint({ start, workflowId, slot: `${runId}:${i}` });
      nextCheckpoint = Date.now() + checkpointIntervalMs;
    }
    await sleep(Math.max(1, Math.min(reconcileIntervalMs, nextCheckpoint - Date.now())));
  }
  await continueAsNew<typeof recordKeeper>(start);
}
