/**
 * The zod schemas of assistive review at the API edge: the check request, and a rule as an adopted
 * guideline may carry it (validated before the guideline is stored, so a rule that cannot run or
 * misses its own examples never joins the set). Shapes and limits only; the meaning lives in
 * domain/assist.
 */
import { z } from 'zod';
import { ASSIST_CATEGORIES, ruleProblems } from '../../domain/assist';
import { CHECK_ITEMS, SEVERITIES } from '../../domain/model';

export const ASSIST_LIMITS = {
  articles: 2000,
  articleText: 20_000,
  legalBasis: 200,
  legalBasisText: 1000,
  rulesPerGuideline: 100,
  words: 200,
  word: 50,
  pattern: 500,
  terms: 20,
  examples: 20,
  exampleText: 2000,
  distance: 200,
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);

export const assistCheckRequestSchema = z.strictObject({
  articles: z
    .array(z.strictObject({ number: text(20), text: z.string().max(ASSIST_LIMITS.articleText) }))
    .max(ASSIST_LIMITS.articles),
  legalBasis: z.array(text(ASSIST_LIMITS.legalBasisText)).max(ASSIST_LIMITS.legalBasis).optional(),
});

const termSchema = z
  .strictObject({
    words: z.array(text(ASSIST_LIMITS.word)).min(1).max(ASSIST_LIMITS.words).optional(),
    pattern: text(ASSIST_LIMITS.pattern).optional(),
  })
  .refine((t) => t.words !== undefined || t.pattern !== undefined, { message: '须给出 words 或 pattern' });

const sideSchema = z.enum(['before', 'after', 'either']);
const distanceSchema = z.number().int().min(0).max(ASSIST_LIMITS.distance);

const exceptionSchema = z
  .strictObject({
    set: text(50).optional(),
    term: termSchema.optional(),
    scope: z.enum(['sentence', 'clause']).optional(),
    side: sideSchema.optional(),
    within: distanceSchema.optional(),
    but: termSchema.optional(),
  })
  .refine((e) => (e.set === undefined) !== (e.term === undefined), { message: '例外须给出 set 或 term 之一' });

const exampleSchema = z.union([
  text(ASSIST_LIMITS.exampleText),
  z.strictObject({
    articles: z.array(text(ASSIST_LIMITS.exampleText)).min(1).max(20),
    legalBasis: z.array(text(ASSIST_LIMITS.legalBasisText)).max(20).optional(),
  }),
]);

const legalBasisSchema = z.strictObject({ law: text(200), article: text(100) });

/** What a rule looks for. A guideline's rule matches words (`any`) or a whole document; citations stay built in. */
const matchSchema = z
  .strictObject({
    any: z.array(termSchema).min(1).max(ASSIST_LIMITS.terms).optional(),
    near: z
      .array(z.strictObject({ term: termSchema, within: distanceSchema, side: sideSchema.optional() }))
      .max(5)
      .optional(),
    unless: z.array(exceptionSchema).max(ASSIST_LIMITS.terms).optional(),
    dateBeforeCheck: z.boolean().optional(),
    document: z.strictObject({ absent: termSchema, anchor: termSchema.optional() }).optional(),
  })
  .refine((m) => (m.any !== undefined) !== (m.document !== undefined), {
    message: 'match 须给出 any 或 document 之一',
  });

/** A machine rule of a shared guideline (POST /v1/guidelines `rules`). */
export const guidelineRuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, '规则编号只能由小写字母、数字、点、下划线和连字符组成（2–63个字符）'),
    category: z.enum(ASSIST_CATEGORIES),
    checklistItem: z.enum(CHECK_ITEMS),
    severity: z.enum(SEVERITIES),
    description: text(200),
    match: matchSchema,
    explanation: text(2000),
    guidelineArticle: text(50).optional(),
    basis: z.array(legalBasisSchema).max(10).optional(),
    examples: z.strictObject({
      positive: z.array(exampleSchema).min(1).max(ASSIST_LIMITS.examples),
      negative: z.array(exampleSchema).min(1).max(ASSIST_LIMITS.examples),
    }),
  })
  .superRefine((rule, ctx) => {
    // Compiles it and runs its examples: a pattern that does not parse, or a rule that misses its
    // own positive examples or hits a negative one, is refused with the place and the reason.
    let problems;
    try {
      problems = ruleProblems(rule);
    } catch {
      problems = [{ path: 'match', message: '规则无法运行，请检查 match 的写法' }];
    }
    for (const problem of problems) {
      ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
    }
  });

export const guidelineRulesSchema = z
  .array(guidelineRuleSchema)
  .max(ASSIST_LIMITS.rulesPerGuideline)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `规则编号 ${rule.id} 重复` });
      seen.add(rule.id);
    });
  });

export type AssistCheckRequest = z.infer<typeof assistCheckRequestSchema>;
export type GuidelineRuleInput = z.infer<typeof guidelineRuleSchema>;
