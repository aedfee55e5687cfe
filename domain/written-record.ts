/**
 * The written record of a review, as official documents: the legality review opinion
 * (合法性审核意见书) issued when a review closes with a verdict or a return, and the revision letter
 * (修改意见书) issued with each request for changes. Each is built once from the review's log and
 * store (store/records.ts freezes it) as JSON and as a printable Chinese page; every value placed in
 * a page is HTML-escaped. Pure code.
 */
import {
  REGIONS,
  type ActorRef,
  type CheckInput,
  type CommentRecord,
  type Conclusion,
  type ConsultationStatus,
  type DispositionStatus,
  type ExtensionStatus,
  type Region,
  type ReturnGrounds,
  type Severity,
} from './model';
import type { ReviewOffices } from './offices';
import type { ReviewProjection } from './projection';
import type { NewEvent } from './review-log';

const REGION_ZH: Record<Region, string> = { beijing: '北京市', tianjin: '天津市', hebei: '河北省' };
const ROLE_ZH: Record<string, string> = {
  drafter: '起草单位',
  reviewer: '审核机构',
  signer: '审核机构负责人',
  supervisor: '监督人员',
};
const CHECK_ZH: Record<string, string> = {
  authority: '制定主体',
  competence: '权限',
  content: '内容',
  procedure: '程序',
  form: '形式',
  fair_competition: '公平竞争审查',
  regional_consistency: '与京津冀协同事项的一致性',
};
const RESULT_ZH: Record<string, string> = { pass: '符合', fail: '不符合', not_applicable: '不适用' };
const SEVERITY_ZH: Record<Severity, string> = {
  blocking: '违法（必须修改）',
  amend: '应当修改',
  advisory: '建议（非合法性问题）',
};
const STAGE_ZH: Record<string, string> = {
  intake: '受理',
  origin_review: '审核',
  revision: '修改',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
};
const DISPOSITION_ZH: Record<DispositionStatus, string> = {
  adopted: '采纳',
  partly_adopted: '部分采纳',
  not_adopted: '未采纳',
};
const CONSULTATION_ZH: Record<ConsultationStatus, string> = {
  pending: '待答复',
  responded: '已答复',
  no_response: '逾期未答复',
};
const DECISION_ZH: Record<string, string> = {
  concur: '无异议',
  concur_with_comments: '原则同意并提出意见',
  object: '有异议',
};
const CONCLUSION_ZH: Record<Conclusion, string> = {
  legal: '合法',
  legal_after_revision: '修改后合法',
  illegal: '不合法',
  returned: '退回（未作合法性结论）',
};
const GROUNDS_ZH: Record<ReturnGrounds, string> = {
  not_normative_document: '不属于行政规范性文件',
  outside_remit: '不属于本机关审核范围',
  not_ripe: '起草工作尚不成熟，不具备审核条件',
  other: '其他',
};

export const NO_RESPONSE_NOTE = 'No answer within the consultation deadline: counted as no objection.';
const NO_RESPONSE_NOTE_ZH = '逾期未答复，视为无异议。';

/** What a written record is built from: the review as its log left it, and what the store holds. */
export interface RecordSources {
  review: ReviewProjection;
  /** The review's whole log, in order. */
  events: readonly NewEvent[];
  /** The version reviewed (its title and type, as they were then). */
  version: { title: string; docType?: string } | null;
  /** Every comment of the review, with the drafter's dispositions. */
  comments: readonly CommentRecord[];
  offices: ReviewOffices;
}

/** A person as a record names them. */
export interface Person {
  sub: string;
  name?: string;
}

export interface OpinionComment {
  id: string;
  version: number;
  stage: string;
  article?: string;
  severity: Severity;
  basis?: string;
  text: string;
  author: { region: Region; role: string };
  disposition?: { status: DispositionStatus; reason?: string; at: string };
}

