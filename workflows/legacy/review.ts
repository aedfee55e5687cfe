/**
 * The release-1 review workflow (type `reviewWorkflow`), kept so that the reviews it started run to
 * their end and their histories replay; see domain/legacy.ts. New reviews run `legalityReview`.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  legacyCompleteTaskUpdate as completeTaskUpdate,
  legacyReviewStateQuery as reviewStateQuery,
  legacyWithdrawUpdate as withdrawUpdate,
  type LegacyCompleteTaskRequest as CompleteTaskRequest,
  type LegacyReviewInput as ReviewInput,
  type LegacyWithdrawRequest as WithdrawRequest,
} from '../../domain/legacy';
import { ReviewStageAttribute, ReviewStatusAttribute, type StageRef } from '../../domain/messages';
import { Refusal } from '../../domain/rules';
import { checkDecision } from './rules';
import { ReviewMachine, type VersionFacts } from './review-machine';

const { persistReview, loadVersionFacts } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The patch marking the histories of reviews whose deadlines are timers (reminders, overdue, expiry). */
const DEADLINE_TIMERS = 'deadline-timers';

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
  if (patched(DEADLINE_TIMERS)) {
    await watchDeadlines(machine, persist);
  } else {
    // Reviews started before deadline timers existed keep their original course on replay.
    await condition(() => machine.state.status !== 'in_review');
  }
  await condition(allHandlersFinished);
  return machine.stageRef();
}

/**
 * Sleeps until the next deadline of an open task or the next transition, whichever comes first,
 * then acts on whatever has come due. The timers live on the Temporal server, so they fire after a
 * worker or server restart, and their durations are computed from workflow time and the bundled
 * calendar, so replay recomputes them identically.
 */
async function watchDeadlines(machine: ReviewMachine, persist: () => Promise<void>): Promise<void> {
  while (machine.state.status === 'in_review') {
    const seen = machine.state.stateVersion;
    const next = machine.nextDeadline();
    const moved = () => machine.state.stateVersion !== seen;
    if (next === undefined) await condition(moved);
    else await condition(moved, Math.max(1, next - Date.now()));
    if (machine.fireDeadlines(now())) await persist();
  }
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
