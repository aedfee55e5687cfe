/**
 * Citations against the law library: a repealed law in the legal basis or in an article is
 * flagged with its repeal date and successor, a current one is not, an unknown law-like title is
 * flagged as unknown, and policy notices are left alone.
 */
import { LAWS, LawLibrary, builtinRuleSet, checkArticles, normalizeTitle, type CheckInput } from '../domain/assist';

const set = builtinRuleSet();
const withBasis = (legalBasis: string[], text = '为了规范本市房屋租赁管理，制定本办法。'): CheckInput => ({
  articles: [
    { number: '1', text },
    { number: '2', text: '本办法自2027年1月1日起施行，有效期5年。' },
  ],
  legalBasis,
});
const citationFlags = (input: CheckInput, checkedOn = '2026-12-04') =>
  checkArticles(set, input, { checkedOn }).flags.filter((f) => f.category === 'citation');

describe('the legal basis', () => {
  test('when it names the repealed Contract Law, the flag says when it was repealed and what replaced it', () => {
    const [flag, ...rest] = citationFlags(withBasis(['《中华人民共和国合同法》']));
    expect(rest).toEqual([]);
    expect(flag).toMatchObject({
      ruleId: 'citation.repealed-basis',
      severity: 'amend',
      legalBasisEntry: '《中华人民共和国合同法》',
    });
    expect(flag.explanation).toContain('2021年1月1日废止');
    expect(flag.explanation).toContain('《中华人民共和国民法典》');
    expect(flag.basis).toContainEqual({ law: '中华人民共和国民法典', article: '第一千二百六十条' });
  });

  test('when it names the Civil Code, a current law, nothing is flagged', () => {
    expect(citationFlags(withBasis(['《中华人民共和国民法典》']))).toEqual([]);
  });

  test.each([
    ['合同法'],
    ['《合同法》'],
    ['中华人民共和国物权法第七十条'],
    ['《中华人民共和国婚姻法》（2001年修正）'],
    ['《中华人民共和国担保法》、《中华人民共和国民法通则》'],
  ])('when it is written as %s, the repealed law is still recognised', (entry) => {
    expect(citationFlags(withBasis([entry])).map((f) => f.ruleId)).toContain('citation.repealed-basis');
  });

  test('when two laws in one entry are repealed, each gets its own flag', () => {
    const flags = citationFlags(withBasis(['《中华人民共和国担保法》《中华人民共和国物权法》']));
    expect(flags.map((f) => f.explanation.slice(0, 30))).toHaveLength(2);
  });

  test('when the check is dated before the repeal, the law was still in force', () => {
    expect(citationFlags(withBasis(['《中华人民共和国合同法》']), '2020-06-01')).toEqual([]);
  });

  test('when it names a law-like title the library does not know, an advisory flag says so', () => {
    const [flag] = citationFlags(withBasis(['《某某市房屋租赁管理条例》']));
    expect(flag).toMatchObject({ ruleId: 'citation.unknown-basis', severity: 'advisory' });
    expect(flag.explanation).toContain('《某某市房屋租赁管理条例》');
  });

  test('when it names a policy notice, not a law, nothing is flagged', () => {
    expect(citationFlags(withBasis(['《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》']))).toEqual([]);
  });

  test('when an article cites the repealed law, the legal-basis flag points at that citation', () => {
    const text = '依照《中华人民共和国合同法》的规定，租赁双方应当签订书面合同。';
    const [flag] = citationFlags(withBasis(['《中华人民共和国合同法》'], text));
    expect(flag.article).toBe('1');
    expect(flag.match).toEqual({ start: 2, end: 14, text: '《中华人民共和国合同法》' });
  });

  test('when no article cites it, the flag sits on the first article with nothing highlighted', () => {
    const [flag] = citationFlags(withBasis(['《中华人民共和国合同法》']));
    expect(flag.article).toBe('1');
    expect(flag.match).toEqual({ start: 0, end: 0, text: '' });
  });
});

describe('citations in the articles', () => {
  test('when an article cites a repealed law by its short name, the flag points at the title', () => {
    const text = '夫妻共同财产依照《婚姻法》认定。';
    const flags = citationFlags({ articles: [{ number: '7', text }] });
    expect(flags).toEqual([
      expect.objectContaining({
        article: '7',
        ruleId: 'citation.repealed-in-text',
        match: { start: 8, end: 13, text: '《婚姻法》' },
      }),
    ]);
    expect(flags[0].explanation).toContain('《中华人民共和国婚姻法》');
  });

  test('when an article cites an unknown local regulation, the text rule leaves it alone', () => {
    expect(citationFlags({ articles: [{ number: '1', text: '依照《某某市养犬管理条例》处理。' }] })).toEqual([]);
  });
});

describe('the library', () => {
  test('when its entries are read, no title names two laws and repealed ones carry a date on or after enactment', () => {
    const owner = new Map<string, string>();
    for (const law of LAWS) {
      for (const title of [law.name, ...law.aliases].map(normalizeTitle)) {
        expect([title, owner.get(title) ?? law.name]).toEqual([title, law.name]);
        owner.set(title, law.name);
      }
    }
    for (const law of LAWS) {
      expect(law.enacted).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (law.status === 'repealed') {
        expect(law.repealedOn! >= law.enacted).toBe(true);
      } else expect(law.repealedOn).toBeUndefined();
    }
    const library = new LawLibrary(LAWS);
    for (const law of LAWS.filter((l) => l.replacedBy)) expect(library.find(law.replacedBy!)).toBeDefined();
  });
});
