/**
 * The written record on its own: what the opinion and the revision letter say (domain/written-record.ts)
 * and how their pages lay it out per GB/T 9704-2012 (records/). A review is driven through the pure
 * review machine and its log projected, as the store does; the record is built from that. Pure code,
 * no servers.
 */
import { DEFAULT_POLICY } from '../domain/clock';
import type { ReviewInput } from '../domain/messages';
import { CHECK_ITEMS, type Actor, type CommentRecord, type DecisionInput, type TaskKind } from '../domain/model';
import { DEFAULT_OFFICES, type ReviewOffices } from '../domain/offices';
import { projectLog } from '../domain/projection';
import type { NewEvent } from '../domain/review-log';
import {
  buildOpinion,
  buildRevisionLetter,
  byDecisionInArticleOrder,
  compareArticleNumbers,
  officialDate,
  type RecordSources,
} from '../domain/written-record';
import { opinionHtml, revisionLetterHtml } from '../records/pages';
import { articleLabel, chineseInteger } from '../records/parts';
import { PAGE_STYLE } from '../records/style';
import { ReviewMachine, type VersionFacts } from '../workflows/review-machine';

const input: ReviewInput = {
  reviewId: 'review:doc1:1',
  documentId: 'doc1',
  originRegion: 'beijing',
  org: '北京市交通委员会',
  drafter: { sub: 'd1', name: '张三' },
  version: 1,
  articleNumbers: ['1', '2', '3', '10', '11'],
  urgent: false,
  submittedAt: '2026-03-02T01:00:00.000Z',
  policy: DEFAULT_POLICY,
  timeModel: {},
};

const bjReviewer: Actor = { sub: 'bj-reviewer', name: '李审', region: 'beijing', roles: ['reviewer'] };
const tjReviewer: Actor = { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] };
const hbReviewer: Actor = { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] };
const bjSigner: Actor = { sub: 'bj-signer', name: '王签', region: 'beijing', roles: ['signer'] };
const drafter: Actor = { sub: 'd1', name: '张三', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' };

const OFFICES: ReviewOffices = {
  ...DEFAULT_OFFICES,
  beijing: { ...DEFAULT_OFFICES.beijing, phone: '010-00000000' },
};

const VERSION = {
  title: '北京市网络预约出租汽车经营服务管理细则',
  docType: '规范性文件',
  legalBasis: ['《网络预约出租汽车经营服务管理暂行办法》', '《北京市道路运输条例》'],
  materials: {
    draftingExplanation: '起草目的',
    legalBasisNote: '第二条依据暂行办法第五条',
    fairCompetitionConclusion: '不涉及市场准入和退出，不排除、限制竞争',
  },
};

/** The comments of the origin review, made in one decision, out of article order on purpose. */
const ORIGIN_COMMENTS = [
  {
    article: '10',
    text: '第十条的罚款幅度超出上位法规定',
    severity: 'blocking' as const,
    basis: '《行政处罚法》第十四条',
  },
  { article: '2', text: '经营许可的实施机关应当明确', severity: 'amend' as const },
  { text: '建议统一全文用语', severity: 'advisory' as const },
  { article: '11', text: '施行日期应当与公布日期间隔三十日', severity: 'advisory' as const },
  { article: '2', text: '第二款表述不清', severity: 'advisory' as const },
];

/** Drives one review through the pure machine to its signed opinion; returns its whole log. */
function signedReview(): { events: NewEvent[]; letterEvents: NewEvent[] } {
  let n = 0;
  let clock = Date.parse(input.submittedAt);
  const at = () => new Date((clock += 3_600_000)).toISOString();
  const m = ReviewMachine.submit(input, () => `c${String(++n).padStart(2, '0')}`);
  const events: NewEvent[] = [];
  const decide = (kind: TaskKind, region: string, actor: Actor, decision: DecisionInput, facts?: VersionFacts) => {
    const task = m.state.tasks.find((t) => t.kind === kind && t.region === region && t.status === 'open');
    if (!task) throw new Error(`no open ${kind} task for ${region}`);
    m.complete(task.id, actor, decision, at(), facts);
    events.push(...m.drainEvents());
  };
  const allPass = CHECK_ITEMS.map((item) => ({ item, result: 'pass' as const }));
  decide('intake', 'beijing', bjReviewer, { decision: 'accept' });
  decide('origin_review', 'beijing', bjReviewer, { decision: 'request_changes', comments: ORIGIN_COMMENTS });
  const letterEvents = [...events];
  const blockingOrAmend = projectLog(events)!.comments.filter((c) => c.severity !== 'advisory');
  decide(
    'revision',
    'beijing',
    drafter,
    {
      decision: 'resubmit',
      version: 2,
      dispositions: blockingOrAmend.map((c) =>
        c.severity === 'blocking'
          ? { commentId: c.id, status: 'adopted' as const }
          : { commentId: c.id, status: 'not_adopted' as const, reason: '上位法已明确' },
      ),
    },
    { articleNumbers: input.articleNumbers },
  );
  decide('origin_review', 'beijing', bjReviewer, { decision: 'approve', checklist: allPass });
  decide('consultation', 'tianjin', tjReviewer, { decision: 'concur' });
  decide('consultation', 'hebei', hbReviewer, {
    decision: 'concur_with_comments',
    comments: [{ article: '3', text: '建议与河北省相关规定衔接' }],
  });
  const hebeiComment = projectLog(events)!.comments.find((c) => c.author.region === 'hebei')!;
  decide('consolidation', 'beijing', bjReviewer, {
    decision: 'proceed',
    opinion: '河北意见属建议性质，已转起草单位参考',
    dispositions: [{ commentId: hebeiComment.id, status: 'not_adopted', reason: '不属于合法性问题' }],
  });
  decide('signoff', 'beijing', bjSigner, { decision: 'sign' });
  return { events, letterEvents };
}

/** What store/records.ts hands the builders: the projection of the log, the version, the offices. */
function sourcesOf(events: NewEvent[], comments?: (all: CommentRecord[]) => CommentRecord[]): RecordSources {
  const projected = projectLog(events)!;
  return {
    // The number is assigned while the closing is recorded (store): here as the store would set it.
    review: { ...projected.review, opinionNumber: '京司审〔2026〕17号' },
    events,
    version: VERSION,
    comments: comments ? comments(projected.comments) : projected.comments,
    offices: OFFICES,
  };
}

/** The declarations of one rule of the page's style sheet. */
function cssRule(selector: string): Record<string, string> {
  const match = new RegExp(`(?:^|\\n)${selector.replace(/[.*]/g, '\\$&')} \\{([^}]*)\\}`).exec(PAGE_STYLE);
  if (!match) throw new Error(`no rule for ${selector}`);
  return Object.fromEntries(
    match[1]
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.slice(0, d.indexOf(':')).trim(), d.slice(d.indexOf(':') + 1).trim()]),
  );
}

