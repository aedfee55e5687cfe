/** The request schemas of documents, their versions, comments and attachments. */
import { z } from 'zod';
import { LIMITS, cursor, limit, text } from '../schemas';

export const articleSchema = z.strictObject({
  number: text(LIMITS.articleNumber).describe('article number, e.g. "1" or "12"; unique within the version'),
  text: text(LIMITS.articleText),
});

/** The typed materials of a submission (API.md, "Release 2 additions"), each a text. */
export const materialTexts = {
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

/** `GET /v1/documents` (extension): a drafting office's own documents. */
export const listDocumentsQuerySchema = z.strictObject({ limit, cursor });

export const listCommentsQuerySchema = z.strictObject({
  reviewId: text(LIMITS.id).optional().describe('extension'),
  version: z.coerce.number().int().min(1).optional().describe('extension'),
});
