/**
 * A decision that reaches the workflow while its first transition is still being recorded. That is
 * what a worker killed at the wrong moment produces: the first recording is stored, the workflow
 * task that should take in its result dies with the worker, and the next workflow task carries both
 * that result and the client's decision. The decision must be planned on the hash the first
 * recording produced, so the log's chain holds. The test makes that ordering on purpose: the worker's
 * first recording is stored, then held until the decision has reached the workflow.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type RecordTransitionInput } from '../activities';
import {
  REVIEW_WORKFLOW_TYPE,
  completeTaskUpdate,
  reviewWorkflowId,
  submittedUpdate,
  type ReviewInput,
} from '../domain/messages';
import type { Actor } from '../domain/model';
import { firstBrokenLink } from '../platform/log-chain';
import { payloadKeysOf, signingKeysOf } from '../platform/config';
import { encryptingDataConverter } from '../platform/payload-codec';
import { signRequest } from '../platform/signing';
import type { EventDoc } from '../store/models';
import { eventually, maybeSaveHistory, startHarness, type Harness } from './harness';

const reviewer: Actor = { sub: 'tj-r', region: 'tianjin', roles: ['reviewer'] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.worker.stop(); // this test runs a worker of its own
});
afterAll(async () => {
  await h?.stop();
});

/** A review worker whose recordings wait, once stored, until `release` is called for their review. */
async function workerHoldingFirstRecordings(): Promise<{ run: Promise<void>; worker: Worker; release(): void }> {
  const activities = createActivities({ models: h.models, signingKeys: signingKeysOf(h.config) });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const connection = await NativeConnection.connect({ address: h.config.temporal.address! });
  const worker = await Worker.create({
    connection,
    taskQueue: h.config.temporal.taskQueue,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
    dataConverter: encryptingDataConverter(payloadKeysOf(h.config)),
    activities: {
      ...activities,
      async recordTransition(input: RecordTransitionInput) {
        const result = await activities.recordTransition(input);
        if (first) {
          first = false;
          await released; // stored, but the workflow does not know yet
        }
        return result;
      },
    },
  });
  const run = worker.run().finally(() => connection.close());
  return { run, worker, release };
}

test('when a decision arrives while the first transition is being recorded, it is chained after it and the log verifies', async () => {
  const { run, worker, release } = await workerHoldingFirstRecordings();
  try {
    const documentId = randomUUID();
    const input: ReviewInput = {
      reviewId: reviewWorkflowId(documentId, 1),
      documentId,
      originRegion: 'tianjin',
      org: '天津市交通运输委员会',
      drafter: { sub: 'tj-d' },
      version: 1,
      articleNumbers: ['1'],
      urgent: false,
      submittedAt: new Date().toISOString(),
      policy: h.config.policy,
      timeModel: {},
    };
    const keys = signingKeysOf(h.config);
    const start = new WithStartWorkflowOperation(REVIEW_WORKFLOW_TYPE, {
      workflowId: input.reviewId,
      taskQueue: h.config.temporal.taskQueue,
      args: [signRequest(keys, 'start', input.reviewId, input)],
      workflowIdConflictPolicy: 'FAIL',
    });
    const submitted = h.client.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation: start });

    // The first recording is stored: the intake task is there for a reviewer to see and decide.
    const intake = await eventually(
      async () => (await h.models.Task.findOne({ reviewId: input.reviewId, kind: 'intake' }).lean()) ?? undefined,
      'the intake task to be stored',
    );
    const handle = h.client.workflow.getHandle(input.reviewId);
    const body = { taskId: intake._id, actor: reviewer, input: { decision: 'accept' as const } };
    const accepted = handle.executeUpdate(completeTaskUpdate, {
      args: [signRequest(keys, 'completeTask', input.reviewId, body)],
    });
    // The decision has reached the workflow (its update is admitted) before the first recording returns.
    await eventually(async () => {
      const history = await handle.fetchHistory();
      return history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ? true : undefined;
    }, 'the decision to be admitted by the workflow');
    release();
    await submitted;
    expect((await accepted).review).toMatchObject({ stage: 'origin_review' });

    const events = await h.models.Event.find({ reviewId: input.reviewId }).lean<EventDoc[]>();
    events.sort((a, b) => a.seq - b.seq);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['submitted', 'accepted']));
    expect(firstBrokenLink(events)).toBeUndefined();
    await maybeSaveHistory(handle, 'log--decision-during-first-recording');
  } finally {
    release();
    worker.shutdown();
    await run;
  }
});
