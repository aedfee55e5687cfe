/**
 * The draft opinion (待签发稿), through HTTP on the real servers: at sign-off the origin review body
 * reads the opinion the record renderer would freeze were the review signed now, and once signed
 * the opinion as issued says the same (its number and the instant of signing aside) on the same
 * page. A consulted region, the drafter and another drafting unit are refused; a closed review has
 * no draft.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { opinionHtml } from '../records/pages';
import type { Opinion } from '../domain/written-record';
import { allPass, castOf, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const people = {
  drafter: { sub: 'od-drafter', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会', name: '张三' },
  otherOrg: { sub: 'od-edu', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  bjReviewer: { sub: 'od-bj-reviewer', region: 'beijing', roles: ['reviewer'], name: '李审' },
  bjSigner: { sub: 'od-bj-signer', region: 'beijing', roles: ['signer'], name: '王签' },
  tjReviewer: { sub: 'od-tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  tjSigner: { sub: 'od-tj-signer', region: 'tianjin', roles: ['signer'] },
  hbReviewer: { sub: 'od-hb-reviewer', region: 'hebei', roles: ['reviewer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { auth, get, post, task, decide, accept } = castOf(() => h, people);
const enc = encodeURIComponent;
const asPage = (who: Person, path: string) => request(h.app).get(path).set(auth(who)).set('Accept', 'text/html');

/** A Beijing review taken to an open sign-off: one comment, both regions heard, consolidated. */
async function atSignoff(): Promise<string> {
  const documentId = (
    await post('drafter', '/v1/documents', {
      title: '北京市网络预约出租汽车经营服务管理细则',
      articles: [
        { number: '1', text: '为规范网络预约出租汽车经营服务，制定本细则。' },
        { number: '2', text: '从事网约车经营的平台应当取得经营许可。' },
      ],
      legalBasis: ['《网络预约出租汽车经营服务管理暂行办法》'],
      materials: { draftingExplanation: '起草目的、必要性及主要内容' },
    }).expect(201)
  ).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('bjReviewer', reviewId);
  await decide('bjReviewer', reviewId, 'origin_review', {
    decision: 'approve',
    checklist: allPass,
    comments: [{ article: '2', text: '经营许可的实施机关应当明确', severity: 'advisory' }],
  });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('hbReviewer', reviewId, 'consultation', {
    decision: 'concur_with_comments',
    comments: [{ article: '2', text: '建议明确许可机关', severity: 'advisory' }],
  });
  await decide('bjReviewer', reviewId, 'consolidation', { decision: 'proceed', opinion: '河北意见已转起草单位参考' });
  return reviewId;
}

test('the signer reads the opinion that signing freezes, before signing', async () => {
  const reviewId = await atSignoff();
  await task('bjSigner', reviewId, 'signoff');
  const path = `/v1/reviews/${enc(reviewId)}/opinion/draft`;
  const draft = (await get('bjSigner', path).expect(200)).body as Opinion & { sha256: string };
  const page = await asPage('bjSigner', path)
    .expect(200)
    .expect('Content-Type', /text\/html/);
  // The page is the record renderer's, of the JSON answered, and the hash is the page's.
  expect(page.text).toBe(opinionHtml(stripHash(draft)));
  expect(draft.sha256).toBe(createHash('sha256').update(page.text, 'utf8').digest('hex'));
  expect(draft).toMatchObject({ status: 'approved', conclusion: 'legal', signer: { sub: 'od-bj-signer' } });
  expect(draft.number).toBeUndefined();
  expect(draft.consolidation?.opinion).toBe('河北意见已转起草单位参考');
  expect(draft.comments.map((c) => c.text)).toEqual(['经营许可的实施机关应当明确', '建议明确许可机关']);
  // Reading it changes nothing: no record is frozen, the review is still under way.
  expect(await h.models.Record.countDocuments({ reviewId })).toBe(0);

  await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
  const issued = (await get('bjSigner', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body as Opinion & {
    sha256: string;
  };
  // The issued opinion is the draft with its number and the instant it was signed.
  expect(issued.number).toMatch(/^京司审/);
  const signedAs = {
    ...stripHash(draft),
    number: issued.number,
    decidedAt: issued.decidedAt,
    dates: { ...draft.dates, closedAt: issued.dates.closedAt },
  };
  expect(stripHash(issued)).toEqual(signedAs);
  const issuedPage = await asPage('bjSigner', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200);
  expect(issuedPage.text).toBe(opinionHtml(signedAs as Opinion));
  // A closed review has no draft: its opinion as issued is the one to read.
  expect((await get('bjSigner', path).expect(409)).body.error.code).toBe('conflict');
});

test('a consulted region, the drafter and another drafting unit are refused the draft opinion', async () => {
  const reviewId = await atSignoff();
  const path = `/v1/reviews/${enc(reviewId)}/opinion/draft`;
  await get('bjReviewer', path).expect(200);
  for (const who of ['tjReviewer', 'tjSigner', 'drafter'] as const) {
    const refused = await get(who, path).expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(JSON.stringify(refused.body)).not.toContain('经营许可');
  }
  await get('otherOrg', path).expect(404);
  await asPage('tjReviewer', path).expect(403);
});

function stripHash<T extends { sha256: string }>(answer: T): Omit<T, 'sha256'> {
  const { sha256: _hash, ...rest } = answer;
  return rest;
}
