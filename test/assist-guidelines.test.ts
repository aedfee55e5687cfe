/**
 * A shared guideline's machine rules: validated at the edge (they must compile and hold to their
 * own examples), joined to the built-in set with the guideline as their basis, listed by
 * describeRules, and raising flags that carry that basis.
 */
import {
  BUILTIN_RULES,
  RuleCompileError,
  checkArticles,
  describeRules,
  ruleSet,
  type GuidelineRules,
} from '../domain/assist';
import { assistCheckRequestSchema, guidelineRuleSchema, guidelineRulesSchema } from '../features/assist/schemas';

const residenceRule = {
  id: 'transport-subsidy-residence',
  category: 'fair_competition',
  checklistItem: 'regional_consistency',
  severity: 'amend',
  description: '交通补贴以本地注册车辆为条件',
  match: {
    any: [{ pattern: '{lex:local}(?:注册|登记|号牌){cgap:6}(?:车辆|货车|客车)' }],
    near: [{ term: { words: ['补贴', '奖励'] }, within: 20 }],
    unless: [{ set: 'lawful-reference' }],
  },
  explanation: '三地已商定：运输补贴不以车辆在本地注册为条件，京津冀三地号牌车辆同等适用。',
  guidelineArticle: '第三条',
  examples: {
    positive: ['对本市注册的货运车辆，按里程给予运输补贴。'],
    negative: ['对在本市从事货运的车辆，不论注册地，均按里程给予补贴。'],
  },
} as const;

const guideline: GuidelineRules = {
  guidelineId: 'gl-2027-1',
  number: '京津冀合审指引〔2027〕1号',
  title: '关于运输补贴条件的协同审核指引',
  rules: [guidelineRuleSchema.parse(residenceRule)],
};

describe('validating a guideline rule at the edge', () => {
  test('when the rule compiles and holds to its examples, it is accepted as given', () => {
    const parsed = guidelineRuleSchema.safeParse(residenceRule);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  test('when its pattern does not parse, it is refused with a Chinese message naming the place', () => {
    const parsed = guidelineRuleSchema.safeParse({ ...residenceRule, match: { any: [{ pattern: '(?:补贴' }] } });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path[0] === 'match')!;
    expect(issue.message).toMatch(/正则表达式无效/);
  });

  test('when it misses its own positive example, it is refused at that example', () => {
    const parsed = guidelineRuleSchema.safeParse({
      ...residenceRule,
      examples: { ...residenceRule.examples, positive: ['对外地车辆给予补贴。'] },
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['examples.positive.0']);
  });

  test('when it hits its own negative example, it is refused at that example', () => {
    const parsed = guidelineRuleSchema.safeParse({
      ...residenceRule,
      examples: { ...residenceRule.examples, negative: ['对本市注册的货运车辆给予补贴。'] },
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['examples.negative.0']);
  });

  test('when it carries an unknown field or a citation matcher, it is refused', () => {
    expect(guidelineRuleSchema.safeParse({ ...residenceRule, $where: '1' }).success).toBe(false);
    expect(
      guidelineRuleSchema.safeParse({ ...residenceRule, match: { citation: { status: 'repealed', source: 'text' } } })
        .success,
    ).toBe(false);
  });

  test('when two rules of one guideline share an id, the list is refused', () => {
    const parsed = guidelineRulesSchema.safeParse([residenceRule, residenceRule]);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['1.id']);
  });
});

describe('joining the set', () => {
  const set = ruleSet(BUILTIN_RULES, [guideline]);

  test('when described, the guideline rule is listed with its source, guideline and basis', () => {
    const description = describeRules(set);
    expect(description.rules).toContainEqual({
      id: 'gl-2027-1/transport-subsidy-residence',
      category: 'fair_competition',
      checklistItem: 'regional_consistency',
      severity: 'amend',
      description: '交通补贴以本地注册车辆为条件',
      basis: [{ law: '京津冀合审指引〔2027〕1号《关于运输补贴条件的协同审核指引》', article: '第三条' }],
      source: 'guideline',
      guidelineId: 'gl-2027-1',
    });
    expect(description.rules.filter((r) => r.source === 'builtin')).toHaveLength(BUILTIN_RULES.length);
    expect(description.rules.every((r) => r.source === 'guideline' || r.guidelineId === undefined)).toBe(true);
  });

  test('when a draft matches the guideline rule, its flag carries the guideline as basis', () => {
    const text = '对本市登记的客车，按年度给予一次性运营奖励。';
    const { flags } = checkArticles(set, { articles: [{ number: '4', text }] }, { wholeDocument: false });
    const flag = flags.find((f) => f.ruleId === 'gl-2027-1/transport-subsidy-residence');
    expect(flag).toMatchObject({
      article: '4',
      category: 'fair_competition',
      checklistItem: 'regional_consistency',
      basis: [{ law: '京津冀合审指引〔2027〕1号《关于运输补贴条件的协同审核指引》', article: '第三条' }],
    });
    expect(flag!.match.text).toBe('本市登记的客车，按年度给予一次性运营奖励');
  });

  test('when a guideline joins, the rules version changes; the built-in set alone keeps its own', () => {
    expect(set.rulesVersion).not.toBe(ruleSet().rulesVersion);
    expect(ruleSet(BUILTIN_RULES, [guideline]).rulesVersion).toBe(set.rulesVersion);
  });

  test('when a guideline rule cannot compile, building the set throws a compile error naming the rule', () => {
    const broken: GuidelineRules = {
      ...guideline,
      rules: [{ ...guideline.rules[0], match: { any: [{ pattern: '{lex:nowhere}' }] } }],
    };
    expect(() => ruleSet(BUILTIN_RULES, [broken])).toThrow(RuleCompileError);
    expect(() => ruleSet(BUILTIN_RULES, [broken])).toThrow(/gl-2027-1\/transport-subsidy-residence/);
  });
});

describe('the check request at the edge', () => {
  test('when it carries articles and a legal basis, it is accepted as given', () => {
    const body = {
      articles: [{ number: '1', text: '本办法自发布之日起施行。' }],
      legalBasis: ['《中华人民共和国行政许可法》'],
    };
    expect(assistCheckRequestSchema.parse(body)).toEqual(body);
  });

  test('when it carries an unknown field or a $-key, it is refused', () => {
    expect(assistCheckRequestSchema.safeParse({ articles: [], extra: 1 }).success).toBe(false);
    expect(assistCheckRequestSchema.safeParse({ articles: [{ number: '1', text: 'x', $gt: 1 }] }).success).toBe(false);
  });
});
