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
import { CHECK_ITEMS, REGIONS, SEVERITIES } from '../../domain/model';
import { ANALYSER_VERSION } from '../../domain/search/analyse';
import {
  MAX_PAGE,
  PRECEDENT_CONCLUSIONS,
  PrecedentLibrary,
  type Precedent,
  type PrecedentHit,
  type PrecedentPosition,
  type RankingSettings,
} from '../../domain/search/library';
import { storeBlock, unpacked } from '../../store/precedent-index';
import {
  blockDocId,
  blockOf,
  blockSize,
  PRECEDENT_BLOCK,
  type PackedReview,
  type PrecedentBlockDoc,
  type PrecedentModels,
  type PrecedentReviewDoc,
} from '../../store/precedents';

// The write side lives in the store layer, where the recording activity indexes a review as it closes.
export {
  CLOSED_STATUSES,
  indexAllClosedReviews,
  indexClosedReview,
  precedentsOfReview,
  storePrecedents,
  type ClosedReview,
  type IndexOutcome,
  type PrecedentStore,
} from '../../store/precedent-index';

/** The collections indexing reads from, and the library's own. */

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

/** The reviews of a block: packed if it was packed, else one document each (and packed if whole). */
async function readBlock(models: PrecedentModels, block: number): Promise<PackedReview[]> {
  const packed = await models.PrecedentBlock.findById(blockDocId(block)).lean<PrecedentBlockDoc>();
  if (packed) return JSON.parse(packed.payload) as PackedReview[];
  const reviews = (await models.Precedent.find({ block }).lean<PrecedentReviewDoc[]>()).map(unpacked);
  // Packing only makes later reads faster: a failure to pack must not fail this read.
  if (reviews.length === blockSize(block)) await storeBlock(models, block, reviews).catch(() => undefined);
  return reviews;
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
