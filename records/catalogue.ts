/**
 * The monthly filing catalogue (备案目录) as a printable page: what a region's filing body
 * registered in a month, in order of registration. Values are escaped where they enter the page.
 */
import { escapeHtml as e, page } from './parts';

export interface CatalogueEntry {
  documentNumber?: string;
  title?: string;
  org?: string;
  publishedOn?: string;
  registeredAt?: string;
}

const REGION_NAMES: Record<string, string> = { beijing: '北京市', tianjin: '天津市', hebei: '河北省' };

/** `2027-03` → 2027年3月 (Arabic numerals, no padding: GB/T 9704-2012). */
function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${y}年${Number(m)}月`;
}

function dateLabel(date: string | undefined): string {
  if (!date) return '—';
  const [y, m, d] = date.slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** The page for `region`'s catalogue of `month`; `registeredOn` gives each entry's China date. */
export function cataloguePage(
  region: string,
  month: string,
  entries: CatalogueEntry[],
  registeredOn: (at: string) => string,
): string {
  const title = `${REGION_NAMES[region] ?? region}行政规范性文件备案目录（${monthLabel(month)}）`;
  const rows = entries
    .map(
      (x, i) =>
        `<tr><td>${i + 1}</td><td>${e(x.documentNumber)}</td><td>${e(x.title)}</td><td>${e(x.org)}</td>` +
        `<td>${e(dateLabel(x.publishedOn))}</td><td>${e(dateLabel(x.registeredAt && registeredOn(x.registeredAt)))}</td></tr>`,
    )
    .join('\n');
  const body = `<h1 class="title">${e(title)}</h1>
<table class="catalogue">
<thead><tr><th>序号</th><th>文号</th><th>文件名称</th><th>制定机关</th><th>公布日期</th><th>登记日期</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="6">本月无登记备案的文件</td></tr>'}
</tbody>
</table>
<p>共 ${entries.length} 件。</p>`;
  return page(title, body);
}
