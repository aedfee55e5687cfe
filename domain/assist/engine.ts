/**
 * The check: every rule of a set over every article of a draft, giving flags that name the rule,
 * the words, the reason and the basis. Pure and synchronous; the same input gives the same flags
 * in the same order (by article, then offset).
 */
import type { CompiledRule, CompiledTerm } from './compile';
import { citationsInText, isLawLike, titlesInEntry } from './laws';
import type { RuleSet } from './rule-set';
import { Segments, type Range } from './text';
import type { ActiveRule, CheckInput, CheckOptions, CheckResult, Flag, Law, LegalBasis, Side } from './types';

/**
 * Checks a draft (or, with `wholeDocument: false`, a clause) against a rule set.
 * A flag is advice for the reviewer; nothing here decides anything.
 */
export function checkArticles(set: RuleSet, input: CheckInput, options: CheckOptions = {}): CheckResult {
  const scans = input.articles.map((a) => new ArticleScan(a.text));
  const found: Found[] = [];
  set.compiled.forEach((compiled, order) => {
    const { match } = compiled.rule;
    if (match.citation) found.push(...citationFlags(set, compiled.rule, order, input, options));
    else if (compiled.document) {
      if (options.wholeDocument !== false) found.push(...documentFlag(compiled, order, scans));
    } else {
      scans.forEach((scan, index) => {
        for (const range of articleMatches(compiled, scan, options))
          found.push({ index, order, range, rule: compiled.rule });
      });
    }
  });
  return { rulesVersion: set.rulesVersion, flags: toFlags(withoutRepeats(found), input) };
}

/** A match before it becomes a flag: which article (by position), which rule (by position in the set). */
interface Found {
  index: number;
  order: number;
  range: Range;
  rule: ActiveRule;
  explanation?: string;
  /** For a citation flag: the provision that repealed the law, added to the rule's basis. */
  repealedBy?: LegalBasis;
  legalBasisEntry?: string;
}

/** One article's text, its sentences and clauses, and the matches of each term (found once, on demand). */
class ArticleScan {
  readonly segments: Segments;
  private readonly matches = new Map<string, Range[]>();

  constructor(readonly text: string) {
    this.segments = new Segments(text);
  }

  find(term: CompiledTerm): Range[] {
    let found = this.matches.get(term.source);
    if (!found) {
      found = [];
      const { regex } = term;
      regex.lastIndex = 0;
      for (let m = regex.exec(this.text); m; m = regex.exec(this.text)) {
        if (m[0].length === 0) regex.lastIndex++;
        else found.push({ start: m.index, end: m.index + m[0].length });
      }
      this.matches.set(term.source, found);
    }
    return found;
  }

  /** The matches of `term` inside `scope`. */
  findIn(term: CompiledTerm, scope: Range): Range[] {
    return this.find(term).filter((m) => m.start >= scope.start && m.end <= scope.end);
  }
}

function articleMatches(compiled: CompiledRule, scan: ArticleScan, options: CheckOptions): Range[] {
  const accepted: Range[] = [];
  for (const trigger of compiled.triggers) {
    for (const hit of scan.find(trigger)) {
      if (!scan.segments.oneSentence(hit.start, hit.end)) continue;
      const range = withNearTerms(compiled, scan, hit);
      if (!range) continue;
      if (compiled.dateBeforeCheck && !namesPastDate(scan.text.slice(range.start, range.end), options.checkedOn))
        continue;
      if (cancelled(compiled, scan, hit, range)) continue;
      if (accepted.some((r) => overlaps(r, range))) continue;
      accepted.push(range);
    }
  }
  return accepted;
}

/** The trigger widened to the nearest occurrence of each `near` term, or undefined when one is missing. */
function withNearTerms(compiled: CompiledRule, scan: ArticleScan, hit: Range): Range | undefined {
  let range = hit;
  const sentence = scan.segments.sentenceAt(hit.start);
  for (const near of compiled.near) {
    let best: Range | undefined;
    let bestGap = Infinity;
    for (const m of scan.findIn(near.term, sentence)) {
      const gap = gapOn(near.side, hit, m);
      if (gap !== undefined && gap <= near.within && gap < bestGap) [best, bestGap] = [m, gap];
    }
    if (!best) return undefined;
    range = { start: Math.min(range.start, best.start), end: Math.max(range.end, best.end) };
  }
  return range;
}

