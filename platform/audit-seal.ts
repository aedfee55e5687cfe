/**
 * Signatures that let the record prove itself (docs/record-and-store.md): a review's seal (its log's
 * head hash and event count, its frozen records' hashes) and each checkpoint (a Merkle root over every
 * review's seal) are signed with HMAC-SHA256 under an audit key that is kept outside the store
 * (AUDIT_KEYS, or the embedded secrets file): someone who can rewrite the store cannot sign again.
 * Keys are `id:secret` like the request-signing keys: the first signs, every one verifies.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../domain/review-log';
import type { SigningKeys } from './signing';

export type AuditKeys = SigningKeys;

/** What a review's seal signs. */
export interface SealContent {
  reviewId: string;
  run: string;
  events: number;
  headHash: string;
  records: { id: string; sha256: string }[];
}

/** What a checkpoint signs. */
export interface CheckpointContent {
  n: number;
  at: string;
  root: string;
  size: number;
}

function mac(secret: Buffer, kind: string, content: object): string {
  return createHmac('sha256', secret)
    .update(`${kind}\n${canonicalJson(content)}`)
    .digest('hex');
}

function sign(keys: AuditKeys, kind: string, content: object): { keyId: string; signature: string } {
  return { keyId: keys.currentId, signature: mac(keys.secrets.get(keys.currentId)!, kind, content) };
}

function verify(keys: AuditKeys, kind: string, content: object, keyId: string, signature: string): boolean {
  const secret = keys.secrets.get(keyId);
  if (!secret || typeof signature !== 'string') return false;
  const expected = Buffer.from(mac(secret, kind, content), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const signSeal = (keys: AuditKeys, seal: SealContent) => sign(keys, 'review-seal', seal);
export const verifySeal = (keys: AuditKeys, seal: SealContent, keyId: string, signature: string) =>
  verify(keys, 'review-seal', seal, keyId, signature);
export const signCheckpoint = (keys: AuditKeys, checkpoint: CheckpointContent) => sign(keys, 'checkpoint', checkpoint);
export const verifyCheckpoint = (keys: AuditKeys, checkpoint: CheckpointContent, keyId: string, signature: string) =>
  verify(keys, 'checkpoint', checkpoint, keyId, signature);

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** A leaf of the checkpoint tree: one review's head. Domain-separated from inner nodes. */
export function merkleLeaf(leaf: { reviewId: string; events: number; headHash: string }): string {
  return sha256(`leaf\n${canonicalJson({ reviewId: leaf.reviewId, events: leaf.events, headHash: leaf.headHash })}`);
}

const node = (left: string, right: string): string => sha256(`node\n${left}${right}`);

/** The Merkle root of `leaves` (hashes, in order); an odd node is carried up as it is. */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return sha256('empty');
  let level = [...leaves];
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? node(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** The sibling hashes from leaf `index` up to the root (`left`: the sibling is on the left). */
export function merkleProof(leaves: readonly string[], index: number): { hash: string; left: boolean }[] {
  const proof: { hash: string; left: boolean }[] = [];
  let level = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) proof.push({ hash: level[sibling], left: sibling < i });
    const next: string[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(j + 1 < level.length ? node(level[j], level[j + 1]) : level[j]);
    level = next;
    i = Math.floor(i / 2);
  }
  return proof;
}

/** Whether `proof` leads from `leaf` to `root`. */
export function provesInclusion(
  leaf: string,
  proof: readonly { hash: string; left: boolean }[],
  root: string,
): boolean {
  let hash = leaf;
  for (const step of proof) hash = step.left ? node(step.hash, hash) : node(hash, step.hash);
  return hash === root;
}
