/**
 * One workflow per legality review (type `legalityReview`). Decisions arrive as Updates (the caller
 * learns whether its decision was accepted); deadlines are durable timers in the workflow itself.
 *
 * Every transition is planned on a copy of the review, recorded (its new events appended to the
 * log in MongoDB, its read models updated, the API's signature checked first), and only then
 * adopted: a transition that cannot be recorded changes nothing. Transitions run one at a time,
 * so the log is written in order. The workflow's history grows by a bounded amount per transition
 * (the new events, never the whole state), and a very long review continues as new.
 */
import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { RecordTransitionInput, createActivities } from '../activities';
import {
  ReviewStageAttribute,
  ReviewStatusAttribute,
  assignTaskUpdate,
  calendarUpdate,
  completeTaskUpdate,
  decidingQuery,
  requestExtensionUpdate,
  reviewStateQuery,
  submittedUpdate,
  withdrawUpdate,
  type AssignTaskRequest,
  type CalendarUpdateRequest,
  type CompleteTaskRequest,
  type ContinuedReview,
  type ExtensionRequest,
  type ReviewInput,
  type Signed,
  type StageRef,
  type WithdrawRequest,
} from '../domain/messages';
import { SeenRequests, staleRequest } from '../domain/replay-guard';
import { GENESIS_HASH } from '../domain/review-log';
import { Refusal, checkDecision } from '../domain/rules';
import { ReviewMachine, type MachineSettings } from './review-machine';
import { plannedRecording, takeNumbers } from './transition';

