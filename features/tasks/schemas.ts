/** The request schemas of tasks: the work list and decisions. */
import { z } from 'zod';
import {
  CHECK_ITEMS,
  CHECK_RESULTS,
  DECISIONS,
  DISPOSITION_STATUSES,
  FILING_MATERIALS,
  MATERIAL_KINDS,
  REGIONS,
  RETURN_GROUNDS,
  SEVERITIES,
  TASK_KINDS,
  TASK_STATUSES,
  type Decision,
} from '../../domain/model';
import { materialTexts } from '../documents/schemas';
import { basisList } from '../exchange/schemas';
import { LIMITS, bool, cursor, limit, text } from '../schemas';

/** `supplement`: materials added at intake (补正), merged into the version under review. */
const suppliedMaterialsSchema = z.strictObject({
  draftingExplanation: text(LIMITS.draftingExplanation).optional(),
  ...materialTexts,
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

/** An assistive-review flag set aside with the decision (GET /v1/tasks/:taskId `flags`). */
export const dismissedFlagSchema = z.strictObject({
  ruleId: text(LIMITS.id).describe("the flag's ruleId"),
  article: text(LIMITS.articleNumber).describe('the article the flag stands beside'),
  reason: z.string().trim().max(LIMITS.reason).optional().describe('why the flag does not call for a comment'),
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
    .array(z.enum([...MATERIAL_KINDS, ...FILING_MATERIALS]))
    .min(1)
    .max(MATERIAL_KINDS.length + FILING_MATERIALS.length)
    .optional()
    .describe('request_materials: what is missing (a material kind); defer of a filing: filing materials'),
  grounds: z.enum(RETURN_GROUNDS).optional().describe('return at intake or origin review: why, without a verdict'),
  materials: suppliedMaterialsSchema.optional().describe('supplement: the materials added'),
  basis: basisList.optional().describe('answer (topic_answer): the laws the answer rests on'),
  dismissedFlags: z
    .array(dismissedFlagSchema)
    .max(LIMITS.dismissedFlags)
    .optional()
    .describe(
      'extension: assistive-review flags of the version under review that the decider sets aside; recorded in the ' +
        "task_completed event's data. A flag never decides anything and never blocks a decision.",
    ),
});
export type CompleteTaskBody = z.output<typeof completeTaskBodySchema>;

export const listTasksQuerySchema = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  kind: z.enum(TASK_KINDS).optional(),
  region: z.enum(REGIONS).optional().describe('extension, for supervisors'),
  reviewId: text(LIMITS.id).optional().describe('extension'),
  overdue: bool
    .optional()
    .describe('extension. true: only open tasks past their due date; false: only tasks that are not'),
  sort: z
    .enum(['urgency'])
    .optional()
    .describe('urgency: open tasks (unless status says otherwise) overdue first, then due soonest, then by arrival'),
  assignee: text(LIMITS.id)
    .optional()
    .describe(
      'me: assigned to the caller, or to someone they stand in for while a delegation runs; none: in the pool; or a sub',
    ),
  team: bool
    .optional()
    .describe("extension, for the head (signer): also the tasks of the region's reviewers, which they assign"),
  limit,
  cursor,
});

/**
 * `PUT /v1/tasks/:taskId/draft`: a decision half written (暂存), any part of a decision's body; it
 * is checked in full only when it is sent as the decision.
 */
export const taskDraftBodySchema = completeTaskBodySchema.partial();
export type TaskDraftBody = z.output<typeof taskDraftBodySchema>;
