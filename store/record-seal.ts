/**
 * What makes the record prove itself (docs/record-and-store.md, "A record that proves itself"):
 * - `ReviewSeal`, one per review: the run the review is recorded by (the first run of its workflow,
 *   registered at its first recording), and its log's head hash and event count with the hashes of its
 *   frozen records, signed under an audit key that is not in the store;
 * - `SeenRequest`, one per signed request recorded, so that none is recorded twice;
 * - `AuditCheckpoint`, a signed Merkle root over every review's seal, made periodically, its leaves
 *   stored in `AuditCheckpointChunk`s (CHECKPOINT_CHUNK_LEAVES a document, so that no checkpoint
 *   meets the store's 16 MB document limit; checkpoints made before chunks hold their leaves inline).
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { Models } from './models';

export interface SealedRecord {
  id: string;
  sha256: string;
}

export interface ReviewSealDoc {
  _id: string;
  /** The first run id of the review's workflow (continue-as-new keeps it). */
  run: string;
  /** The log's event count and last hash as sealed (0 and the genesis hash before the first seal). */
  events: number;
  headHash: string;
  /** The frozen records (opinion, revision letters) and the SHA-256 of each as issued. */
  records: SealedRecord[];
  keyId: string;
  /** Hex HMAC-SHA256 over the canonical JSON of { reviewId, run, events, headHash, records }. */
  signature: string;
  sealedAt: Date;
}

export interface SeenRequestDoc {
  /** The signed request's nonce. */
  _id: string;
  reviewId: string;
  run: string;
  /** The first event the request's transition recorded: a retried recording finds its own. */
  firstSeq: number;
  expiresAt: Date;
}

export interface CheckpointLeaf {
  reviewId: string;
  events: number;
  headHash: string;
}

export interface AuditCheckpointDoc {
  /** `cp-` and the zero-padded sequence number: ids sort as checkpoints were made. */
  _id: string;
  n: number;
  at: Date;
  /** The Merkle root (hex SHA-256) over `leaves`, sorted by review id. */
  root: string;
  size: number;
  /** The leaves, inline: only in checkpoints made before chunks (see `chunks`). */
  leaves?: CheckpointLeaf[];
  /** How many `AuditCheckpointChunk`s (under this checkpoint's slot) hold the leaves, in order. */
  chunks?: number;
  keyId: string;
  /** Hex HMAC-SHA256 over the canonical JSON of { n, at, root, size }. */
  signature: string;
  /** Where the copy for the operator was written. */
  file?: string;
  /** The record keeper's run and iteration that made it (a retry finds it). */
  slot: string;
}

/** A run of a checkpoint's leaves, in order: the `index`th chunk of the checkpoint made in `slot`. */
export interface CheckpointChunkDoc {
  /** `<slot>#<index>`. */
  _id: string;
  slot: string;
  index: number;
  leaves: CheckpointLeaf[];
}

export const checkpointChunkId = (slot: string, index: number): string => `${slot}#${index}`;

/** A checkpoint's leaves in order, from its chunks (or inline, in one made before chunks). */
export async function checkpointLeaves(models: Models, checkpoint: AuditCheckpointDoc): Promise<CheckpointLeaf[]> {
  if (checkpoint.chunks === undefined) return checkpoint.leaves ?? [];
  const chunks = await models.AuditCheckpointChunk.find({ slot: checkpoint.slot, index: { $lt: checkpoint.chunks } })
    .sort({ index: 1 })
    .lean<CheckpointChunkDoc[]>();
  return chunks.flatMap((c) => c.leaves);
}

const leafSchema = [{ _id: false, reviewId: String, events: Number, headHash: String }];

const reviewSealSchema = new Schema<ReviewSealDoc>(
  {
    _id: String,
    run: { type: String, required: true },
    events: { type: Number, required: true },
    headHash: { type: String, required: true },
    records: { type: [{ _id: false, id: String, sha256: String }], default: [] },
    keyId: { type: String, default: '' },
    signature: { type: String, default: '' },
    sealedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

const seenRequestSchema = new Schema<SeenRequestDoc>(
  {
    _id: String,
    reviewId: { type: String, required: true },
    run: { type: String, required: true },
    firstSeq: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

const checkpointSchema = new Schema<AuditCheckpointDoc>(
  {
    _id: String,
    n: { type: Number, required: true, unique: true },
    at: { type: Date, required: true },
    root: { type: String, required: true },
    size: { type: Number, required: true },
    leaves: { type: leafSchema, default: undefined },
    chunks: Number,
    keyId: { type: String, required: true },
    signature: { type: String, required: true },
    file: String,
    slot: { type: String, required: true, unique: true },
  },
  { versionKey: false, minimize: false },
);

const checkpointChunkSchema = new Schema<CheckpointChunkDoc>(
  {
    _id: String,
    slot: { type: String, required: true, index: true },
    index: { type: Number, required: true },
    leaves: { type: leafSchema, default: [] },
  },
  { versionKey: false, minimize: false },
);

export interface SealModels {
  ReviewSeal: Model<ReviewSealDoc>;
  SeenRequest: Model<SeenRequestDoc>;
  AuditCheckpoint: Model<AuditCheckpointDoc>;
  AuditCheckpointChunk: Model<CheckpointChunkDoc>;
}

export function createSealModels(connection: Connection): SealModels {
  return {
    ReviewSeal: connection.model('ReviewSeal', reviewSealSchema, 'reviewSeals'),
    SeenRequest: connection.model('SeenRequest', seenRequestSchema, 'seenRequests'),
    AuditCheckpoint: connection.model('AuditCheckpoint', checkpointSchema, 'auditCheckpoints'),
    AuditCheckpointChunk: connection.model('AuditCheckpointChunk', checkpointChunkSchema, 'auditCheckpointChunks'),
  };
}
