/**
 * Chinese text analysis for the precedent library: what a comment and a query are broken into
 * before they are matched. Pure code (no Node APIs): `Intl.Segmenter` is a JavaScript global, and
 * Node ships full ICU, whose Chinese word break uses a dictionary.
 *
 * Two kinds of term, because neither is enough alone (`npm run measure:precedents -- --analysers`
 * prints the figures):
 * - **words** from ICU's dictionary segmentation: precise for the common vocabulary of review
 *   comments (补贴, 户籍, 罚款, 有效期), but ICU breaks words it does not know into single
 *   characters (通武廊 → 通/武/廊, 进京证 → 进/京/证, 联防联控 → 联/防/联/控);
 * - **bigrams**, every two adjacent Han characters: they find those unknown words and phrases that
 *   ICU cut differently in the query than in the comment, at the price of noise, so they weigh
 *   less (domain/search/library.ts).
 * A single character is never a term of its own unless ICU found it as a word: a comment that only
 * shares a character with the query (罚 of 处罚 for 罚款) does not match.
 */

/** Bumped whenever analysis changes, so that stored terms made by an older version are redone. */
export const ANALYSER_VERSION = 1;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * Function words of written Chinese that carry no topic. Kept short on purpose: BM25's inverse
 * document frequency already weighs down words such as 规定 or 企业 that most comments use, and
 * in legal text many small words matter (不得, 应当, 可以 set the modality of a clause).
 */
const STOP_WORDS = new Set([
  '的', '地', '得', '了', '着', '过', '和', '与', '及', '以及', '或', '或者', '并', '并且', '而', '且',
  '之', '其', '该', '此', '这', '那', '这些', '那些', '本', '各', '每', '等', '等等',
  '在', '对', '对于', '关于', '为', '以', '于', '由', '被', '把', '从', '向', '将', '按', '按照', '依', '经',
  '是', '也', '都', '又', '还', '所', '即', '就', '则', '如', '若', '个', '一', '中', '上', '下', '内',
]); // prettier-ignore

/**
 * Words that make a question a question. They are dropped from queries only: "外地企业能否享受
 * 补贴" asks about 外地, 企业, 享受 and 补贴; comments rarely say 能否, and when they do it is noise.
 */
const QUERY_STOP_WORDS = new Set([
  '吗', '呢', '吧', '啊', '怎么', '怎样', '如何', '怎么办', '是否', '能否', '可否', '能不能', '可不可以',
  '什么', '哪些', '哪个', '为什么', '有没有', '请问', '问题', '情况', '处理', '看待', '对待', '认定',
  '一般', '通常', '几年', '多少', '多久',
]); // prettier-ignore

/**
 * The character a bigram may not contain: 的, the commonest character of written Chinese and
 * nearly always a particle, so 企业的 or 的规定 span two words and mean nothing. Other function
 * characters stay: 地, 得, 与 and 及 are also parts of words that matter (外地, 本地, 取得, 参与,
 * 及时); leaving them out measured no better.
 */
const STOP_CHARS = new Set(['的']);

/**
 * Full-width forms to half width and compatibility forms to their base (NFKC: Ａ１ → A1, ㈠ → (一)),
 * lower case, and every run of punctuation, symbols and spaces (Chinese or not) to one space, so
 * that 《公平竞争审查条例》 and 公平竞争审查条例 compare equal and no term spans a comma.
 */
export function normalise(text: string): string {
  // NFKC and lower-casing cost more than the rest together; most comments need neither.
  const composed = NEEDS_NFKC.test(text) ? text.normalize('NFKC') : text;
  const lower = /[A-Z]/.test(composed) ? composed.toLowerCase() : composed;
  return lower.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * A character NFKC may change into a letter or digit: anything but ASCII, Latin-1 letters, general
 * punctuation, CJK punctuation, CJK ideographs and full-width punctuation (which NFKC only turns
 * into other punctuation, and punctuation becomes a space here anyway). Full-width letters and
 * digits (Ａ１), enclosed forms (㈠ ⑴) and everything else take the NFKC path.
 */
const NEEDS_NFKC =
  /[^\t-\u00a0\u00c0-\u00ff\u2010-\u2027\u3000-\u3035\u303c-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/;

/** ICU's words of normalised text, less stop words. */
function segmentWords(normalised: string, stopWords: ReadonlySet<string>): string[] {
  const words: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(normalised)) {
    if (isWordLike && !stopWords.has(segment)) words.push(segment);
  }
  return words;
}

/** The words of a text (a comment, a title, an article), in order, repeats kept (they count). */
export function wordsOf(text: string): string[] {
  return segmentWords(normalise(text), STOP_WORDS);
}

const HAN_RUN = /\p{Script=Han}{2,}/gu;

/** The bigrams of a text: each two adjacent Han characters within a run of Han characters. */
export function bigramsOf(text: string): string[] {
  return bigramsOfNormalised(normalise(text));
}

export function bigramsOfNormalised(normalised: string): string[] {
  const bigrams: string[] = [];
  for (const [run] of normalised.matchAll(HAN_RUN)) {
    const chars = Array.from(run);
    for (let i = 0; i + 1 < chars.length; i++) {
      if (STOP_CHARS.has(chars[i]) || STOP_CHARS.has(chars[i + 1])) continue;
      bigrams.push(chars[i] + chars[i + 1]);
    }
  }
  return bigrams;
}

/**
 * A bigram as a number (its two code points), which is how the library keys its bigrams: loading
 * 50,000 comments makes millions of them, and numbers cost no string to build or hash.
 */
export function bigramKey(bigram: string): number {
  const first = bigram.codePointAt(0)!;
  return first * 0x110000 + bigram.codePointAt(first > 0xffff ? 2 : 1)!;
}

const STOP_CODES = new Set([...STOP_CHARS].map((c) => c.codePointAt(0)!));

/** {@link bigramsOfNormalised} as keys ({@link bigramKey}), without making the strings. */
export function bigramKeysOfNormalised(normalised: string): number[] {
  const keys: number[] = [];
  for (const [run] of normalised.matchAll(HAN_RUN)) {
    let previous = -1;
    for (let i = 0; i < run.length;) {
      const code = run.codePointAt(i)!;
      i += code > 0xffff ? 2 : 1;
      if (STOP_CODES.has(code)) {
        previous = -1;
        continue;
      }
      if (previous >= 0) keys.push(previous * 0x110000 + code);
      previous = code;
    }
  }
  return keys;
}

/** A query as the library matches it. */
export interface AnalysedQuery {
  words: string[];
  bigrams: string[];
  /**
   * The query's parts as typed (split on spaces and punctuation), normalised: a comment that
   * contains one of them verbatim (two characters or more) earns a phrase bonus.
   */
  phrases: string[];
}

/** Analyses what a person typed into the search box. Repeated terms count once. */
export function analyseQuery(q: string): AnalysedQuery {
  const normalised = normalise(q);
  const stop = new Set([...STOP_WORDS, ...QUERY_STOP_WORDS]);
  const words = unique(segmentWords(normalised, stop));
  // A question word must not leave bigrams behind either (能否 → 能否).
  const questionless = Array.from(segmenter.segment(normalised))
    .map(({ segment }) => (QUERY_STOP_WORDS.has(segment) ? ' ' : segment))
    .join('');
  const bigrams = unique(bigramsOfNormalised(questionless));
  const phrases = unique(normalised.split(' ').filter((part) => Array.from(part).length >= 2));
  return { words, bigrams, phrases };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
