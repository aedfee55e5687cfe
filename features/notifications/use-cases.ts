/** Notifications: reminders, overdue notices and escalations addressed to the caller. */
import { hasHan, NOTICE_ZH } from '../../domain/messages-zh';
import type { Actor } from '../../domain/model';
import { versionId, type NotificationDoc, type TaskDoc } from '../../store/models';
import { notificationFilterFor } from '../access';
import { delegatorsFor } from '../assignment/queries';
import type { AppContext } from '../context';
import { versionTitles } from '../documents/queries';
import { decodeCursor, newestFirst } from '../paging';
import { firstMonth } from '../reviews/queries';

/** `GET /v1/notifications`: newest first, read a month at a time. */
export async function listNotifications(
  ctx: AppContext,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<{ page: NotificationDoc[]; nextCursor: string | null }> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const { page, nextCursor } = await newestFirst({
    model: ctx.models.Notification,
    anyOf: notificationFilterFor(actor, await delegatorsFor(ctx, actor.sub, ctx.now())),
    where: {},
    sortBy: { field: 'createdAt', isDate: true },
    limit: query.limit,
    cursor,
    byMonth: { now: ctx.now(), firstMonth: await firstMonth(ctx) },
  });
  return { page: await deadlineNoticesInChinese(ctx, page), nextCursor };
}

const DEADLINE_TYPES = new Set(['reminder', 'overdue', 'escalation']);
type DeadlineType = 'reminder' | 'overdue' | 'escalation';

/**
 * The review workflow records its deadline notices in English (a recorded text is part of the
 * review's hash-chained log, so it stays as written): they are worded here, in Chinese from the
 * catalogue, from what the notice names (its type, task and limit), old notices included.
 */
async function deadlineNoticesInChinese(ctx: AppContext, page: NotificationDoc[]): Promise<NotificationDoc[]> {
  const english = page.filter((n) => DEADLINE_TYPES.has(n.type) && !hasHan(n.message));
  if (english.length === 0) return page;
  const taskIds = english.flatMap((n) => (n.taskId ? [n.taskId] : []));
  const tasks = await ctx.models.Task.find(
    { _id: { $in: taskIds } },
    { kind: 1, region: 1, documentId: 1, version: 1, assignee: 1 },
  ).lean<Pick<TaskDoc, '_id' | 'kind' | 'region' | 'documentId' | 'version' | 'assignee'>[]>();
  const byId = new Map(tasks.map((t) => [t._id, t]));
  const titles = await versionTitles(ctx, tasks);
  return page.map((n) => {
    if (!english.includes(n)) return n;
    const task = n.taskId ? byId.get(n.taskId) : undefined;
    const about = task && {
      kind: task.kind,
      region: task.region,
      documentTitle: titles.get(versionId(task.documentId, task.version)),
      assignee: task.assignee ? (task.assignee.name ?? task.assignee.sub) : undefined,
    };
    // A task's notice whose task is not stored (never expected) still reads as a task's.
    const subject = about ?? (n.taskId ? {} : undefined);
    return { ...n, message: NOTICE_ZH.deadline(n.type as DeadlineType, subject, n.dueAt) };
  });
}
