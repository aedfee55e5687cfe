/**
 * End-to-end journeys through HTTP, with everything real: the Express app, the Temporal server and
 * worker, and FerretDB. One journey for every path of the task table in API.md, plus the refusals
 * an outside client must see.
 */
import request from 'supertest';
import type { Region, Role } from '../domain/model';
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市交通委员会';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  strangerDrafter: { sub: 'bj-drafter-2', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, task, decide, accept } = castOf(() => h, people);

const draft = {
  title: '北京市促进京津冀交通一体化若干措施',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为推进京津冀交通一体化，制定本措施。' },
    { number: '2', text: '跨区域客运线路实行备案管理。' },
    { number: '3', text: '本措施自发布之日起施行。' },
  ],
  legalBasis: ['《中华人民共和国道路运输条例》'],
  materials: { draftingExplanation: '起草目的、必要性及主要措施', publicConsultation: '已公开征求意见30日' },
};

interface HistoryItem {
  at: string;
  type: string;
}

/** Submits the draft; the Beijing review body finds it complete and accepts it (受理). */
async function submitDraft(): Promise<{ documentId: string; reviewId: string }> {
  const created = await post('drafter', '/v1/documents', draft).expect(201);
  const documentId = created.body.id as string;
  const started = await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  expect(started.body).toMatchObject({ documentId, status: 'in_review', stage: 'intake' });
  const accepted = await accept('bjReviewer', started.body.reviewId);
  expect(accepted.review).toEqual({ status: 'in_review', stage: 'origin_review' });
  return { documentId, reviewId: started.body.reviewId };
}

async function consultBoth(reviewId: string, tianjin: object, hebei: object) {
  await decide('tjReviewer', reviewId, 'consultation', tianjin);
  return decide('hbReviewer', reviewId, 'consultation', hebei);
}

