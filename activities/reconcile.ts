/**
 * The reconciler (run by the record keeper every RECONCILE_INTERVAL): a review the store holds open
 * whose workflow Temporal no longer runs (an operator terminated, cancelled or reset it, or its run
 * failed or is gone) would otherwise say `in_review` for ever, with open tasks, and keep its document
 * from being submitted again. It is closed on the record: a `terminated_externally` event chained onto
 * its log (its tasks cancelled, the review `failed`, the document's claim released, supervisors
 * notified through the event's notification) and its seal moved forward.
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

/** What Temporal says of a review's workflow (its latest run): a status name, or NOT_FOUND. */
export type DescribeRun = (workflowId: string) => Promise<string>;

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
  describeRun?: DescribeRun;
}

/** Closes on the record every open review whose workflow has ended from outside; answers their ids. */
export async function reconcileReviews(deps: ReconcileDeps, input: ReconcileInput): Promise<string[]> {
  if (!verifyRequest(deps.signingKeys, 'recordKeeper', input.workflowId, input.start)) {
    throw ApplicationFailure.nonRetryable(
      'the record keeper was not started by the API: nothing was written',
      'forbidden',
    );
  }
  if (!deps.describeRun) return [];
  const open = await deps.models.Review.find({ status: 'in_review' }, { _id: 1 }).lean();
  const closed: string[] = [];
  for (const { _id: reviewId } of open) {
    const status = await deps.describeRun(reviewId);
    if (ENDED_FROM_OUTSIDE.has(status) && (await closeExternally(deps, reviewId, status))) closed.push(reviewId);
  }
  return closed;
}

async function closeExternally(deps: ReconcileDeps, reviewId: string, runStatus: string): Promise<boolean> {
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
      runStatus,
      clockUsedMs: state.clock.usedMsBeforeRun,
      note: `the review's workflow was ended outside the review (${runStatus})`,
      notification: {
        id: `${reviewId}:terminated_externally`,
        type: 'escalation',
        audience: { role: 'supervisor' },
        message: `审核流程被外部终止（${runStatus}），审核已按异常终止关闭，待办已取消，文件可重新报送`,
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
