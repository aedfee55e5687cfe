/**
 * The console in a real browser against the real stack: a whole review driven through the UI only,
 * from the drafter's draft to the supervisor opening the signed opinion, with a refused decision
 * and a reviewer of another region on the way. The revision letter and the opinion are shown as
 * frozen: the bytes in the frame hash to the SHA-256 recorded when they were issued. Every screen passes an axe-core check (no serious
 * or critical violations) and leaves a screenshot in test-artifacts/screenshots.
 */
import { createHash } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DEMO_USERS, type DemoUserKey } from '../api/dev-signin';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import type { EventDoc, RecordDoc, TaskDoc } from '../store/models';
import { letterRecordId, opinionRecordId } from '../store/records';
import type { Harness } from './harness';
import request from 'supertest';
import {
  accessibilityProblems,
  frozenPageProblems,
  latinWords,
  reloadUntilVisible,
  screenshot,
} from './support/browser';
import { startJourneyStack } from './support/journey';

let h: Harness;
let browser: Browser;
let baseUrl: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ h, browser, baseUrl, stop } = await startJourneyStack({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }));
}, 120_000);
afterAll(() => stop?.());

/** Accessibility problems by screen; the journey goes on and they are reported together. */
const problems: Record<string, string[]> = {};
/** What the browser refused under the content security policy (e.g. an inline script without its hash). */
const policyRefusals: string[] = [];
/** The screen the journey runs at: 1440×900 unless `JOURNEY_VIEWPORT` says e.g. 768x1024. */
const VIEWPORT = (() => {
  const [width, height] = (process.env.JOURNEY_VIEWPORT ?? '1440x900').split('x').map(Number);
  return { width, height };
})();
/** Screenshots of another screen size are kept apart (journey-768x1024-01-…). */
const SCREEN_NAME = process.env.JOURNEY_VIEWPORT ? `${process.env.JOURNEY_VIEWPORT}-` : '';
let shot = 0;
let sawWorkList = false;
async function look(page: Page, screen: string, { axe = true, latin = true } = {}): Promise<void> {
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 });
  shot += 1;
  await screenshot(page, `journey-${SCREEN_NAME}${String(shot).padStart(2, '0')}-${screen}`);
  const [scrollWidth, clientWidth] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  if (scrollWidth > clientWidth) problems[`${screen} (scrolls sideways)`] = [`${scrollWidth} px in ${clientWidth} px`];
  // Chinese only: ids, numbers and file formats aside (test/support/browser.ts latinWords).
  const words = latin ? await latinWords(page) : [];
  if (words.length > 0) problems[`${screen} (Latin-script words)`] = words;
  if (!axe) return;
  const found = await accessibilityProblems(page);
  if (found.length > 0) problems[screen] = found;
}

/** Follows a link of the main menu, opening the menu first where the screen is too narrow to show it. */
async function viaMenu(page: Page, name: string): Promise<void> {
  const opener = page.getByRole('button', { name: '打开菜单' });
  if (await opener.isVisible()) await opener.click();
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name }).click();
}

/**
 * What each person did with the mouse and keyboard inside the console: clicks (a check box and a
 * select's option included) and fields typed into or given a file (each field once per screen).
 * Addresses the journey opens directly (page.goto) are not counted. Printed at the end.
 */
const gestures: Record<string, { clicks: number; fields: number }> = {};
const COUNT_GESTURES = `(() => {
  const typed = new WeakSet();
  document.addEventListener('click', (e) => { if (e.isTrusted) window.countGesture('clicks'); }, true);
  for (const kind of ['input', 'change']) {
    document.addEventListener(kind, (e) => {
      if (!e.isTrusted || typed.has(e.target) || !e.target.matches('input:not([type=checkbox]):not([type=radio]), textarea')) return;
      typed.add(e.target);
      window.countGesture('fields');
    }, true);
  }
})();`;

