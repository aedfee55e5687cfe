/** The request schemas after the review: issuance, filing, its follow-ups, the catalogue, the public form. */
import { z } from 'zod';
import { REGIONS } from '../../domain/model';
import { LIMITS, calendarDate, cursor, limit, text } from '../schemas';

export const issuanceBodySchema = z.strictObject({
  documentNumber: text(100).describe("the issuing unit's own number, e.g. 京交规〔2027〕2号"),
  issuedOn: calendarDate.describe('印发日期 YYYY-MM-DD'),
  publishedOn: calendarDate.describe('公布日期 YYYY-MM-DD: the filing limit counts from it'),
  publishedIn: text(500).describe('where it was published (公报, 政府网站…)'),
  validityYears: z.number().int().min(1).max(10).optional().describe('default 5 (Tianjin: at most 10)'),
});
export type IssuanceBody = z.output<typeof issuanceBodySchema>;

const attachments = z.array(text(LIMITS.id)).max(20).optional().describe("ids of the document's attachments");

export const filingBodySchema = z.strictObject({
  report: z.strictObject({
    basis: text(LIMITS.material).describe('制定依据'),
    purpose: text(LIMITS.material).describe('制定目的'),
    mainContent: text(LIMITS.material).describe('主要内容'),
    review: text(LIMITS.material).describe('合法性审核情况'),
  }),
  attachments,
});
export type FilingBody = z.output<typeof filingBodySchema>;

export const supplementBodySchema = z.strictObject({
  text: text(LIMITS.material).describe('what is supplied, and where'),
  attachments,
});
export type SupplementBody = z.output<typeof supplementBodySchema>;

export const correctionReportBodySchema = z.strictObject({ text: text(LIMITS.material) });

export const repealBodySchema = z.strictObject({ reason: text(LIMITS.reason) });

export const catalogueQuerySchema = z.strictObject({
  region: z.enum(REGIONS),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
  limit,
  cursor,
});
export type CatalogueQuery = z.output<typeof catalogueQuerySchema>;

/** The public's form: every field bounded, nothing else accepted. */
export const suggestionBodySchema = z.strictObject({
  documentNumber: text(100).describe('the number of the issued document, as published'),
  text: z.string().trim().min(10, '请至少写10个字，说明认为哪一条、为何不合法').max(5000, '不超过5000字'),
  contact: text(200).describe('how to reach the sender: telephone, e-mail or address'),
});
export type SuggestionBody = z.output<typeof suggestionBodySchema>;

/** A tracking code as issued: 26 characters of Crockford base 32. */
export const TRACKING_CODE = /^[0-9A-HJKMNP-TV-Z]{26}$/;