export interface Opinion {
  reviewId: string;
  title: string;
  /** 审核意见书编号 (e.g. 京司审〔2026〕17号). */
  number?: string;
  registrationNumber?: string;
  /** The review body that issues it. */
  issuer: string;
  /** The drafting unit it is addressed to. */
  addressee: string;
  caseOfficer?: Person;
  signer?: Person;
  /** The date of issue in official form (二〇二六年十一月二十七日). */
  issuedOn: string;
  document: { id: string; title: string; org: string; region: Region; docType?: string };
  version: { number: number; title?: string };
  status: 'approved' | 'rejected' | 'returned';
  dates: {
    receivedAt: string;
    materialsCompleteAt?: string;
    closedAt?: string;
    clock: { workingDaysUsed: number; limitWorkingDays: number };
    /** The periods the clock stood still while the drafter revised (计时中止). */
    clockStops: { stoppedAt: string; resumedAt?: string }[];
  };
  extensions: { workingDays: number; reason: string; status: ExtensionStatus; decidedBy?: Person; at: string }[];
  checklist: (CheckInput & { label: string })[];
  comments: OpinionComment[];
  consultations: {
    region: Region;
    status: ConsultationStatus;
    decision?: string;
    opinion?: string;
    respondedAt?: string;
    note?: string;
  }[];
  /** How the origin body dealt with the consulted regions' comments and objections (汇总). */
  consolidation?: {
    opinion?: string;
    dispositions: { region: Region; commentId: string; status: DispositionStatus; reason?: string }[];
  };
  conclusion?: Conclusion;
  /** For a return without a verdict: why. */
  grounds?: ReturnGrounds;
  decidedBy?: ActorRef;
  decidedAt?: string;
  opinion: string;
  revisions: number;
}

export interface RevisionLetter {
  reviewId: string;
  title: string;
  round: number;
  number?: string;
  issuer: string;
  addressee: string;
  caseOfficer?: Person;
  issuedOn: string;
  document: { id: string; title: string; org: string; region: Region };
  version: number;
  /** Where the request came from: the origin review, or the consolidation of the regions' views. */
  stage: string;
  opinion?: string;
  comments: OpinionComment[];
  requestedAt: string;
}

