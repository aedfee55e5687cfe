/**
 * The year's figures as a printable page (年度合法性审核工作统计): the tables of `GET
 * /v1/stats/annual` and two bar charts drawn as inline SVG, so the page prints as it shows and
 * needs no script. Pure: from the figures only.
 */
import type { AnnualFigures } from '../domain/annual-figures';
import { escapeHtml as e } from './parts';

const REGION_NAMES: Record<AnnualFigures['region'], string> = {
  beijing: '北京市',
  tianjin: '天津市',
  hebei: '河北省',
  all: '京津冀三地',
};

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const value = (v: number | null) => (v === null ? '—' : String(v));

/** A horizontal bar chart of labelled counts. */
function barChart(title: string, bars: [string, number][]): string {
  const max = Math.max(1, ...bars.map(([, n]) => n));
  const rowHeight = 28;
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map(([label, n], i) => {
      const y = i * rowHeight + 5;
      const width = Math.round((n / max) * 360);
      return (
        `<text x="0" y="${y + 17}" font-size="14">${e(label)}</text>` +
        `<rect x="120" y="${y + 4}" width="${width}" height="18" fill="#b22222"></rect>` +
        `<text x="${126 + width}" y="${y + 17}" font-size="14">${n}</text>`
      );
    })
    .join('');
  return (
    `<figure><figcaption>${e(title)}</figcaption>` +
    `<svg role="img" aria-label="${e(title)}" width="540" height="${height}" viewBox="0 0 540 ${height}">${rows}</svg></figure>`
  );
}

function table(caption: string, rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`).join('');
  return `<table><caption>${e(caption)}</caption><tbody>${body}</tbody></table>`;
}

export function annualReportPage(f: AnnualFigures): string {
  const r = f.reviews;
  const title = `${REGION_NAMES[f.region]}${f.year}年度行政规范性文件合法性审核工作统计`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>
body{font-family:"FangSong","STFangsong","SimSun",serif;max-width:760px;margin:24px auto;color:#000}
h1{font-family:"SimHei","STHeiti",sans-serif;font-size:22px;text-align:center}
table{border-collapse:collapse;width:100%;margin:16px 0}caption{font-weight:bold;text-align:left;padding:4px 0}
th,td{border:1px solid #000;padding:4px 8px;text-align:left}td{text-align:right;width:30%}
figure{margin:16px 0}figcaption{font-weight:bold;margin-bottom:4px}
@media print{body{margin:0}figure,table{break-inside:avoid}}
</style></head><body>
<h1>${e(title)}</h1>
${barChart('审核结论', [
  ['合法', r.legal],
  ['修改后合法', r.legalAfterRevision],
  ['不合法', r.unlawful],
  ['退回', r.returned + r.returnedAtIntake],
  ['撤回', r.withdrawn],
])}
${table('审核工作', [
  ['收件', String(r.received)],
  ['受理', String(r.accepted)],
  ['受理前退回', String(r.returnedAtIntake)],
  ['审核结论：合法', String(r.legal)],
  ['审核结论：修改后合法', String(r.legalAfterRevision)],
  ['审核结论：不合法', String(r.unlawful)],
  ['审核中退回', String(r.returned)],
  ['撤回', String(r.withdrawn)],
  ['按期办结率', percent(r.onTimeRate)],
  ['用时中位数（工作日）', value(r.medianWorkingDays)],
  ['延期', String(r.extensions)],
])}
${barChart('审核意见', [
  ['不合法意见', f.comments.blocking],
  ['修改意见', f.comments.amend],
  ['建议', f.comments.advisory],
])}
${table('协同与意见', [
  ['征求意见已答复', String(f.consultations.answered)],
  ['逾期未答复', String(f.consultations.noResponse)],
  ['意见采纳率', percent(f.comments.adoptedRate)],
])}
${table('备案与其他', [
  ['应备案', String(f.filings.due)],
  ['已报备', String(f.filings.filed)],
  ['按期报备', String(f.filings.onTime)],
  ['逾期报备', String(f.filings.late)],
  ['已登记', String(f.filings.registered)],
  ['建议纠正', String(f.filings.corrections)],
  ['公众建议：收到', String(f.suggestions.received)],
  ['公众建议：已答复', String(f.suggestions.answered)],
  ['研讨议题：提出', String(f.topics.raised)],
  ['研讨议题：答复', String(f.topics.answered)],
  ['共同审核指引：通过', String(f.guidelines.adopted)],
])}
</body></html>`;
}
