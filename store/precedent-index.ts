/**
 * The precedent library's write side: a closed review's comments go into the library
 * (\`precedents\`, store/precedents.ts) as one insert under the review's id that takes the next
 * number of a gap-free sequence. Here, in the store layer, so that the recording activity indexes a
 * review as it closes (activities/index.ts) and the API's searcher (features/exchange/precedents.ts)
 * reads what it wrote.
 */
import { ANALYSER_VERSION } from '../domain/search/analyse';
import { checklistItemOf } from '../domain/search/checklist';
import { precedentWords, type Precedent, type PrecedentConclusion } from '../domain/search/library';
import type { CheckItem } from '../domain/model';
import { versionId, type CommentDoc, type Models, type ReviewDoc, type VersionDoc } from './models';
import {
  blockOf,
  blockDocId,
  blockSize,
  PRECEDENT_BLOCK,
  type PackedReview,
  type PrecedentModels,
  type PrecedentReviewDoc,
  type StoredPrecedent,
} from './precedents';

export type PrecedentStore = Pick<Models, 'Review' | 'Comment' | 'Version'> & PrecedentModels;

export const CLOSED_STATUSES = ['approved', 'rejected', 'returned', 'withdrawn'] as const;

/** A comment as the library receives it: one may name its checklist item (e.g. made from a flag). */
type CommentInput = Omit<CommentDoc, 'stage'> & { checklistItem?: CheckItem };

/** What a closed review's precedents are made from. */
export type ClosedReview = Pick<
  ReviewDoc,
  '_id' | 'documentId' | 'originRegion' | 'status' | 'outcome' | 'opinionNumber' | 'closedAt' | 'version'
>;

/**
 * The precedents of a closed review: each of its comments, with the article it was made on (in
 * the version it was made on) and the document's title (of the last version reviewed).
 */
export function precedentsOfReview(
  review: ClosedReview,
  comments: readonly CommentInput[],
  versions: readonly Pick<VersionDoc, 'version' | 'title' | 'articles'>[],
): Precedent[] {
  const byNumber = new Map(versions.map((v) => [v.version, v]));
  const last = byNumber.get(review.version) ?? [...versions].sort((a, b) => b.version - a.version)[0];
  const documentTitle = last?.title ?? '';
  const conclusion = conclusionOf(review);
  return comments
    .filter((c) => c.reviewId === review._id)
    .map((c): Precedent => {
      const articleText =
        c.article === undefined
          ? undefined
          : byNumber.get(c.version)?.articles.find((a) => a.number === c.article)?.text;
      return {
        commentId: c._id,
        reviewId: review._id,
        region: c.author.region,
        originRegion: review.originRegion,
        documentTitle,
        ...(c.article !== undefined && { article: c.article }),
        ...(articleText !== undefined && { articleText }),
        text: c.text,
        severity: c.severity,
        ...(c.basis && { basis: c.basis }),
        ...(c.disposition && { disposition: c.disposition }),
        conclusion,
        ...(review.opinionNumber && { opinionNumber: review.opinionNumber }),
        closedAt: review.closedAt ?? '',
        checklistItem: checklistItemOf(c),
      };
    });
}

/** A review closes with a conclusion, except a withdrawal; older records may lack it. */
function conclusionOf(review: ClosedReview): PrecedentConclusion {
  if (review.outcome?.conclusion) return review.outcome.conclusion;
  const byStatus: Record<string, PrecedentConclusion> = {
    approved: 'legal',
    rejected: 'illegal',
    returned: 'returned',
    withdrawn: 'withdrawn',
  };
  return byStatus[review.status] ?? 'withdrawn';
}

export type IndexOutcome = 'indexed' | 'already_indexed' | 'not_closed' | 'not_found';

/**
 * Puts a closed review's comments into the library. Idempotent: a retry, or two calls at once,
 * index it once. Call it after the review's closing is stored (its comments and dispositions are
 * final then); a review still under review is left out.
 */
export async function indexClosedReview(models: PrecedentStore, reviewId: string): Promise<IndexOutcome> {
  if (await models.Precedent.exists({ _id: reviewId })) return 'already_indexed';
  const review = await models.Review.findById(reviewId).lean<ReviewDoc>();
  if (!review) return 'not_found';
  return indexReview(models, review);
}

/**
 * What {@link indexClosedReview} does once it has the review: for a caller that holds it as it
 * closes (the recording activity, once the closing's comments and dispositions are stored, before
 * its projection is). Idempotent in the same way.
 */
export async function indexReview(
  models: Pick<Models, 'Comment' | 'Version'> & PrecedentModels,
  review: ClosedReview,
): Promise<IndexOutcome> {
  if (!isClosed(review)) return 'not_closed';
  // One read by id per version: FerretDB would scan the collection for an `$in`. The version
  // reviewed last names the document; earlier ones only as comments were made on them.
  const versionOf = (n: number) => models.Version.findById(versionId(review.documentId, n)).lean<VersionDoc>();
  const [documentComments, last] = await Promise.all([
    // By document: the comments' index is (documentId, createdAt); a document has few reviews.
    models.Comment.find({ documentId: review.documentId }).lean<CommentDoc[]>(),
    versionOf(review.version),
  ]);
  const comments = documentComments.filter((c) => c.reviewId === review._id);
  const earlier = [...new Set(comments.map((c) => c.version))].filter((n) => n !== review.version);
  const versions = [last, ...(await Promise.all(earlier.map(versionOf)))].filter((v): v is VersionDoc => v !== null);
  return storePrecedents(models, review, precedentsOfReview(review, comments, versions));
}

