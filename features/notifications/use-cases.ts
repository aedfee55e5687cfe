/** Notifications: reminders, overdue notices and escalations addressed to the caller. */
import type { Actor } from '../../domain/model';
import type { NotificationDoc } from '../../store/models';
import { notificationFilterFor } from '../access';
import { delegatorsFor } from '../assignment/queries';
import type { AppContext } from '../context';
import { decodeCursor, newestFirst } from '../paging';
import { firstMonth } from '../reviews/queries';

/** `GET /v1/notifications`: newest first, read a month at a time. */
export async function listNotifications(
  ctx: AppContext,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<{ page: NotificationDoc[]; nextCursor: string | null }> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  return newestFirst({
    model: ctx.models.Notification,
    anyOf: notificationFilterFor(actor, await delegatorsFor(ctx, actor.sub, ctx.now())),
    where: {},
    sortBy: { field: 'createdAt', isDate: true },
    limit: query.limit,
    cursor,
    byMonth: { now: ctx.now(), firstMonth: await firstMonth(ctx) },
  });
}
