/**
 * The built-in rules as reviewed data: each is well formed (the same schema that guards a
 * guideline's rules at the API), raises on each of its positive examples and stays silent on each
 * negative one; and the rules version follows the data.
 */
import {
  ASSIST_CATEGORIES,
  BUILTIN_RULES,
  EXAMPLES_CHECKED_ON,
  builtinRuleSet,
  checkArticles,
  describeRules,
  raises,
  ruleSet,
  type RuleData,
  type RuleExample,
} from '../domain/assist';
import { CHECK_ITEMS, SEVERITIES } from '../domain/model';
import { guidelineRuleSchema } from '../features/assist/schemas';

const show = (example: RuleExample) => (typeof example === 'string' ? example : example.articles.join(' / '));
const cases = (kind: 'positive' | 'negative') =>
  BUILTIN_RULES.flatMap((rule) =>
    rule.examples[kind].map((example) => [rule.id, show(example), rule, example] as const),
  );

describe('the built-in rules', () => {
  test('when listed, every category has a rule and every rule names a known category, check item and severity', () => {
    expect(new Set(BUILTIN_RULES.map((r) => r.category))).toEqual(new Set(ASSIST_CATEGORIES));
    for (const rule of BUILTIN_RULES) {
      expect(CHECK_ITEMS).toContain(rule.checklistItem);
      expect(SEVERITIES).toContain(rule.severity);
      expect(rule.basis.length).toBeGreaterThan(0);
      expect(rule.examples.positive.length).toBeGreaterThan(0);
      expect(rule.examples.negative.length).toBeGreaterThan(0);
    }
    expect(new Set(BUILTIN_RULES.map((r) => r.id)).size).toBe(BUILTIN_RULES.length);
  });

  test('when a word-matching rule is validated like a guideline rule, the schema accepts it', () => {
    for (const rule of BUILTIN_RULES.filter((r) => r.match.citation === undefined)) {
      const { basis, ...rest } = rule;
      const parsed = guidelineRuleSchema.safeParse({ ...rest, basis });
      expect({ id: rule.id, issues: parsed.error?.issues ?? [] }).toEqual({ id: rule.id, issues: [] });
    }
  });

  test.each(cases('positive'))('%s raises on its positive example: %s', (_id, _text, rule, example) => {
    expect(raises(rule, example)).toBe(true);
  });

  test.each(cases('negative'))('%s stays silent on its negative example: %s', (_id, _text, rule, example) => {
    expect(raises(rule, example)).toBe(false);
  });

  test.each(cases('positive'))(
    'within the whole built-in set, %s still gives a flag of its category for: %s',
    (_id, _text, rule, example) => {
      const doc = typeof example === 'string' ? { articles: [example] } : example;
      const result = checkArticles(
        builtinRuleSet(),
        { articles: doc.articles.map((text, i) => ({ number: String(i + 1), text })), legalBasis: doc.legalBasis },
        { checkedOn: EXAMPLES_CHECKED_ON, wholeDocument: typeof example !== 'string' },
      );
      expect(result.flags.map((f) => f.category)).toContain(rule.category);
    },
  );
});

describe('the rules version', () => {
  test('when the same data is compiled twice, the version is the same, and it is what describeRules reports', () => {
    const a = ruleSet();
    const b = ruleSet();
    expect(a.rulesVersion).toBe(b.rulesVersion);
    expect(a.rulesVersion).toMatch(/^[0-9a-f]{14}$/);
    expect(describeRules(a).rulesVersion).toBe(a.rulesVersion);
  });

  test('when one word of one rule changes, the version changes', () => {
    const changed: RuleData[] = BUILTIN_RULES.map((r, i) =>
      i === 0 ? { ...r, description: `${r.description}。` } : r,
    );
    expect(ruleSet(changed).rulesVersion).not.toBe(ruleSet().rulesVersion);
  });

  test('when the law library changes, the version changes', () => {
    expect(ruleSet(BUILTIN_RULES, [], { laws: [] }).rulesVersion).not.toBe(ruleSet().rulesVersion);
  });
});
