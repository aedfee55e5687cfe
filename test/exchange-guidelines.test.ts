/**
 * Shared guidelines (协同审核指引) through HTTP on the real servers: adopted by the three signers
 * (number 京津冀合审指引〔YYYY〕n号, version, its rules joining the assistive rule set), declined by
 * one (with reasons; the other tasks cancelled), superseded by a new version, gap-free numbers
 * under twenty adoptions at once, and who may do what.
 */
import { firstBrokenLink } from '../platform/log-chain';
import type { EventDoc } from '../store/models';
import { castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  hbSigner: { sub: 'hb-signer', region: 'hebei', roles: ['signer'] },
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post } = castOf(() => h, people);
const signers: Person[] = ['bjSigner', 'tjSigner', 'hbSigner'];

const residenceRule = {
  id: 'transport-subsidy-residence',
  category: 'fair_competition',
  checklistItem: 'regional_consistency',
  severity: 'amend',
  description: '交通补贴以本地注册车辆为条件',
  match: {
    any: [{ pattern: '{lex:local}(?:注册|登记|号牌){cgap:6}(?:车辆|货车|客车)' }],
    near: [{ term: { words: ['补贴', '奖励'] }, within: 20 }],
    unless: [{ set: 'lawful-reference' }],
  },
  explanation: '三地已商定：运输补贴不以车辆在本地注册为条件，京津冀三地号牌车辆同等适用。',
  guidelineArticle: '第三条',
  examples: {
    positive: ['对本市注册的货运车辆，按里程给予运输补贴。'],
    negative: ['对在本市从事货运的车辆，不论注册地，均按里程给予补贴。'],
  },
};

const proposal = (title: string, extra: object = {}) => ({
  title,
  text: '第一条 为统一三地对运输补贴条件的审核尺度，制定本指引。\n第三条 运输补贴不得以车辆在本地注册为条件。',
  scope: '京津冀三地行政规范性文件合法性审核',
  basis: ['《公平竞争审查条例》第九条'],
  ...extra,
});

async function adoptionTask(who: Person, guidelineId: string): Promise<{ id: string; status: string }> {
  return eventually(async () => {
    const items = (await get(who, '/v1/tasks?kind=guideline_adoption&limit=100').expect(200)).body.items as {
      id: string;
      status: string;
      subject: { id: string };
    }[];
    return items.find((t) => t.subject.id === guidelineId);
  }, `${who}'s adoption task`);
}

