/**
 * The precedent library, store side: every comment of every closed review of the three regions,
 * searchable by Chinese text with filters (API.md, "Exchange and shared guidelines").
 *
 * Writing: when a review closes, {@link indexClosedReview} stores its comments, with what search
 * shows of them and their analysed words, as one insert under the review's id and the next number
 * of a gap-free sequence (store/precedents.ts). Retried or run twice at once, it stores nothing
 * twice.
 *
 * Reading: each process holds the library in memory ({@link PrecedentSearcher}, one per process):
 * an inverted index that answers a query in a few milliseconds, where the embedded store would
 * spend about 0.2 ms on every document a query returned. Before answering, it reads what was
 * indexed since it last looked (one lookup by number when nothing was), so every process sees a
 * review once its indexing has returned. Loading 50,000 comments takes about 4 s of CPU (13 s on
 * this shared 2-core machine): call {@link PrecedentSearcher.refresh} at start-up, without
 * waiting, so the first request finds it loaded or loading.
 *
 * No Express, no Temporal, no caller: who may search (reviewers, signers, supervisors) is the
 * route's business; the library itself is the same for everyone, all three regions included.
 */
import { z } from 'zod';
import { CHECK_ITEMS, REGIONS, SEVERITIES, type CheckItem } from '../../domain/model';
import { ANALYSER_VERSION } from '../../domain/search/analyse';
import { checklistItemOf } from '../../domain/search/checklist';
import {
  MAX_PAGE,
  PRECEDENT_CONCLUSIONS,
  PrecedentLibrary,
  precedentWords,
  type Precedent,
  type PrecedentConclusion,
  type PrecedentHit,
  type PrecedentPosition,
  type RankingSettings,
} from '../../domain/search/library';
import { versionId, type CommentDoc, type Models, type ReviewDoc, type VersionDoc } from '../../store/models';
import {
  blockDocId,
  blockOf,
  blockSize,
  PRECEDENT_BLOCK,
  type PackedReview,
  type PrecedentBlockDoc,
  type PrecedentModels,
  type PrecedentReviewDoc,
  type StoredPrecedent,
} from '../../store/precedents';

/** The collections indexing reads from, and the library's own. */
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
  if (!isClosed(review)) return 'not_closed';
  // By document: the comments' index is (documentId, createdAt); a document has few reviews.
  const comments = (await models.Comment.find({ documentId: review.documentId }).lean<CommentDoc[]>()).filter(
    (c) => c.reviewId === reviewId,
  );
  const numbers = [...new Set([review.version, ...comments.map((c) => c.version)])];
  // One read by id per version: FerretDB would scan the collection for an `$in`.
  const versions = (
    await Promise.all(numbers.map((n) => models.Version.findById(versionId(review.documentId, n)).lean<VersionDoc>()))
  ).filter((v): v is VersionDoc => v !== null);
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

/** The query of `GET /v1/precedents`, validated at the edge (unknown keys refused). */
const calendarDateOrInstant = z
  .string()
  .max(40)
  .refine((v) => {
    if (!/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(v)) return false;
    const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    // V8 rolls 30 February over to March: a date must read back the same.
    return !Number.isNaN(ms) && (v.length > 10 || new Date(ms).toISOString().startsWith(v));
  }, 'must be a date YYYY-MM-DD or an ISO 8601 instant');
