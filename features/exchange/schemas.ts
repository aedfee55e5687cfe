/** The request schemas of the exchange: topics, replies, guidelines, and a task's precedents. */
import { z } from 'zod';
import { GUIDELINE_STATUSES, TOPIC_KINDS, TOPIC_STATUSES } from '../../domain/exchange';
import { guidelineRulesSchema } from '../assist/schemas';
import { LIMITS, cursor, limit, text } from '../schemas';

const EXCHANGE_LIMITS = { title: 200, body: 20_000, basisItems: 20, links: 20, scope: 2000, guideline: 50_000 };

/** One law or several: `basis` may be given as a string or a list of them; stored as a list. */
export const basisList = z
  .union([text(LIMITS.basis), z.array(text(LIMITS.basis)).max(EXCHANGE_LIMITS.basisItems)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

export const raiseTopicSchema = z.strictObject({
  title: text(EXCHANGE_LIMITS.title),
  body: text(EXCHANGE_LIMITS.body),
  kind: z.enum(TOPIC_KINDS),
  links: z
    .array(z.strictObject({ reviewId: text(LIMITS.id), article: text(LIMITS.articleNumber).optional() }))
    .max(EXCHANGE_LIMITS.links)
    .optional()
    .describe('the reviews (and articles) the topic arose from'),
});
export type RaiseTopicBody = z.output<typeof raiseTopicSchema>;

export const replySchema = z.strictObject({ body: text(EXCHANGE_LIMITS.body), basis: basisList.optional() });
export const closeTopicSchema = z.strictObject({ summary: text(EXCHANGE_LIMITS.body) });

export const listTopicsQuerySchema = z.strictObject({
  status: z.enum(TOPIC_STATUSES).optional(),
  kind: z.enum(TOPIC_KINDS).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('text in the title or the body'),
  limit,
  cursor,
});
export type ListTopicsQuery = z.output<typeof listTopicsQuerySchema>;

export const proposeGuidelineSchema = z.strictObject({
  title: text(EXCHANGE_LIMITS.title),
  text: text(EXCHANGE_LIMITS.guideline),
  scope: text(EXCHANGE_LIMITS.scope),
  basis: z.array(text(LIMITS.basis)).min(1).max(EXCHANGE_LIMITS.basisItems),
  topicId: text(LIMITS.id).optional().describe('the topic the guideline grew out of'),
  supersedes: text(LIMITS.id).optional().describe('an adopted guideline this version replaces once adopted'),
  rules: guidelineRulesSchema.optional().describe('machine rules for the assistive checker, once adopted'),
});
export type ProposeGuidelineBody = z.output<typeof proposeGuidelineSchema>;

export const listGuidelinesQuerySchema = z.strictObject({
  status: z.enum(GUIDELINE_STATUSES).optional(),
  limit,
  cursor,
});

export const taskPrecedentsQuerySchema = z.strictObject({
  article: text(LIMITS.articleNumber).describe('an article number of the version the task concerns'),
});
