/** The request schemas of the register (台账) and the year's figures. */
import { z } from 'zod';
import { REGIONS, REVIEW_STATUSES } from '../../domain/model';
import { cursor, limit } from '../schemas';

export const year = z.coerce.number().int().min(2000).max(2100);

export const registerQuerySchema = z.strictObject({
  region: z.enum(REGIONS).optional().describe('origin region (signers and reviewers: their own, the default)'),
  year: year.optional().describe('the year (CST) the review was received in'),
  status: z.enum(REVIEW_STATUSES).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Chinese text: found in the title, the numbers or the drafting unit'),
  limit,
  cursor,
});

export const annualStatsQuerySchema = z.strictObject({
  year,
  region: z.enum(REGIONS).optional().describe('one region; all three when absent'),
});
