/**
 * Verifying a review's record (`GET /v1/reviews/:id/events/verify`): the hash chain; each frozen
 * record against the SHA-256 its issuing event carries (the chain covers it; events logged before
 * release 3 carry none, and the seal covers those records); and that the log is the one the worker sealed — the seal's signature under the audit key (not in the store), its
 * event count (events deleted at the end, or the whole log, are found), its head hash, and the
 * SHA-256 of each frozen record it names (an opinion rewritten with its hash recomputed is found) —
 * and, when a checkpoint includes the review, that the checkpointed head is a prefix of the log (a
 * Merkle inclusion proof against the checkpoint's signed root).
 */
import { createHash } from 'node:crypto';
import {
  merkleLeaf,
  merkleProof,
  merkleRoot,
  provesInclusion,
  verifyCheckpoint,
  verifySeal,
} from '../../platform/audit-seal';
import { firstBrokenLink } from '../../platform/log-chain';
import type { EventDoc } from '../../store/models';
import { issuedRecordId } from '../../store/records';
import { checkpointLeaves, type AuditCheckpointDoc, type CheckpointChunkDoc } from '../../store/record-seal';
import type { AppContext } from '../context';

/** What is broken, in the order it is checked: the first one found is named. */
export type RecordBreak = 'chain' | 'unsealed' | 'signature' | 'count' | 'head' | 'record' | 'checkpoint';

export interface RecordVerdict {
  ok: boolean;
  firstBrokenSeq?: number;
  events: number;
  break?: RecordBreak;
  /** What was found, in words (one line per problem). */
  problems: string[];
  seal: { events: number; headHash: string; keyId: string; sealedAt: string; signatureValid: boolean } | null;
  records: { id: string; ok: boolean }[];
  checkpoint: { id: string; n: number; at: string; root: string; proven: boolean } | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export async function verifyRecord(ctx: AppContext, reviewId: string, events: EventDoc[]): Promise<RecordVerdict> {
  const problems: { kind: RecordBreak; text: string; seq?: number }[] = [];
  const chainBreak = firstBrokenLink(events);
  if (chainBreak !== undefined)
    problems.push({ kind: 'chain', text: `the chain breaks at event ${chainBreak}`, seq: chainBreak });

  // Each frozen record against the hash its issuing event carries, then (below) against the seal.
  const pages = new Map((await ctx.models.Record.find({ reviewId }, { html: 1 }).lean()).map((r) => [r._id, r.html]));
  const recordOk = new Map<string, boolean>();
  const checkRecord = (id: string, hash: string, what: string, seq?: number): void => {
    if (recordOk.get(id) === false) return; // named once
    const html = pages.get(id);
    const ok = html !== undefined && sha256(html) === hash;
    recordOk.set(id, ok);
    if (!ok) problems.push({ kind: 'record', text: `the frozen record ${id} is not ${what}`, seq });
  };
  for (const event of events) {
    const id = issuedRecordId(reviewId, event);
    const hash = (event.data as { recordSha256?: unknown } | undefined)?.recordSha256;
    if (id && typeof hash === 'string') checkRecord(id, hash, `the one event ${event.seq} issued`, event.seq);
  }

  const keys = ctx.config.auditKeys;
  const seal = await ctx.models.ReviewSeal.findById(reviewId).lean();
  let sealView: RecordVerdict['seal'] = null;
  if (!seal || !seal.signature) {
    problems.push({ kind: 'unsealed', text: 'the review has no signed seal', seq: 1 });
  } else if (!keys) {
    problems.push({ kind: 'unsealed', text: 'no audit key is configured: the seal cannot be checked' });
  } else {
    const sealedRecords = seal.records.map(({ id, sha256: hash }) => ({ id, sha256: hash }));
    const content = { reviewId, run: seal.run, events: seal.events, headHash: seal.headHash, records: sealedRecords };
    const signatureValid = verifySeal(keys, content, seal.keyId, seal.signature);
    sealView = {
      events: seal.events,
      headHash: seal.headHash,
      keyId: seal.keyId,
      sealedAt: new Date(seal.sealedAt).toISOString(),
      signatureValid,
    };
    if (!signatureValid) problems.push({ kind: 'signature', text: 'the seal is not signed by an audit key' });
    if (events.length !== seal.events) {
      const seq = Math.min(events.length, seal.events) + 1;
      problems.push({
        kind: 'count',
        text: `the seal counts ${seal.events} events, the log holds ${events.length}`,
        seq,
      });
    } else if (events.length > 0 && events[events.length - 1].hash !== seal.headHash) {
      problems.push({ kind: 'head', text: 'the log ends on another hash than the sealed head', seq: events.length });
    }
    for (const { id, sha256: hash } of sealedRecords) {
      if (!recordOk.has(id)) checkRecord(id, hash, 'the one issued');
    }
    // With the seal, every record the review issued is known: any other page is not its own.
    for (const id of pages.keys()) {
      if (!recordOk.has(id)) {
        recordOk.set(id, false);
        problems.push({ kind: 'record', text: `the frozen record ${id} was not issued with this review` });
      }
    }
  }

  const records = [...recordOk].map(([id, ok]) => ({ id, ok }));

  const checkpoint = keys ? await checkpointProof(ctx, reviewId, events) : null;
  if (checkpoint && !checkpoint.proven) {
    problems.push({ kind: 'checkpoint', text: `the log does not continue the head checkpoint ${checkpoint.id} holds` });
  }

  const first = problems[0];
  const seqs = problems.map((p) => p.seq).filter((s): s is number => s !== undefined);
  return {
    ok: problems.length === 0,
    ...(seqs.length > 0 && { firstBrokenSeq: Math.min(...seqs) }),
    events: events.length,
    ...(first && { break: first.kind }),
    problems: problems.map((p) => p.text),
    seal: sealView,
    records,
    checkpoint,
  };
}

/** The latest checkpoint that includes the review, and whether it proves the review's log. */
async function checkpointProof(
  ctx: AppContext,
  reviewId: string,
  events: EventDoc[],
): Promise<RecordVerdict['checkpoint']> {
  // The checkpoints whose chunks hold the review (or, made before chunks, whose inline leaves do).
  const slots = (
    await ctx.models.AuditCheckpointChunk.find({ 'leaves.reviewId': reviewId }, { slot: 1 }).lean<
      CheckpointChunkDoc[]
    >()
  ).map((c) => c.slot);
  const [latest] = await ctx.models.AuditCheckpoint.find({
    $or: [{ slot: { $in: slots } }, { 'leaves.reviewId': reviewId }],
  })
    .sort({ n: -1 })
    .limit(1)
    .lean<AuditCheckpointDoc[]>();
  if (!latest) return null;
  const at = new Date(latest.at).toISOString();
  const held = await checkpointLeaves(ctx.models, latest);
  const leaves = held.map(merkleLeaf);
  const index = held.findIndex((l) => l.reviewId === reviewId);
  const signed = verifyCheckpoint(
    ctx.config.auditKeys!,
    { n: latest.n, at, root: latest.root, size: latest.size },
    latest.keyId,
    latest.signature,
  );
  const proven =
    signed &&
    merkleRoot(leaves) === latest.root &&
    index >= 0 &&
    provesInclusion(leaves[index], merkleProof(leaves, index), latest.root) &&
    held[index].events <= events.length &&
    (held[index].events === 0 || events[held[index].events - 1]?.hash === held[index].headHash);
  return { id: latest._id, n: latest.n, at, root: latest.root, proven };
}
