/**
 * The precedent library through HTTP on the real servers: reviews closed through the API enter it
 * as they close (the recording activity indexes them), `GET /v1/precedents` ranks their comments
 * by Chinese words with filters and pages, and `GET /v1/tasks/:taskId/precedents` gives the past
 * comments most like an article of an open review; who may read it.
 */
import { indexClosedReview } from '../store/precedent-index';
import { allPass, castOf, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市人力资源和社会保障局';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbSigner: { sub: 'hb-signer', region: 'hebei', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'tianjin', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, task, accept, decide } = castOf(() => h, people);

interface Precedent {
  commentId: string;
  reviewId: string;
  region: string;
  text: string;
  severity: string;
  conclusion: string;
  article?: string;
  articleText?: string;
  opinionNumber?: string;
  score: number;
}

/** A draft submitted and accepted; its document, review and origin-review task. */
async function reviewInOriginReview(title: string, articles: { number: string; text: string }[]) {
  const doc = await post('drafter', '/v1/documents', {
    title,
    articles,
    legalBasis: ['《中华人民共和国就业促进法》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const reviewId = (await post('drafter', `/v1/documents/${doc.body.id}/reviews`).expect(202)).body.reviewId as string;
  await accept('bjReviewer', reviewId);
  return { documentId: doc.body.id as string, reviewId, origin: await task('bjReviewer', reviewId, 'origin_review') };
}

async function rejectWith(title: string, articles: { number: string; text: string }[], comments: object[]) {
  const { reviewId, origin } = await reviewInOriginReview(title, articles);
  const checklist = allPass.map((c) =>
    c.item === 'fair_competition' ? { ...c, result: 'fail', note: '地域限制' } : c,
  );
  const done = await post('bjReviewer', `/v1/tasks/${origin.id}/complete`, {
    decision: 'reject',
    checklist,
    opinion: '存在排除、限制竞争的内容，不合法。',
    comments,
  }).expect(200);
  expect(done.body.review.status).toBe('rejected');
  return reviewId;
}

let subsidyReview: string;
let licenceReview: string;

beforeAll(async () => {
  subsidyReview = await rejectWith(
    '北京市稳岗补贴办法',
    [
      { number: '1', text: '为稳定就业，制定本办法。' },
      { number: '2', text: '在本市连续缴纳社会保险满三年的企业，可以申请稳岗补贴。' },
    ],
    [
      {
        article: '2',
        text: '以在本市缴纳社会保险年限作为享受补贴的条件，构成对外地经营者的差别待遇，应予删除。',
        severity: 'blocking',
        basis: '《公平竞争审查条例》第九条',
      },
      { text: '建议完善办法的施行日期表述。', severity: 'advisory' },
    ],
  );
  licenceReview = await rejectWith(
    '北京市职业介绍机构管理办法',
    [
      { number: '1', text: '为规范职业介绍活动，制定本办法。' },
      { number: '3', text: '设立职业介绍机构，应当经区人力资源部门备案审批。' },
    ],
    [
      {
        article: '3',
        text: '以备案审批之名增设行政许可，违反行政许可法。',
        severity: 'blocking',
        basis: '《行政许可法》第十七条',
      },
    ],
  );
}, 120_000);

test('closed reviews are searchable at once: words rank first, with filters and pages', async () => {
  const found = (await get('tjReviewer', `/v1/precedents?q=${encodeURIComponent('社会保险 补贴 条件')}`).expect(200))
    .body;
  const first = found.items[0] as Precedent;
  expect(first).toMatchObject({
    reviewId: subsidyReview,
    region: 'beijing',
    article: '2',
    articleText: '在本市连续缴纳社会保险满三年的企业，可以申请稳岗补贴。',
    severity: 'blocking',
    conclusion: 'illegal',
    opinionNumber: expect.any(String),
  });
  expect(found.items.every((p: Precedent) => p.reviewId !== licenceReview)).toBe(true);

  const licence = (await get('hbSigner', `/v1/precedents?q=${encodeURIComponent('增设行政许可')}`).expect(200)).body
    .items;
  expect(licence[0]).toMatchObject({ reviewId: licenceReview, article: '3' });

  const advisory = (await get('supervisor', '/v1/precedents?severity=advisory').expect(200)).body.items as Precedent[];
  expect(advisory.map((p) => p.text)).toEqual(['建议完善办法的施行日期表述。']);
  expect((await get('supervisor', '/v1/precedents?region=hebei').expect(200)).body.items).toEqual([]);

  const page1 = (await get('bjReviewer', '/v1/precedents?limit=2').expect(200)).body;
  expect(page1.items).toHaveLength(2);
  const page2 = (await get('bjReviewer', `/v1/precedents?limit=2&cursor=${page1.nextCursor}`).expect(200)).body;
  expect(page2.nextCursor).toBeNull();
  const ids = [...page1.items, ...page2.items].map((p: Precedent) => p.commentId);
  expect(new Set(ids).size).toBe(3);

  await get('bjReviewer', '/v1/precedents?limit=101').expect(400);
  await get('bjReviewer', '/v1/precedents?cursor=bm90LWEtY3Vyc29y').expect(400);
  await get('bjReviewer', '/v1/precedents?severity=fatal').expect(400);
  await get('bjReviewer', '/v1/precedents?q=x&$where=1').expect(400);
});

test("a task's precedents panel: the past comments most like the article under review", async () => {
  const { origin } = await reviewInOriginReview('北京市高校毕业生就业补贴办法', [
    { number: '1', text: '为促进高校毕业生就业，制定本办法。' },
    { number: '4', text: '吸纳本市户籍毕业生并缴纳社会保险满一年的企业，给予就业补贴。' },
  ]);
  const panel = (await get('bjReviewer', `/v1/tasks/${origin.id}/precedents?article=4`).expect(200)).body;
  expect(panel.article).toBe('4');
  expect(panel.items.length).toBeGreaterThan(0);
  expect(panel.items.length).toBeLessThanOrEqual(5);
  expect(panel.items[0]).toMatchObject({ reviewId: subsidyReview, article: '2' });
  await get('bjReviewer', `/v1/tasks/${origin.id}/precedents?article=99`).expect(400);
  await get('bjReviewer', `/v1/tasks/${origin.id}/precedents`).expect(400);
  // Another region's reviewer does not see this task; the supervisor does.
  await get('tjReviewer', `/v1/tasks/${origin.id}/precedents?article=4`).expect(404);
  await get('supervisor', `/v1/tasks/${origin.id}/precedents?article=4`).expect(200);
});

test('a drafter reads no precedents', async () => {
  await get('drafter', '/v1/precedents?q=补贴').expect(403);
  const { origin } = await reviewInOriginReview('北京市某办法', [{ number: '1', text: '本办法自发布之日起施行。' }]);
  await get('drafter', `/v1/tasks/${origin.id}/precedents?article=1`).expect(403);
});

test("a review that closes after a revision enters the library as its stored review would: each comment with its own version's article", async () => {
  const v1 = [
    { number: '1', text: '为规范人力资源服务，制定本办法。' },
    { number: '2', text: '外地人力资源服务机构在本市设立分支机构，须另行取得许可。' },
  ];
  const { documentId, reviewId, origin } = await reviewInOriginReview('北京市人力资源服务机构管理办法', v1);
  await post('bjReviewer', `/v1/tasks/${origin.id}/complete`, {
    decision: 'request_changes',
    comments: [{ article: '2', text: '对外地机构另设许可，构成差别待遇。', severity: 'blocking' }],
  }).expect(200);
  const [asked] = (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body.items as {
    id: string;
  }[];
  const v2 = [v1[0], { number: '2', text: '外地人力资源服务机构在本市设立分支机构，应当备案。' }];
  await post('drafter', `/v1/documents/${documentId}/versions`, {
    title: '北京市人力资源服务机构管理办法',
    articles: v2,
    legalBasis: ['《中华人民共和国就业促进法》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  await decide('drafter', reviewId, 'revision', {
    decision: 'resubmit',
    dispositions: [{ commentId: asked.id, status: 'adopted' }],
  });
  await decide('bjReviewer', reviewId, 'origin_review', {
    decision: 'reject',
    checklist: allPass.map((c) => (c.item === 'fair_competition' ? { ...c, result: 'fail', note: '备案即许可' } : c)),
    opinion: '仍以备案设定准入条件，不合法。',
    comments: [{ article: '2', text: '备案不得作为设立分支机构的前置条件。', severity: 'blocking' }],
  });

  // Indexed as the closing was recorded, from the review as it closed.
  const asClosed = await h.models.Precedent.findById(reviewId).lean();
  expect(asClosed).not.toBeNull();
  const stored = JSON.parse(asClosed!.payload) as { articleText?: string; text: string }[];
  expect(stored.map((p) => [p.text, p.articleText]).sort()).toEqual(
    [
      ['对外地机构另设许可，构成差别待遇。', v1[1].text],
      ['备案不得作为设立分支机构的前置条件。', v2[1].text],
    ].sort(),
  );
  // Indexed again from the stored review: the same entry.
  await h.models.Precedent.deleteOne({ _id: reviewId });
  expect(await indexClosedReview(h.models, reviewId)).toBe('indexed');
  const fromStore = await h.models.Precedent.findById(reviewId).lean();
  const entry = ({ seq: _s, block: _b, indexedAt: _i, ...rest }: NonNullable<typeof fromStore>) => rest;
  expect(entry(fromStore!)).toEqual(entry(asClosed!));
});