const mm = (length: string) => {
  const m = /^(-?[\d.]+)mm$/.exec(length);
  if (!m) throw new Error(`not a length in mm: ${length}`);
  return Number(m[1]);
};

/** The text of the page without its markup, one line per element. */
const textOf = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"');

describe('dates and numbers as documents write them', () => {
  test('a date is the CST calendar day in Arabic numerals, full year, no padding', () => {
    expect(officialDate('2026-11-27T03:00:00.000Z')).toBe('2026年11月27日');
    expect(officialDate('2026-01-04T16:00:00.000Z')).toBe('2026年1月5日'); // midnight in Beijing
    expect(officialDate('2026-01-04T15:59:59.000Z')).toBe('2026年1月4日');
  });

  test('article numbers sort numerically and are cited as 第二条', () => {
    expect(['10', '2', '1', '3-1', '3', '11'].sort(compareArticleNumbers)).toEqual(['1', '2', '3', '3-1', '10', '11']);
    expect([1, 10, 11, 20, 21, 100, 105, 110, 1010].map(chineseInteger)).toEqual([
      '一',
      '十',
      '十一',
      '二十',
      '二十一',
      '一百',
      '一百零五',
      '一百一十',
      '一千零一十',
    ]);
    expect(articleLabel('2')).toBe('第二条');
    expect(articleLabel('12')).toBe('第十二条');
    expect(articleLabel('3-1')).toBe('第3-1条');
  });
});

test('comments are listed decision by decision, as made, and each decision in article order', () => {
  const comment = (id: string, taskId: string, createdAt: string, article?: string) =>
    ({ id, taskId, createdAt, ...(article && { article }) }) as CommentRecord;
  // One decision's comments share their time; their ids are random.
  const listed = byDecisionInArticleOrder([
    comment('c9', 'review:1:t2', '2026-12-01T02:00:00.000Z', '10'),
    comment('c1', 'review:1:t2', '2026-12-01T02:00:00.000Z', '2'),
    comment('c5', 'review:1:t2', '2026-12-01T02:00:00.000Z'),
    comment('c3', 'review:1:t5', '2026-12-03T02:00:00.000Z', '1'),
    comment('c0', 'review:1:t5', '2026-12-03T02:00:00.000Z', '3-1'),
    comment('c2', 'review:1:t5', '2026-12-03T02:00:00.000Z', '3'),
  ]);
  expect(listed.map((c) => c.id)).toEqual(['c5', 'c1', 'c9', 'c3', 'c2', 'c0']);
});