/** Whether an exception cancels the match: looked for in the match's sentence (or clause), placed relative to the trigger. */
function cancelled(compiled: CompiledRule, scan: ArticleScan, hit: Range, range: Range): boolean {
  const { segments } = scan;
  return compiled.unless.some((exception) => {
    const scope =
      exception.scope === 'clause'
        ? {
            start: segments.clauseAt(range.start).start,
            end: segments.clauseAt(Math.max(range.end - 1, range.start)).end,
          }
        : segments.sentenceAt(range.start);
    const present = scan
      .findIn(exception.term, scope)
      .some((m) => within(gapOn(exception.side, hit, m), exception.within));
    return present && !(exception.but && scan.findIn(exception.but, scope).length > 0);
  });
}

/**
 * How far `other` stands from `anchor` (0 when they overlap), or undefined when it stands on the
 * wrong side: 'before' needs it to begin before the anchor begins, 'after' to end after it ends.
 */
function gapOn(side: Side, anchor: Range, other: Range): number | undefined {
  if (side === 'before' && other.start >= anchor.start) return undefined;
  if (side === 'after' && other.end <= anchor.end) return undefined;
  if (other.end <= anchor.start) return anchor.start - other.end;
  if (other.start >= anchor.end) return other.start - anchor.end;
  return 0;
}

const within = (gap: number | undefined, limit: number) => gap !== undefined && gap <= limit;

const overlaps = (a: Range, b: Range) => a.start < b.end && b.start < a.end;

const CN_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const DATE =
  /(\d{4}|[〇零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(\d{1,2}|[一二三四五六七八九十]{1,3})日)?/u;

/** Whether `text` names a date (YYYY年M月[D日], Arabic or Chinese numerals) before the day of the check. */
function namesPastDate(text: string, checkedOn: string | undefined): boolean {
  const m = DATE.exec(text);
  if (!m || !checkedOn) return false;
  const [year, month, day] = [m[1], m[2], m[3] ?? '1'].map(chineseNumber);
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return date < checkedOn;
}

/** 2024, 二〇二四, 十二, 二十一 → numbers. */
function chineseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (!text.includes('十')) return Number([...text].map((c) => CN_DIGITS[c]).join(''));
  const [tens, units] = text.split('十');
  return (tens ? CN_DIGITS[tens] : 1) * 10 + (units ? CN_DIGITS[units] : 0);
}

/** A whole-document rule: no article has the `absent` term, so flag the last `anchor` (or the last article). */
function documentFlag(compiled: CompiledRule, order: number, scans: ArticleScan[]): Found[] {
  const document = compiled.document!;
  if (!scans.length || scans.some((scan) => scan.find(document.absent).length > 0)) return [];
  for (let index = scans.length - 1; document.anchor && index >= 0; index--) {
    const anchors = scans[index].find(document.anchor);
    if (anchors.length) return [{ index, order, range: anchors[anchors.length - 1], rule: compiled.rule }];
  }
  const last = scans.length - 1;
  const end = scans[last].text.length;
  return [{ index: last, order, range: { start: end, end }, rule: compiled.rule }];
}

