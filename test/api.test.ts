/**
 * The HTTP API against real servers (Temporal + worker, FerretDB): documents and versions, starting
 * and withdrawing reviews, who sees and does what, lists with cursors, notifications, statistics and
 * the opinion. Journeys through every decision live in e2e.test.ts.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { noteReviewMonth, type TaskDoc } from '../store/models';
import { countStats, statsComponents } from '../store/stats-counters';
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
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG, name: '张三' },
  colleague: { sub: 'bj-drafter-b', region: 'beijing', roles: ['drafter'], org: ORG },
  otherOrg: { sub: 'bj-edu', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  sameOrgNameTianjin: { sub: 'tj-drafter', region: 'tianjin', roles: ['drafter'], org: ORG },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post, accept } = castOf(() => h, people);
const enc = encodeURIComponent;

const draft = {
  title: '北京市促进京津冀交通一体化若干措施',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为推进京津冀交通一体化，制定本措施。' },
    { number: '2', text: '跨区域客运线路实行备案管理。' },
  ],
  legalBasis: ['《中华人民共和国道路运输条例》'],
  materials: {
    draftingExplanation: '起草目的、必要性及主要措施',
    publicConsultation: { days: 30, opinions: [{ from: '市民', text: '赞成' }] },
  },
};

async function createDocument(body: object = draft): Promise<string> {
  const res = await post('drafter', '/v1/documents', body).expect(201);
  return res.body.id as string;
}

/** Submits the document for review, and the Beijing review body accepts it (受理). */
async function startReview(documentId: string): Promise<string> {
  const res = await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  await accept('bjReviewer', res.body.reviewId);
  return res.body.reviewId as string;
}

/** Waits until the workflow has mirrored its origin-review task to MongoDB. */
async function originTask(reviewId: string): Promise<TaskDoc> {
  return eventually(
    async () =>
      (await h.models.Task.findOne({ reviewId, kind: 'origin_review', status: 'open' }).lean<TaskDoc>()) ?? undefined,
    'the origin_review task',
  );
}

