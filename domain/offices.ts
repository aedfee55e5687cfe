/**
 * The review bodies of the three regions, as the written record names them, and how their numbers
 * are written (e.g. 京司审〔2026〕17号). Deployments may configure both (REVIEW_OFFICES, NUMBER_FORMATS);
 * the defaults carry no telephone numbers (a deployment sets its own).
 */
import type { Region } from './model';
import type { NumberSeries } from './review-log';

export interface ReviewOffice {
  /** The issuing body, e.g. 北京市司法局. */
  name: string;
  /** The one-character abbreviation numbers start with, e.g. 京. */
  abbreviation: string;
  /**
   * The telephone a drafting unit calls about a case (printed in the record's 附注 beside the case
   * officer); unset: the note names the officer only.
   */
  phone?: string;
}

export type ReviewOffices = Record<Region, ReviewOffice>;

export const DEFAULT_OFFICES: ReviewOffices = {
  beijing: { name: '北京市司法局', abbreviation: '京' },
  tianjin: { name: '天津市司法局', abbreviation: '津' },
  hebei: { name: '河北省司法厅', abbreviation: '冀' },
};

/** Templates for each series: `{abbr}`, `{year}` and `{n}` are replaced. */
export type NumberFormats = Record<NumberSeries, string>;

export const DEFAULT_NUMBER_FORMATS: NumberFormats = {
  registration: '{abbr}司审受〔{year}〕{n}号',
  revision: '{abbr}司审修〔{year}〕{n}号',
  opinion: '{abbr}司审〔{year}〕{n}号',
};

export function formatNumber(template: string, office: ReviewOffice, year: number, n: number): string {
  return template
    .replaceAll('{abbr}', office.abbreviation)
    .replaceAll('{year}', String(year))
    .replaceAll('{n}', String(n));
}

/** The calendar year (China Standard Time) of an instant: numbers run per year. */
export function cstYear(iso: string): number {
  return new Date(Date.parse(iso) + 8 * 3_600_000).getUTCFullYear();
}
