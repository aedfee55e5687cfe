/**
 * The review workflow on the real Temporal server, driven through its messages (no HTTP), with
 * the real activities writing to FerretDB.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  REVIEW_WORKFLOW_TYPE,
  completeTaskUpdate,
  reviewStateQuery,
  reviewWorkflowId,
  submittedUpdate,
  withdrawUpdate,
  type ReviewInput,
} from '../domain/messages';
import { CHECK_ITEMS, type Actor, type DecisionInput, type TaskKind } from '../domain/model';
import { parseSigningKeys, signRequest } from '../platform/signing';
import { signingKeysOf } from '../platform/config';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { expectProjectionsRebuiltFromLog, maybeSaveHistory, startHarness, type Harness } from './harness';

const drafter: Actor = { sub: 'd1', region: 'hebei', roles: ['drafter'], org: '河北省生态环境厅' };
const hbReviewer: Actor = { sub: 'r1', region: 'hebei', roles: ['reviewer'] };
const bjReviewer: Actor = { sub: 'r2', region: 'beijing', roles: ['reviewer'] };
const tjReviewer: Actor = { sub: 'r3', region: 'tianjin', roles: ['reviewer'] };
const hbSigner: Actor = { sub: 's1', region: 'hebei', roles: ['signer'] };
const approve: DecisionInput = {
  decision: 'approve',
  checklist: CHECK_ITEMS.map((item) => ({ item, result: 'pass' })),
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Starts a review of a Hebei draft and accepts it at intake. */
async function startReview(): Promise<WorkflowHandle> {
  const documentId = randomUUID();
  await h.models.Version.create({
    _id: `${documentId}:v2`,
    documentId,
    version: 2,
    title: '修订稿',
    articles: [{ number: '1', text: '第一条' }],
    legalBasis: [],
    materials: { draftingExplanation: '说明' },
    createdAt: new Date(),
  });
  const input: ReviewInput = {
    reviewId: reviewWorkflowId(documentId, 1),
    documentId,
    originRegion: 'hebei',
    org: drafter.org as string,
    drafter: { sub: drafter.sub },
    version: 1,
    articleNumbers: ['1', '2'],
    urgent: false,
    submittedAt: new Date().toISOString(),
    policy: h.config.policy,
    timeModel: {},
  };
  const start = new WithStartWorkflowOperation(REVIEW_WORKFLOW_TYPE, {
    workflowId: input.reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [signRequest(signingKeysOf(h.config), 'start', input.reviewId, input)],
    workflowIdConflictPolicy: 'FAIL',
  });
  await h.client.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation: start });
  const handle = await start.workflowHandle();
  await complete(handle, await openTaskId(handle, 'intake'), hbReviewer, { decision: 'accept' });
  return handle;
}

async function openTaskId(handle: WorkflowHandle, kind: TaskKind, region = 'hebei'): Promise<string> {
  const state = await handle.query(reviewStateQuery);
  const task = state.tasks.find((t) => t.kind === kind && t.region === region && t.status === 'open');
  if (!task) throw new Error(`no open ${kind} task for ${region}; stage ${state.stage}`);
  return task.id;
}

function complete(
  handle: WorkflowHandle,
  taskId: string,
  actor: Actor,
  input: DecisionInput,
  articleNumbers?: string[],
) {
  const body = { taskId, actor, input, ...(articleNumbers && { articleNumbers }) };
  return handle.executeUpdate(completeTaskUpdate, {
    args: [signRequest(signingKeysOf(h.config), 'completeTask', handle.workflowId, body)],
  });
}

function withdraw(handle: WorkflowHandle, actor: Actor) {
  return handle.executeUpdate(withdrawUpdate, {
    args: [signRequest(signingKeysOf(h.config), 'withdraw', handle.workflowId, { actor })],
  });
}

