/**
 * Assistive review (API.md, "Assistive review"): rules over the articles of a draft that point the
 * reviewer at suspect clauses, each flag naming its rule, words, reason and legal basis. Advice only.
 *
 * Typical use: build the set once (`builtinRuleSet()`, or `ruleSet(BUILTIN_RULES, adoptedGuidelines)`
 * when guidelines carry rules), then `checkArticles(set, { articles, legalBasis }, { checkedOn })`
 * per draft, and `describeRules(set)` for `GET /v1/assist/rules`.
 */
export { checkArticles } from './engine';
export { RuleCompileError } from './compile';
export { BUILTIN_RULES, builtinRuleSet, describeRules, ruleSet, type RuleSet } from './rule-set';
export { LAWS, LawLibrary, normalizeTitle } from './laws';
export * from './types';
export { EXAMPLES_CHECKED_ON, raises, ruleProblems, type RuleProblem } from './validate';