describe('documents', () => {
  test('when a drafter creates a document, region and org come from the token and version 1 is stored', async () => {
    const res = await post('drafter', '/v1/documents', draft).expect(201);
    expect(res.body).toMatchObject({
      title: draft.title,
      region: 'beijing',
      org: ORG,
      status: 'draft',
      currentVersion: 1,
      activeReviewId: null,
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.versions).toEqual([{ version: 1, createdAt: expect.any(String) }]);
    const version = await get('drafter', `/v1/documents/${res.body.id}/versions/1`).expect(200);
    expect(version.body).toMatchObject({
      documentId: res.body.id,
      version: 1,
      articles: draft.articles,
      legalBasis: draft.legalBasis,
      materials: draft.materials,
      urgent: false,
    });
  });

  test("when a drafting office lists its documents, it sees its own, newest first and paged, with each one's status", async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) mine.push(await createDocument({ ...draft, title: `列表测试 ${i}` }));
    const reviewId = await startReview(mine[0]);
    const theirs = (await post('otherOrg', '/v1/documents', draft).expect(201)).body.id as string;

    const first = (await get('colleague', '/v1/documents?limit=2').expect(200)).body;
    expect(first.items.map((d: { id: string }) => d.id)).toEqual([mine[2], mine[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const seen: { id: string; status: string; activeReviewId: string | null }[] = [...first.items];
    for (let cursor = first.nextCursor; cursor;) {
      const page = (await get('colleague', `/v1/documents?limit=2&cursor=${enc(cursor)}`).expect(200)).body;
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((d) => d.id)).toEqual(expect.arrayContaining(mine));
    expect(seen.map((d) => d.id)).not.toContain(theirs);
    expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
    expect(seen.find((d) => d.id === mine[0])).toMatchObject({ status: 'in_review', activeReviewId: reviewId });
    expect(seen.find((d) => d.id === mine[1])).toMatchObject({ status: 'draft', activeReviewId: null });

    const other = (await get('otherOrg', '/v1/documents').expect(200)).body.items.map((d: { id: string }) => d.id);
    expect(other).toContain(theirs);
    expect(other).not.toContain(mine[0]);
    // The same organisation's name in another region is another office.
    const tianjin = (await get('sameOrgNameTianjin', '/v1/documents').expect(200)).body.items;
    expect(tianjin.map((d: { id: string }) => d.id)).not.toContain(mine[0]);
    await get('bjReviewer', '/v1/documents').expect(403);
    await get('drafter', '/v1/documents?limit=500').expect(400);
  });

  test('when a token claims a region or org in the body, it is refused as an unknown field', async () => {
    const res = await post('drafter', '/v1/documents', { ...draft, region: 'tianjin', org: 'x' }).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['org', 'region']);
  });

  test('when the owning organisation adds a version, the number increments and the document follows it', async () => {
    const id = await createDocument();
    const added = await post('colleague', `/v1/documents/${id}/versions`, {
      ...draft,
      title: '修改稿',
      urgent: true,
    }).expect(201);
    expect(added.body).toMatchObject({ id, version: 2 });
    const doc = await get('drafter', `/v1/documents/${id}`).expect(200);
    expect(doc.body).toMatchObject({ currentVersion: 2, title: '修改稿' });
    expect(doc.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await get('drafter', `/v1/documents/${id}/versions/2`).expect(200)).body.urgent).toBe(true);
    await get('drafter', `/v1/documents/${id}/versions/3`).expect(404);
    await get('drafter', `/v1/documents/${id}/versions/abc`).expect(404);
  });

  test('when versions are added concurrently, each gets its own number and none is lost', async () => {
    const id = await createDocument();
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        post('drafter', `/v1/documents/${id}/versions`, { ...draft, title: `稿${i}` }),
      ),
    );
    const created = results.filter((r) => r.status === 201).map((r) => r.body.version as number);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(created).size).toBe(created.length);
    const doc = (await get('drafter', `/v1/documents/${id}`).expect(200)).body;
    expect(doc.currentVersion).toBe(1 + created.length);
    expect(doc.versions).toHaveLength(1 + created.length);
    expect(await h.models.Version.countDocuments({ documentId: id })).toBe(1 + created.length);
  });

  test('when a version repeats an article number, it is 400', async () => {
    const id = await createDocument();
    const res = await post('drafter', `/v1/documents/${id}/versions`, {
      ...draft,
      articles: [
        { number: '1', text: 'a' },
        { number: '1', text: 'b' },
      ],
    }).expect(400);
    expect(res.body.error.details[0].path).toBe('articles.1.number');
  });

  test('when a drafter of another organisation reads or revises the document, it is 404', async () => {
    const id = await createDocument();
    await get('otherOrg', `/v1/documents/${id}`).expect(404);
    await get('otherOrg', `/v1/documents/${id}/versions/1`).expect(404);
    await get('otherOrg', `/v1/documents/${id}/comments`).expect(404);
    await post('otherOrg', `/v1/documents/${id}/versions`, draft).expect(404);
    await post('otherOrg', `/v1/documents/${id}/reviews`).expect(404);
    await get('sameOrgNameTianjin', `/v1/documents/${id}`).expect(404);
  });

  test('when a reviewer asks for a document that no review of theirs involves, it is 404', async () => {
    const id = await createDocument();
    await get('bjReviewer', `/v1/documents/${id}`).expect(404);
    await get('drafter', `/v1/documents/${randomUUID()}`).expect(404);
  });

  test('when a supervisor reads a document they may, but revising it is 403', async () => {
    const id = await createDocument();
    await get('supervisor', `/v1/documents/${id}`).expect(200);
    await post('supervisor', `/v1/documents/${id}/versions`, draft).expect(403);
    await post('supervisor', `/v1/documents/${id}/reviews`).expect(403);
  });

  test('when materials carry operator-like keys, nothing is stored', async () => {
    const before = await h.models.Document.countDocuments();
    await post('drafter', '/v1/documents', {
      ...draft,
      materials: { draftingExplanation: 'x', nested: { $set: { a: 1 } } },
    }).expect(400);
    await post('drafter', '/v1/documents', { ...draft, materials: { draftingExplanation: 'x', 'a.b': 1 } }).expect(400);
    expect(await h.models.Document.countDocuments()).toBe(before);
  });
});

