/**
 * Chinese text analysis of the precedent library (domain/search/analyse.ts) and the checklist item
 * read from a comment (domain/search/checklist.ts). Pure code: no servers.
 */
import {
  analyseQuery,
  bigramKey,
  bigramKeysOfNormalised,
  bigramsOf,
  bigramsOfNormalised,
  normalise,
  wordsOf,
} from '../domain/search/analyse';
import { checklistItemOf } from '../domain/search/checklist';

describe('normalising text', () => {
  test('when text has full-width letters, digits and Chinese punctuation, they become half width and spaces', () => {
    expect(normalise('《公平竞争审查条例》第十条：ＡＢＣ１２３，（试行）〔2018〕37号。')).toBe(
      '公平竞争审查条例 第十条 abc123 试行 2018 37号',
    );
  });

  test('when only some characters need NFKC, the result is what NFKC on everything gives (every BMP character)', () => {
    const slow = (t: string) =>
      t
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    const differences: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue; // lone surrogates
      const text = `审${String.fromCharCode(code)}核Ａ`;
      if (normalise(text) !== slow(text)) differences.push(code.toString(16));
    }
    expect(differences).toEqual([]);
  });
});

describe('words and bigrams', () => {
  test('when a comment is segmented, ICU dictionary words come out and function words are dropped', () => {
    const words = wordsOf('对在本市注册的企业给予交通运输补贴，外地企业不得享受。');
    expect(words).toEqual(
      expect.arrayContaining(['本市', '注册', '企业', '交通', '运输', '补贴', '外地', '不得', '享受']),
    );
    expect(words).not.toContain('的');
    expect(words).not.toContain('对');
    expect(words.filter((w) => w === '企业')).toHaveLength(2); // repeats count
  });

  test('when a name is unknown to the dictionary, ICU cuts it into characters but its bigrams keep it whole', () => {
    expect(wordsOf('通武廊')).toEqual(['通', '武', '廊']);
    expect(bigramsOf('通武廊地区')).toEqual(['通武', '武廊', '廊地', '地区']);
  });

  test('when bigrams are keyed as numbers, the keys are those of the bigrams, astral characters included', () => {
    const text = normalise('外地的企业𠀀审查，ETC补贴');
    expect(bigramKeysOfNormalised(text)).toEqual(bigramsOfNormalised(text).map(bigramKey));
    expect(bigramsOfNormalised(text)).toContain('业𠀀');
    expect(new Set(bigramsOfNormalised(text).map(bigramKey)).size).toBe(bigramsOfNormalised(text).length);
  });

  test('when text has punctuation, Latin or function characters, bigrams stay within runs of Han characters and skip 的', () => {
    expect(bigramsOf('外地的企业，ETC补贴')).toEqual(['外地', '企业', '补贴']);
  });

  test('when a question is analysed, question words are dropped from words and bigrams, and parts are kept as phrases', () => {
    const q = analyseQuery('外地企业能否享受补贴 户籍');
    expect(q.words).toEqual(['外地', '企业', '享受', '补贴', '户籍']);
    expect(q.bigrams).not.toContain('能否');
    expect(q.bigrams).not.toContain('否享');
    expect(q.phrases).toEqual(['外地企业能否享受补贴', '户籍']);
  });

  test('when a query repeats a term, it counts once', () => {
    expect(analyseQuery('罚款 罚款').words).toEqual(['罚款']);
  });
});

describe('the checklist item of a comment', () => {
  test.each([
    ['规范性文件不得设定罚款，本条设定罚款超越了设定权限。', '《中华人民共和国行政处罚法》第十六条', 'competence'],
    ['将奖励对象限定为在本市注册登记的企业，排斥外地企业。', '《公平竞争审查条例》第十条', 'fair_competition'],
    ['议事协调机构不得制定规范性文件，制定主体不合法。', undefined, 'authority'],
    ['起草单位未向社会公开征求意见，请补充。', undefined, 'procedure'],
    ['建议明确京津冀三地检验检测结果互认。', undefined, 'regional_consistency'],
    ['引用法律名称应当使用全称。', undefined, 'form'],
    ['对施行前已发生的行为依照本办法处理，具有溯及既往的效力。', undefined, 'content'],
  ] as const)('when a comment says "%s", its item is read as %s', (text, basis, item) => {
    expect(checklistItemOf({ text, ...(basis && { basis }) })).toBe(item);
  });

  test('when a comment names its own item, that item stands', () => {
    expect(checklistItemOf({ text: '本条设定罚款。', checklistItem: 'form' })).toBe('form');
  });
});
