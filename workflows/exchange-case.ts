/**
 * What the topic and guideline workflows share: transitions planned on a copy of the case, recorded
 * by the exchange's recording activity, then adopted, one at a time (so the log is written in
 * order); signed requests; refusals as update failures. Deterministic: workflow APIs and pure code.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ExchangeRecordResult } from '../activities/exchange';
import {
  ExchangeLog,
  type ExchangeEvent,
  type ExchangeTask,
  type GuidelineState,
  type TopicState,
} from '../domain/exchange';
import type { Signed } from '../domain/messages';
import { GENESIS_HASH } from '../domain/review-log';
import { Refusal } from '../domain/rules';

const { recordExchange } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

export interface CaseOf<S> {
  state: S;
  tasks: ExchangeTask[];
}

type Vouch = { purpose: 'start' | 'exchange'; request: Signed<unknown> };

/**
 * A case (a topic or a guideline) as its workflow holds it. `transition` plans on a deep copy and
 * records before adopting, so a transition that cannot be recorded changes nothing.
 */
export class ExchangeCase<S extends TopicState | GuidelineState> {
  private lastHash = GENESIS_HASH;
  private tail: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly workflowId: string,
    private readonly key: 'topic' | 'guideline',
    public current: CaseOf<S>,
  ) {}

  transition<T>(
    plan: (draft: CaseOf<S>, log: ExchangeLog) => T,
    vouch?: Vouch,
    after?: (draft: CaseOf<S>, result: ExchangeRecordResult) => void,
  ): Promise<T> {
    const run = this.tail.then(async () => {
      const draft = copy(this.current);
      const log = new ExchangeLog(draft.state.lastSeq);
      const result = refuseAsFailure(() => plan(draft, log));
      const events = log.drain();
      if (events.length === 0) return result;
      draft.state.lastSeq = log.lastSeq;
      const recorded = await recordExchange({
        workflowId: this.workflowId,
        prevHash: this.lastHash,
        events,
        tasks: draft.tasks.filter((t) => touches(events, t)),
        ...(this.key === 'topic' ? { topic: draft.state as TopicState } : { guideline: draft.state as GuidelineState }),
        ...(vouch && { vouch }),
      }).catch(refusedByRecording);
      this.lastHash = recorded.lastHash;
      after?.(draft, recorded);
      this.current = draft;
      return result;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs `plan` on a throw-away copy: the validator's check, with the same rules the handler applies. */
  check(plan: (draft: CaseOf<S>, log: ExchangeLog) => unknown): void {
    refuseAsFailure(() => plan(copy(this.current), new ExchangeLog(this.current.state.lastSeq)));
  }
}

const touches = (events: readonly ExchangeEvent[], task: ExchangeTask) => events.some((e) => e.data.taskId === task.id);

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function now(): string {
  return new Date().toISOString(); // workflow time: deterministic on replay
}

/** An unsigned request can only come from outside the API: refused before anything is recorded. */
export function requireSignature(request: Signed<unknown>): void {
  if (typeof request?.signature !== 'string' || typeof request.keyId !== 'string' || request.body === undefined) {
    throw ApplicationFailure.create({
      type: 'forbidden',
      message: 'unsigned request: only the API may act on the exchange',
      nonRetryable: true,
    });
  }
}

/** A start that is not what the API sends fails the workflow (never a workflow task retried for good). */
export function refuseStart(): never {
  throw ApplicationFailure.create({
    type: 'validation_failed',
    message: 'not a start the API sends',
    nonRetryable: true,
  });
}

/** Business refusals become ApplicationFailures, so the update fails and the workflow does not. */
export function refuseAsFailure<T>(fn: () => T): T {
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

function refusedByRecording(err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'forbidden') {
    throw ApplicationFailure.create({ type: 'forbidden', message: err.cause.message, nonRetryable: true });
  }
  throw err;
}
