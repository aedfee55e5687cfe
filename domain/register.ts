/**
 * The register (台账): one row per review, as the recording path keeps it and the API lists and
 * exports it. Pure code: the row a transition leaves, the words a row is found by, and the columns
 * the CSV and XLSX exports write, in one order.
 */
import type { FilingStatus } from './after-review';
import { FILING_STATUS_ZH } from './messages-zh';
import type { ActorRef, Conclusion, Region, ReviewStatus } from './model';
import type { ReviewProjection } from './projection';
import type { NewEvent } from './review-log';

/** What the review's own log gives a register row. */
export interface ReviewRegisterFields {
  reviewId: string;
  documentId: string;
  region: Region;
  /** The year (CST) the review was received in: the register is kept by year. */
  year: number;
  /** The day (CST, `YYYY-MM-DD`) it was received on: exports read the register a day at a time. */
  receivedOn: string;
  status: ReviewStatus;
  registrationNumber?: string;
  opinionNumber?: string;
  org: string;
  receivedAt: string;
  acceptedAt?: string;
  closedAt?: string;
  conclusion?: Conclusion;
  /** Whole working days used, once closed (a running review's are computed when read). */
  workingDaysUsed?: number;
  /** Approved extensions: how many, and the working days they added. */
  extensions: number;
  extensionWorkingDays: number;
  /** Who decided the last origin review (the case officer, 承办人). */
  caseOfficer?: { sub: string; name?: string };
  lastSeq: number;
}

/**
 * What happens to the document after the review (issuance, filing), fed by those features' events
 * through `afterReviewRegisterFields`; absent until then.
 */
export interface AfterReviewRegisterFields {
  documentNumber?: string;
  publishedOn?: string;
  filingStatus?: string;
  validUntil?: string;
}

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar year in China Standard Time of an instant. */
export function cstYear(at: string | Date): number {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + CST_OFFSET_MS).getUTCFullYear();
}

