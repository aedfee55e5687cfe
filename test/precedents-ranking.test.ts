/**
 * The precedent library's ranking, filters and paging (domain/search/library.ts), in memory.
 * Pure code: no servers.
 */
import type { CheckItem, Region, Severity } from '../domain/model';
import {
  PrecedentLibrary,
  periodBounds,
  topByOrder,
  type Precedent,
  type PrecedentConclusion,
  type PrecedentPosition,
  type PrecedentSearch,
} from '../domain/search/library';

let n = 0;
/** A precedent with plausible defaults; ids in the order made. */
function precedent(text: string, fields: Partial<Precedent> = {}): Precedent {
  n++;
  return {
    commentId: `c${String(n).padStart(4, '0')}`,
    reviewId: `review:d${n}:1`,
    region: 'beijing',
    originRegion: 'beijing',
    documentTitle: '北京市促进京津冀交通一体化若干措施',
    text,
    severity: 'amend',
    conclusion: 'legal_after_revision',
    closedAt: '2026-03-02T02:00:00.000Z',
    checklistItem: 'content',
    ...fields,
  };
}

function libraryOf(precedents: Precedent[]): PrecedentLibrary {
  const library = new PrecedentLibrary();
  for (const p of precedents) library.add(p);
  return library;
}

const ids = (library: PrecedentLibrary, query: PrecedentSearch) => library.search(query).items.map((x) => x.commentId);

describe('ranking', () => {
  test('when a comment matches the query word, it ranks above one that only shares a single character', () => {
    const single = precedent('本条对违法行为的处罚种类规定不明确，建议细化。'); // 罚 of 处罚, not 罚款
    const other = precedent('款项拨付程序应当明确。'); // 款 alone
    const word = precedent('规范性文件不得设定罚款，建议删除本条。');
    const library = libraryOf([single, other, word]);
    const hits = library.search({ q: '罚款' }).items;
    expect(hits[0].commentId).toBe(word.commentId);
    for (const hit of hits.slice(1)) expect(hit.score).toBeLessThan(hits[0].score);
  });

  test('when one comment has all the query words and another only some, the first ranks higher', () => {
    const some = precedent('对本市企业给予补贴，请明确资金来源。');
    const all = precedent('补贴仅限本市注册企业，外地企业无法享受，建议删除注册地限制。');
    const none = precedent('建议与天津、河北同类措施的表述保持一致。');
    expect(ids(libraryOf([some, all, none]), { q: '补贴 注册 外地企业' })).toEqual([all.commentId, some.commentId]);
  });

  test('when ICU does not know a name, a comment that contains it is still found through its bigrams', () => {
    const hit = precedent('通武廊地区公交一体化应当统一规划。');
    const miss = precedent('武装部门的职责不在本办法调整范围内。'); // 武 alone
    expect(ids(libraryOf([hit, miss]), { q: '通武廊' })).toEqual([hit.commentId]);
  });

  test('when the query is a question, its question words do not match comments that use them', () => {
    const about = precedent('补贴对象限定为本市户籍人员，缺乏依据。');
    const noise = precedent('请说明能否按期完成，是否需要延期。');
    expect(ids(libraryOf([about, noise]), { q: '补贴能否只给户籍人员' })).toEqual([about.commentId]);
  });

  test('when a comment quotes the query exactly, it ranks above one with the same words apart', () => {
    const apart = precedent('该条指定了检测机构，属于限定供应，也未说明供应商的遴选办法。');
    const exact = precedent('该条要求从名单中选择，实为指定供应商。');
    expect(ids(libraryOf([apart, exact]), { q: '指定供应商' })[0]).toBe(exact.commentId);
  });

  test('when nothing in the query is indexable, nothing is found', () => {
    expect(ids(libraryOf([precedent('罚款')]), { q: '的？' })).toEqual([]);
  });

  test('when the same comment is added twice, it is held once', () => {
    const p = precedent('罚款');
    const library = libraryOf([p, { ...p }]);
    expect(library.size).toBe(1);
    expect(ids(library, { q: '罚款' })).toEqual([p.commentId]);
  });
});