export const precedentQuerySchema = z.strictObject({
  q: z.string().trim().max(200).optional().describe('Chinese text; best matches first'),
  region: z.enum(REGIONS).optional().describe('the region whose reviewer made the comment'),
  severity: z.enum(SEVERITIES).optional(),
  checklistItem: z.enum(CHECK_ITEMS).optional(),
  conclusion: z.enum(PRECEDENT_CONCLUSIONS).optional(),
  from: calendarDateOrInstant.optional().describe('closed on or after (a CST date, or an instant)'),
  to: calendarDateOrInstant.optional().describe('closed on or before (a CST date, or an instant)'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(20),
  cursor: z.string().max(500).optional().describe('opaque: the nextCursor of the previous page'),
});
export type PrecedentQuery = z.input<typeof precedentQuerySchema>;

/** A precedent as `GET /v1/precedents` answers it. */
export type PrecedentItem = PrecedentHit;

export interface PrecedentPage {
  items: PrecedentItem[];
  nextCursor: string | null;
}

/** A cursor that is not one this library handed out (the route answers 400 on `query.cursor`). */
export class InvalidPrecedentCursor extends Error {
  readonly field = 'query.cursor';
  constructor() {
    super('the cursor is not valid');
  }
}

export function encodePrecedentCursor(p: PrecedentPosition): string {
  return Buffer.from(JSON.stringify([p.score, p.closedAt, p.commentId]), 'utf8').toString('base64url');
}

export function decodePrecedentCursor(text: string): PrecedentPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      typeof parsed[0] === 'number' &&
      typeof parsed[1] === 'number' &&
      typeof parsed[2] === 'string'
    ) {
      return { score: parsed[0], closedAt: parsed[1], commentId: parsed[2] };
    }
  } catch {
    // fall through
  }
  throw new InvalidPrecedentCursor();
}

/** How many reviews a catch-up reads one by one before it reads whole blocks. */
const READ_ONE_BY_ONE = 8;
/** How many blocks a catch-up reads at once. */
const PARALLEL_BLOCKS = 4;

/**
 * One process's copy of the library: loads it, follows what is indexed after, and answers
 * searches. Create one per process (it holds ~1 kB per comment) and share it.
 */
export class PrecedentSearcher {
  readonly library: PrecedentLibrary;
  private seen = 0;
  private pulling: Promise<void> | undefined;

  constructor(
    private readonly models: PrecedentModels,
    settings?: RankingSettings,
  ) {
    this.library = new PrecedentLibrary(settings);
  }

  /** The number of the last review read into memory. */
  get position(): number {
    return this.seen;
  }

  /** Reads what was indexed since the last look (all of it, the first time). Calls at once share one read. */
  refresh(): Promise<void> {
    this.pulling ??= this.pull().finally(() => (this.pulling = undefined));
    return this.pulling;
  }

  /**
   * Numbers are taken in order, each once the one before is stored, so what follows the last
   * number seen is read by equality: the next few one by one (a review closed since: one lookup
   * each), then, if there are more (a process starting), whole blocks, a few at once, packed
   * where they are complete.
   */
  private async pull(): Promise<void> {
    const { Precedent } = this.models;
    // Cheap when nothing is new: one lookup by number.
    if (!(await Precedent.exists({ seq: this.seen + 1 }))) return;
    const next = Array.from({ length: READ_ONE_BY_ONE }, (_, i) => this.seen + 1 + i);
    const docs = await Promise.all(next.map((seq) => Precedent.findOne({ seq }).lean<PrecedentReviewDoc>()));
    const found = docs.filter((d): d is PrecedentReviewDoc => d !== null).map(unpacked);
    if (!this.addInOrder(found) || found.length < READ_ONE_BY_ONE) return;
    // The next blocks are read while these are added (parsing and indexing take about as long).
    const readBlocks = (first: number) =>
      Promise.all(Array.from({ length: PARALLEL_BLOCKS }, (_, i) => readBlock(this.models, first + i)));
    let first = blockOf(this.seen + 1);
    let reading = readBlocks(first);
    for (;;) {
      const read = await reading;
      const end = (first + PARALLEL_BLOCKS) * PRECEDENT_BLOCK - 1;
      // More may follow only if the last block read is whole.
      const more = read[PARALLEL_BLOCKS - 1].some((r) => r.seq === end);
      if (more) reading = readBlocks((first += PARALLEL_BLOCKS));
      if (!this.addInOrder(read.flat()) || !more) {
        if (more) reading.catch(() => undefined); // abandoned: the next refresh reads it again
        return;
      }
    }
  }

  /** Adds the reviews that continue the sequence; false at a gap (a read racing a write). */
  private addInOrder(reviews: PackedReview[]): boolean {
    for (const review of reviews.sort((a, b) => a.seq - b.seq)) {
      if (review.seq <= this.seen) continue;
      if (review.seq !== this.seen + 1) return false;
      this.add(review);
    }
    return true;
  }

