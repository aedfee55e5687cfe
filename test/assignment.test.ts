/**
 * Who handles a case, through HTTP on the real servers: claims, assignments and releases and their
 * refusals, the fifty-way claim race, delegation for a period, the directory, the work list's
 * `assignee` filter, the opinion's case officer, and reminders that reach the assignee rather than
 * the pool. Time is compressed (a working day lasts two seconds) so a reminder comes within seconds.
 */
import request from 'supertest';
import {
  allPass,
  castOf,
  eventually,
  expectProjectionsRebuiltFromLog,
  startHarness,
  type Claims,
  type Harness,
  type TaskItem,
} from './harness';

const DAY_MS = 2000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ WORKING_DAY_DURATION: `${DAY_MS}ms`, REVIEW_WORKING_DAYS: '6' });
  // Everyone enters the directory with their first request.
  await Promise.all(Object.keys(people).map((who) => get(who as Person, '/v1/notifications').expect(200)));
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市交通委员会';
const people = {
  drafter: { sub: 'as-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  alice: { sub: 'as-alice', name: '王芳', region: 'beijing', roles: ['reviewer'] },
  bob: { sub: 'as-bob', name: '李强', region: 'beijing', roles: ['reviewer'] },
  carol: { sub: 'as-carol', name: '赵敏', region: 'beijing', roles: ['reviewer'] },
  head: { sub: 'as-head', name: '张处长', region: 'beijing', roles: ['signer'] },
  tjReviewer: { sub: 'as-tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  admin: { sub: 'as-admin', region: 'beijing', roles: ['admin'] },
  supervisor: { sub: 'as-sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post, task: taskOf, accept } = castOf(() => h, people);
const enc = encodeURIComponent;

interface AssignedTask extends TaskItem {
  assignee: { sub: string; name?: string } | null;
  assignedBy?: { sub: string } | null;
}

/** A draft submitted and accepted at intake: its origin-review task is open in Beijing's pool. */
async function originTask(): Promise<AssignedTask> {
  const created = await post('drafter', '/v1/documents', {
    title: '北京市道路运输管理办法',
    articles: [{ number: '1', text: '为规范道路运输，制定本办法。' }],
    legalBasis: ['《中华人民共和国道路运输条例》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const reviewId = (await post('drafter', `/v1/documents/${created.body.id}/reviews`).expect(202)).body.reviewId;
  await accept('alice', reviewId);
  return (await taskOf('alice', reviewId, 'origin_review')) as AssignedTask;
}

const act = (who: Person, task: TaskItem, action: string, body: object = {}) =>
  post(who, `/v1/tasks/${enc(task.id)}/${action}`, body);

const reject = { decision: 'reject', checklist: allPass, opinion: '缺乏上位法依据' };

interface LoggedChange {
  seq: number;
  type: string;
  actor?: { sub: string };
  data: { taskId?: string; assignee?: { sub: string }; from?: { sub: string }; reason?: string };
}

async function eventsOf(reviewId: string): Promise<LoggedChange[]> {
  return (await get('supervisor', `/v1/reviews/${enc(reviewId)}/events?limit=500`).expect(200)).body.items;
}

async function workList(who: Person, query: string): Promise<AssignedTask[]> {
  return (await get(who, `/v1/tasks?status=open&limit=100&${query}`).expect(200)).body.items;
}

describe('claiming, assigning and releasing', () => {
  test('when a reviewer claims a task, colleagues are refused it until the head reassigns it; each change is in the log', async () => {
    const task = await originTask();
    expect(task.assignee).toBeNull();
    expect((await workList('bob', 'assignee=none')).map((t) => t.id)).toContain(task.id);

    const claimed = await act('alice', task, 'claim').expect(200);
    expect(claimed.body).toMatchObject({
      id: task.id,
      subject: { type: 'review', id: task.reviewId },
      assignee: { sub: 'as-alice', name: '王芳' },
    });
    // Claiming it again is harmless; a colleague's claim is 409 naming the assignee.
    await act('alice', task, 'claim').expect(200);
    const taken = await act('bob', task, 'claim').expect(409);
    expect(taken.body.error.details.assignee).toMatchObject({ sub: 'as-alice' });

    // Once assigned, a colleague who could otherwise act on it is refused with not_assignee.
    const refused = await act('bob', task, 'complete', reject).expect(403);
    expect(refused.body.error.code).toBe('not_assignee');
    expect((await act('bob', task, 'release').expect(403)).body.error.code).toBe('not_assignee');
    // Outside the region, or a drafter: the task is not theirs to see.
    await act('tjReviewer', task, 'claim').expect(404);
    await act('drafter', task, 'claim').expect(404);
    // Only the head assigns.
    await act('alice', task, 'assign', { assignee: 'as-bob' }).expect(403);

    // The work list: mine for alice, not in the pool any more.
    expect((await workList('alice', 'assignee=me')).map((t) => t.id)).toContain(task.id);
    expect((await workList('bob', 'assignee=none')).map((t) => t.id)).not.toContain(task.id);
    expect((await workList('head', 'team=true&assignee=as-alice')).map((t) => t.id)).toContain(task.id);

    // The head reassigns (转办) with a reason; the assignee must be in the directory with the role.
    await act('head', task, 'assign', { assignee: 'nobody-known' }).expect(400);
    await act('head', task, 'assign', { assignee: 'as-tj-reviewer' }).expect(400);
    await act('head', task, 'assign', { assignee: 'as-head' }).expect(400);
    await act('head', task, 'assign', { assignee: 'as-bob', unknown: 1 }).expect(400);
    const moved = await act('head', task, 'assign', { assignee: 'as-bob', reason: '王芳出差' }).expect(200);
    expect(moved.body).toMatchObject({ assignee: { sub: 'as-bob' }, assignedBy: { sub: 'as-head' } });
    expect((await act('alice', task, 'complete', reject).expect(403)).body.error.code).toBe('not_assignee');

    // The assignee releases it to the pool.
    const released = await act('bob', task, 'release', { reason: '回避' }).expect(200);
    expect(released.body.assignee).toBeNull();
    await act('bob', task, 'release').expect(409);
    expect((await workList('carol', 'assignee=none')).map((t) => t.id)).toContain(task.id);

    const events = await eventsOf(task.reviewId);
    const changes = events.filter((e) => ['task_claimed', 'task_assigned', 'task_released'].includes(e.type));
    expect(changes.map((e) => [e.type, e.actor?.sub, e.data.assignee?.sub, e.data.from?.sub, e.data.reason])).toEqual([
      ['task_claimed', 'as-alice', 'as-alice', undefined, undefined],
      ['task_assigned', 'as-head', 'as-bob', 'as-alice', '王芳出差'],
      ['task_released', 'as-bob', undefined, 'as-bob', '回避'],
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await get('supervisor', `/v1/reviews/${enc(task.reviewId)}/events/verify`).expect(200)).body.ok).toBe(true);
    await expectProjectionsRebuiltFromLog(h, task.reviewId);

    // From the pool anyone of the body decides it again, and the head may decide an assigned one.
    await act('carol', task, 'claim').expect(200);
    await act('carol', task, 'complete', reject).expect(200);
    await act('carol', task, 'claim').expect(409);
  });

  test('when fifty reviewers claim one task at once, exactly one wins and the log records one claim', async () => {
    const task = await originTask();
    const claimants = Array.from({ length: 50 }, (_, i) => ({
      sub: `as-racer-${i}`,
      region: 'beijing' as const,
      roles: ['reviewer' as const],
    }));
    const answers = await Promise.all(
      claimants.map((claims) =>
        request(h.app)
          .post(`/v1/tasks/${enc(task.id)}/claim`)
          .set({ Authorization: `Bearer ${h.token(claims)}` }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = answers.find((a) => a.status === 200)!.body.assignee.sub;
    const stored = await h.models.Task.findById(task.id).lean();
    expect(stored?.assignee?.sub).toBe(winner);
    const claims = (await eventsOf(task.reviewId)).filter((e) => e.type === 'task_claimed');
    expect(claims.map((e) => e.data.assignee?.sub)).toEqual([winner]);
  });
});

describe('delegation', () => {
  test('when the assignee is away, their delegate decides during the period and not before, after or once it ended; the opinion names the assignee', async () => {
    const task = await originTask();
    await act('head', task, 'assign', { assignee: 'as-alice' }).expect(200);
    const hour = 3600_000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();

    // A delegation that ended, one not begun, one ended early: bob is refused.
    await post('alice', '/v1/delegations', { delegate: 'as-bob', from: at(-48 * hour), to: at(-24 * hour) }).expect(
      201,
    );
    await post('alice', '/v1/delegations', { delegate: 'as-bob', from: at(24 * hour), to: at(48 * hour) }).expect(201);
    const early = await post('alice', '/v1/delegations', { delegate: 'as-bob', from: at(-hour), to: at(hour) }).expect(
      201,
    );
    await request(h.app)
      .delete(`/v1/delegations/${early.body.id}`)
      .set({ Authorization: `Bearer ${h.token(people.bob)}` })
      .expect(404);
    await request(h.app)
      .delete(`/v1/delegations/${early.body.id}`)
      .set({ Authorization: `Bearer ${h.token(people.alice)}` })
      .expect(200);
    expect((await act('bob', task, 'complete', reject).expect(403)).body.error.code).toBe('not_assignee');
    expect((await workList('bob', 'assignee=me')).map((t) => t.id)).not.toContain(task.id);

    // Refusals: to oneself, another region, a role not shared, an empty period, a drafter.
    await post('alice', '/v1/delegations', { delegate: 'as-alice', from: at(0), to: at(hour) }).expect(400);
    await post('alice', '/v1/delegations', { delegate: 'as-tj-reviewer', from: at(0), to: at(hour) }).expect(400);
    await post('alice', '/v1/delegations', { delegate: 'as-head', from: at(0), to: at(hour) }).expect(400);
    await post('alice', '/v1/delegations', { delegate: 'as-bob', from: at(hour), to: at(0) }).expect(400);
    await post('drafter', '/v1/delegations', { delegate: 'as-bob', from: at(0), to: at(hour) }).expect(403);

    // During a running delegation, bob sees it as his and decides it; carol still cannot.
    const running = await post('alice', '/v1/delegations', {
      delegate: 'as-bob',
      from: at(-hour),
      to: at(hour),
      reason: '年休假',
    }).expect(201);
    expect(running.body).toMatchObject({
      delegator: { sub: 'as-alice' },
      delegate: { sub: 'as-bob' },
      roles: ['reviewer'],
    });
    const directory = (await get('head', '/v1/people?role=reviewer&limit=100').expect(200)).body.items;
    expect(directory.find((p: { sub: string }) => p.sub === 'as-alice')).toMatchObject({
      name: '王芳',
      openTasks: expect.any(Number),
      absent: { delegate: { sub: 'as-bob' } },
    });
    expect((await workList('bob', 'assignee=me')).map((t) => t.id)).toContain(task.id);
    expect((await act('carol', task, 'complete', reject).expect(403)).body.error.code).toBe('not_assignee');
    await act('bob', task, 'complete', reject).expect(200);

    const decided = (await eventsOf(task.reviewId)).find(
      (e) => e.type === 'task_completed' && e.data.taskId === task.id,
    );
    expect(decided?.actor?.sub).toBe('as-bob');
    const opinion = await eventually(async () => {
      const res = await get('drafter', `/v1/reviews/${enc(task.reviewId)}/opinion`);
      return res.status === 200 ? res.body : undefined;
    }, 'the opinion');
    expect(opinion.caseOfficer).toEqual({ sub: 'as-alice', name: '王芳' });
  });
});

describe('the directory', () => {
  test('when people have used their tokens they are listed with their open tasks; an admin deactivates one, who can no longer be assigned', async () => {
    const task = await originTask();
    await act('head', task, 'assign', { assignee: 'as-carol' }).expect(200);
    const list = async (who: Person, query = 'role=reviewer') =>
      (await get(who, `/v1/people?${query}&limit=100`).expect(200)).body.items as {
        sub: string;
        openTasks: number;
        active: boolean;
        roles: string[];
      }[];
    const carol = (await list('head')).find((p) => p.sub === 'as-carol');
    const assigned = await h.models.Task.countDocuments({ assigneeSub: 'as-carol', status: 'open' });
    expect(carol).toMatchObject({ openTasks: assigned, active: true, roles: ['reviewer'] });
    expect(assigned).toBeGreaterThan(0);
    expect((await list('alice')).map((p) => p.sub)).not.toContain('as-tj-reviewer');
    expect((await list('supervisor', 'region=tianjin&role=reviewer')).map((p) => p.sub)).toContain('as-tj-reviewer');
    await get('alice', '/v1/people?region=tianjin').expect(403);
    await get('drafter', '/v1/people').expect(403);

    const patch = (who: Person, sub: string, body: object) =>
      request(h.app)
        .patch(`/v1/people/${sub}`)
        .set({ Authorization: `Bearer ${h.token(people[who])}` })
        .send(body);
    await patch('head', 'as-bob', { active: false }).expect(403);
    await patch('admin', 'as-tj-reviewer', { active: false }).expect(404);
    await patch('admin', 'as-bob', { active: 'no' }).expect(400);
    expect((await patch('admin', 'as-bob', { active: false }).expect(200)).body).toMatchObject({ active: false });
    // A later request of bob's does not bring him back.
    await get('bob', '/v1/tasks').expect(200);
    await act('head', task, 'assign', { assignee: 'as-bob' }).expect(400);
    await patch('admin', 'as-bob', { active: true }).expect(200);
    await act('head', task, 'assign', { assignee: 'as-bob' }).expect(200);
  });
});

describe('reminders', () => {
  test('when an assigned task falls due, the reminder reaches the assignee and not the pool, and the escalation names the assignee', async () => {
    const task = await originTask();
    await act('carol', task, 'claim').expect(200);
    const notices = async (who: Person) =>
      (
        (await get(who, '/v1/notifications?limit=100').expect(200)).body.items as {
          type: string;
          taskId?: string;
          message: string;
        }[]
      ).filter((n) => n.taskId === task.id);
    const reminder = await eventually(
      async () => (await notices('carol')).find((n) => n.type === 'reminder'),
      'the reminder to the assignee',
      30_000,
    );
    // Named by its document, in Chinese (the review's id is an internal one).
    expect(reminder.message).toContain('《北京市道路运输管理办法》');
    expect(reminder.message).not.toContain(task.reviewId);
    // The colleague was told when the task arrived in the pool (type `task`), but no deadline notice
    // of a task that has an assignee reaches them.
    expect((await notices('alice')).filter((n) => n.type !== 'task')).toEqual([]);
    const escalation = await eventually(
      async () => (await notices('supervisor')).find((n) => n.type === 'escalation'),
      'the escalation',
      30_000,
    );
    expect(escalation.message).toContain('赵敏');
    expect((await notices('carol')).map((n) => n.type)).toContain('overdue');
    // The colleague was told when the task arrived in the pool (type `task`), but no deadline notice
    // of a task that has an assignee reaches them.
    expect((await notices('alice')).filter((n) => n.type !== 'task')).toEqual([]);
  });
});
