/**
 * The written record as printable Chinese pages: the legality review opinion (合法性审核意见书) and
 * the revision letter (修改意见书), rendered from what domain/written-record.ts builds. Every value
 * placed in a page is HTML-escaped. Pure code: store/records.ts freezes what these return.
 */
import type { Opinion, Person, OpinionComment, RevisionLetter } from '../domain/written-record';
import {
  CONCLUSION_ZH,
  CONSULTATION_ZH,
  DECISION_ZH,
  DISPOSITION_ZH,
  GROUNDS_ZH,
  NO_RESPONSE_NOTE_ZH,
  REGION_ZH,
  RESULT_ZH,
  ROLE_ZH,
  SEVERITY_ZH,
  STAGE_ZH,
} from './labels';

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
