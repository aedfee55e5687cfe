/**
 * The record keeper: one durable workflow per task queue (id `record-keeper:<task queue>`, started
 * by the API with a signed start, joined if it runs already) that makes a signed checkpoint of every
 * review's sealed head every CHECKPOINT_INTERVAL (activities/checkpoints.ts). A timer in a workflow,
 * not a timer in a process: it survives restarts and runs once however many API processes there are.
 * A start the API did not sign fails at the first checkpoint, before anything is written.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { RecordKeeperInput, Signed } from '../domain/messages';

const { makeCheckpoint } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Checkpoints per run before continuing as new (the history stays small). */
const CHECKPOINTS_PER_RUN = 100;

export async function recordKeeper(start: Signed<RecordKeeperInput>): Promise<void> {
  const { runId } = workflowInfo();
  for (let i = 0; i < CHECKPOINTS_PER_RUN; i++) {
    await makeCheckpoint({ start, workflowId: workflowInfo().workflowId, slot: `${runId}:${i}` });
    await sleep(start.body.checkpointIntervalMs);
  }
  await continueAsNew<typeof recordKeeper>(start);
}
