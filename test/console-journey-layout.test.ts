/**
 * The console at a laptop's 1280×720 and a tablet's 768×1024, in a real browser against the real
 * stack: a drafter submits a draft 加急, the Beijing reviewer finds it at the top of the work list
 * (加急, no 受理编号 yet, its limit as a last working day) and sends a request for materials with
 * nothing named missing. Each screen: no sideways scrolling, no Latin-script word in the visible text
 * (ids and numbers aside), no serious or critical axe finding; the refusal stands beside its field.
 * Screenshots in test-artifacts/screenshots (console-layout-*).
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_USERS, type DemoUserKey } from '../api/dev-signin';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import type { Harness } from './harness';
import { accessibilityProblems, latinWords, reloadUntilVisible, screenshot } from './support/browser';
import { startJourneyStack } from './support/journey';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }));
}, 120_000);
afterAll(() => stop?.());

/** What is wrong with the screen as a person sees it; empty when nothing is. */
async function screenProblems(page: Page): Promise<string[]> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 });
  const problems: string[] = [];
  const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  if (scrollWidth > clientWidth) problems.push(`scrolls sideways: ${scrollWidth} px wide in ${clientWidth} px`);
  const latin = await latinWords(page);
  if (latin.length > 0) problems.push(`Latin-script words: ${latin.join(', ')}`);
  problems.push(...(await accessibilityProblems(page)));
  return problems;
}

/** Looks at the screen, keeps a screenshot, and notes its problems under `screen`. */
const found: Record<string, string[]> = {};
async function look(page: Page, screen: string): Promise<void> {
  const problems = await screenProblems(page);
  await screenshot(page, `console-layout-${screen}`);
  if (problems.length > 0) found[screen] = problems;
}

async function signIn(who: DemoUserKey, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: `以${DEMO_USERS[who].name}身份登录` }).click();
  await page.getByRole('button', { name: /^(打开|收起)菜单$/ }).waitFor();
  return page;
}

const VIEWPORTS = [
  { name: 'laptop', width: 1280, height: 720 },
  { name: 'tablet', width: 768, height: 1024 },
];

test('at 1280×720 and 768×1024 a draft goes 加急 to the reviewer, whose refusal shows beside its field', async () => {
  const drafterToken = h.token(DEMO_USERS.drafter, { secret: DEVELOPMENT_JWT_SECRET });
  for (const viewport of VIEWPORTS) {
    const size = { width: viewport.width, height: viewport.height };
    const title = `北京市道路噪声管理规定（${viewport.name === 'laptop' ? '笔记本' : '平板'}）`;
    const created = await request(h.app)
      .post('/v1/documents')
      .set('Authorization', `Bearer ${drafterToken}`)
      .send({
        title,
        docType: '规范性文件',
        articles: [
          { number: '1', text: '为减少道路交通噪声，制定本规定。' },
          { number: '2', text: '夜间施工应当向所在区主管部门备案。' },
        ],
        legalBasis: ['《中华人民共和国噪声污染防治法》'],
        materials: { draftingExplanation: '起草目的与主要内容' },
      })
      .expect(201);

    // The drafter submits it 加急.
    const drafter = await signIn('drafter', size);
    await drafter.goto(`${baseUrl}/documents/${created.body.id as string}`);
    await drafter.getByTestId('urgent').check();
    await drafter.getByRole('button', { name: '提交审核' }).click();
    await drafter.getByTestId('document-status').filter({ hasText: '审核中' }).waitFor();
    await look(drafter, `${viewport.name}-submitted`);

    // The reviewer's work list: the draft marked 加急, not yet numbered (and no internal id instead).
    const reviewer = await signIn('reviewer-beijing', size);
    const row = reviewer.getByTestId('task-row').filter({ hasText: title });
    await reloadUntilVisible(reviewer, row, 'the draft in the work list');
    await row.getByTestId('task-urgent').filter({ hasText: '加急' }).waitFor();
    await row.getByTestId('task-number').filter({ hasText: '尚未受理' }).waitFor();
    // 受理 runs on no clock: no limit yet (a limit reads as its last working day, test/messages-zh.test.ts).
    expect(await row.getByTestId('task-due').innerText()).toBe('不限');
    await look(reviewer, `${viewport.name}-work-list`);

    if (viewport.width < 992) {
      // The menu is folded away behind a real, named button, and opens with the keyboard.
      const menuButton = reviewer.getByRole('button', { name: '打开菜单' });
      expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
      await menuButton.focus();
      await reviewer.keyboard.press('Enter');
      const link = reviewer.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '我的待办' });
      await link.waitFor();
      await look(reviewer, `${viewport.name}-menu-open`);
      await link.click();
      await reviewer.getByRole('button', { name: '打开菜单' }).waitFor();
    }

    // 要求补正材料 with nothing named missing: refused, and the problem stands beside that field.
    await row.getByRole('link', { name: title }).click();
    await reviewer.getByLabel('要求补正材料', { exact: true }).check();
    const answered = reviewer.waitForResponse((r) => r.url().endsWith('/complete') && r.request().method() === 'POST');
    await reviewer.getByRole('button', { name: '提交决定' }).click();
    const answer = await answered;
    expect(answer.status()).toBe(400);
    const { error } = (await answer.json()) as { error: { details: { path: string; message: string }[] } };
    const missing = error.details.find((d) => d.path === 'missing');
    expect(missing?.message).toBe('请至少列明一项需要补正的材料');
    await reviewer
      .locator('.ant-form-item', { has: reviewer.getByText('缺少的材料（要求补正时）') })
      .locator('.ant-form-item-explain-error')
      .filter({ hasText: missing!.message })
      .waitFor();
    await look(reviewer, `${viewport.name}-refusal`);
    await drafter.context().close();
    await reviewer.context().close();
  }
  expect(found).toEqual({});
}, 240_000);
