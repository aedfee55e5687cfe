/**
 * The legality review opinion (合法性审核意见书): what DOMAIN.md says it records, as JSON and as a
 * printable Chinese page. Every value placed in the page is HTML-escaped.
 */
import { clockView } from '../domain/clock';
import {
  REGIONS,
  type ActorRef,
  type CheckInput,
  type Conclusion,
  type ConsultationStatus,
  type HistoryEntry,
  type Region,
} from '../domain/model';
import type { ReviewProjection } from '../domain/projection';
import type { Config } from '../runtime/config';
import type { CommentDoc, VersionDoc } from '../store/models';

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
const SEVERITY_ZH: Record<string, string> = {
  blocking: '违法（必须修改）',
  amend: '应当修改',
  advisory: '建议（非合法性问题）',
};
const STAGE_ZH: Record<string, string> = {
  origin_review: '审核',
  revision: '修改',
  consultation: '协同征求意见',
  consolidation: '汇总',
  signoff: '签发',
};
const DISPOSITION_ZH: Record<string, string> = { adopted: '采纳', partly_adopted: '部分采纳', not_adopted: '未采纳' };
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

export const NO_RESPONSE_NOTE = 'No answer within the consultation deadline: counted as no objection.';
const NO_RESPONSE_NOTE_ZH = '逾期未答复，视为无异议。';

export interface Opinion {
  reviewId: string;
  title: string;
  document: { id: string; title: string; org: string; region: Region; docType?: string };
  version: { number: number; title?: string };
  status: 'approved' | 'rejected';
  dates: {
    receivedAt: string;
    materialsCompleteAt: string;
    closedAt?: string;
    clock: { workingDaysUsed: number; limitWorkingDays: number };
    /** The periods the clock stood still while the drafter revised (计时中止). */
    clockStops: { stoppedAt: string; resumedAt?: string }[];
  };
  checklist: (CheckInput & { label: string })[];
  comments: {
    id: string;
    version: number;
    stage: string;
    article?: string;
    severity: string;
    basis?: string;
    text: string;
    author: { region: Region; role: string };
    disposition?: { status: string; reason?: string; at: string };
  }[];
  consultations: {
    region: Region;
    status: ConsultationStatus;
    decision?: string;
    opinion?: string;
    respondedAt?: string;
    note?: string;
  }[];
  conclusion?: Conclusion;
  decidedBy?: ActorRef;
  decidedAt?: string;
  opinion: string;
  revisions: number;
}

function defaultOpinionText(state: ReviewProjection, conclusion: Conclusion | undefined): string {
  switch (conclusion) {
    case 'legal':
      return '经审核，该文件符合合法性要求，同意按程序提请审议。';
    case 'legal_after_revision':
      return '经审核，该文件按审核意见修改后符合合法性要求，同意按程序提请审议。';
    case 'illegal':
      return '经审核，该文件存在不合法问题，不得提请审议和公布。';
    default:
      return state.status === 'approved' ? '经审核，同意按程序提请审议。' : '经审核，不同意按程序提请审议。';
  }
}

