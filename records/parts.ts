/**
 * The parts every page of the record shares, laid out as GB/T 9704-2012 places them: the masthead
 * (issuer mark, document number, red rule), the signature with the seal pressed over the issuer's
 * name and the date, the note line (附注), and the closing block (版记: 抄送, 印发). Values are
 * HTML-escaped here, where they enter the page.
 */
import type { Person } from '../domain/written-record';
import { PAGE_STYLE } from './style';

export function escapeHtml(value: string | number | undefined | null): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

/** A person as the page names them. */
export const named = (p: Person | undefined): string => (p ? e(p.name ?? p.sub) : '—');

const DIGITS = '〇一二三四五六七八九';
const UNITS = ['', '十', '百', '千'];

/** 1–9999 in Chinese numerals as article numbers are written: 十二, 二十, 一百零五. */
export function chineseInteger(n: number): string {
  if (n >= 10 && n < 20) return `十${n % 10 === 0 ? '' : DIGITS[n % 10]}`;
  const digits = [...String(n)].map(Number);
  let text = '';
  let zeros = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      zeros = text !== '';
      return;
    }
    if (zeros) text += '零';
    zeros = false;
    text += DIGITS[d] + UNITS[digits.length - 1 - i];
  });
  return text || DIGITS[0];
}

/** An article as documents cite it: 第二条 (numbers written otherwise stay as written). */
export function articleLabel(article: string): string {
  return /^[1-9]\d{0,3}$/.test(article) ? `第${chineseInteger(Number(article))}条` : `第${article}条`;
}

/** The n-th (1-based) of a list's second-level headings: （一）, （二）… */
export const ordinal = (n: number): string => `（${chineseInteger(n)}）`;

/** The page: an A4 sheet in the standard's measures, printable as it shows. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<div class="sheet">
${body}
</div>
</body>
</html>
`;
}

/**
 * 版头: the issuing body's mark in red, the document number centred two lines below it (no 签发人:
 * these documents are not sent upward), and the red rule 4 mm under the number.
 */
export function masthead(issuer: string, number: string | undefined): string {
  return `<header>
<p class="issuer-mark">${e(issuer)}</p>
<p class="doc-number">${e(number ?? '')}</p>
<hr class="red-rule">
</header>`;
}

/**
 * The issuer's name and the date, the date four characters from the right and the name centred on
 * it, with the seal's place (a red circle and star, printed) pressed over both so that they sit a
 * little below its centre.
 */
export function signature(issuer: string, issuedOn: string): string {
  return `<div class="signature">
<p class="issuer-name">${e(issuer)}</p>
<p class="date">${e(issuedOn)}</p>
<div class="seal" role="img" aria-label="印章"></div>
</div>`;
}

/** 附注, the line under the date: whom the addressee contacts about the case. */
export function note(caseOfficer: Person | undefined, phone: string | undefined): string {
  const parts = [
    ...(caseOfficer ? [`承办人：${named(caseOfficer)}`] : []),
    ...(phone ? [`联系电话：${e(phone)}`] : []),
  ];
  return parts.length ? `<p class="note">（${parts.join('，')}）</p>` : '';
}

/** 版记: those copied (抄送) and who printed and issued it on which date (印发). */
export function colophon(copyTo: readonly string[], printedBy: string, issuedOn: string): string {
  return `<footer class="colophon">
${copyTo.length ? `<p class="copy-to">抄送：${copyTo.map(e).join('，')}。</p>\n` : ''}<p class="printed-by"><span>${e(printedBy)}</span><span>${e(issuedOn)}印发</span></p>
</footer>`;
}
