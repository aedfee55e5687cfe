/**
 * The precedent library in memory: every comment of every closed review, an inverted index over
 * their words and bigrams (domain/search/analyse.ts), and the ranking. Pure code: the store-facing
 * side (features/exchange/precedents.ts) fills it from the `precedents` collection and keeps it up
 * to date; this module only adds, filters, scores and pages.
 *
 * Ranking is BM25F (Robertson & Zaragoza's field-weighted BM25) over two fields of a comment:
 * - `text`: what the reviewer wrote, with the law cited (`basis`);
 * - `context`: the article commented on and the document's title, weighted less: they say what
 *   the draft said, not what the reviewer made of it.
 * Word matches and bigram matches are scored separately and added, bigrams at a lower weight, so a
 * comment that shares the query's words ranks above one that only shares some characters; a comment
 * that contains a part of the query verbatim earns a bonus on top.
 */
import { CHECK_ITEMS, CONCLUSIONS, REGIONS, SEVERITIES } from '../model';
import type { CheckItem, Disposition, Region, Severity } from '../model';
import { analyseQuery, bigramKey, bigramKeysOfNormalised, bigramsOf, normalise, wordsOf } from './analyse';

/** How a review closed, as a precedent shows it: its legality conclusion, or `withdrawn`. */
export const PRECEDENT_CONCLUSIONS = [...CONCLUSIONS, 'withdrawn'] as const;
export type PrecedentConclusion = (typeof PRECEDENT_CONCLUSIONS)[number];

/** One comment of a closed review, with what the library shows and filters on. */
export interface Precedent {
  commentId: string;
  reviewId: string;
  /** The region whose reviewer made the comment (a consulted region's comments are its own). */
  region: Region;
  /** The region that drafted the document and led the review. */
  originRegion: Region;
  documentTitle: string;
  article?: string;
  /** The text of that article in the version commented on. */
  articleText?: string;
  text: string;
  severity: Severity;
  basis?: string;
  disposition?: Disposition;
  conclusion: PrecedentConclusion;
  opinionNumber?: string;
  /** ISO 8601, when the review closed. */
  closedAt: string;
  checklistItem: CheckItem;
}

/**
 * The ICU words of a precedent's two fields. Segmentation is the costly part of analysis (about
 * 1.3 million characters a second here), so it is done once, when the review is indexed, and
 * stored; bigrams are cheap and recomputed from the text.
 */
export interface PrecedentWords {
  text: string[];
  context: string[];
}

export interface PrecedentHit extends Precedent {
  score: number;
}

/** Where a page ended: the last hit's place in the order (score desc, closedAt desc, commentId asc). */
export interface PrecedentPosition {
  score: number;
  closedAt: number;
  commentId: string;
}

export interface PrecedentFilters {
  region?: Region;
  severity?: Severity;
  checklistItem?: CheckItem;
  conclusion?: PrecedentConclusion;
  /** Closed at or after (an ISO instant, or a date: the start of that day in China Standard Time). */
  from?: string;
  /** Closed at or before (an ISO instant, or a date: the end of that day in China Standard Time). */
  to?: string;
}

export interface PrecedentSearch extends PrecedentFilters {
  /** Chinese text; without it, every precedent that passes the filters, newest first. */
  q?: string;
  /** 1–100, default 20. */
  limit?: number;
  after?: PrecedentPosition;
}

export interface PrecedentResults {
  items: PrecedentHit[];
  /** Where the next page starts, or null when this was the last. */
  next: PrecedentPosition | null;
}

/** The tunable parts of the ranking; the defaults are what `npm run measure:precedents` chose. */
export interface RankingSettings {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalisation. */
  b: number;
  /** Weight of the `context` field (article and title) against the comment's own text. */
  contextWeight: number;
  /** Weight of bigram matches against word matches. */
  bigramWeight: number;
  /** Added per query part found verbatim in the comment's text. */
  phraseBonus: number;
  /** Which kinds of term to use (the measurement compares them). */
  terms: 'words+bigrams' | 'words' | 'bigrams';
}

