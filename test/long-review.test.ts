/**
 * A review that goes round many times: its workflow history grows by a bounded amount per round
 * (the new events, never the whole state), and past its history limit it continues as new with the
 * log, the projections and the hash chain carrying on unbroken.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import {
  REVIEW_WORKFLOW_TYPE,
  completeTaskUpdate,
  reviewStateQuery,
  reviewWorkflowId,
  submittedUpdate,
  type CompleteTaskRequest,
  type ReviewInput,
} from '../domain/messages';
import type { Actor, DecisionInput, TaskKind } from '../domain/model';
import { signingKeysOf } from '../platform/config';
import { firstBrokenLink } from '../platform/log-chain';
import { signRequest } from '../platform/signing';
import type { NewEvent } from '../domain/review-log';
import type { EventDoc } from '../store/models';
import { issuedRecordId } from '../store/records';
import { allPass, expectProjectionsRebuiltFromLog, startHarness, type Harness } from './harness';

const drafter: Actor = { sub: 'd1', region: 'beijing', roles: ['drafter'], org: '北京市生态环境局' };
const reviewer: Actor = { sub: 'r1', region: 'beijing', roles: ['reviewer'] };

/** The bound this test holds a 30-round review to (release 1 reached 974 events and 2.35 MB). */
const THIRTY_ROUNDS_MAX_EVENTS = 1_000;
const THIRTY_ROUNDS_MAX_BYTES = 300_000;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Starts a review and accepts it at intake. */
async function startReview(historyLimit?: number): Promise<WorkflowHandle> {
  const documentId = randomUUID();
  const input: ReviewInput = {
    reviewId: reviewWorkflowId(documentId, 1),
    documentId,
    originRegion: 'beijing',
    org: drafter.org as string,
    drafter: { sub: drafter.sub },
    version: 1,
    articleNumbers: ['1', '2', '3'],
    urgent: false,
    submittedAt: new Date().toISOString(),
    policy: h.config.policy,
    timeModel: {},
    ...(historyLimit !== undefined && { historyLimit }),
  };
  const start = new WithStartWorkflowOperation(REVIEW_WORKFLOW_TYPE, {
    workflowId: input.reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [signRequest(signingKeysOf(h.config), 'start', input.reviewId, input)],
    workflowIdConflictPolicy: 'FAIL',
  });
  await h.client.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation: start });
  const handle = h.client.workflow.getHandle(input.reviewId); // no run id: the current run, whichever it is
  await decide(handle, 'intake', reviewer, { decision: 'accept' });
  return handle;
}

async function decide(handle: WorkflowHandle, kind: TaskKind, actor: Actor, input: DecisionInput, articles?: string[]) {
  const state = await handle.query(reviewStateQuery);
  const task = state.tasks.find((t) => t.kind === kind && t.status === 'open');
  if (!task) throw new Error(`no open ${kind} task; stage ${state.stage}`);
  const body: CompleteTaskRequest = { taskId: task.id, actor, input, ...(articles && { articleNumbers: articles }) };
  return handle.executeUpdate(completeTaskUpdate, {
    args: [signRequest(signingKeysOf(h.config), 'completeTask', handle.workflowId, body)],
  });
}

/** One round: the reviewer asks for a change to article 2, the drafter adopts it in a new version. */
async function round(handle: WorkflowHandle, n: number): Promise<void> {
  await decide(handle, 'origin_review', reviewer, {
    decision: 'request_changes',
    comments: [{ article: '2', text: `第${n}轮：第二条表述须修改`, severity: 'amend' }],
  });
  const [comment] = await h.models.Comment.find({ reviewId: handle.workflowId, version: n }).lean();
  await decide(
    handle,
    'revision',
    drafter,
    { decision: 'resubmit', version: n + 1, dispositions: [{ commentId: comment._id, status: 'adopted' }] },
    ['1', '2', '3'],
  );
}

test(`when a draft is sent back 30 times, the history stays under ${THIRTY_ROUNDS_MAX_EVENTS} events and ${THIRTY_ROUNDS_MAX_BYTES / 1000} kB`, async () => {
  const handle = await startReview();
  for (let n = 1; n <= 30; n++) await round(handle, n);
  await decide(handle, 'origin_review', reviewer, {
    decision: 'reject',
    checklist: allPass,
    opinion: '仍不合法',
  } as DecisionInput);
  await handle.result();

  const history = await handle.fetchHistory();
  const events = history.events?.length ?? 0;
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  console.log(`30 rounds: ${events} history events, ${bytes} bytes`);
  expect(events).toBeLessThan(THIRTY_ROUNDS_MAX_EVENTS);
  expect(bytes).toBeLessThan(THIRTY_ROUNDS_MAX_BYTES);
  await expectProjectionsRebuiltFromLog(h, handle.workflowId);

  // The cost of verifying it (chain, seal, frozen records, checkpoint) through the API: docs/record-and-store.md.
  const supervisor = { sub: 'sup', region: 'beijing' as const, roles: ['supervisor' as const] };
  const timings: number[] = [];
  let verdict: { ok: boolean; events: number; records: unknown[] } | undefined;
  for (let i = 0; i < 5; i++) {
    const began = performance.now();
    const res = await request(h.app)
      .get(`/v1/reviews/${encodeURIComponent(handle.workflowId)}/events/verify`)
      .set('Authorization', `Bearer ${h.token(supervisor)}`)
      .expect(200);
    timings.push(performance.now() - began);
    verdict = res.body;
  }
  expect(verdict).toMatchObject({ ok: true, records: expect.any(Array) });
  // Each letter's event and the closing event carry the SHA-256 of the page they issued: the chain covers them.
  const log = await h.models.Event.find({ reviewId: handle.workflowId, type: { $in: ['revision_letter', 'rejected'] } })
    .sort({ seq: 1 })
    .lean();
  const frozen = new Map(
    (await h.models.Record.find({ reviewId: handle.workflowId }).lean()).map((r) => [r._id, r.sha256]),
  );
  expect(log).toHaveLength(31);
  for (const event of log) {
    const issuing = event as unknown as Extract<NewEvent, { type: 'revision_letter' | 'rejected' }>;
    const id = issuedRecordId(handle.workflowId, issuing)!;
    expect({ id, recordSha256: issuing.data.recordSha256 }).toEqual({ id, recordSha256: frozen.get(id) });
  }
  const median = [...timings].sort((a, b) => a - b)[2];
  console.log(
    `verify of a 30-round review: ${verdict!.events} events, ${verdict!.records.length} frozen records, median ${median.toFixed(0)} ms of 5`,
  );
}, 180_000);

test('when a review passes its history limit, it continues as new and its log, projections and chain carry on', async () => {
  const handle = await startReview(120);
  const firstRun = (await handle.describe()).runId;
  for (let n = 1; n <= 8; n++) await round(handle, n);
  const current = await handle.describe();
  expect(current.runId).not.toBe(firstRun); // it continued as new at least once
  expect(current.status.name).toBe('RUNNING');

  const state = await handle.query(reviewStateQuery);
  expect(state).toMatchObject({ stage: 'origin_review', version: 9, revisions: 8 });
  await decide(handle, 'origin_review', reviewer, { decision: 'approve', checklist: allPass } as DecisionInput);
  expect((await handle.query(reviewStateQuery)).stage).toBe('consultation');

  const log = (await h.models.Event.find({ reviewId: handle.workflowId }).lean<EventDoc[]>()).sort(
    (a, b) => a.seq - b.seq,
  );
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  expect(firstBrokenLink(log)).toBeUndefined();
  await expectProjectionsRebuiltFromLog(h, handle.workflowId);
}, 120_000);
