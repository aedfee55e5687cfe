/**
 * Release 2's intake and written record, end to end through HTTP with every server real: 补正 then
 * 受理 (the clock starts at acceptance), 退回 without a verdict, extensions approved and refused,
 * gap-free numbers under concurrent sign-offs, the opinion frozen at issue, the 修改意见书 of a
 * revision round, the review limit ending at the end of its last working day across a holiday,
 * version comparison and attachments.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { OpinionView } from '../api/responses';
import {
  allPass,
  castOf,
  expectProjectionsRebuiltFromLog,
  maybeSaveHistory,
  startHarness,
  type Claims,
  type Harness,
} from './harness';

let h: Harness;
/** The Beijing review body with a telephone, as a deployment configures it (REVIEW_OFFICES). */
const BEIJING_PHONE = '010-00000000';
beforeAll(async () => {
  h = await startHarness({
    REVIEW_OFFICES: JSON.stringify({
      beijing: { name: '北京市司法局', abbreviation: '京', phone: BEIJING_PHONE },
      tianjin: { name: '天津市司法局', abbreviation: '津' },
      hebei: { name: '河北省司法厅', abbreviation: '冀' },
    }),
  });
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会', name: '张三' },
  otherOrg: { sub: 'bj-edu', region: 'beijing', roles: ['drafter'], org: '北京市教育委员会' },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'], name: '李审' },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'], name: '王签' },
  tjDrafter: { sub: 'tj-drafter', region: 'tianjin', roles: ['drafter'], org: '天津市交通运输委员会' },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { auth, get, post, task, decide, accept } = castOf(() => h, people);
const enc = encodeURIComponent;
/** A multipart upload to `path` as `who`. */
const upload = (who: Person, path: string) => request(h.app).post(path).set(auth(who));

const draft = {
  title: '北京市网络预约出租汽车经营服务管理细则',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为规范网络预约出租汽车经营服务，制定本细则。' },
    { number: '2', text: '从事网约车经营的平台应当取得经营许可。' },
    { number: '3', text: '本细则自发布之日起施行。' },
  ],
  legalBasis: ['《网络预约出租汽车经营服务管理暂行办法》'],
  materials: { draftingExplanation: '起草目的、必要性及主要内容' },
};

