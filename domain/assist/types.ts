/**
 * The vocabulary of assistive review: the rules (reviewed data under `rules/`), the flags they raise
 * and the shapes of the contract (API.md, "Assistive review"). A flag is advice to a reviewer, never
 * a decision.
 */
import type { CheckItem, Severity } from '../model';

export const ASSIST_CATEGORIES = [
  'penalty',
  'licence',
  'compulsory_measure',
  'fee',
  'rights_obligations',
  'fair_competition',
  'retroactivity',
  'validity',
  'citation',
] as const;
export type AssistCategory = (typeof ASSIST_CATEGORIES)[number];

/** An article of law (or of a guideline) a rule rests on. */
export interface LegalBasis {
  law: string;
  article: string;
}

/**
 * Something to find in a text: any of `words` (literal), or the regular expression `pattern`
 * (JavaScript syntax, applied with the `u` flag). Patterns may use four shorthands:
 * `{gap:N}` up to N characters inside one sentence, `{cgap:N}` up to N characters inside one
 * clause (no comma or colon), `{lex:name}` any word of the shared lexicon `name`, and `{date}` a
 * date as documents write it (2025年1月1日, 二〇二五年一月一日).
 */
export interface Term {
  words?: string[];
  pattern?: string;
}

/** A term that must occur in the same sentence as the trigger, at most `within` characters away. */
export interface NearCondition {
  term: Term;
  within: number;
  /** Where it must stand relative to the trigger (default: either side). */
  side?: Side;
}

export type Side = 'before' | 'after' | 'either';

/**
 * An exception that cancels a match: `term` found in the trigger's sentence (or clause), on `side`,
 * at most `within` characters away; it does not count when `but` occurs in the same scope.
 * `{ set: name }` names a shared exception set instead (`rules/exceptions.json`).
 */
export interface Exception {
  set?: string;
  term?: Term;
  scope?: 'sentence' | 'clause';
  side?: Side;
  within?: number;
  but?: Term;
}

/** What a rule looks for. Exactly one of `any`, `document` or `citation` drives it. */
export interface MatchSpec {
  /** The trigger: each occurrence of any of these terms, inside one sentence, is a candidate. */
  any?: Term[];
  /** Every condition must hold for a candidate. */
  near?: NearCondition[];
  unless?: Exception[];
  /** The candidate names a date (YYYY年M月D日) that falls before the day of the check. */
  dateBeforeCheck?: boolean;
  /** A whole-document rule: flags when no article contains `absent`; placed on the last `anchor`. */
  document?: { absent: Term; anchor?: Term };
  /** A citation rule over the law library: a cited law that is repealed, or unknown to the library. */
  citation?: { status: 'repealed' | 'unknown'; source: 'legalBasis' | 'text' };
}

/** An example the tests run: a single article's text, or a small document. */
export type RuleExample = string | { articles: string[]; legalBasis?: string[] };

/** A rule as written in the repository (or carried by an adopted guideline). */
export interface RuleData {
  id: string;
  category: AssistCategory;
  checklistItem: CheckItem;
  severity: Severity;
  /** What the rule catches, in one line (Chinese). */
  description: string;
  match: MatchSpec;
  /** Why it matters, in Chinese; `{law}`, `{repealedOn}` and `{replacedBy}` are filled in by citation rules. */
  explanation: string;
  basis: LegalBasis[];
  examples: { positive: RuleExample[]; negative: RuleExample[] };
}

/** The machine rules of an adopted shared guideline (协同审核指引). */
export interface GuidelineRules {
  guidelineId: string;
  /** E.g. 京津冀合审指引〔2027〕1号. */
  number: string;
  title: string;
  rules: GuidelineRuleData[];
}

/** A guideline's rule: as a built-in one, but its basis is the guideline itself (plus any laws it names). */
export type GuidelineRuleData = Omit<RuleData, 'basis'> & {
  /** Where in the guideline the rule comes from, e.g. 第三条. */
  guidelineArticle?: string;
  basis?: LegalBasis[];
};

export type RuleSource = 'builtin' | 'guideline';

/** A rule as it runs: its data, where it came from, and its final basis. */
export interface ActiveRule extends RuleData {
  source: RuleSource;
  guidelineId?: string;
}

export interface ArticleInput {
  number: string;
  text: string;
}

/** `POST /v1/assist/check` body. */
export interface CheckInput {
  articles: ArticleInput[];
  legalBasis?: string[];
}

export interface CheckOptions {
  /**
   * The day of the check (YYYY-MM-DD, China time). Dates before it are in the past: an entry into
   * force before it reaches back in time, and a law repealed on or before it is no longer in force.
   * Without it, the rules that compare dates stay silent.
   */
  checkedOn?: string;
  /**
   * Whether the articles are a whole document (default) so the document-level rules (a missing
   * validity period) apply; false for a clause or an excerpt.
   */
  wholeDocument?: boolean;
}

export interface Flag {
  article: string;
  ruleId: string;
  category: AssistCategory;
  checklistItem: CheckItem;
  severity: Severity;
  /** UTF-16 offsets into that article's text; empty (start = end) for a document-level flag with no words to show. */
  match: { start: number; end: number; text: string };
  explanation: string;
  basis: LegalBasis[];
  /** For a citation flag raised by the legal basis: the entry as given. */
  legalBasisEntry?: string;
}

export interface CheckResult {
  rulesVersion: string;
  flags: Flag[];
}

/** `GET /v1/assist/rules`. */
export interface RulesDescription {
  rulesVersion: string;
  rules: {
    id: string;
    category: AssistCategory;
    checklistItem: CheckItem;
    severity: Severity;
    description: string;
    basis: LegalBasis[];
    source: RuleSource;
    guidelineId?: string;
  }[];
}

/** A law or regulation of the library (`laws.json`). */
export interface Law {
  name: string;
  aliases: string[];
  kind: 'law' | 'administrative_regulation' | 'local_regulation' | 'rule';
  enacted: string;
  effective?: string;
  amended: string[];
  status: 'in_force' | 'repealed';
  repealedOn?: string;
  replacedBy?: string;
  /** The provision that repealed it, where known; a citation flag adds it to its basis. */
  repealedBy?: LegalBasis;
}
