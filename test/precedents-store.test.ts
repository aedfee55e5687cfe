/**
 * The precedent library on the embedded store (FerretDB, as the test run starts it): indexing a
 * closed review is idempotent under retries and concurrency and numbers reviews without a gap; a
 * searcher loads the library and follows what is indexed after; search filters, pages with cursors
 * and is the same for every caller (all three regions, no caller at all).
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  indexAllClosedReviews,
  indexClosedReview,
  InvalidPrecedentCursor,
  PrecedentSearcher,
  searchPrecedents,
  similarForArticle,
  similarForArticles,
  type PrecedentStore,
} from '../features/exchange/precedents';
import { connectMongo } from '../bin/connections';
import { createModels, ensureIndexes, versionId, type ReviewDoc } from '../store/models';
import { createPrecedentModels, type PrecedentReviewDoc } from '../store/precedents';
import { generateReviews, storeDocs, type SeedReview } from './fixtures/precedents/corpus';

let mongo: Connection;
let models: PrecedentStore;
/** About 80 closed reviews: more than one block of the sequence (63 numbers, then 64 each). */
const seeds = generateReviews(11, 300);
const docs = seeds.map(storeDocs);

/** A closed review of Tianjin's draft, with one comment whose words nothing else uses. */
const marked: SeedReview = {
  ...seeds[0],
  reviewId: 'review:marked:1',
  documentId: 'marked',
  originRegion: 'tianjin',
  title: '天津市通武廊定制公交运营补贴办法',
  status: 'withdrawn',
  conclusion: undefined,
  opinionNumber: undefined,
  articles: [{ number: '3', text: '对开通通武廊定制公交专线的运营企业给予补贴。' }],
  comments: [
    {
      ...seeds[0].comments[0],
      id: 'marked-c1',
      article: '3',
      text: '通武廊定制公交专线涉及三地，建议与北京市、河北省交通运输部门协商。',
      region: 'hebei',
      topics: ['transport_integration'],
    },
  ],
};

async function store(seed: SeedReview, status?: ReviewDoc['status']): Promise<void> {
  const { review, version, comments } = storeDocs(seed);
  await models.Review.collection.insertOne({ ...review, ...(status && { status, stage: 'origin_review' }) } as never);
  await models.Version.collection.insertOne(version as never);
  await models.Comment.collection.insertMany(comments as never[]);
}

