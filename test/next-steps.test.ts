/**
 * People told what to do next, against real servers: refusals said in Chinese beside the field they
 * name, the notifications `task`, `sent_back` and `closed`, 加急 on tasks and the work list by urgency.
 */
import { randomUUID } from 'node:crypto';
import { backfillUrgencyKeys, monthOf, urgencyKeyOf, type TaskDoc } from '../store/models';
import type { TaskKind } from '../domain/model';
import {
  castOf,
  eventually,
  expectProjectionsRebuiltFromLog,
  startHarness,
  type Claims,
  type Harness,
  type TaskItem,
} from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市生态环境局';
const people = {
  drafter: { sub: 'ns-drafter', region: 'beijing', roles: ['drafter'], org: ORG, name: '王五' },
  otherOrg: { sub: 'ns-other', region: 'beijing', roles: ['drafter'], org: '北京市水务局' },
  bjReviewer: { sub: 'ns-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'ns-tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'ns-hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  hbSigner: { sub: 'ns-hb-signer', region: 'hebei', roles: ['signer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post, task: taskItem, decide, accept } = castOf(() => h, people);
const task = async (who: Person, reviewId: string, kind: TaskKind) =>
  (await taskItem(who, reviewId, kind)) as TaskItem & { urgent: boolean; registrationNumber?: string };

const draft = {
  title: '北京市噪声污染防治若干规定',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为防治噪声污染，制定本规定。' },
    { number: '2', text: '夜间施工应当取得许可。' },
  ],
  legalBasis: ['《中华人民共和国噪声污染防治法》'],
  materials: { draftingExplanation: '起草说明' },
};

async function submit(body: object = {}): Promise<string> {
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  return (await post('drafter', `/v1/documents/${documentId}/reviews`, body).expect(202)).body.reviewId as string;
}

interface Notice {
  id: string;
  type: string;
  reviewId: string;
  taskId?: string;
  dueAt?: string;
  message: string;
}

/** `who`'s notification of `type` about the review, once it is stored. */
const noticeOf = (who: Person, reviewId: string, type: string) =>
  eventually(async () => {
    const items: Notice[] = (await get(who, '/v1/notifications?limit=100').expect(200)).body.items;
    return items.find((n) => n.reviewId === reviewId && n.type === type);
  }, `a ${type} notification for ${who}`);

const noticesOf = async (who: Person, reviewId: string): Promise<Notice[]> =>
  ((await get(who, '/v1/notifications?limit=100').expect(200)).body.items as Notice[]).filter(
    (n) => n.reviewId === reviewId,
  );

/** A Latin-script word in a message meant for people (codes, ids and numbers are not). */
const LATIN_WORD = /[A-Za-z]{2,}/;