describe('journeys through the task table', () => {
  test('when every step approves, the review is signed and its opinion concludes legal', async () => {
    const { reviewId } = await submitDraft();
    const originTask = (await task('bjReviewer', reviewId, 'origin_review')).id;
    const approve = () =>
      post('bjReviewer', `/v1/tasks/${originTask}/complete`, { decision: 'approve', checklist: allPass }).set(
        'Idempotency-Key',
        'approve-1',
      );
    const approved = (await approve().expect(200)).body;
    expect(approved.review).toEqual({ status: 'in_review', stage: 'consultation' });
    expect(approved.task).toMatchObject({ kind: 'origin_review', status: 'completed', decision: 'approve' });
    // A retry with the same key (say, after a lost response) gets the same answer, not a 409.
    expect((await approve().expect(200)).body).toEqual(approved);

    const last = await consultBoth(reviewId, { decision: 'concur' }, { decision: 'concur' });
    expect(last.review.stage).toBe('signoff');
    const signed = await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
    expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });

    const review = await get('drafter', `/v1/reviews/${reviewId}`).expect(200);
    expect(review.body).toMatchObject({ status: 'approved', stage: 'closed', openTasks: [] });
    expect(review.body.consultations).toEqual({
      tianjin: expect.objectContaining({ status: 'responded', decision: 'concur' }),
      hebei: expect.objectContaining({ status: 'responded', decision: 'concur' }),
    });
    const opinion = await get('drafter', `/v1/reviews/${reviewId}/opinion`).expect(200);
    expect(opinion.body.conclusion).toBe('legal');
    const html = await get('drafter', `/v1/reviews/${reviewId}/opinion`).set('Accept', 'text/html').expect(200);
    expect(html.text).toContain('合法性审核意见书');
  });

  test('when changes are requested, the drafter revises, answers every comment and the review ends legal after revision', async () => {
    const { documentId, reviewId } = await submitDraft();
    const changes = await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'request_changes',
      comments: [
        {
          article: '2',
          text: '备案管理实为变相许可，缺乏上位法依据',
          severity: 'blocking',
          basis: '《行政许可法》第十七条',
        },
        { article: '3', text: '施行日期应预留准备期', severity: 'amend' },
        { text: '标题可更简洁', severity: 'advisory' },
      ],
    });
    expect(changes.review.stage).toBe('revision');
    const paused = await get('drafter', `/v1/reviews/${reviewId}`).expect(200);
    expect(paused.body.deadlines.clockRunning).toBe(false);

    const comments = (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body.items as {
      id: string;
      severity: string;
    }[];
    expect(comments).toHaveLength(3);
    const [blocking, amend] = ['blocking', 'amend'].map((s) => comments.find((c) => c.severity === s)!);

    // Resubmitting before a new version exists, or without answering every comment, is refused.
    await decide('drafter', reviewId, 'revision', { decision: 'resubmit', dispositions: [] }, 400);
    await post('drafter', `/v1/documents/${documentId}/versions`, {
      ...draft,
      articles: [
        draft.articles[0],
        { number: '2', text: '跨区域客运线路实行信息报送。' },
        { number: '3', text: '本措施自2027年1月1日起施行。' },
      ],
    }).expect(201);
    await decide(
      'drafter',
      reviewId,
      'revision',
      { decision: 'resubmit', dispositions: [{ commentId: blocking.id, status: 'adopted' }] },
      400,
    );
    const resubmitted = await decide('drafter', reviewId, 'revision', {
      decision: 'resubmit',
      dispositions: [
        { commentId: blocking.id, status: 'adopted' },
        { commentId: amend.id, status: 'partly_adopted', reason: '预留三个月准备期' },
      ],
    });
    expect(resubmitted.review).toEqual({ status: 'in_review', stage: 'origin_review' });

    const running = await get('drafter', `/v1/reviews/${reviewId}`).expect(200);
    expect(running.body).toMatchObject({ version: 2, deadlines: { clockRunning: true } });
    await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
    await consultBoth(reviewId, { decision: 'concur' }, { decision: 'concur' });
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });

    const opinion = await get('drafter', `/v1/reviews/${reviewId}/opinion`).expect(200);
    expect(opinion.body.conclusion).toBe('legal_after_revision');
    // The opinion records when the clock stood still for the revision.
    const history = (await get('drafter', `/v1/reviews/${reviewId}`).expect(200)).body.history as HistoryItem[];
    expect(opinion.body.dates.clockStops).toEqual([
      {
        stoppedAt: history.find((e) => e.type === 'clock_stopped')?.at,
        resumedAt: history.find((e) => e.type === 'clock_resumed')?.at,
      },
    ]);
    const answered = (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body.items as {
      id: string;
      disposition?: { status: string };
    }[];
    expect(answered.find((c) => c.id === amend.id)?.disposition?.status).toBe('partly_adopted');
  });

  test('when the origin reviewer rejects, the review closes rejected and the opinion concludes illegal', async () => {
    const { reviewId } = await submitDraft();
    const checklist = allPass.map((c) =>
      c.item === 'competence' ? { item: c.item, result: 'fail', note: '第二条增设行政许可' } : c,
    );
    const rejected = await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'reject',
      checklist,
      opinion: '超越法定权限，不得发布',
    });
    expect(rejected.review).toEqual({ status: 'rejected', stage: 'closed' });
    const opinion = await get('supervisor', `/v1/reviews/${reviewId}/opinion`).expect(200);
    expect(opinion.body.conclusion).toBe('illegal');
  });

  test('when a consulted region objects, the origin reviewer consolidates and sends the draft back for revision', async () => {
    const { reviewId } = await submitDraft();
    await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
    const last = await consultBoth(
      reviewId,
      { decision: 'object', opinion: '与天津市同类规定不一致' },
      { decision: 'concur_with_comments', comments: [{ article: '1', text: '建议写明协同机制' }] },
    );
    expect(last.review.stage).toBe('consolidation');
    const review = await get('bjReviewer', `/v1/reviews/${reviewId}`).expect(200);
    expect(review.body.consultations.tianjin).toMatchObject({ status: 'responded', decision: 'object' });
    const back = await decide('bjReviewer', reviewId, 'consolidation', {
      decision: 'request_changes',
      comments: [{ article: '2', text: '按天津意见统一表述', severity: 'amend' }],
    });
    expect(back.review).toEqual({ status: 'in_review', stage: 'revision' });
  });

  test('when the signer returns the case, it goes back to origin review', async () => {
    const { reviewId } = await submitDraft();
    await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
    await consultBoth(reviewId, { decision: 'concur' }, { decision: 'concur' });
    const returned = await decide('bjSigner', reviewId, 'signoff', {
      decision: 'return',
      opinion: '请补充公平竞争审查结论',
    });
    expect(returned.review).toEqual({ status: 'in_review', stage: 'origin_review' });
    await task('bjReviewer', reviewId, 'origin_review');
  });

  test('when the drafter withdraws, the review is withdrawn and its open tasks are cancelled', async () => {
    const { documentId, reviewId } = await submitDraft();
    await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
    const consultation = (await task('tjReviewer', reviewId, 'consultation')).id;
    const withdrawn = await post('drafter', `/v1/reviews/${reviewId}/withdraw`).expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    const cancelled = await get('tjReviewer', `/v1/tasks/${consultation}`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await post('tjReviewer', `/v1/tasks/${consultation}/complete`, { decision: 'concur' }).expect(409);
    await get('drafter', `/v1/reviews/${reviewId}/opinion`).expect(409);
    // The document is free for a new review.
    await eventually(
      async () =>
        (await get('drafter', `/v1/documents/${documentId}`)).body.status === 'withdrawn' ? true : undefined,
      'the document to be released',
    );
    await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  });
});