describe('filters', () => {
  const text = '补贴仅限本市注册企业，建议删除。';
  const make = (
    region: Region,
    severity: Severity,
    checklistItem: CheckItem,
    conclusion: PrecedentConclusion,
    closedAt: string,
  ) => precedent(text, { region, severity, checklistItem, conclusion, closedAt });
  const all = [
    make('beijing', 'blocking', 'fair_competition', 'illegal', '2025-12-31T15:59:59.999Z'), // 2025-12-31 23:59:59.999 CST
    make('tianjin', 'amend', 'fair_competition', 'legal_after_revision', '2025-12-31T16:00:00.000Z'), // 2026-01-01 00:00 CST
    make('hebei', 'advisory', 'content', 'withdrawn', '2026-06-01T02:00:00.000Z'),
    make('tianjin', 'blocking', 'content', 'legal', '2024-05-01T02:00:00.000Z'),
  ];
  const library = libraryOf(all);
  const matching = (f: PrecedentSearch) => new Set([...ids(library, { q: '补贴', ...f }), ...ids(library, f)]); // with and without text

  test.each([
    [{ region: 'tianjin' }, [1, 3]],
    [{ severity: 'blocking' }, [0, 3]],
    [{ checklistItem: 'content' }, [2, 3]],
    [{ conclusion: 'withdrawn' }, [2]],
    [{ region: 'tianjin', severity: 'blocking' }, [3]],
    [{ from: '2026-01-01' }, [1, 2]], // a date is a day in China Standard Time
    [{ to: '2025-12-31' }, [0, 3]],
    [{ from: '2025-01-01', to: '2025-12-31' }, [0]],
    [{ from: '2025-12-31T16:00:00.000Z' }, [1, 2]], // or an instant
  ] as [PrecedentSearch, number[]][])('when filtered by %j, exactly those precedents come back', (filter, expected) => {
    const want = new Set(expected.map((i) => all[i].commentId));
    const got = matching(filter);
    expect([...got].sort()).toEqual([...want].sort());
  });

  test('when a period bound is not a date, it is refused', () => {
    expect(() => periodBounds({ from: 'yesterday' })).toThrow(RangeError);
  });
});

describe('paging', () => {
  const texts = ['设定罚款', '罚款数额', '罚款和没收', '罚款', '处以罚款', '按日罚款', '罚款上限', '罚则'];
  const precedents = Array.from({ length: 57 }, (_, i) =>
    precedent(`第${i}条${texts[i % texts.length]}，超越权限。`, {
      closedAt: new Date(Date.UTC(2025, 0, 1 + (i % 5))).toISOString(), // ties in score and in time
    }),
  );
  const library = libraryOf(precedents);

  function allPages(query: PrecedentSearch, limit: number): string[] {
    const seen: string[] = [];
    let after: PrecedentPosition | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = library.search({ ...query, limit, ...(after && { after }) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((x) => x.commentId));
      if (!page.next) return seen;
      after = page.next;
    }
    throw new Error('paging did not end');
  }

  test.each([1, 7, 20, 100])('when read %i at a time, the pages are the single ranking, each hit once', (limit) => {
    const whole = ids(library, { q: '罚款', limit: 100 });
    expect(whole.length).toBeGreaterThan(40);
    expect(allPages({ q: '罚款' }, limit)).toEqual(whole);
  });

  test('when read without a query, every precedent comes newest first, page after page', () => {
    const pages = allPages({}, 10);
    expect(pages).toHaveLength(precedents.length);
    const closed = pages.map((id) => precedents.find((p) => p.commentId === id)!.closedAt);
    expect([...closed].sort().reverse()).toEqual(closed);
  });

  test('when hits are returned, scores never rise down the list and the last page has no next', () => {
    const { items, next } = library.search({ q: '罚款', limit: 100 });
    for (let i = 1; i < items.length; i++) expect(items[i].score).toBeLessThanOrEqual(items[i - 1].score);
    expect(next).toBeNull();
  });

  test('when the limit is out of range, it is brought to 1–100', () => {
    expect(library.search({ limit: 1000 }).items).toHaveLength(57);
    expect(library.search({ limit: 0 }).items).toHaveLength(1);
  });
});

describe('similar comments for an article', () => {
  test('when a draft article resembles what was commented on, those comments come first, at most `limit`', () => {
    const subsidy = Array.from({ length: 6 }, (_, i) =>
      precedent(`将补贴对象限定为本市注册企业，排斥外地经营者（${i}）。`, {
        articleText: '对在本市注册登记的新能源汽车企业给予一次性奖励。',
      }),
    );
    const others = Array.from({ length: 40 }, (_, i) =>
      precedent(`第${i}条引用法律名称不规范，请使用全称。`, { articleText: '根据《大气法》等规定，制定本办法。' }),
    );
    const library = libraryOf([...others, ...subsidy]);
    const hits = library.similar('对在本市注册的物流企业按营业收入给予奖励。', 5);
    expect(hits).toHaveLength(5);
    for (const hit of hits) expect(subsidy.map((p) => p.commentId)).toContain(hit.commentId);
  });
});

describe('top of a list without sorting it all', () => {
  test('when asked for the first k of random numbers, it gives what a full sort gives', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 1000;
    for (let round = 0; round < 50; round++) {
      const items = Array.from({ length: random() % 300 }, random);
      const k = random() % 40;
      const order = (a: number, b: number) => b - a;
      expect(topByOrder(items, k, order)).toEqual([...items].sort(order).slice(0, k));
    }
  });
});
