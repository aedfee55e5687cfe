/**
 * The reconciler (run by the record keeper every RECONCILE_INTERVAL): a review the store holds open
 * whose workflow Temporal no longer runs as recorded would otherwise say `in_review` for ever, with
 * open tasks, and keep its document from being submitted again. That is a run an operator terminated
 * or cancelled, that failed or is gone, and also a run that is RUNNING but not the one the log was
 * recorded by: a reset run (`temporal workflow reset`; it replays only up to the reset point, so it has
 * forgotten what was recorded after it and re-plans it with fresh ids and times, which the recording
 * activity refuses as `log_diverged`) or a run outside the registered chain (refused as `forbidden`).
 * Such a run can never record again, so it is terminated, and the review is closed on the record: a
 * `terminated_externally` event (with the run ids) chained onto its log (its tasks cancelled, the
 * review `failed`, the document's claim released, supervisors notified through the event's
 * notification) and its seal moved forward.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { RecordKeeperInput, Signed } from '../domain/messages';
import { reviewProjection, touchedTasks } from '../domain/projection';
import { applyEvent, foldEvents, structuredCloneJson, type NewEvent } from '../domain/review-log';
import type { AuditKeys } from '../platform/audit-seal';
import { firstBrokenLink } from '../platform/log-chain';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import type { EventDoc, Models } from '../store/models';
import type { RecordingStore } from '../store/recording-store';
import { sealReview } from './record-guard';
import { recordTransition, type RecordingSettings } from './recording';

/** What Temporal says of a review's workflow: its latest run, or NOT_FOUND. */
export interface LatestRun {
  /** The run's status name (RUNNING, TERMINATED, …), or NOT_FOUND. */
  status: string;
  runId?: string;
  /** The first run of its chain (continue-as-new and reset keep it). */
  firstRunId?: string;
  /** When an operator last reset the workflow, if ever. */
  resetAt?: string;
}

/** The reconciler's view of Temporal: describing a review's latest run and terminating a stray one. */
export interface ReviewRuns {
  describe(workflowId: string): Promise<LatestRun>;
  terminate(workflowId: string, runId: string, reason: string): Promise<void>;
}

/** Statuses of a run that did not end by the review's own decision. */
const ENDED_FROM_OUTSIDE = new Set(['TERMINATED', 'CANCELLED', 'TIMED_OUT', 'FAILED', 'NOT_FOUND']);

export interface ReconcileInput {
  start: Signed<RecordKeeperInput>;
  workflowId: string;
}

export interface ReconcileDeps {
  models: Models;
  store: RecordingStore;
  settings: RecordingSettings;
  signingKeys: SigningKeys;
  auditKeys?: AuditKeys;
  runs?: ReviewRuns;
}

/** Closes on the record every open review whose workflow has ended from outside; answers their ids. */
export async function reconcileReviews(deps: ReconcileDeps, input: ReconcileInput): Promise<string[]> {
  if (!verifyRequest(deps.signingKeys, 'recordKeeper', input.workflowId, input.start)) {
    throw ApplicationFailure.nonRetryable(
      'the record keeper was not started by the API: nothing was written',
      'forbidden',
    );
  }
  const { runs } = deps;
  if (!runs) return [];
  const open = await deps.models.Review.find({ status: 'in_review' }, { _id: 1 }).lean();
  const closed: string[] = [];
  for (const { _id: reviewId } of open) {
    const latest = await runs.describe(reviewId);
    const ending = await endingOf(deps.models, reviewId, latest);
    if (!ending) continue;
    // A stray run is stopped before the record is closed: it records nothing after the closing event.
    if (latest.status === 'RUNNING' && latest.runId) {
      await runs.terminate(reviewId, latest.runId, `reconciler: ${ending.note}`);
    }
    if (await closeExternally(deps, reviewId, ending)) closed.push(reviewId);
  }
  return closed;
}

/** How the review's workflow ended from outside, as its closing event says it; none while it runs as recorded. */
interface Ending {
  runStatus: string;
  /** The registered run (the chain the log was recorded by) and the latest run, when they differ. */
  run?: string;
  latestRun?: string;
  note: string;
  message: string;
}

async function endingOf(models: Models, reviewId: string, latest: LatestRun): Promise<Ending | undefined> {
  const { status } = latest;
  if (ENDED_FROM_OUTSIDE.has(status) && !latest.resetAt) {
    return {
      runStatus: status,
      note: `the review's workflow was ended outside the review (${status})`,
      message: `审核流程被外部终止（${status}），审核已按异常终止关闭，待办已取消，文件可重新报送`,
    };
  }
  if (status === 'NOT_FOUND' || !latest.runId) return undefined;
  const registered = (await models.ReviewSeal.findById(reviewId, { run: 1 }).lean())?.run;
  const runIds = { ...(registered && { run: registered }), latestRun: latest.runId };
  if (latest.resetAt) {
    return {
      runStatus: 'RESET',
      ...runIds,
      note: `the review's workflow was reset at ${latest.resetAt}: its run ${latest.runId} does not hold what was recorded`,
      message: `审核流程被运维重置（${latest.resetAt}），重置后的流程与审核记录不一致，已停止；审核已按异常终止关闭，待办已取消，文件可重新报送`,
    };
  }
  if (registered && latest.firstRunId && latest.firstRunId !== registered) {
    return {
      runStatus: 'REPLACED',
      ...runIds,
      note: `the review's workflow runs outside its registered run ${registered}`,
      message: `审核流程被外部另行启动，与审核记录不一致，已停止；审核已按异常终止关闭，待办已取消，文件可重新报送`,
    };
  }
  return undefined;
}

async function closeExternally(deps: ReconcileDeps, reviewId: string, ending: Ending): Promise<boolean> {
  const log = (await deps.models.Event.find({ reviewId }).lean<EventDoc[]>()).sort((a, b) => a.seq - b.seq);
  // A broken log is not chained onto: verify names it, and an operator looks at it.
  if (log.length === 0 || firstBrokenLink(log) !== undefined) return false;
  const state = foldEvents(log);
  if (!state || state.status !== 'in_review') return false;
  const at = new Date().toISOString();
  const event: NewEvent = {
    seq: state.lastSeq + 1,
    type: 'terminated_externally',
    at,
    data: {
      runStatus: ending.runStatus,
      ...(ending.run && { run: ending.run }),
      ...(ending.latestRun && { latestRun: ending.latestRun }),
      clockUsedMs: state.clock.usedMsBeforeRun,
      note: ending.note,
      notification: {
        id: `${reviewId}:terminated_externally`,
        type: 'escalation',
        audience: { role: 'supervisor' },
        message: ending.message,
      },
    },
  };
  const after = applyEvent(structuredCloneJson(state), event);
  const { lastHash } = await recordTransition(deps.store, deps.settings, {
    events: [event],
    prevHash: log[log.length - 1].hash,
    review: reviewProjection(after),
    tasks: touchedTasks(after, [event]),
  });
  if (deps.auditKeys) {
    await sealReview(deps.models, deps.auditKeys, { reviewId, events: event.seq, newEvents: [event] }, lastHash);
  }
  return true;
}
