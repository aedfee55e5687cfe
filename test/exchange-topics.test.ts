/**
 * Topics (研讨交流) through HTTP on the real servers, with compressed time (a working day lasts two
 * seconds, an answer is due in two): the other two regions' topic_answer tasks in their work
 * lists, an answer with its basis, replies, a silent region reminded, marked overdue and escalated
 * by the topic's own workflow, the raising region closing it; its hash-chained log; who may do what.
 */
import { firstBrokenLink } from '../platform/log-chain';
import type { EventDoc } from '../store/models';
import { castOf, eventually, startHarness, type Claims, type Harness, type TaskItem } from './harness';

const DAY_MS = 2000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ WORKING_DAY_DURATION: `${DAY_MS}ms`, TOPIC_ANSWER_WORKING_DAYS: '2' });
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: '北京市发展和改革委员会' },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post } = castOf(() => h, people);
type Person = keyof typeof people;

const topicBody = {
  title: '财政补贴能否以本地户籍为条件',
  body: '某区拟对在本区缴纳社保满三年的企业给予补贴，是否构成对外地经营者的差别待遇？',
  kind: 'practice_question',
};

async function openTopicTask(
  who: Person,
  topicId: string,
): Promise<TaskItem & { subject: { type: string; id: string } }> {
  return eventually(async () => {
    const items = (await get(who, '/v1/tasks?status=open&kind=topic_answer&limit=100').expect(200)).body
      .items as (TaskItem & {
      subject: { type: string; id: string };
    })[];
    return items.find((t) => t.subject.id === topicId);
  }, `${who}'s topic_answer task`);
}

test('a topic: both other regions get a task; one answers, the silent one is reminded, overdue and escalated; the raiser closes it', async () => {
  const raised = await post('bjReviewer', '/v1/topics', topicBody).expect(201);
  const topic = raised.body;
  expect(topic).toMatchObject({
    status: 'open',
    region: 'beijing',
    answers: { tianjin: { status: 'pending' }, hebei: { status: 'pending' } },
  });
  expect(topic.answers.beijing).toBeUndefined();

  // In the right work lists only.
  const tjTask = await openTopicTask('tjReviewer', topic.id);
  const hbTask = await openTopicTask('hbReviewer', topic.id);
  expect(tjTask).toMatchObject({ kind: 'topic_answer', subject: { type: 'topic', id: topic.id }, region: 'tianjin' });
  const bjOpen = (await get('bjReviewer', '/v1/tasks?status=open&kind=topic_answer').expect(200)).body.items;
  expect(bjOpen).toEqual([]);
  const dueIn = Date.parse(tjTask.dueAt!) - Date.now();
  expect(dueIn).toBeGreaterThan(0);
  expect(dueIn).toBeLessThanOrEqual(2 * DAY_MS + 500);

  // Hebei's reviewer cannot answer Tianjin's task; a decision other than answer is refused.
  await post('hbReviewer', `/v1/tasks/${tjTask.id}/complete`, { decision: 'answer', opinion: '不构成' }).expect(404);
  await post('tjReviewer', `/v1/tasks/${tjTask.id}/complete`, { decision: 'answer' }).expect(400);
  const answered = await post('tjReviewer', `/v1/tasks/${tjTask.id}/complete`, {
    decision: 'answer',
    opinion: '以社保缴纳年限为条件属于变相的地域限制，应予删除。',
    basis: ['《公平竞争审查条例》第九条'],
  }).expect(200);
  expect(answered.body.task).toMatchObject({ status: 'completed', decision: 'answer' });
  // Once: a second answer is a conflict.
  await post('tjReviewer', `/v1/tasks/${tjTask.id}/complete`, { decision: 'answer', opinion: '再答' }).expect(409);

  await post('tjSigner', `/v1/topics/${topic.id}/replies`, {
    body: '天津近期有同类案例，可参考。',
    basis: '《优化营商环境条例》第十二条',
  }).expect(201);

  // Hebei stays silent: reminded, then overdue and escalated to the supervisors.
  const overdue = await eventually(
    async () => {
      const t = (await get('hbReviewer', `/v1/tasks/${hbTask.id}`).expect(200)).body;
      return t.overdueAt ? t : undefined;
    },
    'the silent region overdue',
    4 * DAY_MS + 10_000,
  );
  expect(overdue).toMatchObject({ status: 'open', overdue: true });
  expect(overdue.remindedAt).toBeDefined();
  const hbNotes = (await get('hbReviewer', '/v1/notifications?limit=100').expect(200)).body.items as {
    type: string;
    taskId?: string;
  }[];
  expect(
    hbNotes
      .filter((n) => n.taskId === hbTask.id)
      .map((n) => n.type)
      .sort(),
  ).toEqual(['overdue', 'reminder']);
  const supNotes = (await get('supervisor', '/v1/notifications?limit=100').expect(200)).body.items as {
    type: string;
    taskId?: string;
  }[];
  expect(supNotes.some((n) => n.taskId === hbTask.id && n.type === 'escalation')).toBe(true);

  const read = (await get('supervisor', `/v1/topics/${topic.id}`).expect(200)).body;
  expect(read.answers.tianjin).toMatchObject({
    status: 'answered',
    basis: ['《公平竞争审查条例》第九条'],
    answeredBy: { sub: 'tj-reviewer' },
  });
  expect(read.answers.hebei).toMatchObject({ status: 'pending' });
  expect(read.answers.hebei.overdueAt).toBeDefined();
  expect(read.replies).toMatchObject([
    { body: '天津近期有同类案例，可参考。', basis: ['《优化营商环境条例》第十二条'] },
  ]);

  // Only the raising region closes it; closing cancels the open task.
  await post('tjReviewer', `/v1/topics/${topic.id}/close`, { summary: '结论' }).expect(403);
  const closed = await post('bjReviewer', `/v1/topics/${topic.id}/close`, {
    summary: '三地一致：不得以社保年限设限。',
  }).expect(200);
  expect(closed.body).toMatchObject({ status: 'closed', summary: '三地一致：不得以社保年限设限。' });
  await eventually(async () => {
    const t = (await get('hbReviewer', `/v1/tasks/${hbTask.id}`).expect(200)).body;
    return t.status === 'cancelled' ? t : undefined;
  }, 'the open task cancelled');
  await post('tjSigner', `/v1/topics/${topic.id}/replies`, { body: '迟到的回复' }).expect(409);

  // Its own log, hash-chained like a review's.
  const events = await h.models.Event.find({ reviewId: topic.id }).lean<EventDoc[]>();
  const ordered = events.sort((a, b) => a.seq - b.seq);
  expect(ordered.map((e) => e.type)).toEqual(
    expect.arrayContaining([
      'topic_raised',
      'task_opened',
      'task_completed',
      'topic_replied',
      'reminder_sent',
      'task_overdue',
      'escalated',
      'task_cancelled',
      'topic_closed',
    ]),
  );
  expect(firstBrokenLink(ordered)).toBeUndefined();
}, 60_000);