export const DEFAULT_RANKING: RankingSettings = {
  k1: 1.2,
  b: 0.75,
  contextWeight: 0.3,
  bigramWeight: 0.5,
  phraseBonus: 2,
  terms: 'words+bigrams',
};

export const MAX_PAGE = 100;
/** Below this many comments, a term's share of them says little: similarity keeps every term. */
const MIN_FOR_SHARE = 1000;
const DEFAULT_PAGE = 20;
/** Scores are rounded so that a position written into a cursor compares exactly. */
const SCORE_SCALE = 1e6;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The postings of one term: the documents that hold it, in the order they were added. */
class Postings {
  docs = new Int32Array(4);
  tfText = new Uint16Array(4);
  tfContext = new Uint16Array(4);
  length = 0;

  /** Counts one occurrence of the term in `doc`'s text (field 0) or context (field 1). */
  count(doc: number, field: 0 | 1): void {
    const last = this.length - 1;
    if (last < 0 || this.docs[last] !== doc) this.push(doc, 0, 0);
    const counts = field === 0 ? this.tfText : this.tfContext;
    if (counts[this.length - 1] < 0xffff) counts[this.length - 1]++;
  }

  private push(doc: number, tfText: number, tfContext: number): void {
    if (this.length === this.docs.length) {
      const grow = <T extends Int32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.docs = grow(this.docs, (n) => new Int32Array(n));
      this.tfText = grow(this.tfText, (n) => new Uint16Array(n));
      this.tfContext = grow(this.tfContext, (n) => new Uint16Array(n));
    }
    this.docs[this.length] = doc;
    this.tfText[this.length] = Math.min(tfText, 0xffff);
    this.tfContext[this.length] = Math.min(tfContext, 0xffff);
    this.length++;
  }
}

/**
 * One kind of term (words, keyed by themselves, or bigrams, keyed by {@link bigramKey}): its
 * postings and each document's field lengths.
 */
class TermIndex<K extends string | number> {
  readonly postings = new Map<K, Postings>();
  readonly textLength: number[] = [];
  readonly contextLength: number[] = [];
  textTotal = 0;
  contextTotal = 0;

  /**
   * Documents come in increasing order, so a term's postings end with the document being added
   * once it was seen in it: a repeat increments the count there (one map lookup per occurrence,
   * no per-document counting).
   */
  add(doc: number, text: readonly K[], context: readonly K[]): void {
    for (const term of text) this.postingsOf(term).count(doc, 0);
    for (const term of context) this.postingsOf(term).count(doc, 1);
    this.textLength[doc] = text.length;
    this.contextLength[doc] = context.length;
    this.textTotal += text.length;
    this.contextTotal += context.length;
  }

  /**
   * Adds each document's BM25F score for `terms` (each with its weight in the query) into
   * `scores`, and notes every document it touches in `touched`.
   */
  score(
    terms: ReadonlyMap<K, number>,
    settings: RankingSettings,
    fieldWeights: { text: number; context: number },
    weight: number,
    scores: Float64Array,
    touched: Touched,
  ): void {
    const n = this.textLength.length;
    if (n === 0) return;
    const { k1, b } = settings;
    const avgText = this.textTotal / n || 1;
    const avgContext = this.contextTotal / n || 1;
    for (const [term, queryWeight] of terms) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = Math.log(1 + (n - p.length + 0.5) / (p.length + 0.5));
      const w = weight * queryWeight * idf * (k1 + 1);
      for (let i = 0; i < p.length; i++) {
        const d = p.docs[i];
        const tf =
          (fieldWeights.text * p.tfText[i]) / (1 - b + (b * this.textLength[d]) / avgText) +
          (fieldWeights.context * p.tfContext[i]) / (1 - b + (b * this.contextLength[d]) / avgContext);
        if (tf === 0) continue;
        touched.add(d);
        scores[d] += (w * tf) / (k1 + tf);
      }
    }
  }

  /** The share of all documents that hold a term. */
  share(term: K): number {
    return (this.postings.get(term)?.length ?? 0) / (this.textLength.length || 1);
  }

  private postingsOf(term: K): Postings {
    let p = this.postings.get(term);
    if (!p) this.postings.set(term, (p = new Postings()));
    return p;
  }

  /** Inverse document frequency of a term, for choosing a long text's most telling terms. */
  idf(term: K): number {
    const n = this.textLength.length;
    const df = this.postings.get(term)?.length ?? 0;
    return df === 0 ? 0 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}

