/**
 * The check itself: exceptions that cancel a match, proximity within one sentence, offsets into
 * the article's text (UTF-16), document-level flags, dates against the day of the check, and
 * determinism. Expected values are worked out from the texts by hand.
 */
import { builtinRuleSet, checkArticles, ruleSet, type CheckInput, type RuleData } from '../domain/assist';

const set = builtinRuleSet();
const clause = (text: string, checkedOn = '2026-12-04') =>
  checkArticles(set, { articles: [{ number: '1', text }] }, { checkedOn, wholeDocument: false }).flags;
const categories = (text: string) => [...new Set(clause(text).map((f) => f.category))];

/** A rule of its own, so the mechanics are tested apart from the built-in wording. */
const probe = (match: RuleData['match']): RuleData => ({
  id: 'probe',
  category: 'penalty',
  checklistItem: 'competence',
  severity: 'blocking',
  description: '测试',
  match,
  explanation: '测试',
  basis: [{ law: '测试', article: '第一条' }],
  examples: { positive: [], negative: [] },
});
const probeFlags = (rule: RuleData, text: string) =>
  checkArticles(ruleSet([rule]), { articles: [{ number: '1', text }] }, { wholeDocument: false }).flags;

describe('exceptions cancel a match', () => {
  test.each([
    ['违反本办法规定的，由区市场监管局处以五千元罚款。', ['penalty']],
    ['违反本办法规定的，由区市场监管局依照《中华人民共和国食品安全法》第一百二十六条的规定处以五千元罚款。', []],
    ['违反本办法规定的，法律、法规另有规定的，从其规定；没有规定的，由区市场监管局依法处以罚款。', []],
    ['行政机关不得以罚款代替日常监管。', []],
  ])('when the clause reads %s, the penalty flags are %j', (text, expected) => {
    expect(categories(text).filter((c) => c === 'penalty')).toEqual(expected);
  });

  test('when the licence wording stands beside 依照《…》规定, it is not flagged; without it, it is', () => {
    expect(categories('开办游泳场所的，应当经区体育局批准。')).toContain('licence');
    expect(categories('开办游泳场所的，应当依照《中华人民共和国体育法》的规定经体育主管部门批准。')).not.toContain(
      'licence',
    );
  });

  test('when 根据《中华人民共和国…法》 grounds a fee in the same sentence, the fee is not flagged', () => {
    expect(categories('办理登记的，应当缴纳登记费。')).toEqual(['fee']);
    expect(categories('根据《中华人民共和国城市房地产管理法》的规定，办理登记的，应当缴纳登记费。')).toEqual([]);
  });

  test('when an exception stands in another sentence, it cancels nothing', () => {
    const text = '本办法依照《中华人民共和国行政处罚法》制定。违反本办法的，处以二千元罚款。';
    expect(clause(text).map((f) => f.ruleId)).toEqual(['penalty.fine']);
  });

  test('when a "but" word stands beside the exception, the exception no longer holds', () => {
    const rule = probe({
      any: [{ words: ['甲'] }],
      unless: [{ term: { words: ['乙'] }, but: { words: ['丙'] } }],
    });
    expect(probeFlags(rule, '甲乙。')).toHaveLength(0);
    expect(probeFlags(rule, '甲乙丙。')).toHaveLength(1);
  });

  test('when an exception must stand before the trigger, one after it does not cancel', () => {
    const rule = probe({ any: [{ words: ['甲'] }], unless: [{ term: { words: ['乙'] }, side: 'before' }] });
    expect(probeFlags(rule, '乙甲。')).toHaveLength(0);
    expect(probeFlags(rule, '甲乙。')).toHaveLength(1);
  });
});

describe('words near each other', () => {
  const rule = probe({ any: [{ words: ['本地'] }], near: [{ term: { words: ['补贴'] }, within: 5 }] });

  test('when the near word is within the distance in the same sentence, the match spans both', () => {
    const [flag] = probeFlags(rule, '对本地企业给予补贴。');
    expect(flag.match).toEqual({ start: 1, end: 9, text: '本地企业给予补贴' });
  });

  test('when the near word is farther than the distance, nothing is flagged', () => {
    expect(probeFlags(rule, '对本地的各类中小企业给予补贴。')).toHaveLength(0);
  });

  test('when the near word is in the next sentence, nothing is flagged', () => {
    expect(probeFlags(rule, '对本地企业。补贴。')).toHaveLength(0);
  });
});

