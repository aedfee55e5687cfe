/**
 * Whether a rule can run and does what its examples say: it compiles, every positive example
 * raises it and no negative one does. The tests hold the built-in rules to this; the API holds a
 * guideline's rules to it before the guideline is stored, so a bad rule never reaches a check.
 */
import { RuleCompileError } from './compile';
import { checkArticles } from './engine';
import { ruleSet } from './rule-set';
import type { GuidelineRuleData, RuleData, RuleExample } from './types';

/** The day examples are checked on: past dates in them are before it, future ones after it. */
export const EXAMPLES_CHECKED_ON = '2026-12-04';

export interface RuleProblem {
  /** Where in the rule, e.g. `examples.positive.0`. */
  path: string;
  /** In Chinese: it may be shown to the person who wrote the rule. */
  message: string;
}

/** Whether `rule` (alone) flags `example`. */
export function raises(rule: RuleData, example: RuleExample): boolean {
  const set = ruleSet([rule]);
  const document = typeof example === 'string' ? { articles: [example] } : example;
  const result = checkArticles(
    set,
    {
      articles: document.articles.map((text, i) => ({ number: String(i + 1), text })),
      legalBasis: document.legalBasis,
    },
    { checkedOn: EXAMPLES_CHECKED_ON, wholeDocument: typeof example !== 'string' },
  );
  return result.flags.some((f) => f.ruleId === rule.id);
}

/** Everything wrong with a rule; empty when it compiles and its examples hold. */
export function ruleProblems(rule: RuleData | GuidelineRuleData): RuleProblem[] {
  const runnable: RuleData = { ...rule, basis: rule.basis ?? [] };
  try {
    ruleSet([runnable]);
  } catch (err) {
    if (err instanceof RuleCompileError) return [{ path: 'match', message: err.message }];
    throw err;
  }
  const problems: RuleProblem[] = [];
  rule.examples.positive.forEach((example, i) => {
    if (!raises(runnable, example))
      problems.push({ path: `examples.positive.${i}`, message: `规则 ${rule.id} 未能命中正例：${show(example)}` });
  });
  rule.examples.negative.forEach((example, i) => {
    if (raises(runnable, example))
      problems.push({ path: `examples.negative.${i}`, message: `规则 ${rule.id} 误中反例：${show(example)}` });
  });
  return problems;
}

const show = (example: RuleExample) => (typeof example === 'string' ? example : example.articles.join(' / '));
