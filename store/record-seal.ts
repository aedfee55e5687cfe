/**
 * What makes the record prove itself (docs/record-and-store.md, "A record that proves itself"):
 * - `ReviewSeal`, one per review: the run the review is recorded by (the first run of its workflow,
 *   registered at its first recording), and its log's head hash and event count with the hashes of its
 *   frozen records, signed under an audit key that is not in the store;
 * - `SeenRequest`, one per signed request recorded, so that none is recorded twice;
 * - `AuditCheckpoint`, a signed Merkle root over every review's seal, made periodically.
 */
import { Schema, type Connection, type Model } from 'mongoose';

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
  leaves: CheckpointLeaf[];
  keyId: string;
  /** Hex HMAC-SHA256 over the canonical JSON of { n, at, root, size }. */
  signature: string;
  /** Where the copy for the operator was written. */
  file?: string;
  /** The record keeper's run and iteration that made it (a retry finds it). */
  slot: string;
}

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
    leaves: { type: [{ _id: false, reviewId: String, events: Number, headHash: String }], default: [] },
    keyId: { type: String, required: true },
    signature: { type: String, required: true },
    file: String,
    slot: { type: String, required: true, unique: true },
  },
  { versionKey: false, minimize: false },
);

export interface SealModels {
  ReviewSeal: Model<ReviewSealDoc>;
  SeenRequest: Model<SeenRequestDoc>;
  AuditCheckpoint: Model<AuditCheckpointDoc>;
}

export function createSealModels(connection: Connection): SealModels {
  return {
    ReviewSeal: connection.model('ReviewSeal', reviewSealSchema, 'reviewSeals'),
    SeenRequest: connection.model('SeenRequest', seenRequestSchema, 'seenRequests'),
    AuditCheckpoint: connection.model('AuditCheckpoint', checkpointSchema, 'auditCheckpoints'),
  };
}