describe('offsets', () => {
  test('when a non-BMP character precedes the match, start and end count UTF-16 code units', () => {
    const text = '𠀀𠀁第五条 违反本办法的，处以三千元罚款。';
    const [flag] = clause(text);
    expect(flag.ruleId).toBe('penalty.fine');
    // 𠀀 and 𠀁 are two code units each: "处" is the 13th character but at offset 15.
    expect(flag.match.start).toBe(15);
    expect(text.slice(flag.match.start, flag.match.end)).toBe(flag.match.text);
    expect(flag.match.text).toBe('处以三千元罚款');
  });

  test('when several articles are checked, each flag points into its own article', () => {
    const input: CheckInput = {
      articles: [
        { number: '1', text: '为了规范本市停车管理，制定本办法。' },
        { number: '2', text: '对违规停车的，处以二百元罚款。' },
        { number: '3', text: '停车场经营者应当经区交通委批准。' },
      ],
    };
    const { flags } = checkArticles(set, input, { wholeDocument: false });
    for (const flag of flags) {
      const article = input.articles.find((a) => a.number === flag.article)!;
      expect(article.text.slice(flag.match.start, flag.match.end)).toBe(flag.match.text);
    }
    expect(flags.map((f) => [f.article, f.category])).toEqual([
      ['2', 'penalty'],
      ['3', 'licence'],
    ]);
  });
});

describe('dates', () => {
  test('when the entry into force is before the day of the check, it is flagged; after it, not', () => {
    expect(categories('本办法自2026年1月1日起施行。')).toEqual(['retroactivity']);
    expect(categories('本办法自2027年1月1日起施行。')).toEqual([]);
    expect(clause('本办法自二〇二六年一月一日起施行。', '2026-01-02').map((f) => f.category)).toEqual([
      'retroactivity',
    ]);
    expect(clause('本办法自二〇二六年一月一日起施行。', '2026-01-01')).toEqual([]);
  });

  test('when no day of the check is given, the date rules stay silent', () => {
    const { flags } = checkArticles(set, { articles: [{ number: '1', text: '本办法自2020年1月1日起施行。' }] }, {});
    expect(flags.filter((f) => f.category === 'retroactivity')).toEqual([]);
  });
});

describe('the whole document', () => {
  const draft = (last: string): CheckInput => ({
    articles: [
      { number: '1', text: '为了规范本市停车管理，制定本办法。' },
      { number: '2', text: '区交通委负责本办法的组织实施。' },
      { number: '3', text: last },
    ],
  });

  test('when no article gives a validity period, one flag sits on the words of the entry into force', () => {
    const { flags } = checkArticles(set, draft('本办法自2027年1月1日起施行。'), { checkedOn: '2026-12-04' });
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ article: '3', ruleId: 'validity.missing', severity: 'advisory' });
    expect(flags[0].match.text).toBe('自2027年1月1日起施行');
  });

  test('when an article gives a validity period, nothing is flagged', () => {
    const { flags } = checkArticles(set, draft('本办法自2027年1月1日起施行，有效期5年。'), { checkedOn: '2026-12-04' });
    expect(flags).toEqual([]);
  });

  test('when there is no entry-into-force article, the flag sits at the end of the last article', () => {
    const input = draft('停车场经营者应当公示收费标准。');
    const { flags } = checkArticles(set, input, {});
    const text = input.articles[2].text;
    expect(flags).toEqual([
      expect.objectContaining({ article: '3', match: { start: text.length, end: text.length, text: '' } }),
    ]);
  });

  test('when the articles are a clause and not a document, no document flag is raised', () => {
    expect(checkArticles(set, draft('本办法自2027年1月1日起施行。'), { wholeDocument: false }).flags).toEqual([]);
  });
});

describe('determinism', () => {
  const input: CheckInput = {
    articles: [
      { number: '1', text: '为了规范本市农贸市场管理，根据有关法律法规，制定本办法。' },
      { number: '2', text: '外地生产的农产品进入本市市场的，须重新检测，并缴纳检测费。违规经营的，处以一千元罚款。' },
      { number: '3', text: '市场开办者应当经区商务局批准。对本区企业生产的农产品给予每吨十元补贴。' },
      { number: '4', text: '本办法自2025年1月1日起施行。' },
    ],
    legalBasis: ['《中华人民共和国物权法》', '《某某市农贸市场管理条例》'],
  };

  test('when the same draft is checked twice, the answers are equal', () => {
    const first = checkArticles(set, input, { checkedOn: '2026-12-04' });
    const second = checkArticles(builtinRuleSet(), structuredClone(input), { checkedOn: '2026-12-04' });
    expect(second).toEqual(first);
    expect(first.flags.length).toBeGreaterThanOrEqual(8);
  });

  test('when flags are listed, they are sorted by article (in document order), then by offset', () => {
    const { flags } = checkArticles(set, input, { checkedOn: '2026-12-04' });
    const order = (number: string) => input.articles.findIndex((a) => a.number === number);
    for (let i = 1; i < flags.length; i++) {
      const [a, b] = [flags[i - 1], flags[i]];
      expect(order(a.article) < order(b.article) || (a.article === b.article && a.match.start <= b.match.start)).toBe(
        true,
      );
    }
  });
});

describe('one flag per category per place', () => {
  test('when two penalty rules match the same words, one flag is given', () => {
    const flags = clause('违反本办法规定的，由市体育局予以处罚，并处以三千元罚款。');
    expect(flags.filter((f) => f.category === 'penalty').length).toBeLessThanOrEqual(2);
    const ranges = flags.map((f) => [f.match.start, f.match.end]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThanOrEqual(ranges[i - 1][1]);
  });
});