async function submit(who: Person = 'drafter'): Promise<{ documentId: string; reviewId: string }> {
  const documentId = (await post(who, '/v1/documents', draft).expect(201)).body.id as string;
  const reviewId = (await post(who, `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  return { documentId, reviewId };
}

const reviewOf = async (reviewId: string, who: Person = 'bjReviewer') =>
  (await get(who, `/v1/reviews/${enc(reviewId)}`).expect(200)).body;

/** The CST calendar date of an instant. */
const cstDate = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

/** Where a limit of `days` working days counted from the day after `fromIso` ends, per the calendar API. */
async function calendarDueAt(fromIso: string, days: number): Promise<string> {
  return (await get('bjReviewer', `/v1/calendar/deadline?from=${cstDate(fromIso)}&days=${days}`).expect(200)).body
    .dueAt;
}

/** Takes a Beijing review from acceptance to an open sign-off: approved, both regions concur. */
async function toSignoff(reviewId: string): Promise<void> {
  await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('hbReviewer', reviewId, 'consultation', {
    decision: 'concur_with_comments',
    comments: [{ article: '2', text: '建议明确许可机关', severity: 'advisory' }],
  });
  await decide('bjReviewer', reviewId, 'consolidation', {
    decision: 'proceed',
    opinion: '河北意见属建议性质，已转起草单位参考',
    dispositions: [{ commentId: await commentId(reviewId, 'hebei'), status: 'not_adopted', reason: '已由上位法明确' }],
  });
}

async function commentId(reviewId: string, region: string): Promise<string> {
  const comment = await h.models.Comment.findOne({ reviewId, 'author.region': region }).lean();
  if (!comment) throw new Error(`no comment of ${region} in ${reviewId}`);
  return comment._id;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The page of a record exactly as served (its bytes, not a decoding of them), with its content type. */
async function servedPage(who: Person, path: string): Promise<{ bytes: Buffer; type: string }> {
  const res = await get(who, path)
    .set('Accept', 'text/html')
    .buffer(true)
    .parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  return { bytes: res.body as Buffer, type: res.headers['content-type'] };
}

/** The articles of the comments a page lists, in the order it lists them ('' for a general comment). */
const commentArticles = (html: string) =>
  [...html.matchAll(/<p class="comment"(?: data-article="([^"]*)")?>/g)].map((m) => m[1] ?? '');

/** The CST date of an instant as GB/T 9704-2012 writes it, computed here independently of the engine. */
function cstOfficialDate(iso: string): string {
  const [year, month, day] = cstDate(iso).split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/**
 * The points of GB/T 9704-2012 every page of the record carries: no date in Chinese numerals, the
 * date of issue under the issuer's name with the seal pressed over both, 附注 after it, 版记 last.
 */
function expectOfficialLayout(html: string, issuedOn: string): void {
  expect(html).not.toMatch(/二〇|〇[一二三四五六七八九〇]{3}年/);
  expect(html).toMatch(/@page \{\s*size: A4;\s*margin: 37mm 26mm 35mm 28mm;/);
  expect(/<header>[\s\S]*?<\/header>/.exec(html)![0]).not.toContain('签发人');
  expect(html).not.toContain('签发人：');
  expect(html).toMatch(
    new RegExp(
      `<div class="signature">\\s*<p class="issuer-name">[^<]+</p>\\s*<p class="date">${issuedOn}</p>\\s*` +
        '<div class="seal" role="img" aria-label="印章"></div>\\s*</div>\\s*<p class="note">（承办人：[^<]+）</p>',
    ),
  );
  expect(html).toMatch(/<footer class="colophon">[\s\S]*印发<\/span><\/p>\s*<\/footer>\s*<\/div>\s*<\/body>/);
}

describe('intake (受理, 补正)', () => {
  test('when materials are missing, the drafting office supplies them, and the clock starts at acceptance, not submission', async () => {
    const { documentId, reviewId } = await submit();
    const asked = await decide('bjReviewer', reviewId, 'intake', {
      decision: 'request_materials',
      missing: ['consultationRecord', 'fairCompetitionConclusion'],
      opinion: '请补充征求意见及采纳情况和公平竞争审查结论',
    });
    expect(asked.review).toEqual({ status: 'in_review', stage: 'intake' });
    const waiting = await reviewOf(reviewId);
    expect(waiting.deadlines).toMatchObject({ clockRunning: false, workingDaysUsed: 0 });
    expect(waiting.openTasks).toEqual([expect.objectContaining({ kind: 'supplement', role: 'drafter', dueAt: null })]);

    // The drafting office attaches the record and answers with the missing materials.
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await upload('drafter', `/v1/documents/${documentId}/attachments`)
      .field('kind', 'consultationRecord')
      .attach('file', pdf, { filename: '征求意见情况.pdf', contentType: 'application/pdf' })
      .expect(201);
    const supplied = await decide('drafter', reviewId, 'supplement', {
      decision: 'supplement',
      materials: { consultationRecord: '已公开征求意见30日，采纳12条', fairCompetitionConclusion: '不涉及市场准入' },
    });
    expect(supplied.review).toEqual({ status: 'in_review', stage: 'intake' });
    const version = (await get('drafter', `/v1/documents/${documentId}/versions/1`).expect(200)).body;
    expect(version.materials).toMatchObject({
      draftingExplanation: draft.materials.draftingExplanation,
      consultationRecord: '已公开征求意见30日，采纳12条',
      fairCompetitionConclusion: '不涉及市场准入',
    });
    expect((await reviewOf(reviewId)).deadlines.clockRunning).toBe(false);

    await accept('bjReviewer', reviewId);
    const review = await reviewOf(reviewId);
    expect(Date.parse(review.acceptedAt)).toBeGreaterThan(Date.parse(review.submittedAt));
    expect(review.registrationNumber).toMatch(/^京司审受〔\d{4}〕\d+号$/);
    expect(review.deadlines).toMatchObject({
      clockRunning: true,
      reviewDueAt: await calendarDueAt(review.acceptedAt, 15),
    });
    expect(review.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['task_completed', 'accepted', 'clock_started']),
    );

    await toSignoff(reviewId);
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
    const opinion = (await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body;
    expect(opinion.dates).toMatchObject({ receivedAt: review.submittedAt, materialsCompleteAt: review.acceptedAt });
    expect(opinion.registrationNumber).toBe(review.registrationNumber);
    // The materials supplied at intake are the version's: the opinion states the drafter's
    // fair-competition conclusion beside the checklist's item.
    expect(opinion.fairCompetitionConclusion).toBe('不涉及市场准入');
    const page = await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.text).toContain(
      '公平竞争审查：</span>符合。<span class="fair-competition">起草单位的公平竞争审查结论：不涉及市场准入。</span>',
    );
    await expectProjectionsRebuiltFromLog(h, reviewId);
    await maybeSaveHistory(h.client.workflow.getHandle(reviewId), 'log--supplement-then-accepted-and-signed');
  });

  test('when someone other than a reviewer of the origin region acts on the intake, it is refused', async () => {
    const { reviewId } = await submit();
    const intake = await task('bjReviewer', reviewId, 'intake');
    await post('tjReviewer', `/v1/tasks/${enc(intake.id)}/complete`, { decision: 'accept' }).expect(404);
    await post('drafter', `/v1/tasks/${enc(intake.id)}/complete`, { decision: 'accept' }).expect(404);
    const vague = await post('bjReviewer', `/v1/tasks/${enc(intake.id)}/complete`, {
      decision: 'request_materials',
      opinion: '材料不全',
    }).expect(400);
    expect(vague.body.error.details.map((d: { path: string }) => d.path)).toContain('missing');
    await post('bjReviewer', `/v1/tasks/${enc(intake.id)}/complete`, {
      decision: 'accept',
      materials: { other: '无' },
    }).expect(400);
    expect((await reviewOf(reviewId)).stage).toBe('intake');
  });
});

describe('returns without a verdict (退回)', () => {
  test('when intake returns a draft that is not a normative document, the review closes returned with a numbered opinion and no verdict', async () => {
    const { documentId, reviewId } = await submit();
    await post('bjReviewer', `/v1/tasks/${enc((await task('bjReviewer', reviewId, 'intake')).id)}/complete`, {
      decision: 'return',
      opinion: '退回',
    }).expect(400); // grounds are required
    const returned = await decide('bjReviewer', reviewId, 'intake', {
      decision: 'return',
      grounds: 'not_normative_document',
      opinion: '该文件系内部工作制度，不属于行政规范性文件',
    });
    expect(returned.review).toEqual({ status: 'returned', stage: 'closed' });
    const opinion = (await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body;
    expect(opinion).toMatchObject({
      status: 'returned',
      conclusion: 'returned',
      grounds: 'not_normative_document',
      number: expect.stringMatching(/^京司审〔\d{4}〕\d+号$/),
      addressee: people.drafter.org,
    });
    expect(opinion.checklist).toEqual([]);
    expect(opinion).not.toHaveProperty('registrationNumber'); // never accepted
    // A returned review's opinion is what the contract documents (its conclusion included).
    expect(OpinionView.safeParse(opinion).error).toBeUndefined();
    const page = await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(page.text).toContain('退回（未作合法性结论）');
    expect(page.text).not.toContain('>合法<');
    // The document is free for a corrected submission.
    expect((await get('drafter', `/v1/documents/${documentId}`).expect(200)).body.status).toBe('returned');
    await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  });

  test('when the origin reviewer returns a draft outside the remit, no checklist is needed and no legality conclusion is drawn', async () => {
    const { reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    const returned = await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'return',
      grounds: 'outside_remit',
      opinion: '该事项属于市场监管部门职责，应由其制定',
    });
    expect(returned.review).toEqual({ status: 'returned', stage: 'closed' });
    const review = await reviewOf(reviewId);
    expect(review).not.toHaveProperty('checklist');
    expect(review.opinionNumber).toMatch(/^京司审〔\d{4}〕\d+号$/);
    const opinion = (await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body;
    expect(opinion).toMatchObject({ conclusion: 'returned', grounds: 'outside_remit', number: review.opinionNumber });
    expect(opinion.registrationNumber).toBe(review.registrationNumber);
    await expectProjectionsRebuiltFromLog(h, reviewId);
    await maybeSaveHistory(h.client.workflow.getHandle(reviewId), 'log--returned-at-origin-review');
  });
});

describe('extensions (延期)', () => {
  test('when an extension is approved the limit grows by its days; when one is refused it stays; both are on the record', async () => {
    const { reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    const before = await reviewOf(reviewId);
    const path = `/v1/reviews/${enc(reviewId)}/extensions`;
    await post('bjReviewer', path, { workingDays: 5, reason: '涉及多部门职责，需进一步论证' }).expect(202);
    await post('bjReviewer', path, { workingDays: 2, reason: '再延' }).expect(409); // one at a time
    await post('tjReviewer', path, { workingDays: 2, reason: '非本地区' }).expect(404);
    await post('drafter', path, { workingDays: 2, reason: '起草单位' }).expect(403);

    const approved = await decide('bjSigner', reviewId, 'extension', {
      decision: 'approve',
      opinion: '同意延长5个工作日',
    });
    expect(approved.review).toEqual({ status: 'in_review', stage: 'origin_review' });
    const extended = await reviewOf(reviewId);
    expect(extended.deadlines.reviewDueAt).toBe(await calendarDueAt(before.acceptedAt, 20));
    expect(Date.parse(extended.deadlines.reviewDueAt)).toBeGreaterThan(Date.parse(before.deadlines.reviewDueAt));
    expect(extended.openTasks).toEqual([
      expect.objectContaining({ kind: 'origin_review', dueAt: extended.deadlines.reviewDueAt }),
    ]);

    await post('bjReviewer', path, { workingDays: 11, reason: '超过上限' }).expect(400); // 5 + 11 > 15
    await post('bjReviewer', path, { workingDays: 3, reason: '等待上级答复' }).expect(202);
    await post('bjSigner', `/v1/tasks/${enc((await task('bjSigner', reviewId, 'extension')).id)}/complete`, {
      decision: 'refuse',
    }).expect(400); // a refusal gives its reasons
    await decide('bjSigner', reviewId, 'extension', { decision: 'refuse', opinion: '现有期限足以完成审核' });
    const refused = await reviewOf(reviewId);
    expect(refused.deadlines.reviewDueAt).toBe(extended.deadlines.reviewDueAt);
    expect(refused.extensions).toEqual([
      expect.objectContaining({
        workingDays: 5,
        status: 'approved',
        decidedBy: expect.objectContaining({ sub: 'bj-signer' }),
      }),
      expect.objectContaining({ workingDays: 3, status: 'refused', opinion: '现有期限足以完成审核' }),
    ]);
    expect(refused.history.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['extension_requested', 'limit_extended']),
    );

    await toSignoff(reviewId);
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
    const opinion = (await get('drafter', `/v1/reviews/${enc(reviewId)}/opinion`).expect(200)).body;
    expect(opinion.dates.clock.limitWorkingDays).toBe(20);
    expect(opinion.extensions.map((x: { status: string }) => x.status)).toEqual(['approved', 'refused']);
    await expectProjectionsRebuiltFromLog(h, reviewId);
    await maybeSaveHistory(h.client.workflow.getHandle(reviewId), 'log--extensions-approved-and-refused');
  });
});

describe('numbers and the frozen record', () => {
  test('when 20 reviews are accepted and then signed at the same moment, their numbers are distinct and gap-free', async () => {
    const N = 20;
    const submitted = await Promise.all(Array.from({ length: N }, () => submit('tjDrafter')));
    const ids = submitted.map((s) => s.reviewId);
    const intakes = await Promise.all(ids.map((id) => task('tjReviewer', id, 'intake')));
    const accepted = await Promise.all(
      intakes.map((t) => post('tjReviewer', `/v1/tasks/${enc(t.id)}/complete`, { decision: 'accept' })),
    );
    expect(accepted.map((a) => a.status)).toEqual(Array(N).fill(200));
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const series = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}〔${year}〕${i + 1}号`).sort();
    const registrations = await Promise.all(
      ids.map(async (id) => (await reviewOf(id, 'tjReviewer')).registrationNumber),
    );
    expect(registrations.sort()).toEqual(series('津司审受'));

    await Promise.all(
      ids.map(async (id) => {
        await decide('tjReviewer', id, 'origin_review', { decision: 'approve', checklist: allPass });
        await decide('bjReviewer', id, 'consultation', { decision: 'concur' });
        await decide('hbReviewer', id, 'consultation', { decision: 'concur' });
      }),
    );
    const signoffs = await Promise.all(ids.map((id) => task('tjSigner', id, 'signoff')));
    const signed = await Promise.all(
      signoffs.map((t) => post('tjSigner', `/v1/tasks/${enc(t.id)}/complete`, { decision: 'sign' })),
    );
    expect(signed.map((s) => s.status)).toEqual(Array(N).fill(200));
    const numbers = await Promise.all(
      ids.map(async (id) => (await get('tjDrafter', `/v1/reviews/${enc(id)}/opinion`).expect(200)).body.number),
    );
    expect(numbers.sort()).toEqual(series('津司审'));
  }, 120_000);

  test('when the document is edited after sign-off, the opinion served is the one issued, with its hash', async () => {
    const { documentId, reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    await toSignoff(reviewId);
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign', opinion: '同意印发' });

    const path = `/v1/reviews/${enc(reviewId)}/opinion`;
    const issued = (await get('drafter', path).expect(200)).body;
    const page = await get('drafter', path).set('Accept', 'text/html').expect(200);
    expect(issued.sha256).toBe(sha256(page.text));
    expect(issued).toMatchObject({
      title: '合法性审核意见书',
      document: expect.objectContaining({ id: documentId, title: draft.title }),
      number: expect.stringMatching(/^京司审〔\d{4}〕\d+号$/),
      issuer: expect.any(String),
      addressee: people.drafter.org,
      caseOfficer: { sub: 'bj-reviewer', name: '李审' },
      signer: { sub: 'bj-signer', name: '王签' },
      // GB/T 9704-2012: Arabic numerals, the full year, no padding (API.md, release 3's correction).
      issuedOn: expect.stringMatching(/^20\d{2}年[1-9]\d?月[1-9]\d?日$/),
      conclusion: 'legal',
      consolidation: {
        opinion: '河北意见属建议性质，已转起草单位参考',
        dispositions: [expect.objectContaining({ region: 'hebei', status: 'not_adopted', reason: '已由上位法明确' })],
      },
    });
    expect(cstOfficialDate(issued.dates.closedAt)).toBe(issued.issuedOn);
    expectOfficialLayout(page.text, issued.issuedOn);
    expect(page.text).toContain(`<p class="doc-number">${issued.number}</p>`);
    expect(page.text).toContain('<p class="note">（承办人：李审，联系电话：010-00000000）</p>');
    expect(page.text).toContain('<p class="copy-to">抄送：天津市司法局，河北省司法厅。</p>');
    expect(page.text).toContain(
      `<p class="printed-by"><span>${issued.issuer}</span><span>${issued.issuedOn}印发</span></p>`,
    );
    // 审核依据: the legal basis of the version reviewed, as the drafter gave it.
    expect(issued.legalBasis).toEqual(draft.legalBasis);
    expect(page.text).toMatch(
      /<h2>一、审核依据<\/h2>\s*<p>该文件列明的制定依据为：<\/p>\s*<p>1\.《网络预约出租汽车经营服务管理暂行办法》<\/p>/,
    );
    expect(page.text).toContain('<h2>六、汇总意见</h2>\n<p>河北意见属建议性质，已转起草单位参考</p>');

    await post('drafter', `/v1/documents/${documentId}/versions`, { ...draft, title: '修改后的标题' }).expect(201);
    expect((await get('drafter', path).expect(200)).body).toEqual(issued);
    expect((await get('drafter', path).set('Accept', 'text/html').expect(200)).text).toBe(page.text);
  });

  test('when a round sends the draft back for revision, the drafting office gets a numbered 修改意见书, frozen as issued', async () => {
    const { documentId, reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'request_changes',
      opinion: '请按以下意见修改后重新报送',
      comments: [
        { article: '2', text: '经营许可的实施机关应当明确', severity: 'amend', basis: '《行政许可法》第十八条' },
      ],
    });
    const listed = (await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters`).expect(200)).body.items;
    expect(listed).toEqual([
      {
        round: 1,
        number: expect.stringMatching(/^京司审修〔\d{4}〕\d+号$/),
        issuedOn: expect.any(String),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    const letter = (await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters/1`).expect(200)).body;
    expect(letter).toMatchObject({
      round: 1,
      number: listed[0].number,
      addressee: people.drafter.org,
      caseOfficer: { sub: 'bj-reviewer', name: '李审' },
      opinion: '请按以下意见修改后重新报送',
      comments: [expect.objectContaining({ article: '2', severity: 'amend', basis: '《行政许可法》第十八条' })],
    });
    const page = await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters/1`)
      .set('Accept', 'text/html')
      .expect(200);
    expect(sha256(page.text)).toBe(listed[0].sha256);
    expect(page.text).toContain('修改意见书');
    expect(page.text).toContain('经营许可的实施机关应当明确');
    expect(letter.issuedOn).toBe(listed[0].issuedOn);
    expect(letter.issuedOn).toBe(cstOfficialDate(letter.requestedAt));
    expectOfficialLayout(page.text, letter.issuedOn);
    expect(page.text).toContain('<p class="comment" data-article="2"><span class="kai">（一）第二条。</span>');
    expect(page.text).not.toContain('抄送'); // a letter goes to the drafting unit alone
    await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters/2`).expect(404);
    await get('otherOrg', `/v1/reviews/${enc(reviewId)}/revision-letters`).expect(404);

    // The revised draft answers the comment; the letter stays as issued.
    await post('drafter', `/v1/documents/${documentId}/versions`, {
      ...draft,
      articles: [
        draft.articles[0],
        { number: '2', text: '从事网约车经营的平台应当取得市交通委员会的经营许可。' },
        draft.articles[2],
      ],
    }).expect(201);
    await decide('drafter', reviewId, 'revision', {
      decision: 'resubmit',
      dispositions: [{ commentId: letter.comments[0].id, status: 'adopted' }],
    });
    const again = await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters/1`).set('Accept', 'text/html');
    expect(again.text).toBe(page.text);

    // Closed with its opinion: the seal lists the letter and the opinion, each as stored.
    await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'return',
      grounds: 'outside_remit',
      opinion: '该事项属于市场监管部门职责，应由其制定',
    });
    const stored = await h.models.Record.find({ reviewId }, { sha256: 1 }).lean();
    expect(stored).toHaveLength(2);
    const sealed = (await h.models.ReviewSeal.findById(reviewId).lean())!;
    expect(sealed.records.map(({ id, sha256: hash }) => ({ id, sha256: hash }))).toEqual(
      stored.map((r) => ({ id: r._id, sha256: r.sha256 })).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  test('when one decision comments on several articles, the letter and the opinion list them in article order, and the JSON sha256 is that of the served bytes', async () => {
    const { documentId, reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    await decide('bjReviewer', reviewId, 'origin_review', {
      decision: 'request_changes',
      opinion: '请按以下意见修改',
      comments: [
        { article: '3', text: '施行日期应当明确', severity: 'advisory' },
        { article: '1', text: '立法目的表述过宽', severity: 'amend' },
        { text: '全文用语应当统一', severity: 'advisory' },
        { article: '2', text: '许可条件应当列明', severity: 'advisory' },
        { article: '1', text: '应当写明制定依据', severity: 'advisory' },
      ],
    });
    // Made in one decision, the comments share their time: ties go by id, never by read order.
    const stored = await h.models.Comment.find({ reviewId }).lean();
    const byId = (article: string) =>
      stored
        .filter((c) => c.article === article)
        .map((c) => c._id)
        .sort();
    const expectedOrder = [stored.find((c) => c.article === undefined)!._id, ...byId('1'), ...byId('2'), ...byId('3')];
    const letterPath = `/v1/reviews/${enc(reviewId)}/revision-letters/1`;
    const letter = (await get('drafter', letterPath).expect(200)).body;
    expect(letter.comments.map((c: { id: string }) => c.id)).toEqual(expectedOrder);
    const letterPage = await servedPage('drafter', letterPath);
    const listed = (await get('drafter', `/v1/reviews/${enc(reviewId)}/revision-letters`).expect(200)).body.items;
    expect(createHash('sha256').update(letterPage.bytes).digest('hex')).toBe(listed[0].sha256);
    expect(commentArticles(letterPage.bytes.toString('utf8'))).toEqual(['', '1', '1', '2', '3']);

    await post('drafter', `/v1/documents/${documentId}/versions`, draft).expect(201);
    const amended = letter.comments.find((c: { severity: string }) => c.severity === 'amend');
    await decide('drafter', reviewId, 'revision', {
      decision: 'resubmit',
      dispositions: [{ commentId: amended.id, status: 'adopted' }],
    });
    await toSignoff(reviewId); // Hebei comments on article 2 in consultation, after the others
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });

    const opinionPath = `/v1/reviews/${enc(reviewId)}/opinion`;
    const opinion = (await get('drafter', opinionPath).expect(200)).body;
    const hebei = await commentId(reviewId, 'hebei');
    expect(opinion.comments.map((c: { id: string }) => c.id)).toEqual([
      ...expectedOrder.slice(0, 4),
      hebei,
      expectedOrder[4],
    ]);
    const page = await servedPage('drafter', opinionPath);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(createHash('sha256').update(page.bytes).digest('hex')).toBe(opinion.sha256);
    const html = page.bytes.toString('utf8');
    expect(commentArticles(html)).toEqual(['', '1', '1', '2', '2', '3']);
    expectOfficialLayout(html, opinion.issuedOn);
    // Every read serves the same bytes.
    expect((await servedPage('drafter', opinionPath)).bytes.equals(page.bytes)).toBe(true);
  });
});

describe('records issued before release 3', () => {
  test('when an opinion was frozen with a Chinese-numeral date, it is served as frozen, never rendered again', async () => {
    const { reviewId } = await submit();
    await accept('bjReviewer', reviewId);
    await toSignoff(reviewId);
    await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
    const path = `/v1/reviews/${enc(reviewId)}/opinion`;
    const current = (await get('drafter', path).expect(200)).body;
    // The copy release 2 would have frozen: its date in Chinese numerals, its own page and hash.
    const { sha256: _, ...json } = current;
    const html =
      '<!doctype html>\n<html lang="zh-CN"><body><p>北京市司法局</p><p>二〇二六年十一月二十七日</p></body></html>\n';
    await h.models.Record.updateOne(
      { _id: `${reviewId}:opinion` },
      {
        $set: {
          html,
          sha256: sha256(html),
          issuedOn: '二〇二六年十一月二十七日',
          json: { ...json, issuedOn: '二〇二六年十一月二十七日' },
        },
      },
    );
    const served = await servedPage('drafter', path);
    expect(served.bytes.toString('utf8')).toBe(html);
    const issued = (await get('drafter', path).expect(200)).body;
    expect(issued).toMatchObject({ issuedOn: '二〇二六年十一月二十七日', sha256: sha256(html) });
  });
});

describe('version comparison', () => {
  test('when two versions are compared, each article is added, removed, changed (with its text marked) or the same', async () => {
    const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
    await post('drafter', `/v1/documents/${documentId}/versions`, {
      ...draft,
      articles: [
        draft.articles[0],
        { number: '2', text: '从事网约车经营的平台应当依法取得经营许可。' },
        { number: '4', text: '违反本细则的，依法予以处罚。' },
      ],
    }).expect(201);
    const compared = (await get('drafter', `/v1/documents/${documentId}/versions/1/compare/2`).expect(200)).body;
    expect(compared.articles).toEqual([
      { number: '1', change: 'same', before: draft.articles[0].text, after: draft.articles[0].text },
      {
        number: '2',
        change: 'changed',
        before: draft.articles[1].text,
        after: '从事网约车经营的平台应当依法取得经营许可。',
        marked: [
          { change: 'same', text: '从事网约车经营的平台应当' },
          { change: 'added', text: '依法' },
          { change: 'same', text: '取得经营许可。' },
        ],
      },
      { number: '4', change: 'added', after: '违反本细则的，依法予以处罚。' },
      { number: '3', change: 'removed', before: draft.articles[2].text }, // the newer version's order, removed ones after
    ]);
    await get('drafter', `/v1/documents/${documentId}/versions/1/compare/3`).expect(404);
    await get('otherOrg', `/v1/documents/${documentId}/versions/1/compare/2`).expect(404);
  });
});

describe('attachments', () => {
  test('when a drafting office attaches files, only documents of the allowed types are kept, whole and hashed, for those who may see them', async () => {
    const { documentId, reviewId } = await submit();
    const path = `/v1/documents/${documentId}/attachments`;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300_000, 7), Buffer.from('\n%%EOF\n')]);
    const stored = (
      await upload('drafter', path)
        .field('kind', 'legalBasisNote')
        .attach('file', pdf, { filename: '制定依据.pdf', contentType: 'application/pdf' })
        .expect(201)
    ).body;
    expect(stored).toEqual({
      id: expect.any(String),
      name: '制定依据.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      kind: 'legalBasisNote',
      uploadedAt: expect.any(String),
    });

    // The origin region's reviewer may see the submitted document, so the file too, byte for byte.
    const download = await request(h.app)
      .get(`${path}/${stored.id}`)
      .set('Authorization', `Bearer ${h.token(people.bjReviewer)}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers.etag).toBe(`"${stored.sha256}"`);
    const listed = (await get('drafter', `/v1/documents/${documentId}`).expect(200)).body.attachments;
    expect(listed).toEqual([stored]);

    // A picture named .pdf is refused by its content; so is a file over 20 MB; strangers see nothing.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const refused = await upload('drafter', path).attach('file', png, {
      filename: '扫描件.pdf',
      contentType: 'application/pdf',
    });
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('unsupported_media_type');
    const huge = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20 * 1024 * 1024, 1)]);
    const tooLarge = await upload('drafter', path).attach('file', huge, { filename: '过大.pdf' });
    expect(tooLarge.status).toBe(413);
    await upload('bjReviewer', path).attach('file', pdf, { filename: 'x.pdf' }).expect(403);
    await get('otherOrg', `${path}/${stored.id}`).expect(404);
    await get('tjReviewer', `${path}/${stored.id}`).expect(404); // not consulted yet
    expect(await h.models.Attachment.countDocuments({ documentId })).toBe(1);
    expect(reviewId).toBeDefined();
  });
});

