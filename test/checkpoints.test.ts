/**
 * Checkpoints: the record keeper (a durable workflow with a timer, one per task queue) makes a signed
 * Merkle root over every review's sealed head every CHECKPOINT_INTERVAL, stores it and writes it as a
 * file under DATA_DIR/checkpoints; its leaves are stored in chunks (here 2 leaves a chunk, so every
 * checkpoint spans several); supervisors list them; verify proves a review against the latest
 * checkpoint that includes it, whichever chunk holds it (and against one made before chunks, with its
 * leaves inline), and finds a log rewritten under a checkpoint.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordKeeperId } from '../domain/messages';
import { hashInput } from '../domain/review-log';
import { ensureRecordKeeper } from '../features/audit/use-cases';
import { merkleLeaf, merkleRoot, signCheckpoint } from '../platform/audit-seal';
import type { EventDoc } from '../store/models';
import { checkpointLeaves, type AuditCheckpointDoc } from '../store/record-seal';
import { castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'checkpoints-'));
  h = await startHarness({ CHECKPOINT_INTERVAL: '1s', CHECKPOINT_CHUNK_LEAVES: '2', DATA_DIR: dataDir });
});
afterAll(async () => {
  await h?.client.workflow
    .getHandle(recordKeeperId(h.config.temporal.taskQueue))
    .terminate('test done')
    .catch(() => undefined);
  await h?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const people = {
  drafter: { sub: 'tj-drafter', region: 'tianjin', roles: ['drafter'], org: '天津市商务局' },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'tianjin', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, accept } = castOf(() => h, people);

async function submit(): Promise<string> {
  const created = await post('drafter', '/v1/documents', {
    title: '天津市外商投资促进办法',
    articles: [{ number: '1', text: '为促进外商投资，制定本办法。' }],
    legalBasis: ['《中华人民共和国外商投资法》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const reviewId = (await post('drafter', `/v1/documents/${created.body.id}/reviews`).expect(202)).body.reviewId;
  await accept('tjReviewer', reviewId);
  return reviewId;
}

/** The newest checkpoint, with its leaves, once it holds `reviewId` at its current head. */
const checkpointHolding = (reviewId: string, events: number) =>
  eventually(
    async () => {
      const [latest] = await h.models.AuditCheckpoint.find().sort({ n: -1 }).limit(1).lean<AuditCheckpointDoc[]>();
      const leaves = latest ? await checkpointLeaves(h.models, latest) : [];
      return leaves.some((l) => l.reviewId === reviewId && l.events === events) ? { ...latest, leaves } : undefined;
    },
    `a checkpoint holding ${reviewId}`,
    60_000,
  );