const { recordTransition } = proxyActivities<ReturnType<typeof createActivities>>({
  // Recording takes tens of milliseconds (docs/operations.md, "Budgets"); an attempt on a worker that died
  // is retried after this, on another worker.
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** The patch that brought calendars loaded as data (`calendarUpdate`) into running reviews. */
const CALENDAR_AS_DATA = 'calendar-as-data';

/** Continue-as-new past this many history events unless the input says otherwise. */
const DEFAULT_HISTORY_LIMIT = 10_000;

type Vouch = NonNullable<RecordTransitionInput['vouch']>;

export async function legalityReview(
  start: (Signed<ReviewInput> & { continued?: never }) | ContinuedReview,
): Promise<StageRef> {
  const { workflowId, firstExecutionRunId } = workflowInfo();
  let settings: MachineSettings & { historyLimit?: number };
  let machine: ReviewMachine;
  let lastHash: string;
  let recorded = false;
  /** Tasks with a decision being recorded: a second decision on one is refused at once. */
  const deciding = new Set<string>();
  /** The signed requests taken and not yet expired: one sent again is refused (domain/replay-guard.ts). */
  const seenRequests = new SeenRequests(start.continued?.seenRequests);
  /** Refuses an expired or repeated request (in a validator: nothing is written for a refused one). */
  const requireFresh = (request: Signed<unknown>): void => {
    const stale = staleRequest(request, Date.now());
    if (stale) throw new Refusal('forbidden', `${stale}: nothing was recorded`);
    if (seenRequests.has(request.nonce))
      throw new Refusal('forbidden', 'the request was taken before: nothing was recorded');
  };
  /** Remembers a request the moment its handler starts, before anything awaits. */
  const take = (request: Signed<unknown>): void => {
    if (request.nonce !== undefined && request.expiresAt !== undefined) {
      seenRequests.take(request.nonce, request.expiresAt, Date.now());
    }
  };

  if (start.continued) {
    const { state, lastHash: hash, ...rest } = start.continued;
    settings = rest;
    machine = ReviewMachine.resume(state, settings, uuid4);
    lastHash = hash;
    recorded = true;
  } else {
    settings = start.body;
    machine = ReviewMachine.submit(start.body, uuid4);
    lastHash = GENESIS_HASH;
  }

  /** Records the events a transition emitted (on `draft`), then makes `draft` the review. */
  const record = async (draft: ReviewMachine, vouch: Vouch | undefined): Promise<void> => {
    const requestId = vouch?.request.requestId;
    const planned = plannedRecording(draft, { workflowId, prevHash: lastHash, requestId });
    if (!planned) return;
    const result = await recordTransition({ ...planned, run: firstExecutionRunId, ...(vouch && { vouch }) }).catch(
      refusedByRecording,
    );
    takeNumbers(draft, planned.events, result.numbers);
    lastHash = result.lastHash;
    machine = draft;
    upsertSearchAttributes([
      { key: ReviewStageAttribute, value: draft.state.stage },
      { key: ReviewStatusAttribute, value: draft.state.status },
    ]);
  };
  /** Plans a transition on a copy of the review and records it; one transition at a time. */
  const inTurn = oneAtATime();
  const transition = <T>(plan: (draft: ReviewMachine) => T, vouch?: Vouch): Promise<T> =>
    inTurn(async () => {
      const draft = machine.fork();
      const result = refuseAsFailure(() => plan(draft));
      await record(draft, vouch);
      return result;
    });

  setHandler(reviewStateQuery, () => machine.state);
  setHandler(decidingQuery, () => [...deciding]);

  setHandler(submittedUpdate, async () => {
    await condition(() => recorded);
    const first = machine.state.tasks[0];
    return { reviewId: machine.state.reviewId, taskId: first.id, ...machine.stageRef() };
  });

  setHandler(
    completeTaskUpdate,
    async (request) => {
      take(request);
      const { taskId, actor, input, articleNumbers, onBehalfOf } = request.body;
      deciding.add(taskId);
      try {
        const task = await transition(
          (draft) => draft.complete(taskId, actor, input, now(), articleNumbers && { articleNumbers }, onBehalfOf),
          { purpose: 'completeTask', request },
        );
        return { task, review: machine.stageRef() };
      } finally {
        deciding.delete(taskId);
      }
    },
    {
      validator: (request: Signed<CompleteTaskRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
          requireFresh(request);
          const { taskId, actor, input } = request.body;
          if (deciding.has(taskId)) throw new Refusal('conflict', `a decision on task ${taskId} is being recorded`);
          checkDecision(machine.state, taskId, actor, input, request.body.onBehalfOf);
        }),
    },
  );

  // New in release 3: a handler no earlier history calls, so replaying them is unchanged. The plan
  // checks again in its turn: of concurrent claims that all passed the validator, one wins.
  setHandler(
    assignTaskUpdate,
    (request) => transition((draft) => draft.assign(request.body, now()), { purpose: 'assignTask', request }),
    {
      validator: (request: Signed<AssignTaskRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
          if (deciding.has(request.body.taskId)) {
            throw new Refusal('conflict', `a decision on task ${request.body.taskId} is being recorded`);
          }
          machine.checkAssignment(request.body);
        }),
    },
  );

  setHandler(
    requestExtensionUpdate,
    async (request) => {
      take(request);
      const { actor, workingDays, reason } = request.body;
      const task = await transition((draft) => draft.requestExtension(actor, workingDays, reason, now()), {
        purpose: 'requestExtension',
        request,
      });
      return { task, review: machine.stageRef() };
    },
    {
      validator: (request: Signed<ExtensionRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
          requireFresh(request);
          machine.checkExtension(request.body.actor, request.body.workingDays);
        }),
    },
  );

  setHandler(
    withdrawUpdate,
    async (request) => {
      take(request);
      const { actor, reason } = request.body;
      await transition((draft) => draft.withdraw(actor, now(), reason), { purpose: 'withdraw', request });
      return machine.stageRef();
    },
    {
      validator: (request: Signed<WithdrawRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
          requireFresh(request);
          machine.checkWithdraw(request.body.actor);
        }),
    },
  );

  setHandler(
    calendarUpdate,
    async (request) => {
      // Histories recorded before this handler existed never received it: the marker only dates the change.
      patched(CALENDAR_AS_DATA);
      const moved = await inTurn(async () => {
        const draft = machine.fork();
        const movedNow = draft.useCalendar(request.body.schedule, now());
        // Recorded when deadlines moved; adopted either way, so later deadlines are computed on it.
        if (movedNow) await record(draft, { purpose: 'updateCalendar', request });
        else machine = draft;
        return movedNow;
      });
      const { runningSince, dueAt } = machine.state.clock;
      return { moved, ...(runningSince && dueAt && { reviewDueAt: dueAt }) };
    },
    {
      validator: (request: Signed<CalendarUpdateRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
        }),
    },
  );

  if (!recorded) {
    // A start sent again after its review has closed (the same workflow id, a new run) or long after it
    // was signed is refused before anything is recorded; histories from before this check replay as they ran.
    if (patched('replay-proof-requests')) {
      const stale = staleRequest(start as Signed<ReviewInput>, Date.now());
      if (stale)
        throw ApplicationFailure.create({
          type: 'forbidden',
          message: `${stale}: nothing was recorded`,
          nonRetryable: true,
        });
      take(start as Signed<ReviewInput>);
    }
    // The first transition (submitted, first task open), vouched for by the API's start. It takes its
    // turn in the queue like every later one: a decision that arrives while it is being recorded (a
    // worker that died after recording it can hand both to the next workflow task) is planned on
    // the hash it produces, never on the genesis hash.
    await inTurn(() => record(machine, { purpose: 'start', request: start as Signed<ReviewInput> }));
    recorded = true;
  }

  while (machine.state.status === 'in_review') {
    const seen = machine.state.lastSeq;
    const next = machine.nextDeadline();
    const moved = () => machine.state.lastSeq !== seen;
    if (next === undefined) await condition(moved);
    else await condition(moved, Math.max(1, next - Date.now()));
    await transition((draft) => draft.fireDeadlines(now()));
    if (machine.state.status === 'in_review' && historyIsLong(settings.historyLimit)) {
      await condition(allHandlersFinished);
      // The time model as the machine has it now: with the calendars loaded since the start.
      const { policy, historyLimit } = settings;
      const timeModel = patched(CALENDAR_AS_DATA) ? machine.timeModel : settings.timeModel;
      await continueAsNew<typeof legalityReview>({
        continued: {
          state: machine.state,
          lastHash,
          seenRequests: seenRequests.entries(),
          policy,
          timeModel,
          historyLimit,
        },
      });
    }
  }
  await condition(allHandlersFinished);
  return machine.stageRef();
}

function now(): string {
  return new Date().toISOString(); // workflow time: deterministic on replay
}

function historyIsLong(limit = DEFAULT_HISTORY_LIMIT): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= limit;
}

/** An unsigned request can only come from outside the API: it is refused before anything is recorded. */
function requireSignature(request: Signed<unknown>): void {
  if (typeof request?.signature !== 'string' || typeof request.keyId !== 'string' || request.body === undefined) {
    throw new Refusal('forbidden', 'unsigned request: decisions reach a review only through the API');
  }
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

/** A signature the recording activity did not accept becomes the update's refusal. */
function refusedByRecording(err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'forbidden') {
    throw ApplicationFailure.create({ type: 'forbidden', message: err.cause.message, nonRetryable: true });
  }
  throw err;
}

/**
 * A queue that runs the functions given to it one at a time, in order: a transition is planned on
 * the review as the previous one left it, and the log is appended in order.
 */
function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}