describe('the opinion', () => {
  const { events } = signedReview();
  const opinion = buildOpinion(sourcesOf(events));
  const html = opinionHtml(opinion);
  const text = textOf(html);

  test('says what the log and the version say: the legal basis, the fair-competition conclusion, 抄送, the contact', () => {
    expect(opinion.issuedOn).toMatch(/^\d{4}年[1-9]\d?月[1-9]\d?日$/);
    expect(opinion.issuedOn).toBe(officialDate(opinion.dates.closedAt!));
    expect(opinion.legalBasis).toEqual(VERSION.legalBasis);
    expect(opinion.legalBasisNote).toBe(VERSION.materials.legalBasisNote);
    expect(opinion.fairCompetitionConclusion).toBe(VERSION.materials.fairCompetitionConclusion);
    expect(opinion.copyTo).toEqual(['天津市司法局', '河北省司法厅']);
    expect(opinion.contactPhone).toBe('010-00000000');
    expect(opinion.caseOfficer).toEqual({ sub: 'bj-reviewer', name: '李审' });
    expect(opinion.consultations.map((c) => c.reviewBody)).toEqual(['天津市司法局', '河北省司法厅']);
  });

  test('lists comments in article order, general ones first, then as made, whatever order the store gave them', () => {
    expect(opinion.comments.map((c) => [c.article ?? '', c.text])).toEqual([
      ['', '建议统一全文用语'],
      ['2', '经营许可的实施机关应当明确'],
      ['2', '第二款表述不清'],
      ['3', '建议与河北省相关规定衔接'],
      ['10', '第十条的罚款幅度超出上位法规定'],
      ['11', '施行日期应当与公布日期间隔三十日'],
    ]);
    // Comments of one decision share their time: the order must not depend on how they were read.
    const reversed = buildOpinion(sourcesOf(events, (all) => [...all].reverse()));
    expect(reversed.comments).toEqual(opinion.comments);
    expect(opinionHtml(reversed)).toBe(html);
    const articles = [...html.matchAll(/<p class="comment"(?: data-article="([^"]*)")?>/g)].map((m) => m[1] ?? '');
    expect(articles).toEqual(['', '2', '2', '3', '10', '11']);
    expect(text).toContain('（二）第二条。经营许可的实施机关应当明确');
    expect(text).toContain('（五）第十条。第十条的罚款幅度超出上位法规定');
  });

  test('writes every date in Arabic numerals, none in Chinese numerals or padded', () => {
    expect(text).not.toMatch(/[〇零][一二三四五六七八九〇]*年|二〇/);
    expect(text).not.toMatch(/年0\d月|月0\d日/);
    const dates = [...text.matchAll(/\d{4}年\d{1,2}月\d{1,2}日/g)].map((m) => m[0]);
    expect(dates).toContain(officialDate(opinion.dates.receivedAt));
    expect(dates).toContain(officialDate(opinion.dates.materialsCompleteAt!));
    expect(dates.filter((d) => d === opinion.issuedOn).length).toBeGreaterThanOrEqual(2); // signature and 印发
  });

  test('has the masthead of a document not sent upward: issuer mark, number, red rule, no 签发人', () => {
    expect(html).toMatch(
      /<p class="issuer-mark">北京市司法局<\/p>\s*<p class="doc-number">京司审〔2026〕17号<\/p>\s*<hr class="red-rule">/,
    );
    expect(/<header>[\s\S]*?<\/header>/.exec(html)![0]).not.toContain('签发人');
    expect(html).not.toContain('签发人：');
    expect(cssRule('.issuer-mark').color).toBe(cssRule('.red-rule')['border-top'].split(' ').pop());
  });

  test('has 审核依据 with each legal basis, the fair-competition conclusion beside its item, 汇总意见 and the conclusion', () => {
    const basis = /<section class="legal-basis">([\s\S]*?)<\/section>/.exec(html)![1];
    expect(basis).toContain('<h2>一、审核依据</h2>');
    for (const law of VERSION.legalBasis) expect(basis).toContain(law);
    expect(basis).toContain(VERSION.materials.legalBasisNote);
    expect(html).toMatch(
      /（六）公平竞争审查：<\/span>符合。<span class="fair-competition">起草单位的公平竞争审查结论：不涉及市场准入和退出，不排除、限制竞争。<\/span>/,
    );
    expect(text).toContain('汇总意见');
    expect(text).toContain('河北意见属建议性质，已转起草单位参考');
    expect(text).toContain(
      '对河北省司法厅关于第三条“建议与河北省相关规定衔接”的意见：未采纳，理由：不属于合法性问题。',
    );
    expect(html).toContain('<p class="conclusion">审核结论：修改后合法。</p>');
  });

  test('closes with the seal pressed over the issuer and the date, then 附注, then the 版记', () => {
    const tail = html.slice(html.indexOf('<div class="signature">'));
    expect(tail).toMatch(
      new RegExp(
        '^<div class="signature">\\s*<p class="issuer-name">北京市司法局</p>\\s*' +
          `<p class="date">${opinion.issuedOn}</p>\\s*<div class="seal" role="img" aria-label="印章"></div>\\s*</div>\\s*` +
          '<p class="note">（承办人：李审，联系电话：010-00000000）</p>\\s*' +
          '<footer class="colophon">\\s*<p class="copy-to">抄送：天津市司法局，河北省司法厅。</p>\\s*' +
          `<p class="printed-by"><span>北京市司法局</span><span>${opinion.issuedOn}印发</span></p>\\s*</footer>\\s*</div>`,
      ),
    );
    // The seal's box, placed against the signature block (two lines): it covers both lines and
    // their centres sit below its centre (居印章中心偏下), and it is centred on the block.
    const block = cssRule('.signature');
    const seal = cssRule('.seal');
    expect(block.position).toBe('relative');
    expect(seal.position).toBe('absolute');
    const line = mm(cssRule('body')['line-height']);
    const [marginTop, , , marginLeft] = seal.margin.split(' ');
    const top = mm(marginTop);
    const height = mm(seal.height);
    expect(seal.top).toBe('0');
    expect(top).toBeLessThan(0);
    expect(top + height).toBeGreaterThan(2 * line);
    expect(top + height / 2).toBeLessThan(line / 2);
    expect(seal.left).toBe('50%');
    expect(mm(marginLeft)).toBe(-mm(seal.width) / 2);
    // The seal's top stays within one line of the text above (the block's top margin).
    const gap = mm(block.margin.split(' ')[0]) + top;
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThanOrEqual(line);
    // Printed red: the browser must not drop its colour when printing.
    expect(seal.border).toMatch(/solid #d00$/);
    expect(PAGE_STYLE).toMatch(/print-color-adjust: exact/);
  });

  test('is printed on A4 with the standard margins (top 37 mm, left 28 mm) and numbered pages', () => {
    expect(PAGE_STYLE).toMatch(/@page \{\s*size: A4;\s*margin: 37mm 26mm 35mm 28mm;\s*\}/);
    expect(PAGE_STYLE).toMatch(/@bottom-right \{\s*content: "— " counter\(page\) " —";/);
    expect(cssRule('body')['font-size']).toBe('16pt'); // 3号
    expect(cssRule('body')['font-family']).toMatch(/^"仿宋_GB2312"/);
    expect(cssRule('h1')['font-size']).toBe('22pt'); // 2号
  });

  test('escapes what people typed', () => {
    const hostile = buildOpinion({
      ...sourcesOf(events),
      version: { ...VERSION, title: '<script>alert(1)</script>', legalBasis: ['《条例》<img src=x>'] },
    });
    const page = opinionHtml(hostile);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;');
  });
});

describe('the revision letter', () => {
  const { letterEvents } = signedReview();
  const letter = buildRevisionLetter(sourcesOf(letterEvents), 1);
  const html = revisionLetterHtml(letter);

  test('lists the changes asked for in article order, with 审核依据, the seal, 附注 and 印发 (no 抄送)', () => {
    expect(letter.comments.map((c) => c.article ?? '')).toEqual(['', '2', '2', '10', '11']);
    expect(letter.issuedOn).toBe(officialDate(letterEvents.find((e) => e.type === 'revision_letter')!.at));
    expect(letter.legalBasis).toEqual(VERSION.legalBasis);
    expect(html).toContain('<h2>一、审核依据</h2>');
    expect(html).toContain(`<p class="date">${letter.issuedOn}</p>`);
    expect(html).toContain('<div class="seal" role="img" aria-label="印章"></div>');
    expect(html).toContain('<p class="note">（承办人：李审，联系电话：010-00000000）</p>');
    expect(html).toContain(`<span>${letter.issuedOn}印发</span>`);
    expect(html).not.toContain('抄送');
    expect(textOf(html)).not.toMatch(/二〇/);
  });

  test('without a telephone configured, the note names the case officer only', () => {
    const plain = revisionLetterHtml(buildRevisionLetter({ ...sourcesOf(letterEvents), offices: DEFAULT_OFFICES }, 1));
    expect(plain).toContain('<p class="note">（承办人：李审）</p>');
  });
});
