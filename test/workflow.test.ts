/**
 * The review workflow on the real Temporal server, driven through its messages (no HTTP), with
 * the real activities writing to FerretDB.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  completeTaskUpdate,
  reviewStateQuery,
  reviewWorkflowId,
  withdrawUpdate,
  type ReviewInput,
} from '../domain/messages';
import { CHECK_ITEMS, type Actor, type DecisionInput, type TaskKind } from '../domain/model';
import { eventually, maybeSaveHistory, startHarness, type Harness } from './harness';

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
  return h.client.workflow.start('reviewWorkflow', {
    workflowId: input.reviewId,
    taskQueue: h.config.temporal.taskQueue,
    args: [input],
  });
}

async function openTaskId(handle: WorkflowHandle, kind: TaskKind, region = 'hebei'): Promise<string> {
  const state = await handle.query(reviewStateQuery);
  const task = state.tasks.find((t) => t.kind === kind && t.region === region && t.status === 'open');
  if (!task) throw new Error(`no open ${kind} task for ${region}; stage ${state.stage}`);
  return task.id;
}

function complete(handle: WorkflowHandle, taskId: string, actor: Actor, input: DecisionInput) {
  return handle.executeUpdate(completeTaskUpdate, { args: [{ taskId, actor, input }] });
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

    const mirror = await h.models.Review.findById(handle.workflowId).lean();
    expect(mirror).toMatchObject({ status: 'approved', stage: 'closed', stateVersion: state.stateVersion + 2 });
    expect(await h.models.Comment.countDocuments({ reviewId: handle.workflowId })).toBe(1);
    expect(await h.models.Task.countDocuments({ reviewId: handle.workflowId, status: 'completed' })).toBe(5);
    await maybeSaveHistory(handle, 'consultation-with-comments-then-signed');
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
    expect(state.history.filter((e) => e.type === 'task_completed')).toHaveLength(1);
    expect(state.tasks.filter((t) => t.kind === 'consultation')).toHaveLength(2);
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: drafter }] });
  });

  test('when a decision is refused, nothing is recorded and the refusal names its reason', async () => {
    const handle = await startReview();
    const taskId = await openTaskId(handle, 'origin_review');
    const before = (await handle.query(reviewStateQuery)).stateVersion;
    expect(await refusalType(complete(handle, taskId, bjReviewer, approve))).toBe('forbidden');
    expect(await refusalType(complete(handle, taskId, hbReviewer, { decision: 'concur' }))).toBe('validation_failed');
    expect(await refusalType(complete(handle, 'nope', hbReviewer, approve))).toBe('not_found');
    expect(
      await refusalType(handle.executeUpdate(withdrawUpdate, { args: [{ actor: { ...drafter, org: '别的单位' } }] })),
    ).toBe('forbidden');
    expect((await handle.query(reviewStateQuery)).stateVersion).toBe(before);
    await complete(handle, taskId, hbReviewer, approve);
    expect(await refusalType(complete(handle, taskId, hbReviewer, approve))).toBe('conflict');
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: drafter }] });
  });

  test('when changes are requested and the drafter resubmits, the new version is loaded and dispositions are stored', async () => {
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
    await complete(handle, revision, drafter, {
      decision: 'resubmit',
      version: 2,
      dispositions: [{ commentId: comment._id, status: 'adopted' }],
    });
    const state = await handle.query(reviewStateQuery);
    expect(state).toMatchObject({ stage: 'origin_review', version: 2, articleNumbers: ['1'] });
    const stored = await eventually(
      async () => (await h.models.Comment.findById(comment._id).lean())?.disposition ?? undefined,
      'the disposition',
    );
    expect(stored.status).toBe('adopted');
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
    await maybeSaveHistory(handle, 'revision-then-rejected');
  });
});