/** The documents a query touched, each once. */
class Touched {
  readonly docs: number[] = [];
  private readonly seen: Uint8Array;
  constructor(size: number) {
    this.seen = new Uint8Array(size);
  }
  add(d: number): void {
    if (this.seen[d]) return;
    this.seen[d] = 1;
    this.docs.push(d);
  }
}

const codeOf = <T extends string>(values: readonly T[]) => new Map(values.map((v, i) => [v, i]));
const REGION_CODE = codeOf(REGIONS);
const SEVERITY_CODE = codeOf(SEVERITIES);
const CHECK_CODE = codeOf(CHECK_ITEMS);
const CONCLUSION_CODE = codeOf(PRECEDENT_CONCLUSIONS);

/** Analyses a precedent's fields into the words the library indexes (see {@link PrecedentWords}). */
export function precedentWords(p: Precedent): PrecedentWords {
  return { text: wordsOf(textField(p)), context: wordsOf(contextField(p)) };
}

const textField = (p: Precedent) => (p.basis ? `${p.text} ${p.basis}` : p.text);
const contextField = (p: Precedent) => (p.articleText ? `${p.articleText} ${p.documentTitle}` : p.documentTitle);

/** The bounds of a period filter in epoch milliseconds; dates are days in China Standard Time. */
export function periodBounds(filters: Pick<PrecedentFilters, 'from' | 'to'>): { from: number; to: number } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const instant = (text: string, end: boolean): number => {
    if (day.test(text)) return Date.parse(`${text}T00:00:00.000Z`) - CST_OFFSET_MS + (end ? DAY_MS - 1 : 0);
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new RangeError(`not a date: ${text}`);
    return ms;
  };
  return {
    from: filters.from === undefined ? -Infinity : instant(filters.from, false),
    to: filters.to === undefined ? Infinity : instant(filters.to, true),
  };
}

/**
 * Every comment of every closed review, searchable. Add precedents as reviews close (adding one
 * twice changes nothing); search with {@link PrecedentLibrary.search} and
 * {@link PrecedentLibrary.similar}. Holds about 1 kB per comment (50,000 comments: ~60 MB).
 */
export class PrecedentLibrary {
  private readonly precedents: Precedent[] = [];
  private readonly normalisedText: string[] = [];
  private readonly byId = new Map<string, number>();
  private readonly words = new TermIndex<string>();
  private readonly bigrams = new TermIndex<number>();
  // Filter fields as small codes, so a filter is a comparison of numbers.
  private region: number[] = [];
  private severity: number[] = [];
  private checklistItem: number[] = [];
  private conclusion: number[] = [];
  private closedAt: number[] = [];

  constructor(private readonly settings: RankingSettings = DEFAULT_RANKING) {}

  get size(): number {
    return this.precedents.length;
  }

  has(commentId: string): boolean {
    return this.byId.has(commentId);
  }

  /** How big the index is: distinct terms and postings of each kind. */
  stats(): Record<'words' | 'bigrams', { terms: number; postings: number }> {
    const count = (index: TermIndex<string> | TermIndex<number>) => ({
      terms: index.postings.size,
      postings: [...index.postings.values()].reduce((n, p) => n + p.length, 0),
    });
    return { words: count(this.words), bigrams: count(this.bigrams) };
  }

