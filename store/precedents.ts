/**
 * The precedent library's collection (`precedents`): one document per closed review, holding what
 * search shows and filters on for each of its comments, and the words each was analysed into
 * (features/exchange/precedents.ts writes and reads it; domain/search/ does the rest). It is an
 * index, derived from reviews, comments and versions, and can be rebuilt from them at any time.
 *
 * Why one document per review and not per comment: a review's comments enter the library
 * together, by one insert under the review's id, so a retried or concurrent indexing stores nothing
 * twice and no reader sees half a review. Each document also takes the next number of a gap-free
 * sequence (`seq`), so a process that holds the library in memory catches up by reading what came
 * after the last number it saw, by equality only: FerretDB v1 serves equality from an index but
 * scans the whole collection for a range, an `$in`, a sort without a filter or a count (50,000
 * comments: seconds).
 *
 * Why the comments are one JSON string (`payload`) and not an array of subdocuments: FerretDB
 * converts every nested value between PostgreSQL's jsonb and BSON one by one; reading 64 reviews'
 * comments as subdocuments took ~45–70 ms, as a string ~15 ms (measured on this machine), which
 * is what loading the library costs at a process's start. Nothing queries inside them; the
 * review's own fields stay plain fields.
 *
 * Size: about 0.9 kB of JSON per comment (its text, its article's text, the words of both);
 * 50,000 comments in 13,000 reviews: 45 MB, as much again in packed blocks (below). Indexes:
 * - `_id` (the review id): idempotent writes;
 * - `{ seq: 1 }`, unique: two reviews indexed at once cannot take the same number;
 * - `{ block: 1, seq: 1 }`: reading the library a block of {@link PRECEDENT_BLOCK} reviews at a
 *   time, and looking a number up (on FerretDB a unique index is a btree, which its equality
 *   filters cannot use; this one is GIN and serves both fields; on MongoDB the unique index serves
 *   `seq`).
 * Filters (region, severity, checklist item, conclusion, period) are applied in memory, on the
 * postings of the query's terms: a store index could not intersect with the text match anyway.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { REGIONS } from '../domain/model';
import type { CheckItem, Disposition, Region, Severity } from '../domain/model';
import { PRECEDENT_CONCLUSIONS, type PrecedentConclusion } from '../domain/search/library';

/** Reviews per block of the sequence: a catch-up read returns at most this many documents. */
export const PRECEDENT_BLOCK = 64;

export const blockOf = (seq: number): number => Math.floor(seq / PRECEDENT_BLOCK);

/** One comment of the review, as the library shows it, with its analysed words. */
export interface StoredPrecedent {
  commentId: string;
  region: Region;
  article?: string;
  articleText?: string;
  text: string;
  severity: Severity;
  basis?: string;
  disposition?: Disposition;
  checklistItem: CheckItem;
  /** ICU words of the text and basis, space-separated (segmenting again on load would take seconds). */
  words: string;
  /** ICU words of the article's text and the title, space-separated. */
  contextWords: string;
}

export interface PrecedentReviewDoc {
  /** The review's id. */
  _id: string;
  /** Gap-free position in the library: 1, 2, 3, … in the order reviews were indexed. */
  seq: number;
  block: number;
  /** The analyser version (domain/search/analyse.ts) the words were made with. */
  analyser: number;
  documentId: string;
  originRegion: Region;
  documentTitle: string;
  conclusion: PrecedentConclusion;
  opinionNumber?: string;
  closedAt: string;
  indexedAt: Date;
  /** How many comments `payload` holds. */
  comments: number;
  /** JSON of the review's comments, a {@link StoredPrecedent} each. */
  payload: string;
}

const precedentReviewSchema = new Schema<PrecedentReviewDoc>(
  {
    _id: String,
    seq: { type: Number, required: true },
    block: { type: Number, required: true },
    analyser: { type: Number, required: true },
    documentId: { type: String, required: true },
    originRegion: { type: String, enum: REGIONS, required: true },
    // Empty for a review closed without comments (returned at intake): nothing of it is searched.
    documentTitle: { type: String, default: '' },
    conclusion: { type: String, enum: PRECEDENT_CONCLUSIONS, required: true },
    opinionNumber: String,
    closedAt: { type: String, required: true },
    indexedAt: { type: Date, required: true },
    comments: { type: Number, required: true },
    payload: { type: String, required: true },
  },
  { versionKey: false },
);
precedentReviewSchema.index({ seq: 1 }, { unique: true });
precedentReviewSchema.index({ block: 1, seq: 1 });

/**
 * A whole block of the sequence packed into one document (`precedentBlocks`, `_id`
 * `block:<n>`): a process starting reads a few hundred of these instead of one document per
 * review (FerretDB's cost is mostly per document: 50,000 comments took ~6 s to read review by
 * review under this machine's load). Written once a block is complete, by whoever completes or
 * first reads it, insert-only: two writers write the same content, and the second insert fails
 * harmlessly. A cache of `precedents`, never the only copy.
 */
export interface PrecedentBlockDoc {
  _id: string;
  block: number;
  /** JSON of the block's reviews in order, a {@link PackedReview} each. */
  payload: string;
}

/** A review of a packed block: its document without the block and with its comments parsed. */
export type PackedReview = Omit<PrecedentReviewDoc, 'block' | 'indexedAt' | 'payload'> & {
  precedents: StoredPrecedent[];
};

const precedentBlockSchema = new Schema<PrecedentBlockDoc>(
  {
    _id: String,
    block: { type: Number, required: true },
    payload: { type: String, required: true },
  },
  { versionKey: false },
);

export const blockDocId = (block: number): string => `block:${block}`;

/** How many reviews a complete block holds (numbers start at 1, so block 0 holds one fewer). */
export const blockSize = (block: number): number => (block === 0 ? PRECEDENT_BLOCK - 1 : PRECEDENT_BLOCK);

export interface PrecedentModels {
  Precedent: Model<PrecedentReviewDoc>;
  PrecedentBlock: Model<PrecedentBlockDoc>;
}

/** Binds the models to a connection; `createIndexes()` on each makes its indexes (idempotent). */
export function createPrecedentModels(connection: Connection): PrecedentModels {
  return {
    // Once per connection: store/models.ts binds them too, and callers may bind them again.
    Precedent:
      (connection.models.Precedent as Model<PrecedentReviewDoc>) ??
      connection.model('Precedent', precedentReviewSchema, 'precedents'),
    PrecedentBlock:
      (connection.models.PrecedentBlock as Model<PrecedentBlockDoc>) ??
      connection.model('PrecedentBlock', precedentBlockSchema, 'precedentBlocks'),
  };
}