describe('time, exactly', () => {
  let timed: Harness;
  let limit: number;
  let extension: number;
  const calendarDays = new Map<string, boolean>();

  /** Whether a CST date is a working day, from the calendar API's own year data (independent of the engine). */
  async function isWorkingDay(date: string): Promise<boolean> {
    const year = date.slice(0, 4);
    if (!calendarDays.has(`${year}-loaded`)) {
      const res = await get('bjReviewer', `/v1/calendar/${year}`);
      if (res.status !== 200) throw new Error(`the calendar has no year ${year}: add its notice to run this test`);
      for (const { from, to } of res.body.holidays as { from: string; to: string }[])
        for (let d = from; d <= to; d = nextDate(d)) calendarDays.set(d, false);
      for (const d of res.body.workingWeekendDays as string[]) calendarDays.set(d, true);
      calendarDays.set(`${year}-loaded`, true);
    }
    const known = calendarDays.get(date);
    if (known !== undefined) return known;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
  const nextDate = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

  /** The last working day of `days` counted from the day after `from`. */
  async function lastWorkingDay(from: string, days: number): Promise<string> {
    let d = from;
    for (let counted = 0; counted < days;) {
      d = nextDate(d);
      if (await isWorkingDay(d)) counted++;
    }
    return d;
  }

  beforeAll(async () => {
    // A limit that reaches the first working day after the next holiday on a weekday, whenever the
    // test runs; beyond 60 working days (the most REVIEW_WORKING_DAYS allows) an approved extension
    // adds the rest.
    const today = cstDate(new Date().toISOString());
    let d = today;
    let days = 0;
    let crossed = false;
    for (;;) {
      d = nextDate(d);
      const working = await isWorkingDay(d);
      if (!working && !isWeekend(d)) crossed = true;
      if (working) days++;
      if (working && crossed) break;
    }
    limit = Math.min(days, 60);
    extension = days - limit;
    timed = await startHarness({
      REVIEW_WORKING_DAYS: String(limit),
      MAX_EXTENSION_WORKING_DAYS: '60',
      URGENT_REVIEW_WORKING_DAYS: '3',
    });
  });
  afterAll(async () => {
    await timed?.stop();
  });

  test('when the review limit spans a public holiday, it ends at the midnight after its last working day, counted from the day after acceptance', async () => {
    const cast = castOf(() => timed, people);
    const documentId = (await cast.post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
    const reviewId = (await cast.post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId;
    await cast.accept('bjReviewer', reviewId);
    if (extension > 0) {
      await cast
        .post('bjReviewer', `/v1/reviews/${enc(reviewId)}/extensions`, { workingDays: extension, reason: '节日跨期' })
        .expect(202);
      await cast.decide('bjSigner', reviewId, 'extension', { decision: 'approve' });
    }
    const review = (await cast.get('bjReviewer', `/v1/reviews/${enc(reviewId)}`).expect(200)).body;
    const acceptedOn = cstDate(review.acceptedAt);
    const last = await lastWorkingDay(acceptedOn, limit + extension);
    const endOfLastDay = new Date(Date.parse(`${nextDate(last)}T00:00:00+08:00`)).toISOString();
    expect(review.deadlines.reviewDueAt).toBe(endOfLastDay);
    // Counting weekends alone would end earlier: the window holds a public holiday on a weekday.
    let weekdays = 0;
    let d = acceptedOn;
    while (weekdays < limit + extension) {
      d = nextDate(d);
      if (!isWeekend(d)) weekdays++;
    }
    expect(d < last).toBe(true);
    expect(review.warnings ?? []).toEqual([]);
  });

  test('when an urgent review gets fewer than 5 working days, acceptance warns but goes ahead', async () => {
    const cast = castOf(() => timed, people);
    const documentId = (await cast.post('drafter', '/v1/documents', { ...draft, urgent: true }).expect(201)).body.id;
    const reviewId = (await cast.post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId;
    await cast.accept('bjReviewer', reviewId);
    const review = (await cast.get('bjReviewer', `/v1/reviews/${enc(reviewId)}`).expect(200)).body;
    expect(review).toMatchObject({ stage: 'origin_review', deadlines: { clockRunning: true } });
    expect(review.warnings).toEqual([expect.stringContaining('fewer than the 5')]);
    const acceptedOn = cstDate(review.acceptedAt);
    const last = await lastWorkingDay(acceptedOn, 3);
    expect(review.deadlines.reviewDueAt).toBe(new Date(Date.parse(`${nextDate(last)}T00:00:00+08:00`)).toISOString());
  });
});