async function decide(who: Person, guidelineId: string, body: object, status = 200) {
  const task = await adoptionTask(who, guidelineId);
  const res = await post(who, `/v1/tasks/${task.id}/complete`, body);
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

const year = () => new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

test('adopted by all three: a number and a version; its rules join the assistive rule set', async () => {
  const proposed = await post(
    'bjReviewer',
    '/v1/guidelines',
    proposal('关于运输补贴条件的协同审核指引', { rules: [residenceRule] }),
  ).expect(202);
  const id = proposed.body.id as string;
  expect(proposed.body).toMatchObject({ status: 'proposed', version: 1 });
  // One task per signer, none for the reviewer.
  expect((await get('bjReviewer', '/v1/tasks?kind=guideline_adoption').expect(200)).body.items).toEqual([]);
  await decide('bjSigner', id, { decision: 'adopt' });
  await decide('tjSigner', id, { decision: 'adopt', opinion: '同意' });
  expect((await get('supervisor', `/v1/guidelines/${id}`).expect(200)).body.status).toBe('proposed');
  const last = await decide('hbSigner', id, { decision: 'adopt' });
  expect(last.guideline).toMatchObject({
    status: 'adopted',
    number: expect.stringMatching(/^京津冀合审指引〔\d{4}〕\d+号$/),
  });
  const adopted = (await get('bjReviewer', `/v1/guidelines/${id}`).expect(200)).body;
  expect(adopted).toMatchObject({ status: 'adopted', version: 1, number: `京津冀合审指引〔${year()}〕1号` });
  expect(Object.values(adopted.adoptions).map((a) => (a as { status: string }).status)).toEqual([
    'adopted',
    'adopted',
    'adopted',
  ]);

  const rules = (await get('bjReviewer', '/v1/assist/rules').expect(200)).body.rules as {
    id: string;
    source: string;
    guidelineId?: string;
  }[];
  expect(rules).toContainEqual(
    expect.objectContaining({ id: `${id}/transport-subsidy-residence`, source: 'guideline', guidelineId: id }),
  );
  const check = await post('bjReviewer', '/v1/assist/check', {
    articles: [{ number: '5', text: '对本市注册的货运车辆，按里程给予运输补贴。' }],
  }).expect(200);
  expect(check.body.flags.some((f: { ruleId: string }) => f.ruleId === `${id}/transport-subsidy-residence`)).toBe(true);

  const events = (await h.models.Event.find({ reviewId: id }).lean<EventDoc[]>()).sort((a, b) => a.seq - b.seq);
  expect(firstBrokenLink(events)).toBeUndefined();
  expect(events.find((e) => (e.type as string) === 'guideline_adopted')?.data).toMatchObject({
    number: adopted.number,
  });
});

test('declined by one: declined with the reasons on record, the other tasks cancelled; a decline needs an opinion', async () => {
  const id = (await post('bjSigner', '/v1/guidelines', proposal('关于押金收取的协同审核指引')).expect(202)).body
    .id as string;
  await decide('bjSigner', id, { decision: 'adopt' });
  await decide('tjSigner', id, { decision: 'decline' }, 400);
  await decide('tjSigner', id, { decision: 'decline', opinion: '与天津现行规定冲突，建议修改第三条后再议。' });
  const declined = (await get('supervisor', `/v1/guidelines/${id}`).expect(200)).body;
  expect(declined).toMatchObject({
    status: 'declined',
    adoptions: { tianjin: { status: 'declined', opinion: '与天津现行规定冲突，建议修改第三条后再议。' } },
  });
  expect(declined.number).toBeUndefined();
  const hbTask = await adoptionTask('hbSigner', id);
  expect(hbTask.status).toBe('cancelled');
  await post('hbSigner', `/v1/tasks/${hbTask.id}/complete`, { decision: 'adopt' }).expect(409);
});

test('a new version supersedes the adopted one once adopted; the old rules leave the set', async () => {
  const v1 = (await get('bjReviewer', '/v1/guidelines?status=adopted').expect(200)).body.items[0];
  expect(v1).toBeDefined();
  await post('bjReviewer', '/v1/guidelines', proposal('新版', { supersedes: 'guideline-unknown' })).expect(400);
  const v2 = (
    await post(
      'tjSigner',
      '/v1/guidelines',
      proposal('关于运输补贴条件的协同审核指引（第二版）', { supersedes: v1.id }),
    ).expect(202)
  ).body;
  expect(v2).toMatchObject({ version: 2, supersedes: v1.id });
  for (const who of signers) await decide(who, v2.id, { decision: 'adopt' });
  const old = (await get('bjReviewer', `/v1/guidelines/${v1.id}`).expect(200)).body;
  expect(old).toMatchObject({ status: 'superseded', supersededBy: v2.id });
  const rules = (await get('bjReviewer', '/v1/assist/rules').expect(200)).body.rules as { guidelineId?: string }[];
  expect(rules.some((r) => r.guidelineId === v1.id)).toBe(false);
  const declinedOld = (await get('bjReviewer', '/v1/guidelines?status=declined').expect(200)).body.items;
  await post('bjReviewer', '/v1/guidelines', proposal('替代未通过的', { supersedes: declinedOld[0].id })).expect(400);
});

test('twenty guidelines adopted at once take gap-free numbers', async () => {
  const ids = await Promise.all(
    Array.from(
      { length: 20 },
      async (_, i) =>
        (await post('bjReviewer', '/v1/guidelines', proposal(`并发指引${i}`)).expect(202)).body.id as string,
    ),
  );
  for (const id of ids) {
    await decide('bjSigner', id, { decision: 'adopt' });
    await decide('tjSigner', id, { decision: 'adopt' });
  }
  const lastTasks = await Promise.all(ids.map((id) => adoptionTask('hbSigner', id)));
  const answers = await Promise.all(
    lastTasks.map((t) => post('hbSigner', `/v1/tasks/${t.id}/complete`, { decision: 'adopt' })),
  );
  expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
  const all = (await get('supervisor', '/v1/guidelines?status=adopted&limit=100').expect(200)).body.items as {
    number: string;
  }[];
  const superseded = (await get('supervisor', '/v1/guidelines?status=superseded&limit=100').expect(200)).body.items as {
    number: string;
  }[];
  const numbers = [...all, ...superseded].map((g) => Number(/〕(\d+)号/.exec(g.number)![1])).sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
  expect(numbers).toHaveLength(22);
}, 120_000);

test('authorisation: a drafter sees none of it; a supervisor reads all but proposes nothing; a reviewer cannot adopt', async () => {
  const id = (await post('bjReviewer', '/v1/guidelines', proposal('权限测试指引')).expect(202)).body.id as string;
  await get('drafter', '/v1/guidelines').expect(403);
  await get('drafter', `/v1/guidelines/${id}`).expect(403);
  await post('drafter', '/v1/guidelines', proposal('起草单位的提案')).expect(403);
  expect((await get('drafter', '/v1/tasks?kind=guideline_adoption').expect(200)).body.items).toEqual([]);
  await post('supervisor', '/v1/guidelines', proposal('督办的提案')).expect(403);
  expect((await get('supervisor', '/v1/guidelines?limit=100').expect(200)).body.items.length).toBeGreaterThan(20);
  const task = await adoptionTask('bjSigner', id);
  await post('bjReviewer', `/v1/tasks/${task.id}/complete`, { decision: 'adopt' }).expect(404);
  await post('supervisor', `/v1/tasks/${task.id}/complete`, { decision: 'adopt' }).expect(403);
  await post('tjSigner', `/v1/tasks/${task.id}/complete`, { decision: 'adopt' }).expect(404);
  await post('bjReviewer', '/v1/guidelines', { ...proposal('x'), basis: [] }).expect(400);
  await post('bjReviewer', '/v1/guidelines', {
    ...proposal('x'),
    rules: [{ ...residenceRule, match: { any: [{ pattern: '(?:补贴' }] } }],
  }).expect(400);
});