const isClosed = (review: Pick<ReviewDoc, 'status'>) => (CLOSED_STATUSES as readonly string[]).includes(review.status);

/** How often to take the next number again when other reviews took it first. */
const MAX_RACE = 200;

/**
 * The last number each process saw taken, per collection: a hint where to start looking for the
 * next free one (right or stale, the lookups below find the true one).
 */
const lastSeen = new WeakMap<object, number>();

/**
 * The last number taken. Numbers are dense from 1, so it is the last n for which one exists: from
 * the hint, double the step while numbers exist, then halve the gap (a few lookups by equality;
 * FerretDB would scan the collection to sort it).
 */
async function lastNumber(models: PrecedentModels): Promise<number> {
  const taken = async (seq: number) => (await models.Precedent.exists({ seq })) !== null;
  let low = lastSeen.get(models.Precedent) ?? 0;
  if (low > 0 && !(await taken(low))) low = 0;
  let step = 1;
  let high = low + 1;
  while (await taken(high)) {
    low = high;
    step *= 2;
    high = low + step;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await taken(middle)) low = middle;
    else high = middle;
  }
  lastSeen.set(models.Precedent, low);
  return low;
}

/**
 * Stores already-built precedents of a closed review (the bulk path of {@link indexClosedReview},
 * for callers that hold the review, its comments and versions). Idempotent in the same way.
 */
export async function storePrecedents(
  models: PrecedentModels,
  review: ClosedReview,
  precedents: readonly Precedent[],
): Promise<IndexOutcome> {
  if (!isClosed(review)) return 'not_closed';
  const payload = JSON.stringify(precedents.map(toStored));
  for (let attempt = 0; attempt < MAX_RACE; attempt++) {
    const seq = (await lastNumber(models)) + 1;
    try {
      await models.Precedent.create({
        _id: review._id,
        seq,
        block: blockOf(seq),
        analyser: ANALYSER_VERSION,
        documentId: review.documentId,
        originRegion: review.originRegion,
        documentTitle: precedents[0]?.documentTitle ?? '',
        conclusion: conclusionOf(review),
        ...(review.opinionNumber && { opinionNumber: review.opinionNumber }),
        closedAt: review.closedAt ?? '',
        indexedAt: new Date(),
        comments: precedents.length,
        payload,
      });
      lastSeen.set(models.Precedent, seq);
      if (seq === (blockOf(seq) + 1) * PRECEDENT_BLOCK - 1) await packCompletedBlock(models, blockOf(seq));
      return 'indexed';
    } catch (err) {
      if ((err as { code?: unknown }).code !== 11000) throw err;
      // Either this review was indexed meanwhile (a retry), or another review took the number.
      if (await models.Precedent.exists({ _id: review._id })) return 'already_indexed';
    }
  }
  throw new Error(`could not index ${review._id}: too many reviews indexed at once`);
}

/**
 * Packs the block this review completed. The review is indexed whatever happens here: a block
 * that could not be packed now is packed by the first process that reads it.
 */
async function packCompletedBlock(models: PrecedentModels, block: number): Promise<void> {
  try {
    const reviews = (await models.Precedent.find({ block }).lean<PrecedentReviewDoc[]>()).map(unpacked);
    if (reviews.length === blockSize(block)) await storeBlock(models, block, reviews);
  } catch {
    // See above: packing is an optimisation of reading, never needed for correctness.
  }
}

function toStored(p: Precedent): StoredPrecedent {
  const words = precedentWords(p);
  return {
    commentId: p.commentId,
    region: p.region,
    ...(p.article !== undefined && { article: p.article }),
    ...(p.articleText !== undefined && { articleText: p.articleText }),
    text: p.text,
    severity: p.severity,
    ...(p.basis !== undefined && { basis: p.basis }),
    ...(p.disposition && { disposition: p.disposition }),
    checklistItem: p.checklistItem,
    words: words.text.join(' '),
    contextWords: words.context.join(' '),
  };
}

/**
 * Indexes every closed review that is not in the library yet (a store that had reviews before
 * the library existed, or after a failed indexing). Reads reviews by status, which is indexed.
 */
export async function indexAllClosedReviews(models: PrecedentStore): Promise<number> {
  let indexed = 0;
  for (const status of CLOSED_STATUSES) {
    const reviews = await models.Review.find({ status }, { _id: 1 }).lean<Pick<ReviewDoc, '_id'>[]>();
    for (const { _id } of reviews) if ((await indexClosedReview(models, _id)) === 'indexed') indexed++;
  }
  return indexed;
}

/** A review's document with its comments parsed. */
export function unpacked(doc: PrecedentReviewDoc): PackedReview {
  const { block: _block, indexedAt: _at, payload, ...rest } = doc;
  return { ...rest, precedents: JSON.parse(payload) as StoredPrecedent[] };
}

const MAX_PACKED_CHARACTERS = 4_000_000;

/**
 * Packs a complete block into one document (store/precedents.ts, PrecedentBlockDoc). Anyone may:
 * the content is the same whoever writes it, and a second insert fails harmlessly.
 */
export async function storeBlock(models: PrecedentModels, block: number, reviews: PackedReview[]): Promise<void> {
  const payload = JSON.stringify([...reviews].sort((a, b) => a.seq - b.seq));
  // Well under a document's 16 MB even if every character took three bytes; a bigger block
  // (reviews with hundreds of long comments) stays unpacked and is read review by review.
  if (payload.length > MAX_PACKED_CHARACTERS) return;
  try {
    await models.PrecedentBlock.create({ _id: blockDocId(block), block, payload });
  } catch (err) {
    if ((err as { code?: unknown }).code !== 11000) throw err;
  }
}
