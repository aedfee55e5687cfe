/**
 * Sentences and clauses of an article, as UTF-16 ranges, so rules can ask "in the same sentence"
 * and "in the same clause". A sentence ends at 。！？； (items of a list end with ；) or a line
 * break; a clause also ends at a comma or a colon. 、 joins list words (查封、扣押) and ends nothing.
 */
const SENTENCE_END = /[。！？；!?;\n\r]/g;
const CLAUSE_END = /[。！？；!?;\n\r，,：:]/g;

/** Characters a gap inside one sentence / one clause may cover (for the `{gap:N}` shorthands). */
export const IN_SENTENCE = '[^。！？；!?;\\n\\r]';
export const IN_CLAUSE = '[^。！？；!?;\\n\\r，,：:]';

export interface Range {
  start: number;
  end: number;
}

/** The article's ranges, with lookups by offset; each kind is found on first use. */
export class Segments {
  private sentenceEnds?: number[];
  private clauseEnds?: number[];

  constructor(readonly text: string) {}

  /** The sentence holding offset `at` (its terminator included). */
  sentenceAt(at: number): Range {
    return rangeAt((this.sentenceEnds ??= ends(this.text, SENTENCE_END)), at);
  }

  clauseAt(at: number): Range {
    return rangeAt((this.clauseEnds ??= ends(this.text, CLAUSE_END)), at);
  }

  /** Whether [start, end) lies inside one sentence. */
  oneSentence(start: number, end: number): boolean {
    return end <= start || this.sentenceAt(start).end >= end;
  }
}

/** The exclusive end of every range: just after each terminator, and the text's end. */
function ends(text: string, terminators: RegExp): number[] {
  const result: number[] = [];
  terminators.lastIndex = 0;
  for (let m = terminators.exec(text); m; m = terminators.exec(text)) result.push(m.index + 1);
  if (result[result.length - 1] !== text.length) result.push(text.length);
  return result;
}

function rangeAt(rangeEnds: number[], at: number): Range {
  // The first end beyond `at`: binary search, the lists are sorted.
  let low = 0;
  let high = rangeEnds.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (rangeEnds[mid] > at) high = mid;
    else low = mid + 1;
  }
  return { start: low === 0 ? 0 : rangeEnds[low - 1], end: rangeEnds[low] ?? at };
}
