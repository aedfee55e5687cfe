/**
 * The zod schemas of every request body and query string. The same objects validate requests and
 * generate `/openapi.json`, so the spec cannot drift from what the API accepts.
 */
import { z } from 'zod';
import {
  CHECK_ITEMS,
  CHECK_RESULTS,
  DECISIONS,
  DISPOSITION_STATUSES,
  MATERIAL_KINDS,
  REGIONS,
  RETURN_GROUNDS,
  REVIEW_STATUSES,
  SEVERITIES,
  STAGES,
  TASK_KINDS,
  TASK_STATUSES,
  type Decision,
} from '../domain/model';

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
  reason: 5000,
  id: 200,
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);

export const articleSchema = z.strictObject({
  number: text(LIMITS.articleNumber).describe('article number, e.g. "1" or "12"; unique within the version'),
  text: text(LIMITS.articleText),
});

/** The typed materials of a submission (API.md, "Release 2 additions"), each a text. */
const materialTexts = {
  legalBasisNote: text(LIMITS.material).optional().describe('制定依据: the legal basis, explained'),
  consultationRecord: text(LIMITS.material).optional().describe('征求意见及采纳情况: public and other consultation'),
  fairCompetitionConclusion: text(LIMITS.material)
    .optional()
    .describe('公平竞争审查结论, where the document affects business activity'),
  draftingUnitLegalOpinion: text(LIMITS.material).optional().describe("the drafting unit's own legality opinion"),
  other: text(LIMITS.material).optional(),
};

export const materialsSchema = z
  .looseObject({
    draftingExplanation: text(LIMITS.draftingExplanation).describe(
      '起草说明: purpose, necessity, main measures, how opinions were handled',
    ),
    ...materialTexts,
  })
  .superRefine((materials, ctx) => {
    if (JSON.stringify(materials).length > LIMITS.materials) {
      ctx.addIssue({ code: 'custom', message: `the materials may hold at most ${LIMITS.materials} characters in all` });
    }
  })
  .describe(
    `the drafting materials: the typed ones, and others kept as given (no key may start with "$" or contain "."); at most ${LIMITS.materials} characters in all; files are attachments`,
  );

/** `supplement`: materials added at intake (补正), merged into the version under review. */
const suppliedMaterialsSchema = z.strictObject({
  draftingExplanation: text(LIMITS.draftingExplanation).optional(),
  ...materialTexts,
});

/** `POST /v1/documents` and `POST /v1/documents/:id/versions`. */
export const documentBodySchema = z
  .strictObject({
    title: text(LIMITS.title),
    docType: text(LIMITS.docType).optional(),
    summary: z.string().trim().max(LIMITS.summary).optional(),
    articles: z.array(articleSchema).min(1).max(LIMITS.articles),
    legalBasis: z.array(text(LIMITS.legalBasisText)).max(LIMITS.legalBasis),
    materials: materialsSchema,
    urgent: z.boolean().optional().describe('extension: marks the draft for fast-track consultation'),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.articles.forEach((a, i) => {
      if (seen.has(a.number))
        ctx.addIssue({ code: 'custom', path: ['articles', i, 'number'], message: `article ${a.number} appears twice` });
      seen.add(a.number);
    });
  });
export type DocumentBody = z.output<typeof documentBodySchema>;

/** `POST /v1/documents/:id/reviews`: no body is needed. */
export const startReviewBodySchema = z.strictObject({
  urgent: z.boolean().optional().describe("extension: overrides the version's urgent flag"),
});

export const withdrawBodySchema = z.strictObject({
  reason: z.string().trim().max(LIMITS.reason).optional(),
});

export const commentSchema = z.strictObject({
  article: text(LIMITS.articleNumber).optional().describe('an article number of the reviewed version'),
  text: text(LIMITS.commentText),
  severity: z.enum(SEVERITIES).optional().describe('default advisory'),
  basis: text(LIMITS.basis).optional().describe('the law relied on'),
});

export const checkSchema = z.strictObject({
  item: z.enum(CHECK_ITEMS),
  result: z.enum(CHECK_RESULTS),
  note: z.string().trim().max(LIMITS.note).optional().describe('required unless pass'),
});

export const dispositionSchema = z.strictObject({
  commentId: text(LIMITS.id),
  status: z.enum(DISPOSITION_STATUSES),
  reason: z.string().trim().max(LIMITS.reason).optional().describe('required unless adopted'),
});

export const completeTaskBodySchema = z.strictObject({
  decision: z.enum(DECISIONS as [Decision, ...Decision[]]),
  opinion: z.string().trim().max(LIMITS.opinion).optional(),
  comments: z.array(commentSchema).max(LIMITS.comments).optional(),
  checklist: z
    .array(checkSchema)
    .max(CHECK_ITEMS.length * 2)
    .optional(),
  dispositions: z.array(dispositionSchema).max(LIMITS.dispositions).optional(),
  version: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("extension, for resubmit: the revised version (default: the document's current version)"),
  missing: z
    .array(z.enum(MATERIAL_KINDS))
    .min(1)
    .max(MATERIAL_KINDS.length)
    .optional()
    .describe('request_materials: what is missing'),
  grounds: z.enum(RETURN_GROUNDS).optional().describe('return at intake or origin review: why, without a verdict'),
  materials: suppliedMaterialsSchema.optional().describe('supplement: the materials added'),
});
export type CompleteTaskBody = z.output<typeof completeTaskBodySchema>;

/** `POST /v1/reviews/:reviewId/extensions`. */
export const extensionBodySchema = z.strictObject({
  workingDays: z.number().int().min(1).max(60).describe('working days more'),
  reason: text(LIMITS.reason),
});

const limit = z.coerce.number().int().min(1).max(100).default(20);
const cursor = z.string().max(500).optional().describe('opaque: the nextCursor of the previous page');
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

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

export const listTasksQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  kind: z.enum(TASK_KINDS).optional(),
  region: z.enum(REGIONS).optional().describe('extension, for supervisors'),
  reviewId: text(LIMITS.id).optional().describe('extension'),
  overdue: bool
    .optional()
    .describe('extension. true: only open tasks past their due date; false: only tasks that are not'),
  limit,
  cursor,
});

export const listNotificationsQuerySchema = z.strictObject({ limit, cursor });

/** `GET /v1/documents` (extension): a drafting office's own documents. */
export const listDocumentsQuerySchema = z.strictObject({ limit, cursor });

export const listCommentsQuerySchema = z.strictObject({
  reviewId: text(LIMITS.id).optional().describe('extension'),
  version: z.coerce.number().int().min(1).optional().describe('extension'),
});

export const listEventsQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('a seq: events after it'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const emptyQuerySchema = z.strictObject({});

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((v) => {
    const ms = Date.parse(`${v}T00:00:00Z`); // V8 rolls 30 February over to March: compare back
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(v);
  }, 'must be a real calendar date');

export const calendarDeadlineQuerySchema = z.strictObject({
  from: calendarDate.describe('the CST date the limit is counted from (the count starts the day after)'),
  days: z.coerce.number().int().min(0).max(366).describe('working days'),
});