const CHINESE_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–31 as written in dates: 十, 十一, 二十, 二十七, 三十一. */
function chineseNumber(n: number): string {
  if (n < 10) return CHINESE_DIGITS[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : CHINESE_DIGITS[tens]}十${n % 10 === 0 ? '' : CHINESE_DIGITS[n % 10]}`;
}

/** The date (CST) of an instant in official form: 二〇二六年十一月二十七日. */
export function officialDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const year = [...String(d.getUTCFullYear())].map((c) => CHINESE_DIGITS[Number(c)]).join('');
  return `${year}年${chineseNumber(d.getUTCMonth() + 1)}月${chineseNumber(d.getUTCDate())}日`;
}

const person = (a: ActorRef | undefined): Person | undefined =>
  a && { sub: a.sub, ...(a.name !== undefined && { name: a.name }) };

function opinionComment(c: CommentRecord): OpinionComment {
  return {
    id: c.id,
    version: c.version,
    stage: c.stage,
    ...(c.article ? { article: c.article } : {}),
    severity: c.severity,
    ...(c.basis ? { basis: c.basis } : {}),
    text: c.text,
    author: { region: c.author.region, role: c.author.role },
    ...(c.disposition?.status ? { disposition: c.disposition } : {}),
  };
}

/** The last decision in the log on a task of one of `kinds`. */
function lastDecision(events: readonly NewEvent[], kinds: string[]) {
  const decisions = events.filter(
    (e): e is Extract<NewEvent, { type: 'task_completed' }> =>
      e.type === 'task_completed' && kinds.includes(e.data.kind),
  );
  return decisions[decisions.length - 1];
}

/** Pairs each `clock_stopped` event with the `clock_resumed` that follows it. */
function clockStops(events: readonly NewEvent[]): { stoppedAt: string; resumedAt?: string }[] {
  const stops: { stoppedAt: string; resumedAt?: string }[] = [];
  for (const e of events) {
    if (e.type === 'clock_stopped') stops.push({ stoppedAt: e.at });
    const open = stops[stops.length - 1];
    if (e.type === 'clock_resumed' && open && !open.resumedAt) open.resumedAt = e.at;
  }
  return stops;
}

function defaultOpinionText(status: Opinion['status'], conclusion: Conclusion | undefined): string {
  switch (conclusion) {
    case 'legal':
      return '经审核，该文件符合合法性要求，同意按程序提请审议。';
    case 'legal_after_revision':
      return '经审核，该文件按审核意见修改后符合合法性要求，同意按程序提请审议。';
    case 'illegal':
      return '经审核，该文件存在不合法问题，不得提请审议和公布。';
    case 'returned':
      return '经审查，该文件不予审核，予以退回。';
    default:
      return status === 'approved' ? '经审核，同意按程序提请审议。' : '经审核，不同意按程序提请审议。';
  }
}

/** The opinion of a review that has closed approved, rejected or returned. */
export function buildOpinion({ review, events, version, comments, offices }: RecordSources): Opinion {
  const closing = [...events]
    .reverse()
    .find((e) => e.type === 'approved' || e.type === 'rejected' || e.type === 'returned');
  const closedAt = review.closedAt ?? review.outcome?.at ?? closing?.at ?? review.submittedAt;
  const conclusion = review.outcome?.conclusion;
  const status = review.status as Opinion['status'];
  const officer = lastDecision(events, ['origin_review', 'intake']);
  const consolidation = lastDecision(events, ['consolidation']);
  const authorOf = new Map(comments.map((c) => [c.id, c.author.region]));
  const closingData = closing?.data as { workingDaysUsed?: number; grounds?: ReturnGrounds } | undefined;
  return {
    reviewId: review.reviewId,
    title: '合法性审核意见书',
    ...(review.opinionNumber && { number: review.opinionNumber }),
    ...(review.registrationNumber && { registrationNumber: review.registrationNumber }),
    issuer: offices[review.originRegion].name,
    addressee: review.org,
    ...(officer?.actor && { caseOfficer: person(officer.actor) }),
    ...(review.outcome?.by && { signer: person(review.outcome.by) }),
    issuedOn: officialDate(closedAt),
    document: {
      id: review.documentId,
      title: version?.title ?? '',
      org: review.org,
      region: review.originRegion,
      ...(version?.docType ? { docType: version.docType } : {}),
    },
    version: { number: review.version, ...(version?.title ? { title: version.title } : {}) },
    status,
    dates: {
      receivedAt: review.submittedAt,
      ...(review.acceptedAt && { materialsCompleteAt: review.acceptedAt }),
      closedAt,
      clock: {
        workingDaysUsed: closingData?.workingDaysUsed ?? 0,
        limitWorkingDays: review.clock.limitWorkingDays,
      },
      clockStops: clockStops(events),
    },
    extensions: review.extensions.map((x) => ({
      workingDays: x.workingDays,
      reason: x.reason,
      status: x.status,
      ...(x.decidedBy && { decidedBy: person(x.decidedBy) }),
      at: x.decidedAt ?? x.at,
    })),
    checklist: (review.checklist ?? []).map((c) => ({ ...c, label: CHECK_ZH[c.item] ?? c.item })),
    comments: comments.map(opinionComment),
    consultations: REGIONS.flatMap((region) => {
      const c = review.consultations[region];
      if (!c) return [];
      return [
        {
          region,
          status: c.status,
          ...(c.decision ? { decision: c.decision } : {}),
          ...(c.opinion ? { opinion: c.opinion } : {}),
          ...(c.respondedAt ? { respondedAt: c.respondedAt } : {}),
          ...(c.status === 'no_response' ? { note: NO_RESPONSE_NOTE } : {}),
        },
      ];
    }),
    ...(consolidation && {
      consolidation: {
        ...(consolidation.data.opinion !== undefined && { opinion: consolidation.data.opinion }),
        dispositions: (consolidation.data.dispositions ?? []).map((d) => ({
          region: authorOf.get(d.commentId) ?? review.originRegion,
          commentId: d.commentId,
          status: d.status,
          ...(d.reason !== undefined && { reason: d.reason }),
        })),
      },
    }),
    ...(conclusion ? { conclusion } : {}),
    ...(closingData?.grounds && { grounds: closingData.grounds }),
    ...(review.outcome?.by ? { decidedBy: review.outcome.by } : {}),
    ...(review.outcome?.at ? { decidedAt: review.outcome.at } : {}),
    opinion: review.outcome?.opinion?.trim() ? review.outcome.opinion : defaultOpinionText(status, conclusion),
    revisions: review.revisions,
  };
}

/**
 * The revision letter of round `round`: the changes asked for, addressed to the drafting unit.
 * Built when the letter is issued, so `review` and `version` are the version the changes concern.
 */
export function buildRevisionLetter(
  { review, events, version, comments, offices }: RecordSources,
  round: number,
): RevisionLetter {
  const letter = events.find(
    (e): e is Extract<NewEvent, { type: 'revision_letter' }> => e.type === 'revision_letter' && e.data.round === round,
  );
  if (!letter) throw new Error(`review ${review.reviewId} has no revision round ${round}`);
  // The request for changes is the decision recorded just before its letter.
  const request = events
    .filter(
      (e): e is Extract<NewEvent, { type: 'task_completed' }> => e.type === 'task_completed' && e.seq < letter.seq,
    )
    .pop();
  const asked = new Set((request?.data.comments ?? []).map((c) => c.id));
  // At consolidation, the consulted regions' comments on the version stand with the origin body's own.
  const consulted = (c: CommentRecord) =>
    request?.data.kind === 'consolidation' && c.stage === 'consultation' && c.version === review.version;
  return {
    reviewId: review.reviewId,
    title: '修改意见书',
    round,
    ...(letter.data.number && { number: letter.data.number }),
    issuer: offices[review.originRegion].name,
    addressee: review.org,
    ...(request?.actor && { caseOfficer: person(request.actor) }),
    issuedOn: officialDate(letter.at),
    document: { id: review.documentId, title: version?.title ?? '', org: review.org, region: review.originRegion },
    version: review.version,
    stage: request?.data.kind ?? 'origin_review',
    ...(request?.data.opinion !== undefined && { opinion: request.data.opinion }),
    comments: comments.filter((c) => asked.has(c.id) || consulted(c)).map(opinionComment),
    requestedAt: letter.at,
  };
}

export function escapeHtml(value: string | number | undefined | null): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An instant as a date and time in China Standard Time. */
function cst(isoText: string | undefined): string {
  if (!isoText) return '—';
  const d = new Date(isoText);
  if (Number.isNaN(d.getTime())) return isoText;
  const t = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11, 16)}`;
}

