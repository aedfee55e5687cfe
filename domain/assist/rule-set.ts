/**
 * Rule sets: the built-in rules (one JSON file per category under `rules/`, reviewed like code),
 * joined by the machine rules of adopted shared guidelines, compiled once and versioned by content.
 */
import { compileRule, type CompiledRule, type ExceptionSets, type Lexicon } from './compile';
import { LAWS, LawLibrary } from './laws';
import citation from './rules/citation.json';
import compulsoryMeasure from './rules/compulsory_measure.json';
import exceptions from './rules/exceptions.json';
import fairCompetition from './rules/fair_competition.json';
import fee from './rules/fee.json';
import lexicon from './rules/lexicon.json';
import licence from './rules/licence.json';
import penalty from './rules/penalty.json';
import retroactivity from './rules/retroactivity.json';
import rightsObligations from './rules/rights_obligations.json';
import validity from './rules/validity.json';
import type { ActiveRule, GuidelineRules, Law, RuleData, RulesDescription } from './types';
import { canonicalJson, shortHash } from './version';

/** The built-in rules from published law, in the order they run (and win ties). */
export const BUILTIN_RULES: readonly RuleData[] = [
  penalty,
  licence,
  compulsoryMeasure,
  fee,
  rightsObligations,
  fairCompetition,
  retroactivity,
  validity,
  citation,
].flatMap((file) => file.rules as RuleData[]);

export const SHARED_EXCEPTIONS: ExceptionSets = exceptions.sets as ExceptionSets;
export const SHARED_LEXICON: Lexicon = lexicon.words;

/** A compiled, versioned set of rules, ready for {@link checkArticles}. Build it once and reuse it. */
export interface RuleSet {
  readonly rulesVersion: string;
  readonly rules: readonly ActiveRule[];
  readonly compiled: readonly CompiledRule[];
  readonly library: LawLibrary;
}

export interface RuleSetData {
  lexicon?: Lexicon;
  exceptionSets?: ExceptionSets;
  laws?: readonly Law[];
}

/**
 * The built-in rules joined by each adopted guideline's rules: those carry `source: 'guideline'`,
 * the guideline's id, an id of `<guidelineId>/<rule id>` and the guideline as the first article of
 * their basis. Throws a {@link RuleCompileError} (Chinese message) for a rule that cannot run, and
 * an Error for a repeated rule id.
 */
export function ruleSet(
  builtin: readonly RuleData[] = BUILTIN_RULES,
  guidelines: readonly GuidelineRules[] = [],
  data: RuleSetData = {},
): RuleSet {
  const lexiconWords = data.lexicon ?? SHARED_LEXICON;
  const exceptionSets = data.exceptionSets ?? SHARED_EXCEPTIONS;
  const laws = data.laws ?? LAWS;
  const rules: ActiveRule[] = [
    ...builtin.map((rule) => ({ ...rule, source: 'builtin' as const })),
    ...guidelines.flatMap((guideline) => guideline.rules.map((rule) => fromGuideline(guideline, rule))),
  ];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) throw new Error(`规则编号 ${rule.id} 重复`);
    seen.add(rule.id);
  }
  return {
    rulesVersion: shortHash(canonicalJson({ rules, lexicon: lexiconWords, exceptionSets, laws })),
    rules,
    compiled: rules.map((rule) => compileRule(rule, lexiconWords, exceptionSets)),
    library: new LawLibrary(laws),
  };
}

function fromGuideline(guideline: GuidelineRules, rule: GuidelineRules['rules'][number]): ActiveRule {
  const { guidelineArticle, basis = [], ...rest } = rule;
  return {
    ...rest,
    id: `${guideline.guidelineId}/${rule.id}`,
    basis: [{ law: `${guideline.number}《${guideline.title}》`, article: guidelineArticle ?? '全文' }, ...basis],
    source: 'guideline',
    guidelineId: guideline.guidelineId,
  };
}

/** `GET /v1/assist/rules`: what each rule of the set catches and on what basis. */
export function describeRules(set: RuleSet): RulesDescription {
  return {
    rulesVersion: set.rulesVersion,
    rules: set.rules.map((r) => ({
      id: r.id,
      category: r.category,
      checklistItem: r.checklistItem,
      severity: r.severity,
      description: r.description,
      basis: r.basis,
      source: r.source,
      ...(r.guidelineId !== undefined && { guidelineId: r.guidelineId }),
    })),
  };
}

let builtinSet: RuleSet | undefined;

/** The built-in set, compiled on first use. */
export function builtinRuleSet(): RuleSet {
  return (builtinSet ??= ruleSet());
}
