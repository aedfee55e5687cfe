/**
 * The record never lies after an operator's action: a review's workflow terminated from outside
 * (client.workflow.getHandle(id).terminate(), as `temporal workflow terminate` does) or reset
 * (WorkflowService.resetWorkflowExecution, as `temporal workflow reset` does) is found by the record
 * keeper's reconciler within RECONCILE_INTERVAL and closed on the record — a chained
 * `terminated_externally` event, the review `failed`, its open tasks cancelled, the document free to
 * be submitted again, supervisors notified — and the log still verifies. A reset run is stopped and
 * has recorded nothing: the log is what it was, plus the closing event.
 */
import { randomUUID } from 'node:crypto';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { REVIEW_WORKFLOW_TYPE, recordKeeperId } from '../domain/messages';
import { ensureRecordKeeper } from '../features/audit/use-cases';
import {
  castOf,
  eventually,
  expectProjectionsRebuiltFromLog,
  startHarness,
  type Claims,
  type Harness,
} from './harness';

const RECONCILE_MS = 1000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ RECONCILE_INTERVAL: `${RECONCILE_MS}ms` });
  await ensureRecordKeeper(h.ctx);
});
afterAll(async () => {
  await h?.client.workflow
    .getHandle(recordKeeperId(h.config.temporal.taskQueue))
    .terminate('test done')
    .catch(() => undefined);
  await h?.stop();
});

const people = {
  drafter: { sub: 'hb-drafter', region: 'hebei', roles: ['drafter'], org: '河北省发展和改革委员会' },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, accept, task } = castOf(() => h, people);
const enc = encodeURIComponent;

/** A review of a new document, accepted by the Hebei reviewer: its open origin review task. */
async function acceptedReview() {
  const created = await post('drafter', '/v1/documents', {
    title: '河北省招商引资奖励办法',
    articles: [{ number: '1', text: '为规范招商引资奖励，制定本办法。' }],
    legalBasis: ['《优化营商环境条例》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const documentId: string = created.body.id;
  const reviewId: string = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId;
  await accept('hbReviewer', reviewId);
  const open = await task('hbReviewer', reviewId, 'origin_review');
  return { documentId, reviewId, openTaskId: open.id };
}

const logOf = async (reviewId: string) =>
  (await get('supervisor', `/v1/reviews/${enc(reviewId)}/events?limit=500`).expect(200)).body.items;

/** Waits for the review to close `failed` after `since`; checks detection time and what the closing left behind. */
async function expectClosedOnTheRecord(
  { documentId, reviewId, openTaskId }: Awaited<ReturnType<typeof acceptedReview>>,
  since: number,
  what: string,
) {
  const review = await eventually(
    async () => {
      const r = (await get('supervisor', `/v1/reviews/${enc(reviewId)}`).expect(200)).body;
      return r.status === 'failed' ? r : undefined;
    },
    'the review closed as failed',
    30_000,
  );
  const detectionMs = Date.now() - since;
  console.log(`${what} → failed on the record in ${detectionMs} ms (RECONCILE_INTERVAL ${RECONCILE_MS} ms)`);
  expect(detectionMs).toBeLessThan(RECONCILE_MS + 10_000);
  expect(review.stage).toBe('closed');

  const log = await logOf(reviewId);
  expect((await get('supervisor', `/v1/reviews/${enc(reviewId)}/events/verify`).expect(200)).body).toMatchObject({
    ok: true,
    events: log.length,
  });
  expect(await h.models.Task.findById(openTaskId).lean()).toMatchObject({ status: 'cancelled' });
  await expectProjectionsRebuiltFromLog(h, reviewId);

  // Supervisors are told; the document can be submitted again.
  const notes = (await get('supervisor', '/v1/notifications?limit=100').expect(200)).body.items;
  expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ reviewId, type: 'escalation' })]));
  const again = await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  expect(again.body.reviewId).not.toBe(reviewId);
  return log;
}