export function buildOpinion(input: {
  state: ReviewProjection;
  history: HistoryEntry[];
  version: VersionDoc | null;
  comments: CommentDoc[];
  config: Pick<Config, 'timeModel'>;
}): Opinion {
  const { state, history, version, comments, config } = input;
  const closedAt = state.closedAt ?? state.outcome?.at;
  const clock = clockView(state.clock, closedAt ? new Date(closedAt) : new Date(), config.timeModel);
  const conclusion = state.outcome?.conclusion;
  return {
    reviewId: state.reviewId,
    title: '合法性审核意见书',
    document: {
      id: state.documentId,
      // As reviewed: the reviewed version's title and type, whatever the document is called later.
      title: version?.title ?? '',
      org: state.org,
      region: state.originRegion,
      ...(version?.docType ? { docType: version.docType } : {}),
    },
    version: { number: state.version, ...(version?.title ? { title: version.title } : {}) },
    status: state.status as 'approved' | 'rejected',
    dates: {
      receivedAt: state.submittedAt,
      materialsCompleteAt: state.submittedAt,
      ...(closedAt ? { closedAt } : {}),
      clock: { workingDaysUsed: clock.workingDaysUsed, limitWorkingDays: state.clock.limitWorkingDays },
      clockStops: clockStops(history),
    },
    checklist: (state.checklist ?? []).map((c) => ({ ...c, label: CHECK_ZH[c.item] ?? c.item })),
    comments: comments.map((c) => ({
      id: c._id,
      version: c.version,
      stage: c.stage,
      ...(c.article ? { article: c.article } : {}),
      severity: c.severity,
      ...(c.basis ? { basis: c.basis } : {}),
      text: c.text,
      author: { region: c.author.region, role: c.author.role },
      ...(c.disposition?.status ? { disposition: c.disposition } : {}),
    })),
    consultations: REGIONS.flatMap((region) => {
      const c = state.consultations[region];
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
    ...(conclusion ? { conclusion } : {}),
    ...(state.outcome?.by ? { decidedBy: state.outcome.by } : {}),
    ...(state.outcome?.at ? { decidedAt: state.outcome.at } : {}),
    opinion: state.outcome?.opinion?.trim() ? state.outcome.opinion : defaultOpinionText(state, conclusion),
    revisions: state.revisions,
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

/** Formats an ISO instant as a date and time in China Standard Time. */
function cst(isoText: string | undefined): string {
  if (!isoText) return '—';
  const d = new Date(isoText);
  if (Number.isNaN(d.getTime())) return isoText;
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 4)}年${t.slice(5, 7)}月${t.slice(8, 10)}日 ${t.slice(11, 16)}`;
}

export function opinionHtml(o: Opinion): string {
  const e = escapeHtml;
  const rows = (cells: string[][]) => cells.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  const checklist = o.checklist.length
    ? `<table><thead><tr><th>审核事项</th><th>结论</th><th>说明</th></tr></thead><tbody>${rows(o.checklist.map((c) => [e(c.label), e(RESULT_ZH[c.result] ?? c.result), e(c.note ?? '')]))}</tbody></table>`
    : '<p>无。</p>';
  const comments = o.comments.length
    ? `<table><thead><tr><th>条款</th><th>性质</th><th>意见</th><th>依据</th><th>提出方</th><th>处理情况</th></tr></thead><tbody>${rows(
        o.comments.map((c) => [
          e(c.article ? `第${c.article}条` : '总体'),
          e(SEVERITY_ZH[c.severity] ?? c.severity),
          e(c.text),
          e(c.basis ?? ''),
          e(
            `${REGION_ZH[c.author.region] ?? c.author.region}${ROLE_ZH[c.author.role] ?? c.author.role}（${STAGE_ZH[c.stage] ?? c.stage}，第${c.version}稿）`,
          ),
          e(
            c.disposition
              ? `${DISPOSITION_ZH[c.disposition.status] ?? c.disposition.status}${c.disposition.reason ? `：${c.disposition.reason}` : ''}`
              : '—',
          ),
        ]),
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
  const signer = o.decidedBy
    ? `${REGION_ZH[o.decidedBy.region] ?? o.decidedBy.region}${ROLE_ZH[o.decidedBy.role] ?? o.decidedBy.role} ${o.decidedBy.name ?? o.decidedBy.sub}`
    : '—';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(o.title)} — ${e(o.document.title)}</title>
<style>
body { font-family: "SimSun", "Songti SC", serif; max-width: 800px; margin: 2em auto; line-height: 1.7; }
h1 { text-align: center; letter-spacing: 0.3em; }
table { width: 100%; border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #333; padding: 4px 6px; vertical-align: top; }
.conclusion { font-size: 1.2em; font-weight: bold; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${e(o.title)}</h1>
<p>审核编号：${e(o.reviewId)}</p>
<h2>一、送审文件</h2>
<table><tbody>
<tr><th>文件名称</th><td>${e(o.document.title)}</td></tr>
<tr><th>文件类型</th><td>${e(o.document.docType ?? '—')}</td></tr>
<tr><th>起草单位</th><td>${e(REGION_ZH[o.document.region])} ${e(o.document.org)}</td></tr>
<tr><th>审核稿次</th><td>第${e(o.version.number)}稿${o.version.title ? `（${e(o.version.title)}）` : ''}</td></tr>
<tr><th>收件时间</th><td>${e(cst(o.dates.receivedAt))}</td></tr>
<tr><th>材料齐全时间</th><td>${e(cst(o.dates.materialsCompleteAt))}</td></tr>
<tr><th>审核结束时间</th><td>${e(cst(o.dates.closedAt))}</td></tr>
<tr><th>计时中止</th><td>${
    o.dates.clockStops.length
      ? o.dates.clockStops.map((p) => `${e(cst(p.stoppedAt))} 至 ${e(cst(p.resumedAt))}`).join('<br>')
      : '无'
  }</td></tr>
<tr><th>审核用时</th><td>${e(o.dates.clock.workingDaysUsed)}个工作日（时限${e(o.dates.clock.limitWorkingDays)}个工作日，修改期间不计）</td></tr>
</tbody></table>
<h2>二、审核事项</h2>
${checklist}
<h2>三、逐条审核意见及处理情况</h2>
${comments}
<h2>四、协同地区意见</h2>
${consultations}
<h2>五、审核结论</h2>
<p class="conclusion">${e(o.conclusion ? CONCLUSION_ZH[o.conclusion] : o.status === 'approved' ? '同意' : '不同意')}</p>
<p>${e(o.opinion)}</p>
<h2>六、签发</h2>
<p>签发人：${e(signer)}</p>
<p>签发时间：${e(cst(o.decidedAt))}</p>
</body>
</html>
`;
}

/** Pairs each `clock_stopped` entry of the history with the `clock_resumed` that follows it. */
function clockStops(history: HistoryEntry[]): { stoppedAt: string; resumedAt?: string }[] {
  const stops: { stoppedAt: string; resumedAt?: string }[] = [];
  for (const entry of history) {
    if (entry.type === 'clock_stopped') stops.push({ stoppedAt: entry.at });
    const open = stops[stops.length - 1];
    if (entry.type === 'clock_resumed' && open && !open.resumedAt) open.resumedAt = entry.at;
  }
  return stops;
}
