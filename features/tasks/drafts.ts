/**
 * Decisions saved as drafts (暂存): what a person has written of a decision, kept per task and
 * person so that the task page restores it when they open it again. Only whoever may decide the
 * task now (its assignee, a delegate of theirs, the head, or anyone of the pool while it is
 * unassigned) keeps or reads a draft of it; a decided task keeps none.
 */
import { refusalToDecide } from '../../domain/rules';
import type { Actor } from '../../domain/model';
import type { TaskDoc, TaskDraftDoc } from '../../store/models';
import type { AppContext } from '../context';
import { isDuplicateKey } from '../../store/mongo';
import { AppError } from '../errors';
import type { TaskDraftBody } from './schemas';
import { standingInFor, visibleTask } from './use-cases';

export interface TaskDraft {
  taskId: string;
  body: TaskDraftBody;
  savedAt: Date | null;
}

const draftId = (taskId: string, sub: string) => `${taskId}|${sub}`;

/** The task, when the caller may decide it now: 404 unseen, 403 not theirs, 409 no longer open. */
async function decidableTask(ctx: AppContext, actor: Actor, taskId: string): Promise<TaskDoc> {
  const task = await visibleTask(ctx, actor, taskId);
  const refused = refusalToDecide(actor, { ...task, id: task._id }, await standingInFor(ctx, actor, task));
  if (refused) throw new AppError(refused.code, refused.message, refused.details);
  return task;
}

/** `PUT /v1/tasks/:taskId/draft`: keeps the caller's draft of the decision, replacing the last one. */
export async function saveTaskDraft(
  ctx: AppContext,
  actor: Actor,
  taskId: string,
  body: TaskDraftBody,
): Promise<TaskDraft> {
  const task = await decidableTask(ctx, actor, taskId);
  const savedAt = ctx.now();
  const keep = () =>
    ctx.models.TaskDraft.replaceOne(
      { _id: draftId(task._id, actor.sub) },
      { taskId: task._id, sub: actor.sub, body, savedAt },
      { upsert: true },
    );
  // Two first saves at once both try to insert; the loser meets the winner's draft, and replaces it.
  await keep().catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
    return keep();
  });
  return { taskId: task._id, body, savedAt };
}

/** `GET /v1/tasks/:taskId/draft`: the caller's draft, or an empty one (`savedAt: null`). */
export async function readTaskDraft(ctx: AppContext, actor: Actor, taskId: string): Promise<TaskDraft> {
  const task = await decidableTask(ctx, actor, taskId);
  const draft = await ctx.models.TaskDraft.findById(draftId(task._id, actor.sub)).lean<TaskDraftDoc>();
  return { taskId: task._id, body: draft?.body ?? {}, savedAt: draft?.savedAt ?? null };
}

/** Once a task is decided its drafts are of no use: dropped (a failure only leaves them unread). */
export async function discardTaskDrafts(ctx: AppContext, taskId: string): Promise<void> {
  await ctx.models.TaskDraft.deleteMany({ taskId }).catch(() => undefined);
}