test('lists: filters by status, kind and text, pages of at most limit', async () => {
  const ids: string[] = [];
  for (const [i, kind] of (['common_issue', 'practice_question', 'common_issue'] as const).entries()) {
    ids.push(
      (
        await post('hbReviewer', '/v1/topics', {
          title: `雄安新区疏解政策衔接问题${i}`,
          body: '三地政策如何衔接',
          kind,
        }).expect(201)
      ).body.id,
    );
  }
  const common = (await get('tjReviewer', '/v1/topics?kind=common_issue&q=雄安&limit=100').expect(200)).body;
  expect(common.items.map((t: { id: string }) => t.id).sort()).toEqual([ids[0], ids[2]].sort());
  const first = (await get('supervisor', '/v1/topics?q=雄安&limit=2').expect(200)).body;
  expect(first.items).toHaveLength(2);
  expect(first.nextCursor).toEqual(expect.any(String));
  const second = (await get('supervisor', `/v1/topics?q=雄安&limit=2&cursor=${first.nextCursor}`).expect(200)).body;
  expect([...first.items, ...second.items].map((t: { id: string }) => t.id).sort()).toEqual([...ids].sort());
  await get('tjReviewer', '/v1/topics?limit=101').expect(400);
  await get('tjReviewer', '/v1/topics?status=open&x=1').expect(400);
});

test('authorisation: a drafter sees none of it; a supervisor reads but does not raise; unknown fields refused', async () => {
  const topic = (await post('tjReviewer', '/v1/topics', topicBody).expect(201)).body;
  await get('drafter', '/v1/topics').expect(403);
  await get('drafter', `/v1/topics/${topic.id}`).expect(403);
  await post('drafter', '/v1/topics', topicBody).expect(403);
  await post('drafter', `/v1/topics/${topic.id}/replies`, { body: '起草单位的回复' }).expect(403);
  expect((await get('drafter', '/v1/tasks?kind=topic_answer').expect(200)).body.items).toEqual([]);
  await post('supervisor', '/v1/topics', topicBody).expect(403);
  await get('supervisor', `/v1/topics/${topic.id}`).expect(200);
  await post('bjReviewer', '/v1/topics', { ...topicBody, $where: '1' }).expect(400);
  await post('bjReviewer', '/v1/topics', { ...topicBody, kind: 'gossip' }).expect(400);
  await get('bjReviewer', '/v1/topics/topic-unknown').expect(404);
});