  /** Adds a precedent, with its words if they were analysed before (else they are analysed now). */
  add(precedent: Precedent, words: PrecedentWords = precedentWords(precedent)): void {
    if (this.byId.has(precedent.commentId)) return;
    const doc = this.precedents.length;
    this.precedents.push(precedent);
    this.byId.set(precedent.commentId, doc);
    const text = normalise(textField(precedent));
    this.normalisedText.push(text);
    const { terms } = this.settings;
    if (terms !== 'bigrams') this.words.add(doc, words.text, words.context);
    if (terms !== 'words') {
      this.bigrams.add(doc, bigramKeysOfNormalised(text), bigramKeysOfNormalised(normalise(contextField(precedent))));
    }
    this.region.push(REGION_CODE.get(precedent.region) ?? -1);
    this.severity.push(SEVERITY_CODE.get(precedent.severity) ?? -1);
    this.checklistItem.push(CHECK_CODE.get(precedent.checklistItem) ?? -1);
    this.conclusion.push(CONCLUSION_CODE.get(precedent.conclusion) ?? -1);
    this.closedAt.push(Date.parse(precedent.closedAt));
  }

  /** Best matches first (newest first without `q`), a page at a time. */
  search(query: PrecedentSearch): PrecedentResults {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? DEFAULT_PAGE), 1), MAX_PAGE);
    const passes = this.filter(query);
    const q = query.q?.trim() ?? '';
    let candidates: number[];
    let scores: Float64Array | undefined;
    if (q === '') {
      candidates = [];
      for (let d = 0; d < this.precedents.length; d++) if (passes(d)) candidates.push(d);
    } else {
      const scored = this.scoreQuery(q);
      scores = scored.scores;
      candidates = scored.docs.filter(passes);
    }
    const scoreOf = (d: number) => (scores ? scores[d] : 0);
    const after = query.after;
    if (after) candidates = candidates.filter((d) => this.compare(d, scoreOf(d), after) > 0);
    const top = topByOrder(candidates, limit + 1, (x, y) => this.compareDocs(x, scoreOf(x), y, scoreOf(y)));
    const page = top.slice(0, limit);
    const items = page.map((d) => ({ ...this.precedents[d], score: scoreOf(d) }));
    const last = page[page.length - 1];
    const next =
      top.length > limit
        ? { score: scoreOf(last), closedAt: this.closedAt[last], commentId: this.precedents[last].commentId }
        : null;
    return { items, next };
  }

  /**
   * The past comments most like an article of a draft: the article's most telling terms (at most
   * `maxTerms` of each kind, by tf·idf, leaving out those in more than `maxShare` of all comments,
   * such as 规定 or 企业, once the library is big enough for a share to say that) matched against what was commented on and what was said, the article
   * commented on counting as much as the comment (they compare like with like). The defaults are
   * what `npm run measure:precedents` chose: precision as good or better, and a 30-article panel
   * over 50,000 comments several times faster than with every term.
   */
  similar(
    articleText: string,
    limit = 5,
    options: { maxTerms?: number; maxShare?: number; excludeReviewId?: string } = {},
  ): PrecedentHit[] {
    const maxTerms = options.maxTerms ?? 16;
    const maxShare = this.precedents.length >= MIN_FOR_SHARE ? (options.maxShare ?? 0.05) : 1;
    const weights = { text: 1, context: 1 };
    const n = this.precedents.length;
    const scores = new Float64Array(n);
    const touched = new Touched(n);
    const { terms, bigramWeight } = this.settings;
    if (terms !== 'bigrams') {
      const t = telling(wordsOf(articleText), this.words, maxTerms, maxShare);
      this.words.score(t, this.settings, weights, 1, scores, touched);
    }
    if (terms !== 'words') {
      const t = telling(bigramsOf(articleText).map(bigramKey), this.bigrams, maxTerms, maxShare);
      this.bigrams.score(t, this.settings, weights, terms === 'bigrams' ? 1 : bigramWeight, scores, touched);
    }
    let docs = touched.docs;
    if (options.excludeReviewId) docs = docs.filter((d) => this.precedents[d].reviewId !== options.excludeReviewId);
    for (const d of docs) scores[d] = roundScore(scores[d]);
    const top = topByOrder(docs, limit, (x, y) => this.compareDocs(x, scores[x], y, scores[y]));
    return top.map((d) => ({ ...this.precedents[d], score: scores[d] }));
  }

  private scoreQuery(q: string): { docs: number[]; scores: Float64Array } {
    const n = this.precedents.length;
    const scores = new Float64Array(n);
    const touched = new Touched(n);
    const analysed = analyseQuery(q);
    const { terms, bigramWeight, contextWeight, phraseBonus } = this.settings;
    const weights = { text: 1, context: contextWeight };
    const once = <K>(xs: K[]) => new Map(xs.map((x) => [x, 1]));
    if (terms !== 'bigrams') this.words.score(once(analysed.words), this.settings, weights, 1, scores, touched);
    if (terms !== 'words') {
      const weight = terms === 'bigrams' ? 1 : bigramWeight;
      this.bigrams.score(once(analysed.bigrams.map(bigramKey)), this.settings, weights, weight, scores, touched);
    }
    if (phraseBonus > 0 && analysed.phrases.length > 0) {
      for (const d of touched.docs) {
        for (const phrase of analysed.phrases) if (this.normalisedText[d].includes(phrase)) scores[d] += phraseBonus;
      }
    }
    for (const d of touched.docs) scores[d] = roundScore(scores[d]);
    return { docs: touched.docs, scores };
  }

  private filter(f: PrecedentFilters): (d: number) => boolean {
    const region = f.region === undefined ? undefined : REGION_CODE.get(f.region);
    const severity = f.severity === undefined ? undefined : SEVERITY_CODE.get(f.severity);
    const item = f.checklistItem === undefined ? undefined : CHECK_CODE.get(f.checklistItem);
    const conclusion = f.conclusion === undefined ? undefined : CONCLUSION_CODE.get(f.conclusion);
    const { from, to } = periodBounds(f);
    return (d) =>
      (region === undefined || this.region[d] === region) &&
      (severity === undefined || this.severity[d] === severity) &&
      (item === undefined || this.checklistItem[d] === item) &&
      (conclusion === undefined || this.conclusion[d] === conclusion) &&
      this.closedAt[d] >= from &&
      this.closedAt[d] <= to;
  }

  /** Order: score desc, then closed later first, then comment id; negative when x comes first. */
  private compareDocs(x: number, sx: number, y: number, sy: number): number {
    if (sx !== sy) return sy - sx;
    if (this.closedAt[x] !== this.closedAt[y]) return this.closedAt[y] - this.closedAt[x];
    const [ix, iy] = [this.precedents[x].commentId, this.precedents[y].commentId];
    return ix < iy ? -1 : ix > iy ? 1 : 0;
  }

  /** Positive when document d comes after the position. */
  private compare(d: number, score: number, p: PrecedentPosition): number {
    if (score !== p.score) return p.score - score;
    if (this.closedAt[d] !== p.closedAt) return p.closedAt - this.closedAt[d];
    const id = this.precedents[d].commentId;
    return id < p.commentId ? -1 : id > p.commentId ? 1 : 0;
  }
}

