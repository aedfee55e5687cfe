/**
 * The exchange in a real browser against the real stack, through the console only: a Beijing
 * reviewer raises a topic, Tianjin and Hebei answer it from their work lists, Beijing closes it;
 * a shared guideline proposed by Beijing is adopted by the three signers from their work lists and
 * gets its number; the precedent search screen answers. Screens pass an axe-core check.
 */
import type { Browser, Page } from 'playwright-core';
import { type Claims, type Harness } from './harness';
import { accessibilityProblems, reloadUntilVisible, screenshot } from './support/browser';
import { startJourneyStack } from './support/journey';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack());
}, 120_000);
afterAll(() => stop?.());

const people = {
  bjReviewer: { sub: 'x-bj-reviewer', name: '李明（北京审核员）', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'x-tj-reviewer', name: '张华（天津审核员）', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'x-hb-reviewer', name: '赵强（河北审核员）', region: 'hebei', roles: ['reviewer'] },
  bjSigner: { sub: 'x-bj-signer', name: '陈静（北京签发人）', region: 'beijing', roles: ['signer'] },
  tjSigner: { sub: 'x-tj-signer', name: '孙丽（天津签发人）', region: 'tianjin', roles: ['signer'] },
  hbSigner: { sub: 'x-hb-signer', name: '周涛（河北签发人）', region: 'hebei', roles: ['signer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;

const problems: Record<string, string[]> = {};
let shot = 0;
async function look(page: Page, screen: string, axe = true): Promise<void> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 });
  shot += 1;
  await screenshot(page, `exchange-${String(shot).padStart(2, '0')}-${screen}`);
  if (!axe) return;
  const found = await accessibilityProblems(page);
  if (found.length > 0) problems[screen] = found;
}

/** A browser of its own for `who`, signed in with a token of theirs (as an identity provider gives). */
async function signIn(who: Person): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
  const claims = people[who];
  const session = { ...claims, token: h.token(claims), exp: Math.floor(Date.now() / 1000) + 3600 };
  await context.addInitScript({
    content: `localStorage.setItem('console.session', ${JSON.stringify(JSON.stringify(session))});`,
  });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/tasks`);
  // Reloaded if the first load stalls on a loaded machine.
  await reloadUntilVisible(
    page,
    page.getByTestId('whoami').filter({ hasText: claims.name }),
    `${who} signed in`,
    60_000,
  );
  return page;
}

/** From the work list, opens the first task of `kind` (its label). */
async function openTask(page: Page, kind: string): Promise<void> {
  await page.goto(`${baseUrl}/tasks`);
  const row = page
    .getByTestId('task-row')
    .filter({ has: page.getByTestId('task-kind').filter({ hasText: new RegExp(`^${kind}$`) }) });
  await reloadUntilVisible(page, row, `a ${kind} task in the work list`);
  await row.first().getByRole('link').click();
}

test('a topic answered by both other regions, a guideline adopted by all three', async () => {
  // Beijing raises a topic.
  const bj = await signIn('bjReviewer');
  await bj.getByRole('link', { name: '研讨交流' }).click();
  await bj.getByLabel('标题').fill('稳岗补贴能否以社保缴纳年限为条件');
  await bj.getByLabel('问题描述').fill('某区拟对在本区缴纳社保满三年的企业给予补贴，请两地介绍审核尺度。');
  await look(bj, 'topics');
  await bj.getByRole('button', { name: '提出议题' }).click();
  await bj.waitForURL(/\/topics\/topic-/);
  const topicUrl = bj.url();

  // Tianjin and Hebei answer from their work lists.
  for (const [who, opinion] of [
    ['tjReviewer', '天津认为以社保年限设限属于变相地域限制，应删除。'],
    ['hbReviewer', '河北同意天津意见，可改为以实际经营为条件。'],
  ] as const) {
    const page = await signIn(who);
    await openTask(page, '研讨答复');
    await page.getByLabel('答复意见').fill(opinion);
    await page.getByLabel('依据（每行一项）').fill('《公平竞争审查条例》第九条');
    if (who === 'tjReviewer') await look(page, 'topic-answer');
    await page.getByRole('button', { name: '提交答复' }).click();
    await page.getByTestId('done').waitFor();
    await page.context().close();
  }

  await bj.goto(topicUrl);
  await bj.getByTestId('answer-tianjin').filter({ hasText: '已答复' }).waitFor();
  await bj.getByTestId('answer-hebei').filter({ hasText: '河北同意天津意见' }).waitFor();
  await bj.getByLabel('结论摘要').fill('三地一致：补贴不以社保缴纳年限为条件。');
  await bj.getByRole('button', { name: '关闭议题' }).click();
  await bj.getByTestId('topic-status').filter({ hasText: '已关闭' }).waitFor();
  await look(bj, 'topic-closed');

  // Beijing proposes a guideline; each signer adopts it from the work list.
  await bj.getByRole('link', { name: '协同审核指引' }).click();
  await bj.getByLabel('标题').fill('关于财政补贴条件的协同审核指引');
  await bj.getByLabel('适用范围').fill('京津冀三地行政规范性文件合法性审核');
  await bj.getByLabel('正文').fill('第一条 财政补贴不得以在本地缴纳社会保险年限为条件。');
  await bj.getByLabel('依据（每行一项）').fill('《公平竞争审查条例》第九条');
  await look(bj, 'guidelines');
  await bj.getByRole('button', { name: '提交三地审议' }).click();
  await bj.waitForURL(/\/guidelines\/guideline-/);
  const guidelineUrl = bj.url();

  for (const who of ['bjSigner', 'tjSigner', 'hbSigner'] as const) {
    const page = await signIn(who);
    await openTask(page, '指引审议');
    await page.getByRole('button', { name: '提交审议意见' }).waitFor();
    if (who === 'bjSigner') await look(page, 'guideline-adoption');
    await page.getByRole('button', { name: '提交审议意见' }).click();
    await page.getByTestId('done').waitFor();
    await page.context().close();
  }
  await bj.goto(guidelineUrl);
  await bj.getByTestId('guideline-status').filter({ hasText: '现行有效' }).waitFor();
  const number = await bj.getByTestId('guideline-number').textContent();
  expect(number).toMatch(/^京津冀合审指引〔\d{4}〕1号$/);

  // The precedent search answers (no review has closed in this store yet).
  await bj.getByRole('link', { name: '案例检索' }).click();
  await bj.getByLabel('检索内容').fill('社会保险 补贴');
  await bj.getByRole('button', { name: '开始检索' }).click();
  await bj.getByText('没有找到相关案例').waitFor();
  await look(bj, 'precedents');

  expect(problems).toEqual({});
}, 240_000);
