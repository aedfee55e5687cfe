/**
 * The bare workflows the app is measured against, bundled for the bench's own worker (never part
 * of the product's bundle). Workflow code: it imports only @temporalio/workflow and, as a type,
 * its activities (lint enforces this as for `workflows/**`).
 */
import {
  condition,
  allHandlersFinished,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createBareActivities } from './bare-activities';

export const BARE_TASK_QUEUE = 'bench-bare';

/**
 * The same shape as a review: six steps (the submission's and five decisions': intake, origin review,
 * two consultations, sign-off), each an Update that returns once its write is stored.
 */
export const STEPS_PER_REVIEW = 6;
export const stepUpdate = defineUpdate<number, [number]>('step');
export const goSignal = defineSignal('go');

const { recordStep } = proxyActivities<ReturnType<typeof createBareActivities>>({
  // As the review workflow's recording activity.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

/** Started, then six Updates, each running one activity that does one small MongoDB write. */
export async function sameShapeReview(): Promise<number> {
  const { workflowId } = workflowInfo();
  let done = 0;
  setHandler(
    stepUpdate,
    async (step) => {
      await recordStep({ workflowId, step });
      return ++done;
    },
    // The app's Updates have validators too; this one refuses nothing it is sent.
    {
      validator: (step) => {
        if (!Number.isInteger(step)) throw new Error('a step is a number');
      },
    },
  );
  await condition(() => done >= STEPS_PER_REVIEW);
  await condition(allHandlersFinished);
  return done;
}

/** Started, signalled once, then done: the least a workflow round trip costs. */
export async function startSignalResult(): Promise<void> {
  let signalled = false;
  setHandler(goSignal, () => {
    signalled = true;
  });
  await condition(() => signalled);
}