describe('reviews', () => {
  test('when a drafter submits, the review meets intake; once accepted, the clock runs and the origin reviewer gets a task', async () => {
    const id = await createDocument({ ...draft, urgent: true });
    const res = await post('drafter', `/v1/documents/${id}/reviews`).expect(202);
    expect(res.body).toEqual({
      reviewId: `review:${id}:1`,
      documentId: id,
      status: 'in_review',
      stage: 'intake',
      taskId: `review:${id}:1:t1`,
    });
    // The first task is stored before the submission answers: a client can act on it at once.
    const intake = (await get('bjReviewer', `/v1/tasks/${enc(res.body.taskId)}`).expect(200)).body;
    expect(intake).toMatchObject({ kind: 'intake', region: 'beijing', role: 'reviewer', status: 'open', dueAt: null });
    const submitted = (await get('drafter', `/v1/reviews/${enc(res.body.reviewId)}`).expect(200)).body;
    expect(submitted).toMatchObject({ stage: 'intake', deadlines: { clockRunning: false, workingDaysUsed: 0 } });
    expect(submitted).not.toHaveProperty('registrationNumber');

    const accepted = await accept('bjReviewer', res.body.reviewId);
    expect(accepted.review).toEqual({ status: 'in_review', stage: 'origin_review' });
    const task = await originTask(res.body.reviewId);
    expect(task).toMatchObject({ region: 'beijing', role: 'reviewer', version: 1 });

    const review = (await get('drafter', `/v1/reviews/${enc(res.body.reviewId)}`).expect(200)).body;
    expect(review).toMatchObject({
      reviewId: res.body.reviewId,
      documentId: id,
      originRegion: 'beijing',
      version: 1,
      status: 'in_review',
      stage: 'origin_review',
      urgent: true,
      registrationNumber: expect.stringMatching(/^京司审受〔\d{4}〕\d+号$/),
    });
    expect(review.openTasks).toEqual([
      expect.objectContaining({ id: task._id, kind: 'origin_review', status: 'open' }),
    ]);
    expect(review.deadlines).toMatchObject({
      reviewDueAt: expect.any(String),
      workingDaysUsed: expect.any(Number),
      workingDaysLeft: expect.any(Number),
      clockRunning: true,
    });
    expect(review.deadlines.tasks).toEqual([
      { taskId: task._id, kind: 'origin_review', region: 'beijing', dueAt: task.dueAt, overdue: false },
    ]);
    expect(review.history.length).toBeGreaterThan(0);
    for (const internal of ['commentIndex', 'articleNumbers', 'clock', 'lastSeq', 'engine'])
      expect(review).not.toHaveProperty(internal);

    const doc = (await get('drafter', `/v1/documents/${id}`).expect(200)).body;
    expect(doc).toMatchObject({ status: 'in_review', activeReviewId: res.body.reviewId });
  });

  test('when a second review is started while one is active, it is 409, also when both race', async () => {
    const id = await createDocument();
    const reviewId = await startReview(id);
    const again = await post('drafter', `/v1/documents/${id}/reviews`).expect(409);
    expect(again.body.error.code).toBe('conflict');
    await originTask(reviewId);

    const other = await createDocument();
    const raced = await Promise.all([
      post('drafter', `/v1/documents/${other}/reviews`),
      post('colleague', `/v1/documents/${other}/reviews`),
    ]);
    expect(raced.map((r) => r.status).sort()).toEqual([202, 409]);
  });

  test('when the start body has unknown fields, it is 400 and no review starts', async () => {
    const id = await createDocument();
    await post('drafter', `/v1/documents/${id}/reviews`, { fastTrack: true }).expect(400);
    expect((await get('drafter', `/v1/documents/${id}`).expect(200)).body).toMatchObject({
      status: 'draft',
      activeReviewId: null,
    });
  });

  test('when review bodies of the origin region read the review, they may; other regions get 404 until consulted', async () => {
    const id = await createDocument();
    const reviewId = await startReview(id);
    await originTask(reviewId);
    await get('bjReviewer', `/v1/reviews/${enc(reviewId)}`).expect(200);
    await get('bjSigner', `/v1/reviews/${enc(reviewId)}`).expect(200);
    await get('bjReviewer', `/v1/documents/${id}`).expect(200);
    await get('tjReviewer', `/v1/reviews/${enc(reviewId)}`).expect(404);
    await get('tjReviewer', `/v1/documents/${id}`).expect(404);
    await get('otherOrg', `/v1/reviews/${enc(reviewId)}`).expect(404);
    await get('supervisor', `/v1/reviews/${enc(reviewId)}`).expect(200);
    await get('drafter', `/v1/reviews/${enc(`review:${randomUUID()}:1`)}`).expect(404);

    // After the origin approval Tianjin is consulted and sees the review, the document and its task.
    const task = await originTask(reviewId);
    await post('bjReviewer', `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(200);
    await get('tjReviewer', `/v1/reviews/${enc(reviewId)}`).expect(200);
    await get('tjReviewer', `/v1/documents/${id}`).expect(200);
    await get('tjReviewer', `/v1/documents/${id}/versions/1`).expect(200);
  });

  test('when someone other than the owning drafter withdraws, it is 403 or 404; the drafter withdraws and tasks are cancelled', async () => {
    const id = await createDocument();
    const reviewId = await startReview(id);
    const task = await originTask(reviewId);
    await post('supervisor', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(403);
    await post('bjReviewer', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(403);
    await post('otherOrg', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(404);
    await post('drafter', `/v1/reviews/${enc(reviewId)}/withdraw`, { bogus: 1 }).expect(400);

    const res = await post('colleague', `/v1/reviews/${enc(reviewId)}/withdraw`, { reason: '政策调整' }).expect(200);
    expect(res.body).toEqual({ reviewId, status: 'withdrawn', stage: 'closed' });
    expect((await get('bjReviewer', `/v1/tasks/${task._id}`).expect(200)).body.status).toBe('cancelled');
    await post('drafter', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(409);
    await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(409);
    await post('bjReviewer', `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(409);

    // The document is free again: a new review gets the next number.
    await eventually(
      async () => ((await get('drafter', `/v1/documents/${id}`)).body.activeReviewId === null ? true : undefined),
      'the document to be released',
    );
    expect(await startReview(id)).toBe(`review:${id}:2`);
  });

  test('when the origin reviewer rejects, the opinion concludes illegal, in JSON and as an escaped Chinese page', async () => {
    const id = await createDocument({ ...draft, title: '关于<script>alert(1)</script>的通知' });
    const reviewId = await startReview(id);
    await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(409);
    const task = await originTask(reviewId);
    const checklist = allPass.map((c) =>
      c.item === 'competence' ? { item: 'competence', result: 'fail', note: '增设行政许可' } : c,
    );
    const done = await post('bjReviewer', `/v1/tasks/${task._id}/complete`, {
      decision: 'reject',
      checklist,
      opinion: '第2条增设行政许可，不合法。',
      comments: [{ article: '2', text: '增设备案即变相许可', severity: 'blocking', basis: '《行政许可法》第十七条' }],
    }).expect(200);
    expect(done.body.review).toEqual({ status: 'rejected', stage: 'closed' });
    expect(done.body.task).toMatchObject({ id: task._id, status: 'completed', decision: 'reject' });

    const opinion = (await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body;
    expect(opinion).toMatchObject({
      reviewId,
      document: { id, org: ORG, region: 'beijing' },
      version: { number: 1 },
      conclusion: 'illegal',
      opinion: expect.stringContaining('不合法'),
      decidedBy: { sub: 'bj-reviewer', region: 'beijing', role: 'reviewer' },
    });
    expect(opinion.checklist).toHaveLength(7);
    expect(opinion.comments).toEqual([
      expect.objectContaining({
        article: '2',
        severity: 'blocking',
        basis: '《行政许可法》第十七条',
        author: { region: 'beijing', role: 'reviewer' },
      }),
    ]);

    const html = await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('合法性审核意见书');
    expect(html.text).toContain('不合法');
    expect(html.text).toContain('&lt;script&gt;');
    expect(html.text).not.toContain('<script>alert');

    const comments = (await get('drafter', `/v1/documents/${id}/comments`).expect(200)).body.items;
    expect(comments).toEqual([
      expect.objectContaining({
        reviewId,
        taskId: task._id,
        version: 1,
        article: '2',
        severity: 'blocking',
        author: expect.objectContaining({ region: 'beijing', role: 'reviewer' }),
      }),
    ]);
  });
});

describe('tasks', () => {
  test("when callers outside the task's region and role look for it, it is 404; a supervisor sees it but completing is 403", async () => {
    const id = await createDocument();
    const reviewId = await startReview(id);
    const task = await originTask(reviewId);

    const mine = (await get('bjReviewer', '/v1/tasks?status=open&kind=origin_review&limit=100').expect(200)).body
      .items as { id: string }[];
    expect(mine.map((t) => t.id)).toContain(task._id);
    const theirs = (await get('tjReviewer', '/v1/tasks?limit=100').expect(200)).body.items as { id: string }[];
    expect(theirs.map((t) => t.id)).not.toContain(task._id);
    expect(
      (await get('drafter', '/v1/tasks?limit=100').expect(200)).body.items.map((t: { id: string }) => t.id),
    ).not.toContain(task._id);

    for (const who of ['tjReviewer', 'bjSigner', 'drafter'] as const) {
      await get(who, `/v1/tasks/${task._id}`).expect(404);
      await post(who, `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(404);
    }
    const seen = await get('supervisor', `/v1/tasks/${task._id}`).expect(200);
    expect(seen.body).toMatchObject({
      id: task._id,
      reviewId,
      documentId: id,
      kind: 'origin_review',
      region: 'beijing',
      role: 'reviewer',
      status: 'open',
      version: 1,
    });
    await post('supervisor', `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(403);
    await get('bjReviewer', `/v1/tasks/${randomUUID()}`).expect(404);

    // Once the review is closed, acting on it is still not the supervisor's: 403, not 409.
    await post('drafter', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(200);
    await post('supervisor', `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(403);
    await post('supervisor', `/v1/reviews/${enc(reviewId)}/withdraw`).expect(403);
    await post('bjReviewer', `/v1/tasks/${task._id}/complete`, { decision: 'approve', checklist: allPass }).expect(409);
  });

  test('when a decision does not fit the task or breaks the rules, it is 400 with the failing fields', async () => {
    const reviewId = await startReview(await createDocument());
    const task = await originTask(reviewId);
    const wrongKind = await post('bjReviewer', `/v1/tasks/${task._id}/complete`, { decision: 'sign' }).expect(400);
    expect(wrongKind.body.error.details[0].path).toBe('decision');
    const noComments = await post('bjReviewer', `/v1/tasks/${task._id}/complete`, {
      decision: 'request_changes',
    }).expect(400);
    expect(noComments.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'comments', message: expect.any(String) }],
    });
    const badArticle = await post('bjReviewer', `/v1/tasks/${task._id}/complete`, {
      decision: 'request_changes',
      comments: [{ article: '99', text: 'x' }],
    }).expect(400);
    expect(badArticle.body.error.details[0].path).toBe('comments.0.article');
    const extra = await post('bjReviewer', `/v1/tasks/${task._id}/complete`, {
      decision: 'approve',
      checklist: allPass,
      urgent: true,
    }).expect(400);
    expect(extra.body.error.details).toContainEqual({ path: 'urgent', message: '不允许的字段' });
    // Nothing was recorded: the task is still open.
    expect((await get('bjReviewer', `/v1/tasks/${task._id}`).expect(200)).body.status).toBe('open');
  });

  test('when the drafter resubmits without naming a version, the current version is used, and its task names its title', async () => {
    const id = await createDocument();
    const reviewId = await startReview(id);
    const task = await originTask(reviewId);
    await post('bjReviewer', `/v1/tasks/${task._id}/complete`, {
      decision: 'request_changes',
      comments: [{ article: '2', text: '请删除', severity: 'amend' }],
    }).expect(200);
    const revision = await eventually(
      async () =>
        (await h.models.Task.findOne({ reviewId, kind: 'revision', status: 'open' }).lean<TaskDoc>()) ?? undefined,
      'the revision task',
    );
    await get('colleague', `/v1/tasks/${revision._id}`).expect(200);
    await get('otherOrg', `/v1/tasks/${revision._id}`).expect(404);
    const [comment] = (await get('drafter', `/v1/documents/${id}/comments`).expect(200)).body.items as { id: string }[];

    // Without a newer version the workflow refuses; with one, the review goes back to origin review.
    const stale = await post('drafter', `/v1/tasks/${revision._id}/complete`, {
      decision: 'resubmit',
      dispositions: [{ commentId: comment.id, status: 'adopted' }],
    }).expect(400);
    expect(stale.body.error.details.map((d: { path: string }) => d.path)).toContain('version');
    const revisedTitle = `${draft.title}（修改稿）`;
    await post('drafter', `/v1/documents/${id}/versions`, {
      ...draft,
      title: revisedTitle,
      articles: [draft.articles[0]],
    }).expect(201);
    const done = await post('drafter', `/v1/tasks/${revision._id}/complete`, {
      decision: 'resubmit',
      dispositions: [{ commentId: comment.id, status: 'adopted' }],
    }).expect(200);
    expect(done.body.review).toEqual({ status: 'in_review', stage: 'origin_review' });
    const review = (await get('drafter', `/v1/reviews/${enc(reviewId)}`).expect(200)).body;
    expect(review.version).toBe(2);

    // Each task names the title of the version it concerns, in the work list and when read.
    const second = await originTask(reviewId);
    const listed = (await get('bjReviewer', `/v1/tasks?reviewId=${enc(reviewId)}&limit=100`).expect(200)).body
      .items as { id: string; version: number; documentTitle: string }[];
    const titleOf: Record<number, string> = { 1: draft.title, 2: revisedTitle };
    expect(listed[0]).toMatchObject({ id: second._id, version: 2 });
    expect(listed.map((t) => t.id)).toContain(task._id);
    expect(listed.map((t) => t.documentTitle)).toEqual(listed.map((t) => titleOf[t.version]));
    expect((await get('bjReviewer', `/v1/tasks/${second._id}`).expect(200)).body.documentTitle).toBe(revisedTitle);
  });

  test('when tasks are paged, the cursor walks them newest first without repeats', async () => {
    for (let i = 0; i < 3; i++) await originTask(await startReview(await createDocument()));
    const all = (await get('supervisor', '/v1/tasks?kind=origin_review&limit=100').expect(200)).body.items as {
      id: string;
      createdAt: string;
    }[];
    expect(all.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await get('supervisor', `/v1/tasks?kind=origin_review&limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200)
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((t) => t.id));
    const created = all.map((t) => t.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });
});

describe('supervision', () => {
  test('when a supervisor lists reviews, filters and cursors work; others are refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await startReview(await createDocument()));
    await Promise.all(ids.map(originTask));
    await eventually(
      async () => ((await h.models.Review.countDocuments({ _id: { $in: ids } })) === 3 ? true : undefined),
      'the reviews to be mirrored',
    );

    const first = (await get('supervisor', '/v1/reviews?region=beijing&status=in_review&limit=2').expect(200)).body;
    expect(first.items).toHaveLength(2);
    expect(first.items[0]).toEqual({
      reviewId: expect.any(String),
      documentId: expect.any(String),
      originRegion: 'beijing',
      org: ORG,
      version: 1,
      status: 'in_review',
      stage: expect.any(String),
      urgent: false,
      submittedAt: expect.any(String),
      nextDueAt: expect.any(String),
      overdue: false,
      registrationNumber: expect.stringMatching(/^京司审受〔\d{4}〕\d+号$/),
    });
    const second = (
      await get('supervisor', `/v1/reviews?region=beijing&status=in_review&limit=2&cursor=${first.nextCursor}`).expect(
        200,
      )
    ).body;
    const listed = [...first.items, ...second.items].map((r: { reviewId: string }) => r.reviewId);
    expect(new Set(listed).size).toBe(listed.length);
    expect((await get('supervisor', '/v1/reviews?region=tianjin').expect(200)).body.items).toEqual([]);
    const byStage = (await get('supervisor', '/v1/reviews?stage=origin_review&limit=100').expect(200)).body.items.map(
      (r: { reviewId: string }) => r.reviewId,
    );
    expect(byStage).toEqual(expect.arrayContaining(ids));

    // Nothing is due for weeks: none is overdue until a due date is moved into the past here (the
    // deadlines suite lets real timers do it).
    expect(
      (await get('supervisor', '/v1/reviews?overdue=true&limit=100').expect(200)).body.items.map(
        (r: { reviewId: string }) => r.reviewId,
      ),
    ).not.toContain(ids[0]);
    await h.models.Task.updateOne(
      { reviewId: ids[0], kind: 'origin_review' },
      { $set: { dueAt: '2000-01-01T00:00:00.000Z' } },
    );
    await h.models.Review.updateOne({ _id: ids[0] }, { $set: { earliestDueAt: new Date('2000-01-01T00:00:00Z') } });
    // The statistics are counters that recordings move: the edit is counted as a recording would
    // count it (at a position between the stored one and the next, which then counts on from it).
    const moved = (await h.models.Task.findOne({ reviewId: ids[0], kind: 'origin_review' }).lean<TaskDoc>())!;
    await countStats(
      h.models,
      ids[0],
      moved.lastSeq + 0.5,
      statsComponents({}, undefined, [{ ...moved, id: moved._id }]),
    );
    const overdue = (await get('supervisor', '/v1/reviews?overdue=true&limit=100').expect(200)).body.items.map(
      (r: { reviewId: string }) => r.reviewId,
    );
    expect(overdue).toContain(ids[0]);
    expect(overdue).not.toContain(ids[1]);
    const onTime = (await get('supervisor', '/v1/reviews?overdue=false&limit=100').expect(200)).body.items.map(
      (r: { reviewId: string }) => r.reviewId,
    );
    expect(onTime).toContain(ids[1]);
    expect(onTime).not.toContain(ids[0]);

    const stats = (await get('supervisor', '/v1/stats').expect(200)).body;
    expect(stats.reviews.byOriginRegion.beijing).toBeGreaterThanOrEqual(3);
    expect(stats.reviews.byStatus.in_review).toBeGreaterThanOrEqual(1);
    expect(stats.reviews.byStage).toHaveProperty('consultation');
    expect(stats.tasks.open.byRegion.beijing).toBeGreaterThanOrEqual(3);
    expect(stats.tasks.overdue.byRegion.beijing).toBeGreaterThanOrEqual(1);

    await get('bjReviewer', '/v1/reviews').expect(403);
    await get('drafter', '/v1/stats').expect(403);
  });
});

describe('notifications', () => {
  test('when notifications exist, each caller sees those addressed to their region, role and organisation, newest first', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 5, 8, minutes));
    // Only these: the reviews of the tests above told their people of tasks (test/next-steps.test.ts).
    await h.models.Notification.deleteMany({});
    // As the app writes them: filed under their month, in a store whose reviews go back to then.
    await noteReviewMonth(h.models, '2026-01');
    await h.models.Notification.insertMany([
      {
        _id: 'n1',
        type: 'reminder',
        audience: { region: 'beijing', role: 'reviewer' },
        reviewId: 'review:a:1',
        taskId: 't1',
        dueAt: at(30).toISOString(),
        message: '任务即将到期',
        month: '2026-01',
        createdAt: at(1),
      },
      {
        _id: 'n2',
        type: 'overdue',
        audience: { region: 'beijing', role: 'reviewer' },
        reviewId: 'review:a:1',
        taskId: 't1',
        message: '任务已逾期',
        month: '2026-01',
        createdAt: at(2),
      },
      {
        _id: 'n3',
        type: 'reminder',
        audience: { region: 'tianjin', role: 'reviewer' },
        reviewId: 'review:a:1',
        message: '天津',
        month: '2026-01',
        createdAt: at(3),
      },
      {
        _id: 'n4',
        type: 'reminder',
        audience: { region: 'beijing', role: 'drafter', org: ORG },
        reviewId: 'review:a:1',
        message: '请修改',
        month: '2026-01',
        createdAt: at(4),
      },
      {
        _id: 'n5',
        type: 'reminder',
        audience: { region: 'beijing', role: 'drafter', org: '北京市教育委员会' },
        reviewId: 'review:b:1',
        message: '他人',
        month: '2026-01',
        createdAt: at(5),
      },
      {
        _id: 'n6',
        type: 'escalation',
        audience: { role: 'supervisor' },
        reviewId: 'review:a:1',
        taskId: 't1',
        message: '逾期上报',
        month: '2026-01',
        createdAt: at(6),
      },
    ]);
    const ids = async (who: Person, query = '') => (await get(who, `/v1/notifications${query}`).expect(200)).body;
    expect((await ids('bjReviewer')).items.map((n: { id: string }) => n.id)).toEqual(['n2', 'n1']);
    expect((await ids('bjReviewer')).items[1]).toEqual({
      id: 'n1',
      type: 'reminder',
      reviewId: 'review:a:1',
      taskId: 't1',
      dueAt: at(30).toISOString(),
      message: '任务即将到期',
      createdAt: at(1).toISOString(),
    });
    expect((await ids('drafter')).items.map((n: { id: string }) => n.id)).toEqual(['n4']);
    expect((await ids('otherOrg')).items.map((n: { id: string }) => n.id)).toEqual(['n5']);
    expect((await ids('supervisor')).items.map((n: { id: string }) => n.id)).toEqual(['n6']);
    expect((await ids('bjSigner')).items).toEqual([]);
    const page1 = await ids('bjReviewer', '?limit=1');
    expect(page1.items.map((n: { id: string }) => n.id)).toEqual(['n2']);
    const page2 = await ids('bjReviewer', `?limit=1&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ items: [expect.objectContaining({ id: 'n1' })], nextCursor: null });
  });
});

describe('calendar', () => {
  test('when anyone asks for a year, its holidays and 调休 days come with the notice they are from', async () => {
    const year = (await get('drafter', '/v1/calendar/2026').expect(200)).body;
    expect(year.source).toContain('2026年部分节假日安排');
    expect(year.holidays).toContainEqual({ from: '2026-02-15', to: '2026-02-23' });
    expect(year.workingWeekendDays).toContain('2026-02-14');
    expect((await get('drafter', '/v1/calendar/2027').expect(200)).body.provisional).toEqual(expect.any(String));
    expect((await get('drafter', '/v1/calendar/2031').expect(404)).body.error.code).toBe('not_found');
    expect((await get('drafter', '/v1/calendar/26').expect(400)).body.error.details[0].path).toBe('year');
  });

  test('when a client asks where a limit ends, the official schedule decides and bad dates are refused', async () => {
    const res = await get('supervisor', '/v1/calendar/deadline?from=2026-02-12&days=5').expect(200);
    expect(res.body).toEqual({
      from: '2026-02-12',
      days: 5,
      dueDate: '2026-02-26',
      dueAt: '2026-02-26T16:00:00.000Z',
    });
    const bad = await get('supervisor', '/v1/calendar/deadline?from=2026-02-30&days=5').expect(400);
    expect(bad.body.error.details[0].path).toBe('query.from');
    const beyond = await get('supervisor', '/v1/calendar/deadline?from=2027-12-27&days=10').expect(400);
    expect(beyond.body.error.message).toMatch(/尚无2028年的工作日历/);
    await get('supervisor', '/v1/calendar/deadline?from=2026-02-12&days=5&x=1').expect(400);
  });
});

describe('operations', () => {
  test('when both servers answer, /readyz is 200', async () => {
    const res = await request(h.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', mongodb: true, temporal: true });
  });
});
