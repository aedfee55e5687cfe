/** The request schemas of assignment: claims, assignments, the directory and delegations. */
import { z } from 'zod';
import { REGIONS } from '../../domain/model';
import { LIMITS, bool, cursor, limit, text } from '../schemas';

export const assignBodySchema = z.strictObject({
  assignee: text(LIMITS.id).describe("the sub of a person of the directory with the task's region and role"),
  reason: z.string().trim().max(LIMITS.reason).optional().describe('why (a reassignment, 转办, should say)'),
});
export type AssignBody = z.output<typeof assignBodySchema>;

export const releaseBodySchema = z.strictObject({
  reason: z.string().trim().max(LIMITS.reason).optional(),
});

export const PEOPLE_ROLES = ['reviewer', 'signer', 'supervisor', 'admin', 'drafter'] as const;

export const listPeopleQuerySchema = z.strictObject({
  region: z.enum(REGIONS).optional().describe("default the caller's; other regions for supervisors only"),
  role: z.enum(PEOPLE_ROLES).optional(),
  active: bool.optional().describe('extension: only active (true) or deactivated (false) people'),
  limit,
  cursor,
});

export const patchPersonBodySchema = z.strictObject({
  active: z.boolean(),
});

/** An instant (ISO 8601 with time) or a day (`YYYY-MM-DD`, meaning its start in UTC). */
const instant = z
  .string()
  .trim()
  .max(40)
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(v) && !Number.isNaN(Date.parse(v)),
    'must be an ISO 8601 date or time',
  )
  .transform((v) => new Date(v));

export const createDelegationBodySchema = z.strictObject({
  delegate: text(LIMITS.id).describe('the sub of a colleague of the same region and role'),
  from: instant,
  to: instant.describe('the delegation runs until this instant (a day: its start)'),
  reason: z.string().trim().max(LIMITS.reason).optional(),
});
export type CreateDelegationBody = z.output<typeof createDelegationBodySchema>;

export const listDelegationsQuerySchema = z.strictObject({
  limit,
  cursor,
});
