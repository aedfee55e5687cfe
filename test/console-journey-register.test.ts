/**
 * The register's screens in a browser, against real servers: a supervisor finds a review in the
 * 台账 and downloads the CSV, reads the 年度统计, opens the 审计检查点 the record keeper made from the
 * menu; an admin loads a year's calendar.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { recordKeeperId } from '../domain/messages';
import { ensureRecordKeeper } from '../features/audit/use-cases';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import { eventually, type Claims, type Harness } from './harness';
import { accessibilityProblems, screenshot } from './support/browser';
import { startJourneyStack } from './support/journey';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }));
}, 120_000);
afterAll(() => stop?.());

const drafter: Claims = { sub: 'bj-d', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' };
const supervisor: Claims = { sub: 'sup', name: '监督员', region: 'beijing', roles: ['supervisor'] };
const admin: Claims = { sub: 'admin', name: '管理员', region: 'beijing', roles: ['admin'] };

/** A browser signed in as `who` (the session the sign-in page would keep). */
async function signedIn(who: Claims): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const token = h.token(who, { secret: DEVELOPMENT_JWT_SECRET });
  const session = { ...who, token, exp: Math.floor(Date.now() / 1000) + 3600 };
  await context.addInitScript(
    (value) =>
      (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(
        'console.session',
        value,
      ),
    JSON.stringify(session),
  );
  return context.newPage();
}

test('the register, the year figures and the calendar, screen by screen', async () => {
  const auth = { Authorization: `Bearer ${h.token(drafter, { secret: DEVELOPMENT_JWT_SECRET })}` };
  const doc = await request(h.app)
    .post('/v1/documents')
    .set(auth)
    .send({
      title: '北京市公共停车场管理办法',
      articles: [{ number: '1', text: '为规范停车管理，制定本办法。' }],
      legalBasis: [],
      materials: { draftingExplanation: '起草说明' },
    })
    .expect(201);
  const { reviewId } = (
    await request(h.app)
      .post(`/v1/documents/${doc.body.id as string}/reviews`)
      .set(auth)
      .expect(202)
  ).body as { reviewId: string };

  const page = await signedIn(supervisor);
  await page.goto(`${baseUrl}/register`);
  await page.getByRole('link', { name: '北京市公共停车场管理办法' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('搜索台账').fill('停车场');
  await page.getByLabel('搜索台账').press('Enter');
  await page.getByRole('link', { name: '北京市公共停车场管理办法' }).waitFor();
  await screenshot(page, 'register-01-list');
  expect(await accessibilityProblems(page)).toEqual([]);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: '导出 CSV' }).click(),
  ]);
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  expect((await readFile(path, 'utf8')).includes('北京市公共停车场管理办法')).toBe(true);

  await page.goto(`${baseUrl}/stats/annual`);
  await page.getByText('收件').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'register-02-annual');

  // The record keeper makes its first checkpoint as it starts; the supervisor opens it from the menu.
  await ensureRecordKeeper(h.ctx);
  const checkpoint = await eventually(
    async () => (await h.models.AuditCheckpoint.findOne().lean()) ?? undefined,
    'the first checkpoint',
    30_000,
  ).finally(() =>
    h.client.workflow
      .getHandle(recordKeeperId(h.config.temporal.taskQueue))
      .terminate('journey done')
      .catch(() => undefined),
  );
  await page.getByRole('link', { name: '审计检查点' }).click();
  const row = page.getByRole('row').filter({ hasText: checkpoint.root.slice(0, 16) });
  await row.waitFor({ timeout: 30_000 });
  expect(await row.getByRole('cell').first().textContent()).toBe(String(checkpoint.n));
  await screenshot(page, 'register-03-checkpoints');
  expect(await accessibilityProblems(page)).toEqual([]);

  const adminPage = await signedIn(admin);
  await adminPage.goto(`${baseUrl}/calendar`);
  await adminPage.getByText('暂定（尚未载入国务院通知）').waitFor({ timeout: 30_000 });
  await adminPage.getByRole('button', { name: '载入日历' }).click();
  await adminPage.getByText(/已重新计算期限的审核：\d+ 件/).waitFor({ timeout: 30_000 });
  await adminPage.getByText('已载入').waitFor();
  await screenshot(adminPage, 'register-04-calendar');
  expect(await accessibilityProblems(adminPage)).toEqual([]);

  // A review whose workflow refused the notice (the refusal itself: test/calendar-redating.test.ts) is
  // named on the page, in Chinese, with a link to it; the workflow's own reason is not shown.
  const year = new Date().getFullYear() + 1;
  const adminAuth = { Authorization: `Bearer ${h.token(admin, { secret: DEVELOPMENT_JWT_SECRET })}` };
  const { loadId } = (await request(h.app).get(`/v1/calendar/${year}/redating`).set(adminAuth).expect(200)).body as {
    loadId: string;
  };
  const marked = await h.models.CalendarRedating.updateOne(
    { _id: `${loadId}:${reviewId}` },
    { $set: { refused: 'the request signature is not valid' } },
  );
  expect(marked.matchedCount).toBe(1);
  await adminPage.reload();
  const refused = adminPage.getByRole('list', { name: '未接受新日历的审核' });
  await refused.getByRole('link', { name: reviewId }).waitFor({ timeout: 30_000 });
  await adminPage.getByText('1 件审核的流程未接受新日历，期限未变，请查看其审核记录').waitFor();
  expect(await adminPage.getByText('signature').count()).toBe(0);
  await screenshot(adminPage, 'register-05-calendar-refused');
  expect(await accessibilityProblems(adminPage)).toEqual([]);
}, 240_000);