beforeAll(async () => {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run through jest');
  mongo = await connectMongo(`${base}/p_${randomUUID().slice(0, 8)}`);
  const core = createModels(mongo);
  models = { ...core, ...createPrecedentModels(mongo) };
  await ensureIndexes(core);
  await models.Precedent.createIndexes();
  await models.Review.collection.insertMany(docs.map((d) => d.review) as never[]);
  await models.Version.collection.insertMany(docs.map((d) => d.version) as never[]);
  await models.Comment.collection.insertMany(docs.flatMap((d) => d.comments) as never[]);
});
afterAll(async () => {
  await mongo?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

const numbers = async () =>
  (await models.Precedent.find({}, { seq: 1 }).lean<PrecedentReviewDoc[]>()).map((d) => d.seq).sort((a, b) => a - b);

describe('indexing closed reviews', () => {
  test('when a closed review is indexed again, nothing more is stored', async () => {
    const { reviewId } = seeds[0];
    expect(await indexClosedReview(models, reviewId)).toBe('indexed');
    expect(await indexClosedReview(models, reviewId)).toBe('already_indexed');
    expect(await models.Precedent.countDocuments({ _id: reviewId })).toBe(1);
  });

  test('when one review is indexed by 20 calls at once, one stores it and the others find it stored', async () => {
    const { reviewId } = seeds[1];
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => indexClosedReview(models, reviewId)));
    expect(outcomes.filter((o) => o === 'indexed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already_indexed')).toHaveLength(19);
    expect(await models.Precedent.countDocuments({ _id: reviewId })).toBe(1);
  });

  test('when 30 reviews are indexed at once, each takes its own number and the numbers have no gap', async () => {
    const batch = seeds.slice(2, 32);
    const outcomes = await Promise.all(batch.map((s) => indexClosedReview(models, s.reviewId)));
    expect(outcomes.every((o) => o === 'indexed')).toBe(true);
    const taken = await numbers();
    expect(taken).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  test('when a review is still under review it is left out, and an unknown review is not found', async () => {
    const open = {
      ...seeds[0],
      reviewId: 'review:open:1',
      documentId: 'open',
      comments: seeds[0].comments.map((c, i) => ({ ...c, id: `open-c${i}` })),
    };
    await store(open, 'in_review');
    expect(await indexClosedReview(models, open.reviewId)).toBe('not_closed');
    expect(await indexClosedReview(models, 'review:nothing:1')).toBe('not_found');
    expect(await models.Precedent.exists({ _id: open.reviewId })).toBeNull();
  });

  test('when the rest are indexed in bulk, every closed review is in the library once', async () => {
    await store(marked);
    const added = await indexAllClosedReviews(models);
    expect(added).toBe(seeds.length - 32 + 1);
    expect(await indexAllClosedReviews(models)).toBe(0);
    expect(await numbers()).toEqual(Array.from({ length: seeds.length + 1 }, (_, i) => i + 1));
    // The block it completed (numbers 1–63) was packed into one document; the next is not complete.
    expect(await models.PrecedentBlock.exists({ _id: 'block:0' })).not.toBeNull();
    expect(await models.PrecedentBlock.exists({ _id: 'block:1' })).toBeNull();
  });
});

describe('searching', () => {
  let searcher: PrecedentSearcher;
  const commentCount = () => seeds.reduce((n, s) => n + s.comments.length, 0) + marked.comments.length;

  beforeAll(async () => {
    searcher = new PrecedentSearcher(models);
    await searcher.refresh();
  });

  test('when a searcher starts, it holds every comment of every closed review', () => {
    expect(searcher.library.size).toBe(commentCount());
    expect(searcher.position).toBe(seeds.length + 1);
  });

  test('when a precedent is found, it carries the contract fields from its review, version and comment', async () => {
    const { items } = await searchPrecedents(searcher, { q: '通武廊定制公交' });
    expect(items[0]).toEqual({
      commentId: 'marked-c1',
      reviewId: marked.reviewId,
      region: 'hebei',
      originRegion: 'tianjin',
      documentTitle: marked.title,
      article: '3',
      articleText: marked.articles[0].text,
      text: marked.comments[0].text,
      severity: marked.comments[0].severity,
      ...(marked.comments[0].basis && { basis: marked.comments[0].basis }),
      ...(marked.comments[0].disposition && { disposition: marked.comments[0].disposition }),
      conclusion: 'withdrawn',
      closedAt: marked.closedAt,
      checklistItem: 'regional_consistency',
      score: expect.any(Number),
    });
  });

  test('when anyone searches, comments of all three regions come back: search knows no caller', async () => {
    const everything: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchPrecedents(searcher, { limit: 100, ...(cursor && { cursor }) });
      everything.push(...page.items.map((x) => x.region));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(everything).toHaveLength(commentCount());
    expect(new Set(everything)).toEqual(new Set(['beijing', 'tianjin', 'hebei']));
  });

  test('when filtered, every hit meets each filter, and the filters together find what the data says', async () => {
    const all = docs.flatMap((d) => d.comments.map((c) => ({ c, review: d.review })));
    const expected = all
      .filter(
        ({ c, review }) =>
          c.author.region === 'tianjin' &&
          c.severity === 'amend' &&
          Date.parse(review.closedAt!) >= Date.parse('2024-01-01T00:00:00+08:00'),
      )
      .map(({ c }) => c._id)
      .sort();
    const page = await searchPrecedents(searcher, {
      region: 'tianjin',
      severity: 'amend',
      from: '2024-01-01',
      limit: 100,
    });
    expect(page.items.map((x) => x.commentId).sort()).toEqual(expected);
    const withText = await searchPrecedents(searcher, { q: '补贴', conclusion: 'legal_after_revision', limit: 100 });
    expect(withText.items.length).toBeGreaterThan(0);
    for (const item of withText.items) {
      expect(item.conclusion).toBe('legal_after_revision');
      expect(item.text + (item.basis ?? '') + (item.articleText ?? '') + item.documentTitle).toMatch(/补|贴/);
    }
  });

  test('when pages are read with their cursors, they are the one ranking, each hit once', async () => {
    const allPages = async (limit: number) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchPrecedents(searcher, { q: '补贴 本地企业', limit, ...(cursor && { cursor }) });
        ids.push(...page.items.map((x) => x.commentId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const [small, large] = [await allPages(7), await allPages(100)];
    expect(large.length).toBeGreaterThan(100);
    expect(small).toEqual(large);
    expect(new Set(small).size).toBe(small.length);
  });

  test('when a cursor was not handed out by the library, or the query has unknown or $ keys, it is refused', async () => {
    await expect(searchPrecedents(searcher, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(
      InvalidPrecedentCursor,
    );
    await expect(searchPrecedents(searcher, { q: 'x', sort: 'date' } as never)).rejects.toThrow();
    await expect(searchPrecedents(searcher, { $where: '1' } as never)).rejects.toThrow();
    await expect(searchPrecedents(searcher, { limit: 101 })).rejects.toThrow();
  });

  test('when a review closes after the searcher loaded, the next search finds its comments', async () => {
    const late: SeedReview = {
      ...marked,
      reviewId: 'review:late:1',
      documentId: 'late',
      status: 'approved',
      conclusion: 'legal_after_revision',
      comments: [{ ...marked.comments[0], id: 'late-c1', text: '雄安新区承接疏解项目的租金减免期限应当明确。' }],
    };
    await store(late);
    expect(await indexClosedReview(models, late.reviewId)).toBe('indexed');
    const { items } = await searchPrecedents(searcher, { q: '雄安 租金减免' });
    expect(items[0].commentId).toBe('late-c1');
    expect(searcher.position).toBe(seeds.length + 2);
  });

  test('when another process starts a searcher, from packed blocks or review by review, it answers the same', async () => {
    const queries = [{ q: '指定供应商' }, { q: '补贴', region: 'hebei' as const }, { severity: 'blocking' as const }];
    const answers = async (s: PrecedentSearcher) =>
      Promise.all(queries.map(async (q) => (await searchPrecedents(s, { ...q, limit: 100 })).items));
    const mine = await answers(searcher);
    expect(await answers(new PrecedentSearcher(models))).toEqual(mine); // block 0 read packed
    await models.PrecedentBlock.deleteMany({});
    expect(await answers(new PrecedentSearcher(models))).toEqual(mine); // read review by review, and packed again
    expect(await models.PrecedentBlock.exists({ _id: 'block:0' })).not.toBeNull();
  });

  test('when an article resembles past ones, the panel shows the comments made on them, five at most', async () => {
    const hits = await similarForArticle(searcher, '对开通通武廊定制公交专线的客运企业给予运营补贴。');
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits.map((h) => h.commentId)).toContain('marked-c1');
    const panel = await similarForArticles(searcher, [
      { number: '1', text: '对开通通武廊定制公交专线的客运企业给予运营补贴。' },
      { number: '2', text: '本办法自印发之日起施行。' },
    ]);
    expect(panel.map((p) => p.article)).toEqual(['1', '2']);
    expect(panel[0].precedents.map((h) => h.commentId)).toEqual(hits.map((h) => h.commentId));
  });

  test('when stored words were made by an older analyser, the searcher analyses the text again', async () => {
    const { review, version, comments } = storeDocs({
      ...marked,
      reviewId: 'review:old:1',
      documentId: 'old',
      comments: [{ ...marked.comments[0], id: 'old-c1', text: '失信联合惩戒备忘录的适用范围应当限缩。' }],
    });
    expect(version._id).toBe(versionId('old', 1));
    const payload = JSON.stringify(
      comments.map((c) => ({
        commentId: c._id,
        region: c.author.region,
        text: c.text,
        severity: c.severity,
        checklistItem: 'content',
        words: '',
        contextWords: '',
      })),
    );
    await models.Precedent.create({
      _id: review._id,
      seq: seeds.length + 3,
      block: Math.floor((seeds.length + 3) / 64),
      analyser: 0,
      documentId: review.documentId,
      originRegion: review.originRegion,
      documentTitle: version.title,
      conclusion: 'withdrawn',
      closedAt: review.closedAt,
      indexedAt: new Date(),
      comments: 1,
      payload,
    });
    const { items } = await searchPrecedents(searcher, { q: '备忘录' });
    expect(items.map((x) => x.commentId)).toEqual(['old-c1']);
  });
});