const roundScore = (x: number) => Math.round(x * SCORE_SCALE) / SCORE_SCALE;

/**
 * The `max` terms of a text with the highest tf·idf, each weighted by its frequency in the text,
 * leaving out terms found in more than `maxShare` of all documents.
 */
function telling<K extends string | number>(
  terms: readonly K[],
  index: TermIndex<K>,
  max: number,
  maxShare: number,
): Map<K, number> {
  const tf = new Map<K, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const ranked = [...tf]
    .filter(([t]) => index.share(t) <= maxShare)
    .map(([t, n]) => ({ t, n, w: n * index.idf(t) }))
    .filter((x) => x.w > 0);
  ranked.sort((a, b) => b.w - a.w || (a.t < b.t ? -1 : 1));
  return new Map(ranked.slice(0, max).map(({ t, n }) => [t, n]));
}

/**
 * The first `k` items in `order`, sorted, without sorting them all: a bounded heap whose root is
 * the worst item kept (a page of 20 from 50,000 candidates costs 50,000 comparisons, not a sort).
 */
export function topByOrder(items: readonly number[], k: number, order: (a: number, b: number) => number): number[] {
  const heap: number[] = [];
  const worse = (i: number, j: number) => order(heap[i], heap[j]) > 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
  const down = (i: number) => {
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    } else if (k > 0 && order(item, heap[0]) < 0) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort(order);
}