  private add(review: PackedReview): void {
    const analysedNow = review.analyser === ANALYSER_VERSION;
    for (const s of review.precedents) {
      const precedent: Precedent = {
        commentId: s.commentId,
        reviewId: review._id,
        region: s.region,
        originRegion: review.originRegion,
        documentTitle: review.documentTitle,
        ...(s.article !== undefined && { article: s.article }),
        ...(s.articleText !== undefined && { articleText: s.articleText }),
        text: s.text,
        severity: s.severity,
        ...(s.basis !== undefined && { basis: s.basis }),
        ...(s.disposition && { disposition: s.disposition }),
        conclusion: review.conclusion,
        ...(review.opinionNumber !== undefined && { opinionNumber: review.opinionNumber }),
        closedAt: review.closedAt,
        checklistItem: s.checklistItem,
      };
      // Words made by an older analyser are made again (slower, but right).
      this.library.add(
        precedent,
        analysedNow ? { text: splitWords(s.words), context: splitWords(s.contextWords) } : undefined,
      );
    }
    this.seen = review.seq;
  }
}

/** A review's document with its comments parsed. */
function unpacked(doc: PrecedentReviewDoc): PackedReview {
  const { block: _block, indexedAt: _at, payload, ...rest } = doc;
  return { ...rest, precedents: JSON.parse(payload) as StoredPrecedent[] };
}

/** The reviews of a block: packed if it was packed, else one document each (and packed if whole). */
async function readBlock(models: PrecedentModels, block: number): Promise<PackedReview[]> {
  const packed = await models.PrecedentBlock.findById(blockDocId(block)).lean<PrecedentBlockDoc>();
  if (packed) return JSON.parse(packed.payload) as PackedReview[];
  const reviews = (await models.Precedent.find({ block }).lean<PrecedentReviewDoc[]>()).map(unpacked);
  // Packing only makes later reads faster: a failure to pack must not fail this read.
  if (reviews.length === blockSize(block)) await storeBlock(models, block, reviews).catch(() => undefined);
  return reviews;
}

const MAX_PACKED_CHARACTERS = 4_000_000;

/**
 * Packs a complete block into one document (store/precedents.ts, PrecedentBlockDoc). Anyone may:
 * the content is the same whoever writes it, and a second insert fails harmlessly.
 */
async function storeBlock(models: PrecedentModels, block: number, reviews: PackedReview[]): Promise<void> {
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

const splitWords = (packed: string) => (packed === '' ? [] : packed.split(' '));

/**
 * `GET /v1/precedents`: comments of closed reviews of all three regions, most relevant first
 * (newest first without `q`), a page at a time. Throws {@link InvalidPrecedentCursor}.
 */
export async function searchPrecedents(searcher: PrecedentSearcher, query: PrecedentQuery): Promise<PrecedentPage> {
  const parsed = precedentQuerySchema.parse(query);
  const after = parsed.cursor === undefined ? undefined : decodePrecedentCursor(parsed.cursor);
  await searcher.refresh();
  const { items, next } = searcher.library.search({ ...parsed, after });
  return { items, nextCursor: next && encodePrecedentCursor(next) };
}

/**
 * `GET /v1/tasks/:taskId/precedents?article=`: the past comments most like an article's text
 * (the task's own review, not closed, is never among them).
 */
export async function similarForArticle(
  searcher: PrecedentSearcher,
  articleText: string,
  limit = 5,
): Promise<PrecedentItem[]> {
  await searcher.refresh();
  return searcher.library.similar(articleText, limit);
}

/**
 * The precedents panel of a task page: the past comments most like each article of the version
 * under review, `limit` per article, with one look at the store for them all.
 */
export async function similarForArticles(
  searcher: PrecedentSearcher,
  articles: readonly { number: string; text: string }[],
  limit = 5,
): Promise<{ article: string; precedents: PrecedentItem[] }[]> {
  await searcher.refresh();
  return articles.map((a) => ({ article: a.number, precedents: searcher.library.similar(a.text, limit) }));
}
