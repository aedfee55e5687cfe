/**
 * No review text in Temporal: a canary put in every free-text field of whole reviews (comments and
 * their legal basis, checklist notes, disposition reasons, consultation comments, objection,
 * consolidation, return and signing opinions, the withdrawal reason, people's names and the
 * drafting organisation) never appears in plaintext in any event of their workflow histories,
 * while the store and, through the codec endpoint, an operator with the key do see it.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { temporal } from '@temporalio/proto';
import { codecEndpoint } from '../api/codec-endpoint';
import { errorMiddleware } from '../api/errors';
import { CHECK_ITEMS } from '../domain/model';
import { payloadKeysOf } from '../platform/config';
import { EncryptionCodec } from '../platform/payload-codec';
import { castOf, startHarness, type Claims, type Harness } from './harness';

const CANARY = 'CANARY-金丝雀-7c1e';
const ORG = `${CANARY}交通运输局`;
const people: Record<string, Claims> = {
  drafter: { sub: 'c-d', name: `${CANARY}起草人`, region: 'hebei', roles: ['drafter'], org: ORG },
  hbReviewer: { sub: 'c-hb', name: `${CANARY}审核人`, region: 'hebei', roles: ['reviewer'] },
  bjReviewer: { sub: 'c-bj', name: `${CANARY}北京`, region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'c-tj', name: `${CANARY}天津`, region: 'tianjin', roles: ['reviewer'] },
  hbSigner: { sub: 'c-s', name: `${CANARY}负责人`, region: 'hebei', roles: ['signer'] },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
const { post, decide, accept } = castOf(() => h, people);

const draft = (n: number) => ({
  title: `${CANARY}关于港口集疏运的若干规定（第${n}稿）`,
  articles: [
    { number: '1', text: `${CANARY}第一条` },
    { number: '2', text: `${CANARY}第二条` },
  ],
  legalBasis: [`${CANARY}《港口法》`],
  materials: { draftingExplanation: `${CANARY}起草说明` },
});

const checklist = CHECK_ITEMS.map((item) =>
  item === 'fair_competition'
    ? { item, result: 'not_applicable', note: `${CANARY}不涉及经营者` }
    : { item, result: 'pass' },
);
const comment = (severity: string) => ({ article: '2', text: `${CANARY}意见`, severity, basis: `${CANARY}依据` });

async function reviewWithEveryField(): Promise<string> {
  const documentId = (await post('drafter', '/v1/documents', draft(1)).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await decide('hbReviewer', reviewId, 'intake', {
    decision: 'request_materials',
    missing: ['consultationRecord'],
    opinion: `${CANARY}补正`,
  });
  await decide('drafter', reviewId, 'supplement', {
    decision: 'supplement',
    materials: { consultationRecord: `${CANARY}征求意见情况` },
  });
  await accept('hbReviewer', reviewId);
  await post('hbReviewer', `/v1/reviews/${encodeURIComponent(reviewId)}/extensions`, {
    workingDays: 5,
    reason: `${CANARY}延期`,
  }).expect(202);
  await decide('hbSigner', reviewId, 'extension', { decision: 'refuse', opinion: `${CANARY}不予延期` });
  await decide('hbReviewer', reviewId, 'origin_review', {
    decision: 'request_changes',
    comments: [comment('amend')],
    checklist,
  });
  await post('drafter', `/v1/documents/${documentId}/versions`, draft(2)).expect(201);
  const [amend] = await h.models.Comment.find({ reviewId }).lean();
  await decide('drafter', reviewId, 'revision', {
    decision: 'resubmit',
    dispositions: [{ commentId: amend._id, status: 'not_adopted', reason: `${CANARY}理由` }],
  });
  await decide('hbReviewer', reviewId, 'origin_review', { decision: 'approve', checklist });
  await decide('bjReviewer', reviewId, 'consultation', {
    decision: 'concur_with_comments',
    comments: [comment('advisory')],
  });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'object', opinion: `${CANARY}异议` });
  await decide('hbReviewer', reviewId, 'consolidation', { decision: 'proceed', opinion: `${CANARY}汇总` });
  await decide('hbSigner', reviewId, 'signoff', { decision: 'return', opinion: `${CANARY}退回` });
  await decide('hbReviewer', reviewId, 'origin_review', { decision: 'approve', checklist });
  await decide('bjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('hbSigner', reviewId, 'signoff', { decision: 'sign', opinion: `${CANARY}签发` });
  return reviewId;
}

async function withdrawnReview(): Promise<string> {
  const documentId = (await post('drafter', '/v1/documents', draft(1)).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await post('drafter', `/v1/reviews/${encodeURIComponent(reviewId)}/withdraw`, {
    reason: `${CANARY}撤回`,
  }).expect(200);
  return reviewId;
}

test('when every free-text field carries a canary, no event of the workflow histories holds it in plaintext', async () => {
  const reviewIds = [await reviewWithEveryField(), await withdrawnReview()];
  const canary = Buffer.from(CANARY, 'utf8');
  for (const reviewId of reviewIds) {
    const history = await h.client.workflow.getHandle(reviewId).fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    for (const event of history.events ?? []) {
      const bytes = Buffer.from(temporal.api.history.v1.HistoryEvent.encode(event).finish());
      expect({ event: event.eventType, leaks: bytes.includes(canary) }).toEqual({
        event: event.eventType,
        leaks: false,
      });
    }
  }
  // The canary did travel: the store holds it where the review needs it.
  expect(await h.models.Comment.countDocuments({ text: `${CANARY}意见` })).toBe(2);
  const events = await h.models.Event.find({ reviewId: reviewIds[1] }).lean();
  expect(JSON.stringify(events)).toContain(`${CANARY}撤回`);
});

test('when a caller on this machine without the codec credential asks the codec endpoint, it is 401 and the canary stays sealed; the operator with it reads the payloads in the clear', async () => {
  const reviewId = await withdrawnReview();
  const history = await h.client.workflow.getHandle(reviewId).fetchHistory();
  const accepted = history.events?.find(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'withdraw',
  );
  const payloads = accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads;
  expect(payloads?.length).toBe(1);
  const asJson = payloads!.map((p) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  }));
  const token = randomBytes(32).toString('base64url');
  const app = express()
    .use('/codec', codecEndpoint(new EncryptionCodec(payloadKeysOf(h.config)), { token, allowedOrigins: [] }))
    .use(errorMiddleware);
  // supertest calls over loopback, as any process of the machine could.
  for (const credential of [undefined, 'Bearer', `Bearer ${token.slice(1)}`, `Basic ${token}`]) {
    const refused = request(app).post('/codec/decode');
    if (credential) refused.set('Authorization', credential);
    const res = await refused.send({ payloads: asJson });
    expect({ credential, status: res.status, code: res.body.error?.code }).toEqual({
      credential,
      status: 401,
      code: 'unauthenticated',
    });
    // Nothing but the refusal: no payload, decoded or not.
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.text).not.toContain(CANARY);
  }
  const decoded = (
    await request(app)
      .post('/codec/decode')
      .set('Authorization', `Bearer ${token}`)
      .send({ payloads: asJson })
      .expect(200)
  ).body.payloads;
  expect(Buffer.from(decoded[0].data, 'base64').toString('utf8')).toContain(`${CANARY}撤回`);
  expect(Buffer.from(asJson[0].data, 'base64').includes(Buffer.from(CANARY))).toBe(false);
});
