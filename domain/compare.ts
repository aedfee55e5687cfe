/**
 * Version comparison: what a revision did to a draft, article by article (added, removed, changed,
 * the same), with the changed text marked character by character so a reviewer sees exactly what
 * moved. Articles are matched by number; the order is the newer version's, removed ones after.
 */
export interface ArticleText {
  number: string;
  text: string;
}

/** A run of text in a changed article: kept, or only in the older (removed) or newer (added) text. */
export interface MarkedText {
  text: string;
  change: 'same' | 'removed' | 'added';
}

export interface ArticleComparison {
  number: string;
  change: 'added' | 'removed' | 'changed' | 'same';
  before?: string;
  after?: string;
  marked?: MarkedText[];
}

/** The character-level differences between two texts, as runs (a diff function: e.g. jsdiff's diffChars). */
export type CharacterDiff = (before: string, after: string) => { value: string; added?: boolean; removed?: boolean }[];

export function compareVersions(
  before: readonly ArticleText[],
  after: readonly ArticleText[],
  diff: CharacterDiff,
): ArticleComparison[] {
  const older = new Map(before.map((a) => [a.number, a.text]));
  const newer = new Set(after.map((a) => a.number));
  const compared: ArticleComparison[] = after.map(({ number, text }) => {
    const was = older.get(number);
    if (was === undefined) return { number, change: 'added', after: text };
    if (was === text) return { number, change: 'same', before: was, after: text };
    const marked = diff(was, text).map((part) => ({
      text: part.value,
      change: part.added ? 'added' : part.removed ? 'removed' : 'same',
    })) as MarkedText[];
    return { number, change: 'changed', before: was, after: text, marked };
  });
  for (const { number, text } of before) {
    if (!newer.has(number)) compared.push({ number, change: 'removed', before: text });
  }
  return compared;
}