describe('refusals in Chinese', () => {
  test('when a request for materials names nothing missing, the refusal says so in Chinese beside `missing`', async () => {
    const reviewId = await submit();
    const intake = await task('bjReviewer', reviewId, 'intake');
    const res = await post('bjReviewer', `/v1/tasks/${intake.id}/complete`, { decision: 'request_materials' }).expect(
      400,
    );
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'missing', message: '请至少列明一项需要补正的材料' },
        { path: 'opinion', message: '请写明起草单位应当补充哪些内容' },
      ]),
    );
    for (const text of [res.body.error.message, ...res.body.error.details.map((d: { message: string }) => d.message)])
      expect(text).not.toMatch(LATIN_WORD);
  });

  test('when a body has an unknown field, a wrong type or an empty text, each detail names its field in Chinese', async () => {
    const res = await post('drafter', '/v1/documents', { ...draft, title: '', articles: 'x', colour: 1 }).expect(400);
    const byPath = Object.fromEntries(
      res.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]),
    );
    expect(byPath).toMatchObject({ colour: '不允许的字段', articles: '填写的内容类型不对', title: '此项不能为空' });
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(JSON.stringify(res.body.error.details.map((d: { message: string }) => d.message))).not.toMatch(LATIN_WORD);
  });

  test('when a task, a review or a route is not there, or a token is missing, the message is Chinese and the code English', async () => {
    const answers = [
      await get('bjReviewer', '/v1/tasks/no-such-task').expect(404),
      await get('bjReviewer', `/v1/reviews/${encodeURIComponent(`review:${randomUUID()}:1`)}`).expect(404),
      await get('bjReviewer', '/v1/no-such-route').expect(404),
      await post('drafter', '/v1/documents', { ...draft, articles: [] }).expect(400),
    ];
    for (const res of answers) {
      expect(res.body.error.code).toMatch(/^[a-z_]+$/);
      expect(res.body.error.message).not.toMatch(LATIN_WORD);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('notifications', () => {
  test('when a task arrives, its pool is told; when materials are missing, the drafting office is told what and by whom', async () => {
    const reviewId = await submit();
    const intake = await task('bjReviewer', reviewId, 'intake');
    const arrived = await noticeOf('bjReviewer', reviewId, 'task');
    expect(arrived).toMatchObject({
      id: `${intake.id}:task`,
      taskId: intake.id,
      message: expect.stringContaining('受理'),
    });
    expect(arrived.message).not.toMatch(LATIN_WORD);
    // Not for the drafting office, nor for another region's reviewers.
    expect(await noticesOf('drafter', reviewId)).toEqual([]);
    expect(await noticesOf('tjReviewer', reviewId)).toEqual([]);

    await decide('bjReviewer', reviewId, 'intake', {
      decision: 'request_materials',
      missing: ['legalBasisNote', 'fairCompetitionConclusion'],
      opinion: '请补充公平竞争审查结论。',
    });
    const supplement = await task('drafter', reviewId, 'supplement');
    const sentBack = await noticeOf('drafter', reviewId, 'sent_back');
    expect(sentBack).toMatchObject({ taskId: supplement.id, reviewId });
    expect(sentBack.message).toContain('制定依据说明、公平竞争审查结论');
    expect(sentBack.message).toContain('请补充公平竞争审查结论。');
    // One notice for the drafter's task, not two; another organisation hears nothing.
    expect((await noticesOf('drafter', reviewId)).map((n) => n.type)).toEqual(['sent_back']);
    expect(await noticesOf('otherOrg', reviewId)).toEqual([]);
  }, 60_000);

  test('when changes are requested, the drafting office is told the comments; when a review closes, its conclusion', async () => {
    const reviewId = await submit();
    await accept('bjReviewer', reviewId);
    await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'request_changes',
      comments: [{ article: '2', text: '许可的设定缺少上位法依据', severity: 'blocking' }],
    });
    const revision = await task('drafter', reviewId, 'revision');
    const sentBack = await noticeOf('drafter', reviewId, 'sent_back');
    expect(sentBack).toMatchObject({ taskId: revision.id });
    expect(sentBack.message).toContain('第2条：许可的设定缺少上位法依据');

    const other = await submit();
    await decide('bjReviewer', other, 'intake', {
      decision: 'return',
      opinion: '不属于行政规范性文件。',
      grounds: 'not_normative_document',
    });
    const closed = await noticeOf('drafter', other, 'closed');
    expect(closed).toMatchObject({ id: `${other}:closed`, reviewId: other });
    expect(closed.message).toContain('退回');
    expect(closed.message).toMatch(/〔\d{4}〕\d+号/); // the opinion's number
    expect(await noticesOf('otherOrg', other)).toEqual([]);
    // The notices are read off the log: rebuilt from it, they are the same.
    await expectProjectionsRebuiltFromLog(h, reviewId);
    await expectProjectionsRebuiltFromLog(h, other);
  }, 60_000);
});

describe('urgency', () => {
  test('when a review is submitted urgent (加急), its tasks carry it, and its 受理编号 once accepted', async () => {
    const reviewId = await submit({ urgent: true });
    expect((await task('bjReviewer', reviewId, 'intake')).urgent).toBe(true);
    await accept('bjReviewer', reviewId);
    const origin = await task('bjReviewer', reviewId, 'origin_review');
    const review = (await get('bjReviewer', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
    expect(origin).toMatchObject({ urgent: true, registrationNumber: review.registrationNumber });
    const plain = await submit();
    expect((await task('bjReviewer', plain, 'intake')).urgent).toBe(false);
  }, 60_000);

  test('when the work list is sorted by urgency, overdue comes first, then due soonest, then by arrival, page by page', async () => {
    // Hebei's reviewers' pool, seeded: due dates around now, some equal, two without one.
    const now = Date.now();
    const day = 86_400_000;
    const seeded: TaskDoc[] = [
      ['late-2', -2 * day, 5],
      ['late-1', -1 * day, 4],
      ['soon-a', 1 * day, 3],
      ['soon-b', 1 * day, 2],
      ['later', 9 * day, 1],
      ['undated-old', null, 7],
      ['undated-new', null, 6],
      ['tomorrow', 2 * day, 0],
    ].map(([name, due, age]) => {
      const createdAt = new Date(now - (age as number) * 60_000).toISOString();
      return {
        _id: `urgency-${name as string}`,
        reviewId: `review:urgency-${name as string}:1`,
        documentId: `urgency-${name as string}`,
        kind: 'consultation',
        region: 'hebei',
        role: 'reviewer',
        status: 'open',
        version: 1,
        dueAt: due === null ? null : new Date(now + (due as number)).toISOString(),
        createdAt,
        lastSeq: 1,
        month: monthOf(createdAt),
      };
    });
    // soon-a and soon-b share a due date: the earlier arrival (soon-a, 3 minutes ago) comes first.
    seeded[3].dueAt = seeded[2].dueAt;
    // As the recording activity stores them (activities/log-store.ts).
    for (const doc of seeded) doc.urgencyKey = urgencyKeyOf(doc);
    await h.models.Task.insertMany(seeded);
    const expected = ['late-2', 'late-1', 'soon-a', 'soon-b', 'tomorrow', 'later', 'undated-old', 'undated-new'].map(
      (n) => `urgency-${n}`,
    );

    const all = (await get('hbReviewer', '/v1/tasks?sort=urgency&limit=100').expect(200)).body.items;
    expect(all.map((t: { id: string }) => t.id)).toEqual(expected);
    expect(all.slice(0, 2).every((t: { overdue: boolean }) => t.overdue)).toBe(true);
    expect(all[2]).toMatchObject({ overdue: false, urgent: false });

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/tasks?sort=urgency&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await get('hbReviewer', query).expect(200)).body;
      paged.push(...body.items.map((t: { id: string }) => t.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(expected);

    const overdueOnly = (await get('hbReviewer', '/v1/tasks?sort=urgency&overdue=true').expect(200)).body.items;
    expect(overdueOnly.map((t: { id: string }) => t.id)).toEqual(expected.slice(0, 2));
    // The other pools see none of them; a cursor of the other order is refused in Chinese.
    expect((await get('tjReviewer', '/v1/tasks?sort=urgency').expect(200)).body.items).toEqual([]);
    const bad = await get('hbReviewer', '/v1/tasks?sort=urgency&cursor=abc').expect(400);
    expect(bad.body.error.details[0]).toMatchObject({ path: 'query.cursor', message: expect.stringMatching(/分页/) });
    await get('hbReviewer', '/v1/tasks?sort=arrival').expect(400);
  });

  test('when tasks were stored before they carried their urgency key, the start-up backfill gives each its key, however many processes run it at once', async () => {
    const now = Date.now();
    const day = 86_400_000;
    // Stored as before urgencyKey existed: no key (without one a task sorts before every other).
    const old = [
      ['later', 5 * day],
      ['undated', null],
      ['overdue', -day],
      ['sooner', day],
    ].map(([name, due]) => {
      const createdAt = new Date(now - 60_000).toISOString();
      return {
        _id: `backfill-${name as string}`,
        reviewId: `review:backfill-${name as string}:1`,
        documentId: `backfill-${name as string}`,
        kind: 'signoff',
        region: 'hebei',
        role: 'signer',
        status: 'open',
        version: 1,
        dueAt: due === null ? null : new Date(now + (due as number)).toISOString(),
        createdAt,
        lastSeq: 1,
        month: monthOf(createdAt),
      } satisfies TaskDoc;
    });
    await h.models.Task.collection.insertMany(old as never[]);

    // Every process runs it at start-up: thirty at once (in batches of two) leave each task its own key.
    await Promise.all(Array.from({ length: 30 }, () => backfillUrgencyKeys(h.models, 2)));
    const stored = await h.models.Task.find({ _id: { $in: old.map((t) => t._id) } }).lean<TaskDoc[]>();
    expect(stored).toHaveLength(old.length);
    for (const task of stored) expect(task.urgencyKey).toBe(urgencyKeyOf(task));
    expect(await h.models.Task.countDocuments({ urgencyKey: { $exists: false } })).toBe(0);

    const listed = (await get('hbSigner', '/v1/tasks?sort=urgency&limit=100').expect(200)).body.items;
    expect(listed.map((t: { id: string }) => t.id)).toEqual(
      ['overdue', 'sooner', 'later', 'undated'].map((n) => `backfill-${n}`),
    );
  });
});