async function refusalType(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

describe('review workflow', () => {
  test('when both regions answer at once, both answers are kept and the review moves on once', async () => {
    const handle = await startReview();
    await complete(handle, await openTaskId(handle, 'origin_review'), hbReviewer, approve);
    const [bj, tj] = await Promise.all([
      complete(handle, await openTaskId(handle, 'consultation', 'beijing'), bjReviewer, { decision: 'concur' }),
      complete(handle, await openTaskId(handle, 'consultation', 'tianjin'), tjReviewer, {
        decision: 'concur_with_comments',
        comments: [{ article: '1', text: '建议与天津条例衔接', severity: 'advisory' }],
      }),
    ]);
    expect([bj.task.status, tj.task.status]).toEqual(['completed', 'completed']);
    const state = await handle.query(reviewStateQuery);
    expect(state.stage).toBe('consolidation');
    expect(state.tasks.filter((t) => t.kind === 'consolidation')).toHaveLength(1);

    await complete(handle, await openTaskId(handle, 'consolidation'), hbReviewer, {
      decision: 'proceed',
      opinion: '意见已吸收',
    });
    const signed = await complete(handle, await openTaskId(handle, 'signoff'), hbSigner, { decision: 'sign' });
    expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });
    expect(await handle.result()).toEqual({ status: 'approved', stage: 'closed' });

    const final = await handle.query(reviewStateQuery);
    const stored = await h.models.Review.findById(handle.workflowId).lean();
    expect(stored).toMatchObject({ status: 'approved', stage: 'closed', lastSeq: final.lastSeq });
    expect(await h.models.Event.countDocuments({ reviewId: handle.workflowId })).toBe(final.lastSeq);
    expect(await h.models.Comment.countDocuments({ reviewId: handle.workflowId })).toBe(1);
    expect(await h.models.Task.countDocuments({ reviewId: handle.workflowId, status: 'completed' })).toBe(6);
    await expectProjectionsRebuiltFromLog(h, handle.workflowId);
    await maybeSaveHistory(handle, 'log--consultation-with-comments-then-signed');
  });

  test('when the same task is completed twice at once, exactly one decision is recorded', async () => {
    const handle = await startReview();
    const taskId = await openTaskId(handle, 'origin_review');
    const results = await Promise.allSettled([
      complete(handle, taskId, hbReviewer, approve),
      complete(handle, taskId, hbReviewer, approve),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const state = await handle.query(reviewStateQuery);
    const completed = { reviewId: handle.workflowId, type: 'task_completed', 'data.taskId': taskId };
    expect(await h.models.Event.countDocuments(completed)).toBe(1);
    expect(state.tasks.filter((t) => t.kind === 'consultation')).toHaveLength(2);
    await withdraw(handle, drafter);
  });

  test('when a decision is refused, nothing is recorded and the refusal names its reason', async () => {
    const handle = await startReview();
    const taskId = await openTaskId(handle, 'origin_review');
    const before = (await handle.query(reviewStateQuery)).lastSeq;
    expect(await refusalType(complete(handle, taskId, bjReviewer, approve))).toBe('forbidden');
    expect(await refusalType(complete(handle, taskId, hbReviewer, { decision: 'concur' }))).toBe('validation_failed');
    expect(await refusalType(complete(handle, 'nope', hbReviewer, approve))).toBe('not_found');
    expect(await refusalType(withdraw(handle, { ...drafter, org: '别的单位' }))).toBe('forbidden');
    expect((await handle.query(reviewStateQuery)).lastSeq).toBe(before);
    await complete(handle, taskId, hbReviewer, approve);
    expect(await refusalType(complete(handle, taskId, hbReviewer, approve))).toBe('conflict');
    await withdraw(handle, drafter);
  });

  test("when changes are requested and the drafter resubmits, the new version's articles and the dispositions are recorded", async () => {
    const handle = await startReview();
    await complete(handle, await openTaskId(handle, 'origin_review'), hbReviewer, {
      decision: 'request_changes',
      comments: [
        { article: '2', text: '第二条设定罚款无上位法依据', severity: 'blocking', basis: '《行政处罚法》第十六条' },
      ],
    });
    const [comment] = await h.models.Comment.find({ reviewId: handle.workflowId }).lean();
    const revision = await openTaskId(handle, 'revision');
    const refused = await refusalType(
      complete(handle, revision, drafter, { decision: 'resubmit', version: 2, dispositions: [] }),
    );
    expect(refused).toBe('validation_failed');
    await complete(
      handle,
      revision,
      drafter,
      { decision: 'resubmit', version: 2, dispositions: [{ commentId: comment._id, status: 'adopted' }] },
      ['1'],
    );
    const state = await handle.query(reviewStateQuery);
    expect(state).toMatchObject({ stage: 'origin_review', version: 2, articleNumbers: ['1'] });
    // Stored before the decision was answered.
    expect((await h.models.Comment.findById(comment._id).lean())?.disposition?.status).toBe('adopted');
    const checklist = CHECK_ITEMS.map((item) => ({
      item,
      result: item === 'content' ? ('fail' as const) : ('pass' as const),
      ...(item === 'content' && { note: '与上位法抵触' }),
    }));
    await complete(handle, await openTaskId(handle, 'origin_review'), hbReviewer, {
      decision: 'reject',
      checklist,
      opinion: '不合法',
    });
    expect(await handle.result()).toEqual({ status: 'rejected', stage: 'closed' });
    await expectProjectionsRebuiltFromLog(h, handle.workflowId);
    await maybeSaveHistory(handle, 'log--revision-then-rejected');
  });

  test('when a client that reaches Temporal directly sends an unsigned decision, the validator refuses it and nothing is recorded', async () => {
    const handle = await startReview();
    const taskId = await openTaskId(handle, 'origin_review');
    const forger: Actor = { sub: 'forged-name', region: 'hebei', roles: ['reviewer'] };
    const unsigned = handle.executeUpdate(completeTaskUpdate, {
      args: [{ body: { taskId, actor: forger, input: approve } } as never],
    });
    expect(await refusalType(unsigned)).toBe('forbidden');
    const history = await handle.fetchHistory();
    const accepted = history.events?.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    expect(accepted?.filter(Boolean)).toEqual(['submitted', 'completeTask']); // the start's and the intake's only
    await withdraw(handle, drafter);
  });

  test('when a decision is signed with a key the API does not hold, it is refused and the forged name is recorded nowhere', async () => {
    const handle = await startReview();
    const taskId = await openTaskId(handle, 'origin_review');
    const before = (await handle.query(reviewStateQuery)).lastSeq;
    const forger: Actor = { sub: 'forged-name', region: 'hebei', roles: ['reviewer'] };
    const forgedKeys = parseSigningKeys('test-1:a-key-that-only-the-forger-has-0123456789');
    const forged = handle.executeUpdate(completeTaskUpdate, {
      args: [signRequest(forgedKeys, 'completeTask', handle.workflowId, { taskId, actor: forger, input: approve })],
    });
    expect(await refusalType(forged)).toBe('forbidden');
    // A genuine signature for another review does not carry over either.
    const elsewhere = handle.executeUpdate(completeTaskUpdate, {
      args: [
        signRequest(signingKeysOf(h.config), 'completeTask', 'review:other:1', {
          taskId,
          actor: forger,
          input: approve,
        }),
      ],
    });
    expect(await refusalType(elsewhere)).toBe('forbidden');

    expect((await handle.query(reviewStateQuery)).lastSeq).toBe(before);
    const reviewId = handle.workflowId;
    expect(await h.models.Event.countDocuments({ reviewId })).toBe(before);
    expect(await h.models.Event.countDocuments({ reviewId, 'actor.sub': 'forged-name' })).toBe(0);
    expect(await h.models.Task.findById(taskId).lean()).toMatchObject({ status: 'open' });
    await complete(handle, taskId, hbReviewer, approve); // the task is still the real reviewer's to decide
    await withdraw(handle, drafter);
  });
});