/** The calendar day (`YYYY-MM-DD`) in China Standard Time of an instant. */
export function cstDay(at: string | Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The register's fields for a review after a transition whose events are `events`. */
export function reviewRegisterFields(review: ReviewProjection, events: readonly NewEvent[]): ReviewRegisterFields {
  const approved = review.extensions.filter((x) => x.status === 'approved');
  let caseOfficer: ActorRef | undefined;
  for (const event of events) {
    if (event.type === 'task_completed' && event.data.kind === 'origin_review' && event.actor)
      caseOfficer = event.actor;
  }
  const closing = events.find(
    (e) => e.type === 'approved' || e.type === 'rejected' || e.type === 'returned' || e.type === 'withdrawn',
  );
  return {
    reviewId: review.reviewId,
    documentId: review.documentId,
    region: review.originRegion,
    year: cstYear(review.submittedAt),
    receivedOn: cstDay(review.submittedAt),
    status: review.status,
    ...(review.registrationNumber && { registrationNumber: review.registrationNumber }),
    ...(review.opinionNumber && { opinionNumber: review.opinionNumber }),
    org: review.org,
    receivedAt: review.submittedAt,
    ...(review.acceptedAt && { acceptedAt: review.acceptedAt }),
    ...(review.closedAt && { closedAt: review.closedAt }),
    ...(review.outcome?.conclusion && { conclusion: review.outcome.conclusion }),
    ...(closing &&
      'workingDaysUsed' in closing.data &&
      closing.data.workingDaysUsed !== undefined && { workingDaysUsed: closing.data.workingDaysUsed }),
    extensions: approved.length,
    extensionWorkingDays: approved.reduce((sum, x) => sum + x.workingDays, 0),
    ...(caseOfficer && { caseOfficer: { sub: caseOfficer.sub, ...(caseOfficer.name && { name: caseOfficer.name }) } }),
    lastSeq: review.lastSeq,
  };
}

/**
 * The words a row is found by: every character and every pair of adjacent characters of its title,
 * numbers and drafting unit (Chinese has no spaces to split on). A query matches a row holding all
 * of the query's pairs (its one character, for a single-character query): an index serves it.
 */
export function searchTerms(...texts: (string | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    const chars = [...text.toLowerCase().replace(/\s+/g, '')];
    chars.forEach((c, i) => {
      terms.add(c);
      if (i + 1 < chars.length) terms.add(c + chars[i + 1]);
    });
  }
  return [...terms];
}

/** The terms a query must all find in a row (see {@link searchTerms}). */
export function queryTerms(q: string): string[] {
  const chars = [...q.toLowerCase().replace(/\s+/g, '')];
  if (chars.length <= 1) return chars;
  return [...new Set(chars.slice(1).map((c, i) => chars[i] + c))];
}

/** One row as the API answers it. */
export interface RegisterRow extends AfterReviewRegisterFields {
  reviewId: string;
  documentId: string;
  region: Region;
  registrationNumber: string | null;
  opinionNumber: string | null;
  title: string;
  draftingUnit: string;
  status: ReviewStatus;
  receivedAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  conclusion: Conclusion | null;
  workingDaysUsed: number;
  extensions: number;
  extensionWorkingDays: number;
  caseOfficer: { sub: string; name?: string } | null;
}

const REGION_NAMES: Record<Region, string> = { beijing: '北京', tianjin: '天津', hebei: '河北' };
const STATUS_NAMES: Record<ReviewStatus, string> = {
  in_review: '审核中',
  approved: '已通过',
  rejected: '不合法',
  returned: '已退回',
  withdrawn: '已撤回',
  failed: '异常终止',
};
const CONCLUSION_NAMES: Record<Conclusion, string> = {
  legal: '合法',
  legal_after_revision: '修改后合法',
  illegal: '不合法',
  returned: '退回',
};

/** A CST date, `YYYY-MM-DD`, of an instant; empty for none. */
function cstDate(at: string | null | undefined): string {
  if (!at) return '';
  return new Date(Date.parse(at) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The export's columns: a Chinese heading and the cell each row gives it (text or a number). */
export const REGISTER_COLUMNS: readonly { heading: string; cell: (row: RegisterRow) => string | number }[] = [
  { heading: '登记编号', cell: (r) => r.registrationNumber ?? '' },
  { heading: '审核意见书编号', cell: (r) => r.opinionNumber ?? '' },
  { heading: '文件名称', cell: (r) => r.title },
  { heading: '起草单位', cell: (r) => r.draftingUnit },
  { heading: '地区', cell: (r) => REGION_NAMES[r.region] },
  { heading: '状态', cell: (r) => STATUS_NAMES[r.status] },
  { heading: '收件日期', cell: (r) => cstDate(r.receivedAt) },
  { heading: '受理日期', cell: (r) => cstDate(r.acceptedAt) },
  { heading: '办结日期', cell: (r) => cstDate(r.closedAt) },
  { heading: '审核结论', cell: (r) => (r.conclusion ? CONCLUSION_NAMES[r.conclusion] : '') },
  { heading: '已用工作日', cell: (r) => r.workingDaysUsed },
  { heading: '延期次数', cell: (r) => r.extensions },
  { heading: '承办人', cell: (r) => r.caseOfficer?.name ?? r.caseOfficer?.sub ?? '' },
  { heading: '文号', cell: (r) => r.documentNumber ?? '' },
  { heading: '公布日期', cell: (r) => r.publishedOn ?? '' },
  {
    heading: '备案状态',
    cell: (r) => (r.filingStatus ? (FILING_STATUS_ZH[r.filingStatus as FilingStatus] ?? r.filingStatus) : ''),
  },
  { heading: '有效期至', cell: (r) => r.validUntil ?? '' },
  { heading: '审核编号', cell: (r) => r.reviewId },
];

/** A CSV field: quoted when it holds a comma, quote or line break; a leading formula sign is defused. */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export function csvRow(row: RegisterRow): string {
  return csvLine(REGISTER_COLUMNS.map((c) => c.cell(row)));
}

export const CSV_HEADER = csvLine(REGISTER_COLUMNS.map((c) => c.heading));
