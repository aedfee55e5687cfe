/**
 * What the after-review suites share: a cast with the three regions' review bodies and a Beijing
 * drafting office, and a document driven through its review to `approved` over the API.
 */
import { allPass, castOf, type Claims, type Harness } from '../harness';

export const ORG = '北京市交通委员会';
export const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  otherDrafter: { sub: 'bj-drafter-2', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;

export type Cast = ReturnType<typeof castOf<typeof people>>;

export function afterReviewCast(h: () => Harness): Cast {
  return castOf(h, people);
}

export const draft = (title = '北京市城市道路停车管理办法') => ({
  title,
  articles: [
    { number: '1', text: '为规范城市道路停车秩序，制定本办法。' },
    { number: '2', text: '本办法自公布之日起施行。' },
  ],
  legalBasis: ['《中华人民共和国道路交通安全法》'],
  materials: { draftingExplanation: '起草说明' },
});

/** Creates a draft and drives its review to `approved` (every step concurs); returns the document id. */
export async function approvedDocument(cast: Cast, title?: string): Promise<{ documentId: string; reviewId: string }> {
  const { post, decide, accept } = cast;
  const documentId = (await post('drafter', '/v1/documents', draft(title)).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('bjReviewer', reviewId);
  await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('hbReviewer', reviewId, 'consultation', { decision: 'concur' });
  const signed = await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
  expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });
  return { documentId, reviewId };
}

let numbers = 0;
/** A document number no other test has used. */
export function nextNumber(): string {
  numbers += 1;
  return `京交规〔2027〕${numbers}${process.pid % 1000}号`;
}

export const issuanceBody = (overrides: object = {}) => ({
  documentNumber: nextNumber(),
  issuedOn: '2027-03-01',
  publishedOn: '2027-03-02',
  publishedIn: '北京市人民政府公报2027年第5期',
  ...overrides,
});

export const filingReport = {
  report: {
    basis: '《中华人民共和国道路交通安全法》第三十三条',
    purpose: '规范城市道路停车秩序',
    mainContent: '共二条：目的与施行日期',
    review: '经北京市司法局合法性审核，结论为合法',
  },
};