test('the record keeper makes signed checkpoints of every head; supervisors list them; verify proves a review against one', async () => {
  const reviews = [await submit(), await submit(), await submit()];
  // Started twice (two API processes): one keeper runs.
  const [first, second] = await Promise.all([ensureRecordKeeper(h.ctx), ensureRecordKeeper(h.ctx)]);
  expect(second).toBe(first);
  const events = await h.models.Event.countDocuments({ reviewId: reviews[2] });
  const checkpoint = await checkpointHolding(reviews[2], events);

  // Its leaves span chunks of at most two, in order.
  const chunks = await h.models.AuditCheckpointChunk.find({ slot: checkpoint.slot }).sort({ index: 1 }).lean();
  expect(checkpoint.chunks).toBe(Math.ceil(checkpoint.size / 2));
  expect(chunks.map((c) => c.index)).toEqual(Array.from({ length: checkpoint.chunks! }, (_, i) => i));
  expect(chunks.every((c) => c.leaves.length <= 2)).toBe(true);
  expect(checkpoint.leaves).toHaveLength(checkpoint.size);

  // The root is the Merkle root of the leaves; the file the operator copies off holds the same.
  expect(checkpoint.root).toBe(merkleRoot(checkpoint.leaves.map(merkleLeaf)));
  expect(checkpoint.leaves.map((l) => l.reviewId)).toEqual(expect.arrayContaining(reviews));
  const file = path.join(dataDir, 'checkpoints', `${checkpoint._id}.json`);
  const copy = JSON.parse(await readFile(file, 'utf8'));
  expect(copy).toMatchObject({
    n: checkpoint.n,
    root: checkpoint.root,
    size: checkpoint.size,
    signature: checkpoint.signature,
  });
  const { mode, size } = await stat(file);
  expect(mode & 0o777).toBe(0o600);
  console.log(
    `checkpoint ${checkpoint._id}: ${checkpoint.size} reviews, file ${size} bytes (${Math.round(size / Math.max(1, checkpoint.size))} bytes a review)`,
  );

  // Each review is proven, whichever chunk holds it.
  const chunkOf = (reviewId: string) => chunks.findIndex((c) => c.leaves.some((l) => l.reviewId === reviewId));
  expect(new Set(reviews.map(chunkOf)).size).toBeGreaterThan(1);
  for (const reviewId of reviews) {
    const verified = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}/events/verify`).expect(200))
      .body;
    expect(verified).toMatchObject({ ok: true, checkpoint: { root: expect.any(String), proven: true } });
  }

  // A checkpoint made before chunks (its leaves inline) still proves a review.
  const legacy = { n: 1_000_000, at: new Date(), root: checkpoint.root, size: checkpoint.size };
  const signedLegacy = signCheckpoint(h.config.auditKeys!, { ...legacy, at: legacy.at.toISOString() });
  await h.models.AuditCheckpoint.collection.insertOne({
    _id: 'cp-legacy',
    ...legacy,
    leaves: checkpoint.leaves,
    ...signedLegacy,
    slot: 'legacy',
  } as never);
  const againstLegacy = (
    await get('supervisor', `/v1/reviews/${encodeURIComponent(reviews[0])}/events/verify`).expect(200)
  ).body;
  expect(againstLegacy).toMatchObject({ ok: true, checkpoint: { id: 'cp-legacy', proven: true } });
  await h.models.AuditCheckpoint.deleteOne({ _id: 'cp-legacy' });

  // Listed newest first, a page at a time; for supervisors only.
  await eventually(
    async () => ((await h.models.AuditCheckpoint.countDocuments()) >= 2 ? true : undefined),
    'two checkpoints',
    30_000,
  );
  const page1 = (await get('supervisor', '/v1/audit/checkpoints?limit=1').expect(200)).body;
  expect(page1.items).toHaveLength(1);
  expect(page1.nextCursor).toEqual(expect.any(String));
  expect(page1.items[0]).not.toHaveProperty('leaves');
  const page2 = (await get('supervisor', `/v1/audit/checkpoints?limit=1&cursor=${page1.nextCursor}`).expect(200)).body;
  expect(page2.items[0].n).toBeLessThan(page1.items[0].n);
  await get('tjReviewer', '/v1/audit/checkpoints').expect(403);
  await get('supervisor', '/v1/audit/checkpoints?cursor=x').expect(400);
}, 150_000);

test('when a checkpointed log is rewritten, verify finds it against the checkpoint', async () => {
  const reviewId = await submit();
  await ensureRecordKeeper(h.ctx);
  const log = (await h.models.Event.find({ reviewId }).lean<EventDoc[]>()).sort((a, b) => a.seq - b.seq);
  await checkpointHolding(reviewId, log.length);
  // Someone with store access rewrites the first event and recomputes the chain.
  let prevHash = '0'.repeat(64);
  for (const e of log) {
    const at = e.seq === 1 ? '2020-01-01T00:00:00.000Z' : e.at;
    const { seq, type, actor, requestId, data } = e;
    const hash = createHash('sha256')
      .update(hashInput({ seq, type, at, actor, requestId, data, prevHash }), 'utf8')
      .digest('hex');
    await h.models.Event.collection.updateOne({ _id: e._id } as never, { $set: { at, prevHash, hash } });
    prevHash = hash;
  }
  const answer = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}/events/verify`).expect(200))
    .body;
  expect(answer).toMatchObject({ ok: false, checkpoint: { proven: false } });
  expect(answer.problems.join('\n')).toMatch(/checkpoint/);
});
