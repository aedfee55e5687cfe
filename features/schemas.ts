/**
 * What every feature's request schemas share: the size limits, non-empty text, paging parameters.
 * The zod schemas of each feature (its `schemas.ts`) validate requests and generate
 * `/openapi.json`, so the spec cannot drift from what the API accepts.
 */
import { z } from 'zod';

export const LIMITS = {
  title: 500,
  docType: 100,
  summary: 5000,
  articleNumber: 20,
  articleText: 20_000,
  articles: 2000,
  legalBasis: 200,
  legalBasisText: 1000,
  draftingExplanation: 100_000,
  material: 100_000,
  materials: 300_000,
  opinion: 20_000,
  comments: 200,
  commentText: 20_000,
  basis: 2000,
  note: 5000,
  dispositions: 500,
  dismissedFlags: 500,
  reason: 5000,
  id: 200,
} as const;

/** Trimmed text of 1 to `max` characters. */
export const text = (max: number) => z.string().trim().min(1).max(max);

export const limit = z.coerce.number().int().min(1).max(100).default(20);
export const cursor = z.string().max(500).optional().describe('opaque: the nextCursor of the previous page');
export const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const emptyQuerySchema = z.strictObject({});

/** A date `YYYY-MM-DD` that exists in the calendar. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => {
    const ms = Date.parse(`${v}T00:00:00Z`); // V8 rolls 30 February over to March: compare back
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(v);
  }, 'must be a real calendar date');