/** A browser of its own (its own storage) for `who`, signed in through the development page. */
async function signIn(who: DemoUserKey): Promise<Page> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: VIEWPORT,
  });
  const tally = (gestures[DEMO_USERS[who].name] ??= { clicks: 0, fields: 0 });
  await context.exposeFunction('countGesture', (kind: 'clicks' | 'fields') => {
    tally[kind] += 1;
  });
  await context.addInitScript(COUNT_GESTURES);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      policyRefusals.push(message.text());
  });
  await page.goto(`${baseUrl}/`);
  // The sign-in page names the token's claims (sub, region, roles) as an identity provider's
  // administrator types them: Latin by nature.
  if (who === 'drafter') await look(page, 'sign-in', { latin: false });
  await page.getByRole('button', { name: `以${DEMO_USERS[who].name}身份登录` }).click();
  // Attached, not visible: a tablet's header folds the name away.
  await page.getByTestId('whoami').filter({ hasText: DEMO_USERS[who].name }).waitFor({ state: 'attached' });
  return page;
}

/** Opens the work list and the first row of `kind`, once the workflow has stored that task. */
async function openTask(page: Page, kind: string): Promise<void> {
  await page.goto(`${baseUrl}/tasks`);
  const row = page
    .getByTestId('task-row')
    .filter({ has: page.getByTestId('task-kind').filter({ hasText: new RegExp(`^${kind}$`) }) });
  await reloadUntilVisible(page, row, `a ${kind} task in the work list`);
  if (!sawWorkList) {
    sawWorkList = true;
    await look(page, 'work-list');
  }
  await row.first().getByRole('link').click();
  await page.getByRole('button', { name: '提交决定' }).waitFor();
}

async function decide(page: Page, decision: string, screen: string, axe = true): Promise<void> {
  await page.getByLabel(decision, { exact: true }).check();
  // A screen already checked with the same parts needs no second axe run (the machine is shared).
  await look(page, screen, { axe });
  await page.getByRole('button', { name: '提交决定' }).click();
  await page.getByTestId('done').waitFor();
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  // The select's box: a chosen value's label lies over the combobox itself.
  await page.locator('.ant-select', { has: page.getByRole('combobox', { name: label }) }).click();
  // The open list only (another select's list stays in the page, hidden), and on once it has closed.
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await open
    .locator('.ant-select-item-option')
    .filter({ hasText: new RegExp(`^${option}$`) })
    .click();
  await open.waitFor({ state: 'detached' });
}

/** The review id in a console address such as /reviews/<id>/opinion. */
function reviewIdIn(url: string): string {
  const match = /\/reviews\/([^/]+)\//.exec(new URL(url).pathname);
  if (!match) throw new Error(`no review in ${url}`);
  return decodeURIComponent(match[1]);
}

type Box = { x: number; y: number; width: number; height: number } | null;
const overlaps = (a: Box, b: Box) =>
  a !== null &&
  b !== null &&
  a.x < b.x + b.width &&
  b.x < a.x + a.width &&
  a.y < b.y + b.height &&
  b.y < a.y + a.height;

/**
 * The screen shows the frozen record itself: the frame holds exactly the page stored when it was
 * frozen, whose SHA-256 is the one recorded, and the screen's own hash (Web Crypto) agrees.
 */
async function expectFrozenPageShown(page: Page, recordId: string): Promise<void> {
  const frame = page.getByTestId('record-frame');
  await frame.waitFor();
  const shown = await frame.getAttribute('srcdoc');
  const record = await h.models.Record.findById(recordId).lean<RecordDoc>();
  expect(record).not.toBeNull();
  expect(
    createHash('sha256')
      .update(shown ?? '', 'utf8')
      .digest('hex'),
  ).toBe(record!.sha256);
  expect(shown).toBe(record!.html);
  await page.getByTestId('hash-verdict').filter({ hasText: '与登记的校验值一致' }).waitFor();
  expect(await page.getByTestId('computed-sha256').innerText()).toBe(record!.sha256);
  expect(await page.getByTestId('recorded-sha256').innerText()).toBe(record!.sha256);
  const found = await frozenPageProblems(page.context(), record!.html);
  if (found.length > 0) problems[`frozen ${recordId}`] = found;
}