test('the header search finds a document by part of its title or by its 受理编号 and opens it, for each role what it may open', async () => {
  const reviewer: Claims = { sub: 'bj-r', name: '李审', region: 'beijing', roles: ['reviewer'] };
  const otherDrafter: Claims = { sub: 'bj-d2', region: 'beijing', roles: ['drafter'], org: '北京市民政局' };
  const as = (who: Claims) => ({ Authorization: `Bearer ${h.token(who, { secret: DEVELOPMENT_JWT_SECRET })}` });
  const submitted: { documentId: string; reviewId: string }[] = [];
  for (const title of ['北京市户外广告设置管理办法', '北京市户外广告招牌技术规定']) {
    const doc = await request(h.app)
      .post('/v1/documents')
      .set(as(drafter))
      .send({
        title,
        articles: [{ number: '1', text: '为规范户外广告设置，制定本办法。' }],
        legalBasis: [],
        materials: { draftingExplanation: '起草说明' },
      })
      .expect(201);
    const documentId = doc.body.id as string;
    const review = await request(h.app).post(`/v1/documents/${documentId}/reviews`).set(as(drafter)).expect(202);
    submitted.push({ documentId, reviewId: review.body.reviewId as string });
  }
  // The first is accepted (受理): it gets its registration number.
  const [first, second] = submitted;
  const intake = await eventually(
    async () =>
      (
        await request(h.app)
          .get(`/v1/tasks?status=open&kind=intake&reviewId=${encodeURIComponent(first.reviewId)}`)
          .set(as(reviewer))
          .expect(200)
      ).body.items[0] as { id: string } | undefined,
    'the intake task',
    30_000,
  );
  await request(h.app)
    .post(`/v1/tasks/${encodeURIComponent(intake.id)}/complete`)
    .set(as(reviewer))
    .send({ decision: 'accept' })
    .expect(200);
  const registrationNumber = await eventually(
    async () =>
      (
        await request(h.app)
          .get(`/v1/search?q=${encodeURIComponent('户外广告设置')}`)
          .set(as(reviewer))
          .expect(200)
      ).body.items[0]?.registrationNumber as string | undefined,
    'the registration number',
    30_000,
  );

  const search = async (page: Page, q: string, how: 'enter' | 'click') => {
    await page.getByRole('searchbox', { name: '查找文件' }).fill(q);
    if (how === 'enter') await page.getByRole('searchbox', { name: '查找文件' }).press('Enter');
    else await page.getByRole('button', { name: '查找', exact: true }).click();
  };

  // A supervisor: part of a title finds both; one click opens the review's page.
  const supervisorPage = await signedIn(supervisor);
  await supervisorPage.goto(`${baseUrl}/dashboard`);
  await search(supervisorPage, '户外广告', 'enter');
  await supervisorPage.getByTestId('search-hits').getByRole('link').nth(1).waitFor({ timeout: 30_000 });
  expect(await supervisorPage.getByTestId('search-hits').getByRole('link').allTextContents()).toEqual([
    '北京市户外广告招牌技术规定',
    '北京市户外广告设置管理办法',
  ]);
  await screenshot(supervisorPage, 'search-01-hits');
  expect(await accessibilityProblems(supervisorPage)).toEqual([]);
  await supervisorPage.getByRole('link', { name: '北京市户外广告招牌技术规定' }).click();
  await supervisorPage.waitForURL(`${baseUrl}/reviews/${encodeURIComponent(second.reviewId)}`);

  // A reviewer types the 受理编号: the one document found opens at once.
  const reviewerPage = await signedIn(reviewer);
  await reviewerPage.goto(`${baseUrl}/tasks`);
  await search(reviewerPage, registrationNumber, 'click');
  await reviewerPage.waitForURL(`${baseUrl}/reviews/${encodeURIComponent(first.reviewId)}`, { timeout: 30_000 });

  // The drafting office lands on its document; another office finds nothing of it.
  const drafterPage = await signedIn(drafter);
  await drafterPage.goto(`${baseUrl}/documents`);
  await search(drafterPage, '户外广告设置', 'enter');
  await drafterPage.waitForURL(`${baseUrl}/documents/${first.documentId}`, { timeout: 30_000 });
  const otherPage = await signedIn(otherDrafter);
  await otherPage.goto(`${baseUrl}/documents`);
  await search(otherPage, '户外广告', 'enter');
  await otherPage.getByText('没有找到可查看的文件').waitFor({ timeout: 30_000 });
}, 240_000);