const e = escapeHtml;
const rows = (cells: string[][]) => cells.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
const named = (p: Person | undefined) => (p ? e(p.name ?? p.sub) : '—');

function commentsTable(comments: OpinionComment[], withDisposition: boolean): string {
  if (comments.length === 0) return '<p>无。</p>';
  const head = `<tr><th>条款</th><th>性质</th><th>意见</th><th>依据</th><th>提出方</th>${withDisposition ? '<th>处理情况</th>' : ''}</tr>`;
  const body = rows(
    comments.map((c) => [
      e(c.article ? `第${c.article}条` : '总体'),
      e(SEVERITY_ZH[c.severity] ?? c.severity),
      e(c.text),
      e(c.basis ?? ''),
      e(
        `${REGION_ZH[c.author.region] ?? c.author.region}${ROLE_ZH[c.author.role] ?? c.author.role}（${STAGE_ZH[c.stage] ?? c.stage}，第${c.version}稿）`,
      ),
      ...(withDisposition
        ? [
            e(
              c.disposition
                ? `${DISPOSITION_ZH[c.disposition.status] ?? c.disposition.status}${c.disposition.reason ? `：${c.disposition.reason}` : ''}`
                : '—',
            ),
          ]
        : []),
    ]),
  );
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** The page furniture shared by the opinion and the letter: an official document, printable. */
function page(title: string, documentTitle: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(title)} — ${e(documentTitle)}</title>
<style>
body { font-family: "FangSong", "STFangsong", "SimSun", "Songti SC", serif; max-width: 800px; margin: 2em auto; line-height: 1.8; }
h1 { text-align: center; letter-spacing: 0.3em; font-family: "SimHei", "Heiti SC", sans-serif; }
.issuer { text-align: center; font-size: 1.4em; color: #b00; letter-spacing: 0.2em; }
.number { text-align: right; }
table { width: 100%; border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #333; padding: 4px 6px; vertical-align: top; }
.conclusion { font-size: 1.2em; font-weight: bold; }
.signature { margin-top: 3em; text-align: right; }
.seal { display: inline-block; width: 8em; height: 8em; border: 1px dashed #b00; border-radius: 50%; color: #b00; text-align: center; line-height: 8em; margin: 1em 0; }
@media print { body { margin: 0; } .seal { border-color: #ddd; color: #ddd; } }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function signature(issuer: string, issuedOn: string, caseOfficer: Person | undefined, signer?: Person): string {
  return `<div class="signature">
<div class="seal">（印章）</div>
<p>${e(issuer)}</p>
<p>${e(issuedOn)}</p>
</div>
<p>承办人：${named(caseOfficer)}${signer ? `\u3000\u3000签发人：${named(signer)}` : ''}</p>`;
}

export function opinionHtml(o: Opinion): string {
  const checklist = o.checklist.length
    ? `<table><thead><tr><th>审核事项</th><th>结论</th><th>说明</th></tr></thead><tbody>${rows(
        o.checklist.map((c) => [e(c.label), e(RESULT_ZH[c.result] ?? c.result), e(c.note ?? '')]),
      )}</tbody></table>`
    : '<p>无。</p>';
  const consultations = o.consultations.length
    ? `<table><thead><tr><th>地区</th><th>状态</th><th>意见</th><th>答复时间</th></tr></thead><tbody>${rows(
        o.consultations.map((c) => [
          e(REGION_ZH[c.region]),
          e(CONSULTATION_ZH[c.status]),
          e(
            c.status === 'no_response'
              ? NO_RESPONSE_NOTE_ZH
              : [c.decision ? (DECISION_ZH[c.decision] ?? c.decision) : '', c.opinion ?? ''].filter(Boolean).join('：'),
          ),
          e(cst(c.respondedAt)),
        ]),
      )}</tbody></table>`
    : '<p>未进行协同征求意见。</p>';
  const consolidation = o.consolidation
    ? `<p>${e(o.consolidation.opinion ?? '')}</p>${
        o.consolidation.dispositions.length
          ? `<table><thead><tr><th>地区</th><th>意见</th><th>处理</th></tr></thead><tbody>${rows(
              o.consolidation.dispositions.map((d) => [
                e(REGION_ZH[d.region]),
                e(o.comments.find((c) => c.id === d.commentId)?.text ?? d.commentId),
                e(`${DISPOSITION_ZH[d.status]}${d.reason ? `：${d.reason}` : ''}`),
              ]),
            )}</tbody></table>`
          : ''
      }`
    : '<p>无需汇总。</p>';
  const extensions = o.extensions.length
    ? o.extensions
        .map(
          (x) =>
            `延期${e(x.workingDays)}个工作日（${e(x.reason)}）：${x.status === 'approved' ? '批准' : x.status === 'refused' ? '不予批准' : '待决定'}`,
        )
        .join('<br>')
    : '无';
  const conclusion =
    o.conclusion === 'returned'
      ? `${CONCLUSION_ZH.returned}：${e(o.grounds ? GROUNDS_ZH[o.grounds] : '')}`
      : e(o.conclusion ? CONCLUSION_ZH[o.conclusion] : o.status === 'approved' ? '同意' : '不同意');
  return page(
    o.title,
    o.document.title,
    `<p class="issuer">${e(o.issuer)}</p>
<h1>${e(o.title)}</h1>
<p class="number">${e(o.number ?? '')}</p>
<p>${e(o.addressee)}：</p>
<p>你单位报送的《${e(o.document.title)}》（第${e(o.version.number)}稿）收悉。经审核，现将审核意见函告如下。</p>
<h2>一、送审文件</h2>
<table><tbody>
<tr><th>文件名称</th><td>${e(o.document.title)}</td></tr>
<tr><th>文件类型</th><td>${e(o.document.docType ?? '—')}</td></tr>
<tr><th>起草单位</th><td>${e(REGION_ZH[o.document.region])} ${e(o.document.org)}</td></tr>
<tr><th>登记编号</th><td>${e(o.registrationNumber ?? '—')}</td></tr>
<tr><th>收件时间</th><td>${e(cst(o.dates.receivedAt))}</td></tr>
<tr><th>材料齐全时间</th><td>${e(cst(o.dates.materialsCompleteAt))}</td></tr>
<tr><th>审核结束时间</th><td>${e(cst(o.dates.closedAt))}</td></tr>
<tr><th>计时中止</th><td>${
      o.dates.clockStops.length
        ? o.dates.clockStops.map((p) => `${e(cst(p.stoppedAt))} 至 ${e(cst(p.resumedAt))}`).join('<br>')
        : '无'
    }</td></tr>
<tr><th>延期</th><td>${extensions}</td></tr>
<tr><th>审核用时</th><td>${e(o.dates.clock.workingDaysUsed)}个工作日（时限${e(o.dates.clock.limitWorkingDays)}个工作日，修改期间不计）</td></tr>
</tbody></table>
<h2>二、审核事项</h2>
${checklist}
<h2>三、逐条审核意见及处理情况</h2>
${commentsTable(o.comments, true)}
<h2>四、协同地区意见</h2>
${consultations}
<h2>五、汇总意见</h2>
${consolidation}
<h2>六、审核结论</h2>
<p class="conclusion">${conclusion}</p>
<p>${e(o.opinion)}</p>
${signature(o.issuer, o.issuedOn, o.caseOfficer, o.signer)}`,
  );
}

export function revisionLetterHtml(l: RevisionLetter): string {
  return page(
    l.title,
    l.document.title,
    `<p class="issuer">${e(l.issuer)}</p>
<h1>${e(l.title)}</h1>
<p class="number">${e(l.number ?? '')}</p>
<p>${e(l.addressee)}：</p>
<p>你单位报送的《${e(l.document.title)}》（第${e(l.version)}稿）经${e(STAGE_ZH[l.stage] ?? l.stage)}，需作如下修改：</p>
${commentsTable(l.comments, false)}
${l.opinion ? `<p>${e(l.opinion)}</p>` : ''}
<p>请对上述意见逐条研究，并在重新报送时说明采纳情况；不予采纳的，请说明理由。修改期间，合法性审核期限中止计算。</p>
${signature(l.issuer, l.issuedOn, l.caseOfficer)}`,
  );
}