const TITLE = '北京市促进京津冀交通一体化若干措施';
const COMMENT = '备案管理实为变相许可，应当删除或说明上位法依据';
/** A fine set by the draft itself: the assistive review flags it (penalty.fine). */
const FINE = '处一万元以下罚款';
const VALIDITY_REASON = '有效期由配套实施细则统一规定';
/** A one-page PDF, as the drafter attaches it. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const PDF_NAME = '征求意见及采纳情况.pdf';
const TIANJIN_COMMENT = '建议明确报送信息的范围，与天津市相关规定衔接';
const DISPOSITION_REASON = '报送范围由实施细则另行规定';
const EXTENSION_REASON = '涉及跨区域协调，需征求交通运输部意见';

/** Hex SHA-256 of bytes. */
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Opens the preview of the PDF attachment: the bytes the page fetched for it (with its token), and
 * the blob: address of those bytes the <object> shows (the page's policy lets no script read it back).
 */
async function previewedBytes(page: Page): Promise<Buffer> {
  // The bytes as the API sent them on their way to the page (passed on unchanged).
  let served: Buffer | undefined;
  const attachmentUrl = /\/v1\/documents\/[^/]+\/attachments\/[^/]+$/;
  await page.route(attachmentUrl, async (route) => {
    const response = await route.fetch();
    served = await response.body();
    await route.fulfill({ response, body: served });
  });
  await page.getByRole('button', { name: `预览${PDF_NAME}` }).click();
  const object = page.locator('object.attachment-preview');
  await object.waitFor();
  await page.unroute(attachmentUrl);
  expect(await object.getAttribute('data')).toMatch(/^blob:/);
  expect(await object.getAttribute('type')).toBe('application/pdf');
  expect(served).toBeDefined();
  return served!;
}

test('a review runs from draft to signed opinion through the console only', async () => {
  // The drafter writes the draft, article by article, and submits it.
  const drafter = await signIn('drafter');
  await viaMenu(drafter, '新建草案');
  await drafter.getByLabel('标题').fill(TITLE);
  await drafter.getByLabel('文件类型').fill('规范性文件');
  await drafter.getByLabel('第一条内容').fill('为推进京津冀交通一体化，制定本措施。');
  await drafter.getByRole('button', { name: '添加条文' }).click();
  await drafter.getByLabel('第二条内容').fill('跨区域客运线路实行备案管理。');
  await drafter.getByRole('button', { name: '添加条文' }).click();
  await drafter.getByLabel('第三条内容').fill(`跨区域客运经营者未按规定报送运营信息的，由市交通运输主管部门${FINE}。`);
  await drafter.getByRole('button', { name: '添加条文' }).click();
  await drafter.getByLabel('第四条内容').fill('本措施自发布之日起施行。');
  await drafter.getByRole('textbox', { name: '制定依据1' }).fill('《中华人民共和国道路运输条例》');
  await drafter.getByLabel('起草说明').fill('起草目的、必要性及主要措施');
  await look(drafter, 'draft-editor');
  // 合法性预检 before saving: the fine is flagged beside article 3, its words marked.
  await drafter.getByRole('button', { name: '合法性预检' }).click();
  const prechecked = drafter.getByTestId('precheck-article').filter({ hasText: '第三条' });
  await prechecked.getByTestId('flag-mark').filter({ hasText: FINE }).waitFor();
  await prechecked.getByTestId('flag').filter({ hasText: '设定行政处罚' }).waitFor();
  await look(drafter, 'draft-precheck');
  await drafter.getByRole('button', { name: '保存草案' }).click();
  await drafter.waitForURL(/\/documents\/(?!new$)[^/]+$/);
  const documentUrl = drafter.url();
  // Attachments: a text file is refused by its content, beside the file field; the PDF is kept.
  const fileField = drafter.getByLabel('选择文件（PDF、DOC、DOCX或OFD格式，不超过20兆字节）：');
  await fileField.setInputFiles({ name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('不是PDF文件') });
  await drafter.getByRole('button', { name: '上传附件' }).click();
  await drafter.getByTestId('attachment-problem').waitFor();
  expect(await fileField.getAttribute('aria-describedby')).toBe('attachment-problem');
  await choose(drafter, '材料类别', '征求意见及采纳情况');
  await fileField.setInputFiles({ name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF });
  await drafter.getByRole('button', { name: '上传附件' }).click();
  await drafter.getByTestId('attachment').filter({ hasText: PDF_NAME }).waitFor();
  expect(await drafter.getByTestId('attachment-problem').count()).toBe(0);
  expect(sha256(await previewedBytes(drafter))).toBe(sha256(PDF));
  await look(drafter, 'document-attachment');
  await drafter.getByRole('button', { name: '提交审核' }).click();
  await drafter.getByTestId('document-status').filter({ hasText: '审核中' }).waitFor();
  await look(drafter, 'document-submitted');
  await viaMenu(drafter, '我的文件');
  await drafter.getByRole('link', { name: TITLE }).waitFor();
  await look(drafter, 'my-documents');

  // The Beijing review body accepts the file (受理).
  const beijing = await signIn('reviewer-beijing');
  await openTask(beijing, '受理');
  await decide(beijing, '受理', 'intake');

  // Origin review: a comment on article 2; approving without the checklist is refused with the
  // API's message and the comment stays; then changes are requested.
  await openTask(beijing, '本地审核');
  const originTaskUrl = beijing.url();
  // The drafter's PDF, previewed in the task page from the bytes the API serves.
  expect(sha256(await previewedBytes(beijing))).toBe(sha256(PDF));
  await look(beijing, 'task-attachment');
  // Beside article 3, the flag of the fine: its words marked in the text; one click makes it a
  // comment on article 3 with the explanation, the basis and the suggested severity filled in.
  await beijing.getByTestId('flag-summary').waitFor();
  await beijing
    .getByRole('button', { name: /^第三条/ })
    .getByTestId('flag-mark')
    .filter({ hasText: FINE })
    .waitFor();
  const fineFlag = beijing.getByTestId('flag').filter({ hasText: FINE });
  await fineFlag.getByRole('button', { name: '转为意见' }).click();
  const flagComment = await beijing.getByLabel('意见内容').inputValue();
  expect(flagComment).toContain('罚款属于行政处罚');
  expect(await beijing.getByLabel('法律依据').inputValue()).toContain('《中华人民共和国行政处罚法》第十六条');
  await beijing.getByRole('button', { name: '添加意见' }).click();
  await beijing.getByTestId('staged-comment').filter({ hasText: '第三条 · 违法（必须修改）' }).waitFor();
  await beijing.getByRole('button', { name: /^第二条/ }).click();
  await beijing.getByLabel('意见内容').fill(COMMENT);
  await beijing.getByLabel('法律依据').fill('《中华人民共和国行政许可法》第十七条');
  await beijing.getByRole('button', { name: '添加意见' }).click();
  await beijing.getByTestId('staged-comment').filter({ hasText: COMMENT }).waitFor();
  // 暂存: the half-written decision is kept, and restored when the task is opened again.
  await beijing.getByLabel('要求修改', { exact: true }).check();
  await beijing.getByLabel('审核意见').fill('请按所附意见修改后重新报送');
  await beijing.getByRole('button', { name: '暂存' }).click();
  await beijing.getByTestId('draft-saved').filter({ hasText: '已于' }).waitFor();
  await beijing.reload();
  await beijing.getByTestId('draft-saved').filter({ hasText: '已恢复' }).waitFor();
  expect(await beijing.getByTestId('staged-comment').count()).toBe(2);
  await beijing.getByTestId('staged-comment').filter({ hasText: COMMENT }).waitFor();
  expect(await beijing.getByLabel('要求修改', { exact: true }).isChecked()).toBe(true);
  expect(await beijing.getByLabel('审核意见').inputValue()).toBe('请按所附意见修改后重新报送');
  await look(beijing, 'draft-restored');
  await beijing.getByLabel('通过，进入协同征求意见', { exact: true }).check();
  const refused = beijing.waitForResponse((r) => r.url().endsWith('/complete') && r.request().method() === 'POST');
  await beijing.getByRole('button', { name: '提交决定' }).click();
  const answer = await refused;
  expect(answer.status()).toBe(400);
  const { error: refusal } = (await answer.json()) as {
    error: { message: string; details: { path: string; message: string }[] };
  };
  await beijing.getByTestId('refusal').filter({ hasText: refusal.message }).waitFor();
  // The problem it names is shown beside the checklist, the field it names.
  const checklistProblem = refusal.details.find((d) => d.path === 'checklist');
  expect(checklistProblem).toBeDefined();
  await beijing.locator('.ant-card', { hasText: '审核要点（七项）' }).getByText(checklistProblem!.message).waitFor();
  await look(beijing, 'refused-decision');
  expect(await beijing.getByTestId('staged-comment').filter({ hasText: COMMENT }).count()).toBe(1);
  await decide(beijing, '要求修改', 'origin-review');

  // The drafter edits article 2 into a new version, answers the comment and resubmits.
  await drafter.goto(documentUrl);
  await reloadUntilVisible(drafter, drafter.getByTestId('revision'), 'the revision request');
  await look(drafter, 'revision-request');
  // The 修改意见书 of the round, as issued: the frozen page itself.
  await drafter
    .getByTestId('record-links')
    .getByRole('link', { name: /^修改意见书/ })
    .click();
  await expectFrozenPageShown(drafter, letterRecordId(reviewIdIn(drafter.url()), 1));
  await drafter.frameLocator('[data-testid="record-frame"]').locator('.comment').filter({ hasText: COMMENT }).waitFor();
  await look(drafter, 'revision-letter');
  await drafter.goto(documentUrl);
  await drafter.getByTestId('revision').waitFor();
  await drafter.getByRole('button', { name: '修改条文' }).click();
  await drafter.getByLabel('第二条内容').fill('跨区域客运线路经营者应当向所在地交通运输主管部门报送运营信息。');
  await drafter
    .getByLabel('第三条内容')
    .fill('跨区域客运经营者未按规定报送运营信息的，由交通运输主管部门依照《中华人民共和国道路运输条例》的规定处理。');
  await drafter.getByRole('button', { name: '保存为新版本' }).click();
  await drafter.waitForURL(/\/documents\/(?!new$)[^/]+$/);
  await drafter.getByTestId('revision').waitFor();
  await choose(drafter, `意见“${COMMENT}”的采纳情况`, '采纳');
  await choose(drafter, `意见“${flagComment}”的采纳情况`, '采纳');
  await drafter.getByRole('button', { name: '重新提交审核' }).click();
  await drafter.getByTestId('revision').waitFor({ state: 'detached' });

  // Beijing sees what changed (the fine is gone, and its flag with it), sets aside the flag of the
  // missing validity period with a reason, and approves the second version.
  await openTask(beijing, '本地审核');
  await beijing.getByTestId('diff').first().waitFor();
  // 申请延期 without a reason: refused, the API's words beside 延期理由; then with one.
  const extension = beijing.getByTestId('extension');
  await extension.getByLabel('延期工作日数').fill('5');
  const asked = beijing.waitForResponse((r) => r.url().endsWith('/extensions') && r.request().method() === 'POST');
  await extension.getByRole('button', { name: '提交延期申请' }).click();
  const extensionAnswer = await asked;
  expect(extensionAnswer.status()).toBe(400);
  const { error: extensionRefusal } = (await extensionAnswer.json()) as {
    error: { details: { path: string; message: string }[] };
  };
  const reasonProblem = extensionRefusal.details.find((d) => d.path === 'reason');
  expect(reasonProblem).toBeDefined();
  await extension
    .locator('.ant-form-item', { has: beijing.getByText('延期理由', { exact: true }) })
    .locator('.ant-form-item-explain-error')
    .filter({ hasText: reasonProblem!.message })
    .waitFor();
  await look(beijing, 'extension-refused');
  await extension.getByLabel('延期理由').fill(EXTENSION_REASON);
  await extension.getByRole('button', { name: '提交延期申请' }).click();
  await extension.getByTestId('extension-sent').waitFor();
  await extension.getByTestId('extension-request').filter({ hasText: EXTENSION_REASON }).waitFor();
  expect(await beijing.getByTestId('flag').filter({ hasText: FINE }).count()).toBe(0);
  const validityFlag = beijing.getByTestId('flag').filter({ hasText: '有效期' });
  await validityFlag.getByRole('button', { name: '忽略' }).click();
  await beijing.getByLabel('忽略第四条提示的理由').fill(VALIDITY_REASON);
  await beijing.getByRole('button', { name: '全部通过' }).click();
  await decide(beijing, '通过，进入协同征求意见', 'origin-review-v2', false);
  // The dismissal is recorded with the decision, in its event.
  const approval = await h.models.Event.findOne({
    type: 'task_completed',
    'data.kind': 'origin_review',
    'data.decision': 'approve',
  }).lean<EventDoc>();
  expect(approval?.data).toMatchObject({
    dismissedFlags: [{ ruleId: 'validity.missing', article: '4', reason: VALIDITY_REASON }],
  });

  // Tianjin cannot open Beijing's task; it comments on its own consultation. Hebei concurs.
  const tianjin = await signIn('reviewer-tianjin');
  await tianjin.goto(originTaskUrl);
  await tianjin.getByRole('alert').filter({ hasText: '未找到' }).waitFor();
  await look(tianjin, 'other-region-refused');
  await openTask(tianjin, '协同征求意见');
  // The origin round's comments and the drafter's answers, which the consulted region builds on.
  await tianjin
    .getByTestId('origin-comment')
    .filter({ hasText: COMMENT })
    .filter({ hasText: '起草单位答复：采纳' })
    .waitFor();
  await tianjin.getByRole('button', { name: /^第二条/ }).click();
  await tianjin.getByLabel('意见内容').fill(TIANJIN_COMMENT);
  await tianjin.getByRole('button', { name: '添加意见' }).click();
  await decide(tianjin, '原则同意并提出意见', 'consultation');
  await look(tianjin, 'consultation-decided', { axe: false });
  const hebei = await signIn('reviewer-hebei');
  await openTask(hebei, '协同征求意见');
  await decide(hebei, '无异议', 'consultation-hebei', false);

  // Consolidation: the consulted regions side by side; on to sign-off.
  await openTask(beijing, '汇总');
  await beijing.getByTestId('consultation-tianjin').filter({ hasText: '与天津市相关规定衔接' }).waitFor();
  await beijing.getByLabel('审核意见').fill('天津市意见已研究，报送信息范围由实施细则明确。');
  // A disposition of the consulted region's comment, recorded with the consolidation.
  await choose(beijing, `意见“${TIANJIN_COMMENT}”的处理`, '部分采纳');
  await beijing.getByLabel(`意见“${TIANJIN_COMMENT}”的处理理由`).fill(DISPOSITION_REASON);
  await look(beijing, 'consolidation-dispositions', { axe: false });
  await decide(beijing, '汇总后报签发', 'consolidation');

  // The signer signs.
  const signer = await signIn('signer-beijing');
  await openTask(signer, '签发');
  // The whole opinion as signing will freeze it, in the frozen record's sandboxed frame: the
  // server's own page of it, with the conclusion, the consulted regions and the consolidation.
  const draftFrame = signer.getByTestId('draft-opinion-frame');
  await draftFrame.waitFor();
  const signoffTask = await h.models.Task.findOne({ kind: 'signoff', status: 'open' }).lean<TaskDoc>();
  const draftPage = await request(h.app)
    .get(`/v1/reviews/${encodeURIComponent(signoffTask!.reviewId)}/opinion/draft`)
    .set('Authorization', `Bearer ${h.token(DEMO_USERS['signer-beijing'], { secret: DEVELOPMENT_JWT_SECRET })}`)
    .set('Accept', 'text/html')
    .expect(200);
  expect(await draftFrame.getAttribute('srcdoc')).toBe(draftPage.text);
  expect(await draftFrame.getAttribute('sandbox')).toBe('allow-same-origin allow-modals');
  const draftRecord = signer.frameLocator('[data-testid="draft-opinion-frame"]');
  await draftRecord.locator('.conclusion').filter({ hasText: '修改后合法' }).waitFor();
  await draftRecord.getByText('天津市意见已研究，报送信息范围由实施细则明确。').waitFor();
  await draftRecord.getByText(COMMENT).waitFor();
  await draftRecord.getByText(`部分采纳，理由：${DISPOSITION_REASON}`).waitFor();
  await look(signer, 'signoff-draft-opinion');
  await decide(signer, '签发', 'signoff', false);

  // The supervisor sees the review closed and opens its opinion.
  const supervisor = await signIn('supervisor');
  await supervisor.getByRole('img', { name: '各地审核与逾期' }).waitFor();
  const row = supervisor
    .getByRole('row')
    .filter({ has: supervisor.getByTestId('review-status').filter({ hasText: '已通过' }) });
  await reloadUntilVisible(supervisor, row, 'the approved review on the dashboard');
  await supervisor.getByRole('img', { name: '各地按期办结率与平均用时' }).waitFor();
  await look(supervisor, 'dashboard');
  await row.first().getByRole('link').click();
  await supervisor.getByRole('button', { name: '查看合法性审核意见书' }).waitFor();
  await look(supervisor, 'review-timeline');
  // Every step in Chinese, the clock stop of the revision among them: no event type or decision
  // shows as the engine's identifier (e.g. stage_changed, request_changes).
  const timeline = supervisor.getByTestId('review-timeline');
  await timeline.getByText('计时中止').waitFor();
  expect(await timeline.innerText()).not.toMatch(/[a-z]{2,}/);
  // Who acted, by name (the log has it), not only by region and role.
  await timeline.getByText(`${DEMO_USERS['reviewer-beijing'].name}（北京·审核员）`).first().waitFor();
  expect(await supervisor.getByText('已办结，用时').count()).toBe(1);
  await supervisor.getByRole('button', { name: '查看合法性审核意见书' }).click();
  await expectFrozenPageShown(supervisor, opinionRecordId(reviewIdIn(supervisor.url())));
  const record = supervisor.frameLocator('[data-testid="record-frame"]');
  await record.locator('.conclusion').filter({ hasText: '修改后合法' }).waitFor();
  // As the browser lays the page out, the seal is pressed over the issuer's name and the date.
  const [seal, issuer, date] = await Promise.all(
    ['.seal', '.issuer-name', '.date'].map((selector) => record.locator(selector).boundingBox()),
  );
  expect(overlaps(seal, issuer) && overlaps(seal, date)).toBe(true);
  await look(supervisor, 'opinion');
  // 打印 prints the frame (its own page settings), not the console around it.
  await supervisor.evaluate(
    `document.querySelector('[data-testid="record-frame"]').contentWindow.print = () => { window.printedFrame = true; }`,
  );
  await supervisor.getByRole('button', { name: '打印 / 另存为 PDF' }).click();
  expect(await supervisor.evaluate('window.printedFrame === true')).toBe(true);

  console.log(`clicks and typed fields per person (${VIEWPORT.width}×${VIEWPORT.height}):`, gestures);
  expect(problems).toEqual({});
  expect(policyRefusals).toEqual([]);
}, 420_000);

test('Chinese text is drawn with its glyphs, not empty boxes (the screenshots can be read)', async () => {
  const page = await browser.newPage();
  try {
    // Without a Chinese font every character is drawn as the same box as an unassigned code point.
    const drawings = await page.evaluate(`['审', '核', '\\u0378'].map((text) => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 64;
      const context = canvas.getContext('2d');
      context.font = '48px sans-serif';
      context.fillText(text, 4, 52);
      return canvas.toDataURL();
    })`);
    expect(new Set(drawings as string[]).size).toBe(3);
  } finally {
    await page.close();
  }
});