test('when a review workflow is terminated from outside, the reconciler closes it on the record within the interval', async () => {
  const review = await acceptedReview();
  await h.client.workflow.getHandle(review.reviewId).terminate('operator action');
  const log = await expectClosedOnTheRecord(review, Date.now(), 'terminate');
  expect(log.at(-1)).toMatchObject({ type: 'terminated_externally', data: { runStatus: 'TERMINATED' } });
});

test('when a running review is reset, the reconciler stops the reset run and closes the review on the record, nothing re-recorded', async () => {
  const review = await acceptedReview();
  const { reviewId } = review;
  const before = await logOf(reviewId);
  const handle = h.client.workflow.getHandle(reviewId);
  const { runId: firstRunId } = await handle.describe();
  // Reset to the first workflow task: the new run re-plans the submission and the acceptance.
  const history = await handle.fetchHistory();
  const { EventType } = temporal.api.enums.v1;
  const firstTask = history.events!.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)!;
  const { runId: resetRunId } = await h.client.workflowService.resetWorkflowExecution({
    namespace: h.config.temporal.namespace,
    workflowExecution: { workflowId: reviewId, runId: firstRunId },
    workflowTaskFinishEventId: firstTask.eventId,
    reason: 'operator reset',
    requestId: randomUUID(),
  });
  const log = await expectClosedOnTheRecord(review, Date.now(), 'reset');

  // Nothing forged or repeated: the log is the one before the reset, plus the closing event naming both runs.
  expect(log.slice(0, -1).map((e: { seq: number; hash: string }) => [e.seq, e.hash])).toEqual(
    before.map((e: { seq: number; hash: string }) => [e.seq, e.hash]),
  );
  expect(log.at(-1)).toMatchObject({
    type: 'terminated_externally',
    seq: before.length + 1,
    data: { runStatus: 'RESET', run: firstRunId, latestRun: resetRunId },
  });
  expect((await h.client.workflow.getHandle(reviewId, resetRunId).describe()).status.name).toBe('TERMINATED');
});

test('when a captured start replaces a running review as a new chain of runs, the reconciler closes the review on the record, nothing recorded by the new run', async () => {
  const review = await acceptedReview();
  const { reviewId } = review;
  const before = await logOf(reviewId);
  const handle = h.client.workflow.getHandle(reviewId);
  const { runId: firstRunId } = await handle.describe();
  const started = (await handle.fetchHistory()).events![0].workflowExecutionStartedEventAttributes!;
  const capturedStart = await decodeFromPayloadsAtIndex(
    h.client.options.loadedDataConverter,
    0,
    started.input!.payloads,
  );
  // Terminating the running review and starting the new run in one step: the reconciler never sees it ended alone.
  const replacing = await h.client.workflow.start(REVIEW_WORKFLOW_TYPE, {
    workflowId: reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [capturedStart],
    workflowIdConflictPolicy: 'TERMINATE_EXISTING',
  });
  const log = await expectClosedOnTheRecord(review, Date.now(), 'replace');

  expect(log.slice(0, -1).map((e: { seq: number; hash: string }) => [e.seq, e.hash])).toEqual(
    before.map((e: { seq: number; hash: string }) => [e.seq, e.hash]),
  );
  // Seen running outside the registered chain (REPLACED), or after its first recording was refused (FAILED).
  const closing = log.at(-1);
  expect(closing).toMatchObject({ type: 'terminated_externally', seq: before.length + 1 });
  console.log(`replace closed as ${closing.data.runStatus}`);
  expect(['REPLACED', 'FAILED']).toContain(closing.data.runStatus);
  if (closing.data.runStatus === 'REPLACED') {
    expect(closing.data).toMatchObject({ run: firstRunId, latestRun: replacing.firstExecutionRunId });
  }
  expect((await h.client.workflow.getHandle(reviewId, replacing.firstExecutionRunId).describe()).status.name).not.toBe(
    'RUNNING',
  );
});
