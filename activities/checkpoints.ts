/**
 * A checkpoint (docs/record-and-store.md, "Checkpoints"): every review's sealed head (review id,
 * event count, head hash) whose seal signature holds, as the leaves of a Merkle tree sorted by review
 * id; its root, signed with the audit key, stored in `auditCheckpoints` (its leaves in chunks of
 * CHECKPOINT_CHUNK_LEAVES in `auditCheckpointChunks`) and written as a JSON file
 * under DATA_DIR/checkpoints for the operator to copy off the machine. A review's later verify proves
 * its log continues the head the checkpoint holds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { RecordKeeperInput, Signed } from '../domain/messages';
import { merkleLeaf, merkleRoot, signCheckpoint, verifySeal, type AuditKeys } from '../platform/audit-seal';
import { verifyRequest, type SigningKeys } from '../platform/signing';
import type { Models } from '../store/models';
import { checkpointChunkId, type AuditCheckpointDoc, type CheckpointLeaf } from '../store/record-seal';
import { isDuplicateKey } from '../store/mongo';

export interface CheckpointInput {
  start: Signed<RecordKeeperInput>;
  workflowId: string;
  /** The workflow's run and iteration: a retried activity finds the checkpoint it made. */
  slot: string;
}

export interface CheckpointSummary {
  id: string;
  n: number;
  root: string;
  size: number;
}

/** Leaves a chunk by default: about 1.5 MB of a store document's 16 MB. */
const LEAVES_PER_CHUNK = 10_000;

export async function makeCheckpoint(
  deps: {
    models: Models;
    signingKeys: SigningKeys;
    auditKeys?: AuditKeys;
    checkpointDir?: string;
    checkpointChunkLeaves?: number;
  },
  input: CheckpointInput,
): Promise<CheckpointSummary> {
  const { models, auditKeys } = deps;
  if (!verifyRequest(deps.signingKeys, 'recordKeeper', input.workflowId, input.start)) {
    throw ApplicationFailure.nonRetryable(
      'the record keeper was not started by the API: nothing was written',
      'forbidden',
    );
  }
  if (!auditKeys) throw ApplicationFailure.nonRetryable('no audit key is configured (AUDIT_KEYS)', 'unavailable');
  const made = await models.AuditCheckpoint.findOne({ slot: input.slot }).lean<AuditCheckpointDoc>();
  if (made) return summary(made);

  const seals = await models.ReviewSeal.find({ signature: { $ne: '' } }).lean();
  const leaves: CheckpointLeaf[] = seals
    .filter((s) =>
      verifySeal(
        auditKeys,
        {
          reviewId: s._id,
          run: s.run,
          events: s.events,
          headHash: s.headHash,
          records: s.records.map(({ id, sha256 }) => ({ id, sha256 })),
        },
        s.keyId,
        s.signature,
      ),
    )
    .map((s) => ({ reviewId: s._id, events: s.events, headHash: s.headHash }))
    .sort((a, b) => (a.reviewId < b.reviewId ? -1 : a.reviewId > b.reviewId ? 1 : 0));
  const root = merkleRoot(leaves.map(merkleLeaf));
  const chunks = await storeChunks(models, input.slot, leaves, deps.checkpointChunkLeaves ?? LEAVES_PER_CHUNK);
  for (let attempt = 0; attempt < 20; attempt++) {
    const [last] = await models.AuditCheckpoint.find({}, { n: 1 })
      .sort({ n: -1 })
      .limit(1)
      .lean<AuditCheckpointDoc[]>();
    const n = (last?.n ?? 0) + 1;
    const at = new Date();
    const content = { n, at: at.toISOString(), root, size: leaves.length };
    const { keyId, signature } = signCheckpoint(auditKeys, content);
    const id = `cp-${String(n).padStart(8, '0')}`;
    const file = deps.checkpointDir ? path.join(deps.checkpointDir, `${id}.json`) : undefined;
    const doc: AuditCheckpointDoc = {
      _id: id,
      n,
      at,
      root,
      size: leaves.length,
      chunks,
      keyId,
      signature,
      slot: input.slot,
      ...(file && { file }),
    };
    try {
      await models.AuditCheckpoint.create(doc);
    } catch (err) {
      if (isDuplicateKey(err)) continue; // another keeper took n (or this slot was made meanwhile)
      throw err;
    }
    if (file) {
      await mkdir(deps.checkpointDir!, { recursive: true, mode: 0o700 });
      await writeFile(file, `${JSON.stringify({ ...content, keyId, signature, leaves }, null, 1)}\n`, { mode: 0o600 });
    }
    return summary(doc);
  }
  throw new Error('could not number the checkpoint: too many at once');
}

/**
 * Stores the leaves in chunks under the slot, before the checkpoint that names them; answers how
 * many. A retried activity rewrites them (the heads may have moved since) and drops any left over.
 */
async function storeChunks(models: Models, slot: string, leaves: CheckpointLeaf[], perChunk: number): Promise<number> {
  const count = Math.ceil(leaves.length / perChunk);
  for (let index = 0; index < count; index++) {
    const chunk = { slot, index, leaves: leaves.slice(index * perChunk, (index + 1) * perChunk) };
    await models.AuditCheckpointChunk.replaceOne({ _id: checkpointChunkId(slot, index) }, chunk, { upsert: true });
  }
  await models.AuditCheckpointChunk.deleteMany({ slot, index: { $gte: count } });
  return count;
}

const summary = (doc: AuditCheckpointDoc): CheckpointSummary => ({
  id: doc._id,
  n: doc.n,
  root: doc.root,
  size: doc.size,
});
