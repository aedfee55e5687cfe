/**
 * The side doors of issue 18, reproduced against the real servers and closed:
 * - a signed request captured off the wire (here: read back from Temporal's history) and sent again
 *   is refused, and so is an expired one; nothing is recorded;
 * - a closed review's captured start sent again as a new run of the same workflow id records nothing;
 * - with store access, editing an event and recomputing the chain, deleting the last events or the
 *   whole log, or rewriting the opinion with its hash recomputed, is named by `events/verify`; the
 *   closing event carries the opinion's hash, so the chain names a rewritten opinion even without the seal.
 */
import { createHash } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { REVIEW_WORKFLOW_TYPE, requestExtensionUpdate, type ExtensionRequest, type Signed } from '../domain/messages';
import { hashInput } from '../domain/review-log';
import { signingKeysOf } from '../platform/config';
import { signRequest } from '../platform/signing';
import type { EventDoc } from '../store/models';
import { castOf, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市生态环境局';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, decide, accept, task } = castOf(() => h, people);
const enc = encodeURIComponent;

async function submit(): Promise<string> {
  const created = await post('drafter', '/v1/documents', {
    title: '北京市扬尘污染防治办法',
    articles: [
      { number: '1', text: '为防治扬尘污染，制定本办法。' },
      { number: '2', text: '施工单位应当采取扬尘防治措施。' },
    ],
    legalBasis: ['《中华人民共和国大气污染防治法》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  return (await post('drafter', `/v1/documents/${created.body.id}/reviews`).expect(202)).body.reviewId;
}

const verify = async (reviewId: string) =>
  (await get('supervisor', `/v1/reviews/${enc(reviewId)}/events/verify`).expect(200)).body;

const eventsOf = async (reviewId: string) =>
  (await h.models.Event.find({ reviewId }).lean<EventDoc[]>()).sort((a, b) => a.seq - b.seq);

/** Every history event of the review's runs (the current run last). */
async function historyOf(handle: WorkflowHandle): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

/** What the API sent with the accepted update `name`, decoded as the worker received it. */
async function capturedUpdate<T>(handle: WorkflowHandle, name: string): Promise<Signed<T>> {
  const accepted = (await historyOf(handle))
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
    .find((r) => r?.input?.name === name);
  if (!accepted) throw new Error(`no accepted ${name} update in the history`);
  return decodeFromPayloadsAtIndex(h.client.options.loadedDataConverter, 0, accepted.input!.args!.payloads);
}

describe('replayed requests', () => {
  test('when a captured requestExtension is sent again (three times), each is refused and no extension task opens', async () => {
    const reviewId = await submit();
    await accept('bjReviewer', reviewId);
    await post('bjReviewer', `/v1/reviews/${enc(reviewId)}/extensions`, { workingDays: 5, reason: '情况复杂' }).expect(
      202,
    );
    const handle = h.client.workflow.getHandle(reviewId);
    const captured = await capturedUpdate<ExtensionRequest>(handle, 'requestExtension');
    expect(captured.nonce).toMatch(/^[0-9a-f-]{36}$/);
    const before = (await eventsOf(reviewId)).length;
    const extensionTasks = () => h.models.Task.countDocuments({ reviewId, kind: 'extension' });
    expect(await extensionTasks()).toBe(1);

    for (let i = 0; i < 3; i++) {
      const replay = handle.executeUpdate(requestExtensionUpdate, { args: [captured] });
      await expect(replay).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(replay).rejects.toMatchObject({ cause: { message: expect.stringMatching(/taken before/) } });
    }
    expect((await eventsOf(reviewId)).length).toBe(before);
    expect(await extensionTasks()).toBe(1);
    expect((await verify(reviewId)).ok).toBe(true);
  });

  test('when a signed request has expired, it is refused and nothing is recorded', async () => {
    const reviewId = await submit();
    const handle = h.client.workflow.getHandle(reviewId);
    const { id: taskId } = await task('bjReviewer', reviewId, 'intake');
    const before = (await eventsOf(reviewId)).length;
    const signedLongAgo = signRequest(
      signingKeysOf(h.config),
      'completeTask',
      reviewId,
      { taskId, actor: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] }, input: { decision: 'accept' } },
      'old-request',
      new Date(Date.now() - 10 * 60_000),
    );
    await expect(handle.executeUpdate('completeTask', { args: [signedLongAgo] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/expired/) },
    });
    expect((await eventsOf(reviewId)).length).toBe(before);
  });

  test("when a closed review's captured start is sent again as a new run of its workflow id, nothing is recorded", async () => {
    const reviewId = await submit();
    const handle = h.client.workflow.getHandle(reviewId);
    const started = (await historyOf(handle))[0].workflowExecutionStartedEventAttributes!;
    const capturedStart = await decodeFromPayloadsAtIndex(
      h.client.options.loadedDataConverter,
      0,
      started.input!.payloads,
    );
    await post('drafter', `/v1/reviews/${enc(reviewId)}/withdraw`, { reason: '撤回' }).expect(200);
    await handle.result();
    const log = await eventsOf(reviewId);
    const review = await h.models.Review.findById(reviewId).lean();
    expect(review?.status).toBe('withdrawn');

    // Temporal lets a closed workflow's id be used again when the client asks for it: the worker refuses.
    const again = await h.client.workflow.start(REVIEW_WORKFLOW_TYPE, {
      workflowId: reviewId,
      taskQueue: h.config.temporal.taskQueue,
      args: [capturedStart],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    await expect(again.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(await eventsOf(reviewId)).toEqual(log);
    expect((await h.models.Review.findById(reviewId).lean())?.status).toBe('withdrawn');
    expect(await h.models.Task.countDocuments({ reviewId, status: 'open' })).toBe(0);
    expect((await verify(reviewId)).ok).toBe(true);
  });
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Rewrites the stored log from `fromSeq` on with a correct chain, as someone with store access can. */
async function rechain(reviewId: string): Promise<void> {
  let prevHash = '0'.repeat(64);
  for (const e of await eventsOf(reviewId)) {
    const { seq, type, at, actor, requestId, data } = e;
    const hash = sha256(hashInput({ seq, type, at, actor, requestId, data, prevHash }));
    await h.models.Event.collection.updateOne({ _id: e._id } as never, { $set: { prevHash, hash } });
    prevHash = hash;
  }
}

describe('a record that proves itself', () => {
  test('when the log is sealed, verify checks the seal, the count and the chain and answers ok', async () => {
    const reviewId = await submit();
    await accept('bjReviewer', reviewId);
    const answer = await verify(reviewId);
    const log = await eventsOf(reviewId);
    expect(answer).toMatchObject({
      ok: true,
      events: log.length,
      problems: [],
      seal: { events: log.length, headHash: log[log.length - 1].hash, keyId: 'audit-1', signatureValid: true },
    });
    expect(answer.firstBrokenSeq).toBeUndefined();
  });

  test('when an event is edited and the chain recomputed, verify fails on the seal', async () => {
    const reviewId = await submit();
    await accept('bjReviewer', reviewId);
    const log = await eventsOf(reviewId);
    const accepted = log.find((e) => e.type === 'accepted')!;
    await h.models.Event.collection.updateOne({ _id: accepted._id } as never, {
      $set: { at: '2020-01-01T00:00:00.000Z' },
    });
    await rechain(reviewId);
    const answer = await verify(reviewId);
    expect(answer).toMatchObject({ ok: false, break: 'head', firstBrokenSeq: log.length });
    // The seal itself rewritten to the new head, without the audit key: its signature fails.
    const newHead = (await eventsOf(reviewId)).at(-1)!.hash;
    await h.models.ReviewSeal.updateOne({ _id: reviewId }, { $set: { headHash: newHead } });
    expect(await verify(reviewId)).toMatchObject({ ok: false, break: 'signature' });
  });

  test('when the last events, or the whole log, are deleted, verify fails on the count', async () => {
    const reviewId = await submit();
    await accept('bjReviewer', reviewId);
    const log = await eventsOf(reviewId);
    await h.models.Event.deleteMany({ reviewId, seq: { $gte: log.length - 1 } });
    expect(await verify(reviewId)).toMatchObject({
      ok: false,
      break: 'count',
      firstBrokenSeq: log.length - 1,
      events: log.length - 2,
    });
    await h.models.Event.deleteMany({ reviewId });
    expect(await verify(reviewId)).toMatchObject({ ok: false, break: 'count', firstBrokenSeq: 1, events: 0 });
  });

  test('when the opinion is rewritten (不合法 → 合法) with its sha256 recomputed, verify names the record', async () => {
    const reviewId = await submit();
    await decide('bjReviewer', reviewId, 'intake', {
      decision: 'return',
      grounds: 'not_normative_document',
      opinion: '该文件不合法，予以退回',
    });
    const before = await verify(reviewId);
    expect(before.ok).toBe(true);
    expect(before.records).toEqual([{ id: expect.stringContaining(reviewId), ok: true }]);
    const opinion = (await h.models.Record.findOne({ reviewId, kind: 'opinion' }).lean())!;
    // The closing's recording moved the seal over the opinion as stored.
    const sealed = (await h.models.ReviewSeal.findById(reviewId).lean())!;
    expect(sealed.records.map(({ id, sha256: hash }) => ({ id, sha256: hash }))).toEqual([
      { id: opinion._id, sha256: opinion.sha256 },
    ]);
    const html = opinion.html.replace('不合法', '合法');
    expect(html).not.toBe(opinion.html);
    await h.models.Record.updateOne({ _id: opinion._id }, { $set: { html, sha256: sha256(html) } });
    const answer = await verify(reviewId);
    const closing = (await eventsOf(reviewId)).find((e) => e.type === 'returned')!;
    expect(closing.data.recordSha256).toBe(opinion.sha256);
    expect(answer).toMatchObject({
      ok: false,
      break: 'record',
      firstBrokenSeq: closing.seq,
      records: [{ id: opinion._id, ok: false }],
    });
    expect(answer.problems[0]).toBe(`the frozen record ${opinion._id} is not the one event ${closing.seq} issued`);

    // Through the chain itself: with the seal gone, the closing event still names the rewritten opinion.
    await h.models.ReviewSeal.deleteOne({ _id: reviewId });
    const unsealed = await verify(reviewId);
    expect(unsealed).toMatchObject({ ok: false, break: 'record' });
    expect(unsealed.problems[0]).toBe(answer.problems[0]);
    // The closing event's hash rewritten to match and the chain recomputed: the chain is whole, the record
    // agrees with it, and only a checkpoint or seal can still tell (here, with no seal: unsealed).
    await h.models.Event.collection.updateOne({ _id: closing._id } as never, {
      $set: { 'data.recordSha256': sha256(html) },
    });
    await rechain(reviewId);
    expect(await verify(reviewId)).toMatchObject({
      ok: false,
      break: 'unsealed',
      records: [{ id: opinion._id, ok: true }],
    });
  });
});
