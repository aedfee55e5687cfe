/**
 * Decisions saved as drafts (暂存), through HTTP on the real servers: a pool member keeps and reads
 * back their own draft, each person has their own, a reviewer of another region and a drafter see
 * nothing, a colleague is refused once the task is assigned to someone else, the schema is strict,
 * concurrent saves leave one whole draft, and deciding the task drops its drafts.
 */
import request from 'supertest';
import { allPass, castOf, startHarness, type Claims, type Harness, type TaskItem } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 120_000);
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市交通委员会';
const people = {
  drafter: { sub: 'td-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  alice: { sub: 'td-alice', name: '王芳', region: 'beijing', roles: ['reviewer'] },
  bob: { sub: 'td-bob', name: '李强', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'td-tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { auth, get, post, task: taskOf, accept } = castOf(() => h, people);
const put = (who: Person, path: string, body: object) => request(h.app).put(path).set(auth(who)).send(body);
const draftPath = (task: TaskItem) => `/v1/tasks/${encodeURIComponent(task.id)}/draft`;

/** A draft submitted and accepted at intake: its origin-review task is open in Beijing's pool. */
async function originTask(): Promise<TaskItem> {
  const created = await post('drafter', '/v1/documents', {
    title: '北京市道路运输管理办法',
    articles: [{ number: '1', text: '为规范道路运输，制定本办法。' }],
    legalBasis: ['《中华人民共和国道路运输条例》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const reviewId = (await post('drafter', `/v1/documents/${created.body.id}/reviews`).expect(202)).body.reviewId;
  await accept('alice', reviewId);
  return taskOf('alice', reviewId, 'origin_review');
}

const halfWritten = {
  decision: 'request_changes',
  comments: [{ article: '1', severity: 'amend', text: '应当写明上位法依据' }],
  checklist: allPass.slice(0, 3),
  opinion: '请补充',
};

test('a pool member keeps a draft of the decision and reads it back; each person has their own', async () => {
  const task = await originTask();
  expect((await get('alice', draftPath(task)).expect(200)).body).toEqual({ taskId: task.id, body: {}, savedAt: null });
  const saved = await put('alice', draftPath(task), halfWritten).expect(200);
  expect(saved.body).toMatchObject({ taskId: task.id, body: halfWritten });
  const read = await get('alice', draftPath(task)).expect(200);
  expect(read.body.body).toEqual(halfWritten);
  expect(Date.parse(read.body.savedAt)).toBeGreaterThan(0);
  // Saving again replaces the draft; a colleague of the pool has none of alice's.
  await put('alice', draftPath(task), { opinion: '改为不予通过' }).expect(200);
  expect((await get('alice', draftPath(task)).expect(200)).body.body).toEqual({ opinion: '改为不予通过' });
  expect((await get('bob', draftPath(task)).expect(200)).body.body).toEqual({});
});

test('another region and a drafter see no draft; once assigned, a colleague is refused', async () => {
  const task = await originTask();
  await put('tjReviewer', draftPath(task), { opinion: '天津' }).expect(404);
  await get('tjReviewer', draftPath(task)).expect(404);
  await put('drafter', draftPath(task), { opinion: '起草单位' }).expect(404);
  await get('drafter', draftPath(task)).expect(404);
  await post('alice', `/v1/tasks/${encodeURIComponent(task.id)}/claim`).expect(200);
  const refused = await put('bob', draftPath(task), { opinion: '李强' }).expect(403);
  expect(refused.body.error.code).toBe('not_assignee');
  await get('bob', draftPath(task)).expect(403);
  await put('alice', draftPath(task), { opinion: '王芳' }).expect(200);
  expect(await h.models.TaskDraft.countDocuments({ taskId: task.id })).toBe(1);
});

test('a draft is checked field by field: unknown fields, $-keys and bad values are refused', async () => {
  const task = await originTask();
  const unknown = await put('alice', draftPath(task), { opinion: '好', note: 'x' }).expect(400);
  expect(unknown.body.error.code).toBe('validation_failed');
  await put('alice', draftPath(task), { $where: '1' }).expect(400);
  await put('alice', draftPath(task), { materials: { $set: 'x' } }).expect(400);
  await put('alice', draftPath(task), { decision: 'launch' }).expect(400);
  await put('alice', draftPath(task), { comments: [{ text: '' }] }).expect(400);
  expect(await h.models.TaskDraft.countDocuments({ taskId: task.id })).toBe(0);
});

test('thirty concurrent saves leave one whole draft, one of those sent', async () => {
  const task = await originTask();
  const bodies = Array.from({ length: 30 }, (_, i) => ({ opinion: `第${i}稿`, comments: [{ text: `意见${i}` }] }));
  const answers = await Promise.all(bodies.map((body) => put('alice', draftPath(task), body)));
  expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
  expect(await h.models.TaskDraft.countDocuments({ taskId: task.id })).toBe(1);
  const kept = (await get('alice', draftPath(task)).expect(200)).body.body;
  expect(bodies).toContainEqual(kept);
});

test('deciding the task drops its drafts; a decided task keeps none', async () => {
  const task = await originTask();
  await put('alice', draftPath(task), halfWritten).expect(200);
  await put('bob', draftPath(task), { opinion: '李强的草稿' }).expect(200);
  expect(await h.models.TaskDraft.countDocuments({ taskId: task.id })).toBe(2);
  await post('alice', `/v1/tasks/${encodeURIComponent(task.id)}/complete`, {
    decision: 'approve',
    checklist: allPass,
  }).expect(200);
  expect(await h.models.TaskDraft.countDocuments({ taskId: task.id })).toBe(0);
  expect((await get('alice', draftPath(task)).expect(409)).body.error.code).toBe('conflict');
  await put('alice', draftPath(task), { opinion: '晚了' }).expect(409);
});
