/**
 * The small library of laws and regulations that normative documents cite (`laws.json`), and how a
 * citation as written (《中华人民共和国合同法》第五十二条, 行政许可法, 《…》（2019年修正）) is found in it.
 */
import LAW_DATA from './laws.json';
import type { Law } from './types';

export const LAWS: readonly Law[] = LAW_DATA.laws as Law[];

/** Endings of the titles of laws, regulations and rules; a 通知 or 意见 is policy, not law to look up. */
const LAW_LIKE = /(?:法|法典|条例|规定|办法|细则|规则|通则|决定)(?:（(?:试行|暂行|草案)）)?$/;
const ARTICLE_REF = /第[一二三四五六七八九十百千零〇两\d]+条.*$/;

/** The comparable form of a title: no brackets or spaces, full-width parentheses, no edition note, no 中华人民共和国. */
export function normalizeTitle(title: string): string {
  return title
    .replace(/[《》〈〉<>"“”'‘’\s]/g, '')
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/（\d{4}年?(?:修正|修订|修改|版)?(?:本|文本)?）$/, '')
    .replace(/^中华人民共和国/, '');
}

export class LawLibrary {
  private readonly byTitle = new Map<string, Law>();

  constructor(readonly laws: readonly Law[]) {
    for (const law of laws) {
      for (const title of [law.name, ...law.aliases]) this.byTitle.set(normalizeTitle(title), law);
    }
  }

  /** The law a title names, if the library knows it. */
  find(title: string): Law | undefined {
    return this.byTitle.get(normalizeTitle(title));
  }
}

/** Whether a title reads like a law, regulation or rule (so an unknown one is worth a flag). */
export function isLawLike(title: string): boolean {
  return LAW_LIKE.test(normalizeTitle(title));
}

/**
 * The titles one legal-basis entry cites: each 《…》 in it, or, without brackets, the entry up to
 * its article reference (行政许可法第十五条 → 行政许可法).
 */
export function titlesInEntry(entry: string): string[] {
  const bracketed = [...entry.matchAll(/《([^》]{1,80})》/g)].map((m) => m[1]);
  if (bracketed.length) return bracketed;
  const bare = entry
    .trim()
    .replace(ARTICLE_REF, '')
    .replace(/[，,。；;、\s]+$/, '');
  return bare ? [bare] : [];
}

/** Every 《title》 in a text with its UTF-16 range (brackets included). */
export function citationsInText(text: string): { title: string; start: number; end: number }[] {
  return [...text.matchAll(/《([^》\n]{1,80})》/g)].map((m) => ({
    title: m[1],
    start: m.index,
    end: m.index + m[0].length,
  }));
}
