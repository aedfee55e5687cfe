/**
 * Who handles a case, in a real browser against the real stack: the head of Beijing's review body
 * assigns (分办) an origin review from the 待分办 view to one reviewer, a colleague who opens the
 * task is refused its decision, the assignee finds it under 我的 and decides it, and the head's
 * 人员负荷 view shows the body's load. Screens leave screenshots in test-artifacts/screenshots.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_USERS, type DemoUserKey } from '../api/dev-signin';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import { allPass, type Claims, type Harness } from './harness';
import { accessibilityProblems, reloadUntilVisible, screenshot } from './support/browser';
import { startJourneyStack } from './support/journey';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }));
}, 120_000);
afterAll(() => stop?.());

const colleague: Claims = {
  sub: 'demo-bj-reviewer-2',
  name: '周宁（北京审核员）',
  region: 'beijing',
  roles: ['reviewer'],
};
const TITLE = '北京市共享单车停放管理规定';

const tokenOf = (claims: Claims) => h.token(claims, { secret: DEVELOPMENT_JWT_SECRET });
const api = (claims: Claims) => {
  const auth = { Authorization: `Bearer ${tokenOf(claims)}` };
  return {
    get: (url: string) => request(h.app).get(url).set(auth),
    post: (url: string, body: object = {}) => request(h.app).post(url).set(auth).send(body),
  };
};

/** A browser of its own for `who`: a demo person through the sign-in page, or anyone by their token. */
async function signIn(who: DemoUserKey | Claims): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  if (typeof who === 'string') {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: `以${DEMO_USERS[who].name}身份登录` }).click();
    await page.getByTestId('whoami').filter({ hasText: DEMO_USERS[who].name }).waitFor();
  } else {
    const session = { ...who, token: tokenOf(who), exp: Math.floor(Date.now() / 1000) + 3600 };
    type Storage = { localStorage: { setItem(key: string, value: string): void } };
    await context.addInitScript(
      (s) => (globalThis as unknown as Storage).localStorage.setItem('console.session', s),
      JSON.stringify(session),
    );
    await page.goto(`${baseUrl}/tasks`);
    await page.getByTestId('whoami').filter({ hasText: who.name! }).waitFor();
  }
  return page;
}

/** Switches the work list to one of its views (我的, 待分办, 本处全部). */
async function view(page: Page, name: string): Promise<void> {
  await page.locator('label.ant-radio-button-wrapper', { hasText: name }).click();
}

async function look(page: Page, screen: string): Promise<void> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 });
  await screenshot(page, `assign-${screen}`);
  expect(await accessibilityProblems(page)).toEqual([]);
}

test('the head assigns a case, a colleague is refused it, the assignee decides it; the workload view shows the body', async () => {
  // A draft accepted at intake (through the API): its origin review waits in Beijing's pool.
  const drafter = api(DEMO_USERS.drafter);
  const assignee = api(DEMO_USERS['reviewer-beijing']);
  const created = await drafter
    .post('/v1/documents', {
      title: TITLE,
      articles: [{ number: '1', text: '为规范共享单车停放秩序，制定本规定。' }],
      legalBasis: ['《北京市非机动车管理条例》'],
      materials: { draftingExplanation: '起草说明' },
    })
    .expect(201);
  const { reviewId } = (await drafter.post(`/v1/documents/${created.body.id}/reviews`).expect(202)).body;
  const intake = (await assignee.get(`/v1/tasks?status=open&kind=intake&reviewId=${encodeURIComponent(reviewId)}`)).body
    .items[0];
  await assignee.post(`/v1/tasks/${encodeURIComponent(intake.id)}/complete`, { decision: 'accept' }).expect(200);
  await api(colleague).get('/v1/notifications').expect(200); // the colleague is in the directory too

  // The head: 待分办, the row of the draft, 分办 to 李明 from the picker with open-task counts.
  const head = await signIn('signer-beijing');
  await head.goto(`${baseUrl}/tasks`);
  const row = head.getByTestId('task-row').filter({ hasText: TITLE });
  await reloadUntilVisible(head, row, 'the origin review in the work list');
  await view(head, '待分办');
  await row.waitFor();
  await look(head, 'pool');
  await row.getByRole('button', { name: '分办' }).click();
  await head.getByRole('combobox', { name: '承办人' }).click();
  await head
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: `${DEMO_USERS['reviewer-beijing'].name}（在办 0 件` })
    .click();
  // The picker's list closes with an animation: checked while it closes, its options' ARIA is half gone.
  await head.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
  await look(head, 'assign-picker');
  await head.getByRole('button', { name: /^确\s*定$/ }).click();
  await view(head, '本处全部');
  await row.getByTestId('task-assignee').filter({ hasText: DEMO_USERS['reviewer-beijing'].name }).waitFor();
  const task = (await assignee.get(`/v1/tasks?status=open&assignee=me`).expect(200)).body.items[0];
  expect(task).toMatchObject({ reviewId, kind: 'origin_review', assignee: { sub: 'demo-bj-reviewer' } });

  // A colleague of the same body opens it: it names the assignee, and the decision is refused.
  const other = await signIn(colleague);
  await other.goto(`${baseUrl}/tasks/${encodeURIComponent(task.id)}`);
  await other.getByTestId('assignee').filter({ hasText: DEMO_USERS['reviewer-beijing'].name }).waitFor();
  await other.getByRole('button', { name: '全部通过' }).click();
  await other.getByLabel('通过，进入协同征求意见', { exact: true }).check();
  await other.getByRole('button', { name: '提交决定' }).click();
  await other
    .getByRole('alert')
    .filter({ hasText: /此任务已分办给/ })
    .waitFor();
  await look(other, 'colleague-refused');

  // The head's workload view: 李明 has the case in hand; 周宁 is away, 李明 standing in.
  const now = Date.now();
  await api(colleague)
    .post('/v1/delegations', {
      delegate: 'demo-bj-reviewer',
      from: new Date(now).toISOString(),
      to: new Date(now + 5 * 86_400_000).toISOString(),
      reason: '年休假',
    })
    .expect(201);
  await head.getByRole('link', { name: '人员负荷' }).click();
  const officerRow = head.getByRole('row').filter({ hasText: DEMO_USERS['reviewer-beijing'].name }).first();
  await officerRow.getByRole('cell', { name: '1', exact: true }).waitFor();
  await head.getByRole('row').filter({ hasText: '代理' }).waitFor();
  await look(head, 'workload');
  // The figure in docs/assignment.md is copied by hand from test-artifacts/screenshots: a test
  // run never changes a tracked file.
  // The assignee: 我的, the task, approve.
  const officer = await signIn('reviewer-beijing');
  await officer.goto(`${baseUrl}/tasks`);
  await view(officer, '我的');
  await officer.getByTestId('task-row').filter({ hasText: TITLE }).getByRole('link').click();
  await officer.getByRole('button', { name: '全部通过' }).click();
  await officer.getByLabel('通过，进入协同征求意见', { exact: true }).check();
  await officer.getByRole('button', { name: '提交决定' }).click();
  await officer.getByTestId('done').waitFor();
  const decided = await h.models.Task.findById(task.id).lean();
  expect(decided).toMatchObject({ status: 'completed', completedBy: { sub: 'demo-bj-reviewer' } });
  expect(allPass).toHaveLength(7);
}, 240_000);
