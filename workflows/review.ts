/**
 * One workflow per legality review. All transitions arrive as Updates (the caller learns whether its
 * decision was accepted); the workflow persists every transition to MongoDB through an activity
 * before the Update returns, and ends when the review is approved, rejected or withdrawn.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  ReviewStageAttribute,
  ReviewStatusAttribute,
  completeTaskUpdate,
  reviewStateQuery,
  withdrawUpdate,
  type CompleteTaskRequest,
  type ReviewInput,
  type StageRef,
  type WithdrawRequest,
} from '../domain/messages';
import { Refusal, checkDecision } from '../domain/rules';
import { ReviewMachine, type VersionFacts } from './review-machine';

const { persistReview, loadVersionFacts } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function reviewWorkflow(input: ReviewInput): Promise<StageRef> {
  const machine = new ReviewMachine(input, uuid4);
  const persist = serialised(async () => {
    syncSearchAttributes(machine);
    await persistReview({ state: machine.state, ...machine.drainPending() });
  });

  setHandler(reviewStateQuery, () => machine.state);

  setHandler(
    completeTaskUpdate,
    async ({ taskId, actor, input: decision }) => {
      let facts: VersionFacts | undefined;
      if (decision.decision === 'resubmit' && decision.version !== undefined) {
        facts = await loadVersionFacts({ documentId: input.documentId, version: decision.version });
      }
      // The state may have moved while the facts were loading: the rules are checked again.
      const task = refuseAsFailure(() => machine.complete(taskId, actor, decision, now(), facts));
      await persist();
      return { task, review: machine.stageRef() };
    },
    {
      validator: ({ taskId, actor, input: decision }: CompleteTaskRequest) =>
        refuseAsFailure(() => checkDecision(machine.state, taskId, actor, decision)),
    },
  );

  setHandler(
    withdrawUpdate,
    async ({ actor, reason }) => {
      refuseAsFailure(() => machine.withdraw(actor, now(), reason));
      await persist();
      return machine.stageRef();
    },
    { validator: ({ actor }: WithdrawRequest) => refuseAsFailure(() => machine.checkWithdraw(actor)) },
  );

  await persist();
  await condition(() => machine.state.status !== 'in_review');
  await condition(allHandlersFinished);
  return machine.stageRef();
}

function now(): string {
  return new Date().toISOString(); // workflow time: deterministic on replay
}

/** Keeps Temporal's own list (and UI) filterable by stage and status. */
function syncSearchAttributes(machine: ReviewMachine): void {
  upsertSearchAttributes([
    { key: ReviewStageAttribute, value: machine.state.stage },
    { key: ReviewStatusAttribute, value: machine.state.status },
  ]);
}

/** Business refusals become ApplicationFailures, so the update fails and the workflow does not. */
function refuseAsFailure<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Refusal) {
      throw ApplicationFailure.create({
        type: err.code,
        message: err.message,
        details: [err.details ?? []],
        nonRetryable: true,
      });
    }
    throw err;
  }
}

/**
 * Runs `fn` one call at a time, in call order, so snapshots reach MongoDB in the order they were
 * taken even when two reviewers answer at once.
 */
function serialised(fn: () => Promise<void>): () => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return () => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
