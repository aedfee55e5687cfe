/**
 * One workflow per issued document (type `documentAfterReview`, id `after-review:<documentId>`):
 * filing for the record with its registration and review, the public's review suggestions, and the
 * validity clock, every deadline a durable timer here. Changes arrive as Updates, are planned on a
 * copy of the course (domain/after-review.ts), recorded (hash-chained log, projections), and only
 * then adopted, one at a time, as in a review's workflow.
 */
import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { AfterReviewCourse, type AfterReviewInput } from '../domain/after-review';
import {
  afterReviewStepUpdate,
  courseStateQuery,
  issuedUpdate,
  type AfterReviewAnswer,
  type AfterReviewRequest,
  type AfterReviewStart,
} from '../domain/after-review-messages';
import type { Signed } from '../domain/messages';
import { GENESIS_HASH } from '../domain/review-log';
import { Refusal } from '../domain/rules';

const { recordAfterReview } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

const HISTORY_LIMIT = 10_000;

export async function documentAfterReview(start: AfterReviewStart): Promise<AfterReviewAnswer> {
  const { workflowId } = workflowInfo();
  let course: AfterReviewCourse;
  let lastHash: string;
  let recorded = false;
  if (start.continued) {
    const { state, lastHash: hash, ...settings } = start.continued;
    course = AfterReviewCourse.resume(state, settings);
    lastHash = hash;
    recorded = true;
  } else {
    // Only the API starts a course: anything else fails the workflow before anything is recorded.
    refuseAsFailure(() => {
      requireSignature(start);
      if (typeof start.body?.issuance?.documentId !== 'string')
        throw new Refusal('validation_failed', 'not an issuance');
    });
    course = AfterReviewCourse.issue(start.body);
    lastHash = GENESIS_HASH;
  }
  const answer = (extra: Partial<AfterReviewAnswer> = {}): AfterReviewAnswer => ({
    status: course.state.status,
    filing: course.state.filing,
    ...extra,
  });

  /** Records what `draft` emitted, then makes it the course. */
  const record = async (draft: AfterReviewCourse, vouch?: { request: Signed<unknown> }): Promise<void> => {
    const events = draft.takeEvents();
    if (events.length === 0) return;
    const result = await recordAfterReview({
      workflowId,
      prevHash: lastHash,
      events,
      state: draft.state,
      ...(vouch && { vouch }),
    }).catch(refusedByRecording);
    lastHash = result.lastHash;
    course = draft;
  };
  const inTurn = oneAtATime();
  const transition = <T>(plan: (draft: AfterReviewCourse) => T, vouch?: { request: Signed<unknown> }): Promise<T> =>
    inTurn(async () => {
      const draft = course.fork();
      const result = refuseAsFailure(() => plan(draft));
      await record(draft, vouch);
      return result;
    });

  setHandler(courseStateQuery, () => course.state);
  setHandler(issuedUpdate, async () => {
    await condition(() => recorded);
    return answer();
  });
  setHandler(
    afterReviewStepUpdate,
    async (request) => {
      const at = new Date().toISOString(); // workflow time: deterministic on replay
      const step = request.body;
      return transition((draft) => apply(draft, step, at), { request });
    },
    {
      validator: (request: Signed<AfterReviewRequest>) =>
        refuseAsFailure(() => {
          requireSignature(request);
          check(course, request.body);
        }),
    },
  );

  if (!recorded) {
    await inTurn(() => record(course, { request: start as Signed<AfterReviewInput> }));
    recorded = true;
  }

  while (!course.ended) {
    const seen = course.state.lastSeq;
    const next = course.nextDeadline();
    const moved = () => course.state.lastSeq !== seen;
    if (next === undefined) await condition(moved);
    else await condition(moved, Math.max(1, next - Date.now()));
    await transition((draft) => draft.fireDeadlines(new Date().toISOString()));
    const info = workflowInfo();
    if (!course.ended && (info.continueAsNewSuggested || info.historyLength >= HISTORY_LIMIT)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof documentAfterReview>({
        continued: { state: course.state, lastHash, ...course.settingsForContinue },
      });
    }
  }
  await condition(allHandlersFinished);
  return answer();
}

/** Asks the course whether `step` may be taken now (the validator: refused before anything is recorded). */
function check(course: AfterReviewCourse, step: AfterReviewRequest): void {
  switch (step.step) {
    case 'file':
      return course.checkFile(step.actor);
    case 'supplement':
      return course.checkSupplement(step.actor);
    case 'correction_report':
      return course.checkCorrectionReport(step.actor);
    case 'repeal':
      return course.checkRepeal(step.actor);
    case 'decide':
      return void course.checkDecision(step.taskId, step.actor, step.input);
    case 'suggestion':
      return course.checkSuggestion(step.suggestionId);
  }
}

function apply(draft: AfterReviewCourse, step: AfterReviewRequest, at: string): AfterReviewAnswer {
  const answer = (extra: Partial<AfterReviewAnswer> = {}): AfterReviewAnswer => ({
    status: draft.state.status,
    filing: draft.state.filing,
    ...extra,
  });
  switch (step.step) {
    case 'file':
      draft.file(step.actor, step.report, step.attachments, at);
      return answer();
    case 'supplement':
      draft.supplement(step.actor, step.text, step.attachments, at);
      return answer();
    case 'correction_report':
      draft.reportCorrection(step.actor, step.text, at);
      return answer();
    case 'repeal':
      draft.repeal(step.actor, step.reason, at);
      return answer();
    case 'decide':
      return answer({ task: draft.decide(step.taskId, step.actor, step.input, at) });
    case 'suggestion':
      return answer({ suggestion: draft.receiveSuggestion(step.suggestionId, at) });
  }
}

function requireSignature(request: Signed<unknown>): void {
  if (typeof request?.signature !== 'string' || typeof request.keyId !== 'string' || request.body === undefined) {
    throw new Refusal('forbidden', 'unsigned request: changes reach a document only through the API');
  }
}

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

function refusedByRecording(err: unknown): never {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'forbidden') {
    throw ApplicationFailure.create({ type: 'forbidden', message: err.cause.message, nonRetryable: true });
  }
  throw err;
}

function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export type { AfterReviewInput };
