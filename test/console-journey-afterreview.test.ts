/**
 * The console after the review, in a real browser against the real stack: a document's review is
 * driven to `approved` through the API (to save time), then the drafter issues it and files it for
 * the record on the document page, and Beijing's reviewer registers the filing from the work list;
 * the catalogue shows it, and the public suggestion page opens without signing in. Each screen
 * passes an axe-core check and leaves a screenshot in test-artifacts/screenshots.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DEMO_USERS, type DemoUserKey } from '../api/dev-signin';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import { allPass, eventually, type Harness } from './harness';
import { accessibilityProblems, reloadUntilVisible, screenshot } from './support/browser';
import { startJourneyStack } from './support/journey';
import { draft, filingReport } from './support/after-review';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }));
}, 120_000);
afterAll(() => stop?.());

const auth = (who: DemoUserKey) => ({
  Authorization: `Bearer ${h.token(DEMO_USERS[who], { secret: DEVELOPMENT_JWT_SECRET })}`,
});
const apiPost = (who: DemoUserKey, path: string, body: object = {}) =>
  request(h.app).post(path).set(auth(who)).send(body);

/** `who` decides their open task of `kind` in the review, through the API. */
async function decide(who: DemoUserKey, reviewId: string, kind: string, body: object): Promise<void> {
  const task = await eventually(async () => {
    const res = await request(h.app)
      .get(`/v1/tasks?status=open&kind=${kind}&reviewId=${encodeURIComponent(reviewId)}`)
      .set(auth(who))
      .expect(200);
    return (res.body.items as { id: string }[])[0];
  }, `a ${kind} task`);
  await apiPost(who, `/v1/tasks/${encodeURIComponent(task.id)}/complete`, body).expect(200);
}

const problems: Record<string, string[]> = {};
let shot = 0;
async function look(page: Page, screen: string): Promise<void> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 });
  // The pointer stays where the last click was: a button rendered under it would be checked in its hover colour.
  await page.mouse.move(0, 0);
  shot += 1;
  await screenshot(page, `afterreview-${String(shot).padStart(2, '0')}-${screen}`);
  const found = await accessibilityProblems(page);
  if (found.length > 0) problems[screen] = found;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  });
  return context.newPage();
}

async function signIn(who: DemoUserKey): Promise<Page> {
  const page = await newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: `以${DEMO_USERS[who].name}身份登录` }).click();
  await page.getByTestId('whoami').filter({ hasText: DEMO_USERS[who].name }).waitFor();
  return page;
}

async function pickDate(page: Page, label: string, date: string): Promise<void> {
  const input = page.getByLabel(label);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

test('issuance → filing → registration in the console', async () => {
  // The review, to approved, through the API.
  const documentId = (await apiPost('drafter', '/v1/documents', draft('北京市共享单车停放管理办法')).expect(201)).body
    .id as string;
  const reviewId = (await apiPost('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body
    .reviewId as string;
  await decide('reviewer-beijing', reviewId, 'intake', { decision: 'accept' });
  await decide('reviewer-beijing', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('reviewer-tianjin', reviewId, 'consultation', { decision: 'concur' });
  await decide('reviewer-hebei', reviewId, 'consultation', { decision: 'concur' });
  await decide('signer-beijing', reviewId, 'signoff', { decision: 'sign' });

  // The drafter issues the document on its page…
  const drafter = await signIn('drafter');
  await drafter.goto(`${baseUrl}/documents/${encodeURIComponent(documentId)}`);
  await drafter.getByTestId('issuance').waitFor();
  await drafter.getByLabel('文号').fill('京交规〔2027〕8号');
  await pickDate(drafter, '印发日期', '2027-03-01');
  await pickDate(drafter, '公布日期', '2027-03-02');
  await drafter.getByLabel('公布载体').fill('北京市人民政府公报2027年第5期');
  await look(drafter, 'issuance');
  await drafter
    .getByRole('button', { name: '印 发' })
    .or(drafter.getByRole('button', { name: '印发' }))
    .click();

  // …and files it with its filing report.
  await drafter.getByTestId('filing-form').waitFor();
  await drafter.getByLabel('制定依据').fill(filingReport.report.basis);
  await drafter.getByLabel('制定目的').fill(filingReport.report.purpose);
  await drafter.getByLabel('主要内容').fill(filingReport.report.mainContent);
  await drafter.getByLabel('合法性审核情况').fill(filingReport.report.review);
  await look(drafter, 'filing');
  await drafter.getByRole('button', { name: '报送备案' }).click();
  await drafter.getByTestId('filing-status').filter({ hasText: '已报送，待登记' }).waitFor();

  // Beijing's reviewer registers it from the work list.
  const reviewer = await signIn('reviewer-beijing');
  await reviewer.goto(`${baseUrl}/tasks`);
  const row = reviewer
    .getByTestId('task-row')
    .filter({ has: reviewer.getByTestId('task-kind').filter({ hasText: /^备案登记$/ }) });
  await reloadUntilVisible(reviewer, row, 'a filing registration task in the work list');
  await row.first().getByRole('link').click();
  await reviewer.getByTestId('course-task').waitFor();
  await reviewer.getByRole('combobox', { name: '决定' }).click();
  await reviewer
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: '予以登记' })
    .click();
  // Checked while the list closes (an animation), its options' ARIA would be half gone.
  await reviewer.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
  await look(reviewer, 'registration');
  await reviewer
    .getByRole('button', { name: '提 交' })
    .or(reviewer.getByRole('button', { name: '提交' }))
    .click();
  await reviewer.getByText('已办理').waitFor();

  const filing = (
    await request(h.app)
      .get(`/v1/filings/${encodeURIComponent(`${documentId}:filing`)}`)
      .set(auth('drafter'))
      .expect(200)
  ).body;
  expect(filing).toMatchObject({ status: 'registered', onTime: true });

  // The catalogue of the month lists it; the drafter's page shows the registration.
  const month = new Date(Date.parse(filing.registeredAt) + 8 * 3600_000).toISOString().slice(0, 7);
  await reviewer.goto(`${baseUrl}/catalogue`);
  await reviewer.getByLabel('月份').fill(month);
  await reviewer.getByTestId('catalogue').getByText('京交规〔2027〕8号').waitFor();
  await look(reviewer, 'catalogue');
  await drafter.reload();
  await drafter.getByTestId('filing-status').filter({ hasText: '已登记，审查中' }).waitFor();

  // The public's page needs no sign-in.
  const visitor = await newPage();
  await visitor.goto(`${baseUrl}/public/suggestions`);
  await visitor.getByRole('heading', { name: '行政规范性文件审查建议' }).waitFor();
  await look(visitor, 'public-suggestion');

  expect(problems).toEqual({});
}, 240_000);