/** The citation rules: a law named in the legal basis (or, for `text`, cited in an article) that is repealed or unknown. */
function citationFlags(
  set: RuleSet,
  rule: ActiveRule,
  order: number,
  input: CheckInput,
  options: CheckOptions,
): Found[] {
  const { status, source } = rule.match.citation!;
  const verdict = (title: string): Law | 'unknown' | undefined => {
    const law = set.library.find(title);
    if (!law) return isLawLike(title) ? 'unknown' : undefined;
    const repealed =
      law.status === 'repealed' && (!options.checkedOn || !law.repealedOn || law.repealedOn <= options.checkedOn);
    return repealed ? law : undefined;
  };
  const fits = (v: Law | 'unknown' | undefined): v is Law | 'unknown' =>
    v !== undefined && (status === 'unknown' ? v === 'unknown' : v !== 'unknown');
  const found: Found[] = [];
  if (source === 'text') {
    input.articles.forEach((article, index) => {
      for (const cited of citationsInText(article.text)) {
        const v = verdict(cited.title);
        if (fits(v)) found.push({ index, order, rule, range: cited, ...about(rule, cited.title, v) });
      }
    });
    return found;
  }
  for (const entry of input.legalBasis ?? []) {
    for (const title of titlesInEntry(entry)) {
      const v = verdict(title);
      if (!fits(v) || !input.articles.length) continue;
      const law = v === 'unknown' ? undefined : v;
      const place = citedAt(
        input,
        (cited) => cited === title || (law !== undefined && set.library.find(cited) === law),
      );
      found.push({ ...place, order, rule, ...about(rule, title, v), legalBasisEntry: entry });
    }
  }
  return found;
}

/** Where an article cites the law (its 《title》, or a name of it); else the first article, with nothing to highlight. */
function citedAt(input: CheckInput, isTheLaw: (cited: string) => boolean): { index: number; range: Range } {
  for (const [index, article] of input.articles.entries()) {
    const cited = citationsInText(article.text).find((c) => isTheLaw(c.title));
    if (cited) return { index, range: { start: cited.start, end: cited.end } };
  }
  return { index: 0, range: { start: 0, end: 0 } };
}

/** A citation flag's own explanation (the law's name and dates filled in) and the provision that repealed it. */
function about(rule: ActiveRule, title: string, law: Law | 'unknown'): Pick<Found, 'explanation' | 'repealedBy'> {
  const known = law === 'unknown' ? undefined : law;
  const explanation = rule.explanation
    .replaceAll('{law}', `《${known?.name ?? title}》`)
    .replaceAll('{repealedOn}', known?.repealedOn ? formatDate(known.repealedOn) : '此前')
    .replaceAll('{replacedBy}', known?.replacedBy ? `《${known.replacedBy}》` : '现行有效的法律法规');
  return { explanation, ...(known?.repealedBy && { repealedBy: known.repealedBy }) };
}

/** 2021-01-01 → 2021年1月1日 (GB/T 9704: Arabic numerals, no padding). */
function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/**
 * One flag per category per place and source: a later rule's match that overlaps an earlier one of
 * the same category and source is dropped (an empty match repeats another only when it says the
 * same thing). A guideline's flag stays beside a built-in one: it carries the regions' own basis.
 */
function withoutRepeats(found: Found[]): Found[] {
  const kept: Found[] = [];
  for (const f of [...found].sort((a, b) => a.order - b.order)) {
    const repeat = kept.some(
      (k) =>
        k.index === f.index &&
        k.rule.category === f.rule.category &&
        k.rule.source === f.rule.source &&
        (overlaps(k.range, f.range) ||
          (k.range.start === f.range.start && k.range.end === f.range.end && explanationOf(k) === explanationOf(f))),
    );
    if (!repeat) kept.push(f);
  }
  return kept;
}

const explanationOf = (f: Found) => f.explanation ?? f.rule.explanation;

function toFlags(found: Found[], input: CheckInput): Flag[] {
  return found
    .sort(
      (a, b) => a.index - b.index || a.range.start - b.range.start || a.range.end - b.range.end || a.order - b.order,
    )
    .map((f) => {
      const { rule, range } = f;
      const text = input.articles[f.index].text;
      return {
        article: input.articles[f.index].number,
        ruleId: rule.id,
        category: rule.category,
        checklistItem: rule.checklistItem,
        severity: rule.severity,
        match: { start: range.start, end: range.end, text: text.slice(range.start, range.end) },
        explanation: f.explanation ?? rule.explanation,
        basis: [...rule.basis, ...(f.repealedBy ? [f.repealedBy] : [])].map((b) => ({ ...b })),
        ...(f.legalBasisEntry !== undefined && { legalBasisEntry: f.legalBasisEntry }),
      };
    });
}
