/**
 * The audit record beyond one review: the record keeper that makes the checkpoints, and the list of
 * checkpoints supervisors read (`GET /v1/audit/checkpoints`).
 */
import { z } from 'zod';
import { recordKeeperId, type RecordKeeperInput } from '../../domain/messages';
import type { Actor } from '../../domain/model';
import { signRequest } from '../../platform/signing';
import type { AuditCheckpointDoc } from '../../store/record-seal';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor } from '../paging';
import { cursor, limit } from '../schemas';

export const listCheckpointsQuerySchema = z.strictObject({ cursor, limit });

/**
 * Starts the record keeper of this task queue, or joins the one running (one per task queue, however
 * many API processes start it). Its start is signed: the keeper's first activity checks it.
 */
export async function ensureRecordKeeper(ctx: AppContext): Promise<string> {
  const { taskQueue } = ctx.config.temporal;
  const workflowId = recordKeeperId(taskQueue);
  const body: RecordKeeperInput = {
    checkpointIntervalMs: ctx.config.checkpointIntervalMs,
    reconcileIntervalMs: ctx.config.reconcileIntervalMs,
  };
  const handle = await ctx.temporal.workflow.start('recordKeeper', {
    workflowId,
    taskQueue,
    args: [signRequest(ctx.signingKeys, 'recordKeeper', workflowId, body)],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return handle.firstExecutionRunId;
}

/** A checkpoint as listed: without its leaves (verify of a review proves a review against them). */
export interface CheckpointItem {
  id: string;
  n: number;
  at: string;
  root: string;
  size: number;
  keyId: string;
  signature: string;
  file?: string;
}

/** `GET /v1/audit/checkpoints` (supervisors): newest first. */
export async function listCheckpoints(
  ctx: AppContext,
  actor: Actor,
  query: z.infer<typeof listCheckpointsQuerySchema>,
): Promise<{ items: CheckpointItem[]; nextCursor: string | null }> {
  if (!isSupervisor(actor)) throw AppError.forbidden('只有监督人员可以查看审计检查点');
  const after = query.cursor === undefined ? undefined : Number(decodeCursor(query.cursor).value);
  if (after !== undefined && !Number.isInteger(after))
    throw AppError.invalid('query.cursor', 'the cursor is not valid');
  const docs = await ctx.models.AuditCheckpoint.find(after === undefined ? {} : { n: { $lt: after } }, { leaves: 0 })
    .sort({ n: -1 })
    .limit(query.limit + 1)
    .lean<AuditCheckpointDoc[]>();
  const items = docs.slice(0, query.limit).map((d) => ({
    id: d._id,
    n: d.n,
    at: new Date(d.at).toISOString(),
    root: d.root,
    size: d.size,
    keyId: d.keyId,
    signature: d.signature,
    ...(d.file && { file: d.file }),
  }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: docs.length > query.limit && last ? encodeCursor({ value: String(last.n), id: last.id }) : null,
  };
}