describe('refusals', () => {
  let reviewId: string;
  let documentId: string;
  let originTask: string;
  beforeAll(async () => {
    ({ reviewId, documentId } = await submitDraft());
    originTask = (await task('bjReviewer', reviewId, 'origin_review')).id;
  });

  const who = (sub: string, region: Region, roles: Role[], org?: string) => ({
    Authorization: `Bearer ${h.token({ sub, region, roles, org })}`,
  });

  test('when a reviewer of another region or a signer acts on the origin review, it is refused', async () => {
    await request(h.app)
      .post(`/v1/tasks/${originTask}/complete`)
      .set(who('x', 'tianjin', ['reviewer']))
      .send({ decision: 'approve', checklist: allPass })
      .expect(404);
    await request(h.app)
      .post(`/v1/tasks/${originTask}/complete`)
      .set(who('y', 'beijing', ['signer']))
      .send({ decision: 'approve', checklist: allPass })
      .expect(404);
    await post('supervisor', `/v1/tasks/${originTask}/complete`, { decision: 'approve', checklist: allPass }).expect(
      403,
    );
  });

  test('when a drafter of another organisation reads or withdraws the review, it does not exist for them', async () => {
    await get('strangerDrafter', `/v1/documents/${documentId}`).expect(404);
    await get('strangerDrafter', `/v1/reviews/${reviewId}`).expect(404);
    await post('strangerDrafter', `/v1/reviews/${reviewId}/withdraw`).expect(404);
  });

  test('when a decision does not fit the task or misses checklist items, it is 400 with the failing fields', async () => {
    const wrong = await post('bjReviewer', `/v1/tasks/${originTask}/complete`, { decision: 'sign' }).expect(400);
    expect(wrong.body.error.code).toBe('validation_failed');
    const missing = await post('bjReviewer', `/v1/tasks/${originTask}/complete`, {
      decision: 'approve',
      checklist: allPass.slice(1),
    }).expect(400);
    // The missing item (authority) is named in Chinese beside the checklist field.
    expect(missing.body.error.details).toContainEqual({
      path: 'checklist',
      message: expect.stringContaining('制定主体'),
    });
  });

  test('when the body has unknown fields or $-keys, or is too large, it is refused before anything is recorded', async () => {
    const unknown = await post('bjReviewer', `/v1/tasks/${originTask}/complete`, {
      decision: 'approve',
      checklist: allPass,
      extra: 1,
    }).expect(400);
    expect(unknown.body.error.code).toBe('validation_failed');
    await post('drafter', '/v1/documents', { ...draft, materials: { ...draft.materials, $where: '1' } }).expect(400);
    await post('drafter', '/v1/documents', { ...draft, materials: { ...draft.materials, 'a.b': 1 } }).expect(400);
    const huge = await post('drafter', '/v1/documents', { ...draft, summary: 'x'.repeat(2 * 1024 * 1024) }).expect(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const state = await get('bjReviewer', `/v1/reviews/${reviewId}`).expect(200);
    expect(state.body.stage).toBe('origin_review');
  });

  test('when a task is no longer open, completing it again is 409', async () => {
    await post('bjReviewer', `/v1/tasks/${originTask}/complete`, { decision: 'approve', checklist: allPass }).expect(
      200,
    );
    const again = await post('bjReviewer', `/v1/tasks/${originTask}/complete`, {
      decision: 'approve',
      checklist: allPass,
    }).expect(409);
    expect(again.body.error.code).toBe('conflict');
  });

  test('when a second review is started while one is active, it is 409', async () => {
    await post('drafter', `/v1/documents/${documentId}/reviews`).expect(409);
  });

  test('when a submission crashed between claiming the document and starting its workflow, a later one goes through', async () => {
    const created = await post('drafter', '/v1/documents', draft).expect(201);
    const id = created.body.id as string;
    // What a crash right after the claim leaves behind: a claim with no workflow.
    const claim = (ageMs: number) =>
      h.models.ReviewClaim.updateOne(
        { _id: id },
        { $set: { reviewId: `review:${id}:1`, claimedAt: new Date(Date.now() - ageMs) } },
        { upsert: true },
      );
    await claim(1000);
    await post('drafter', `/v1/documents/${id}/reviews`).expect(409); // it may still be starting
    await claim(60_000);
    const started = await post('drafter', `/v1/documents/${id}/reviews`).expect(202);
    expect(started.body.reviewId).toBe(`review:${id}:1`);
  });

  test('when the token is missing, expired or signed with another secret, it is 401', async () => {
    await request(h.app).get('/v1/tasks').expect(401);
    await request(h.app)
      .get('/v1/tasks')
      .set('Authorization', `Bearer ${h.token(people.bjReviewer, { expiresIn: -10 })}`)
      .expect(401);
    const forged = await request(h.app)
      .get('/v1/tasks')
      .set('Authorization', `Bearer ${h.token(people.bjReviewer, { secret: 'another-secret-of-at-least-32-bytes!!' })}`)
      .expect(401);
    expect(forged.body.error.code).toBe('unauthenticated');
  });
});
