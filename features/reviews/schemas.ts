/** The request schemas of reviews: submission, withdrawal, extensions, lists and the log. */
import { z } from 'zod';
import { REGIONS, REVIEW_STATUSES, STAGES } from '../../domain/model';
import { LIMITS, bool, cursor, limit, text } from '../schemas';

/** `POST /v1/documents/:id/reviews`: no body is needed. */
export const startReviewBodySchema = z.strictObject({
  urgent: z.boolean().optional().describe("extension: overrides the version's urgent flag"),
});

export const withdrawBodySchema = z.strictObject({
  reason: z.string().trim().max(LIMITS.reason).optional(),
});

/** `POST /v1/reviews/:reviewId/extensions`. */
export const extensionBodySchema = z.strictObject({
  workingDays: z.number().int().min(1).max(60).describe('working days more'),
  reason: text(LIMITS.reason),
});

export const listReviewsQuerySchema = z.strictObject({
  region: z.enum(REGIONS).optional().describe('origin region'),
  status: z.enum(REVIEW_STATUSES).optional(),
  stage: z.enum(STAGES).optional(),
  overdue: bool
    .optional()
    .describe('true: only reviews with an open task past its due date; false: only those without'),
  documentId: text(LIMITS.id).optional().describe('extension'),
  limit,
  cursor,
});

export const listEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('a seq: events after it'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
