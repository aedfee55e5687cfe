/** The caller's notifications. */
import { listNotificationsQuerySchema } from '../../features/notifications/schemas';
import { listNotifications } from '../../features/notifications/use-cases';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { NotificationView, page } from '../responses';
import { notificationView } from '../views';

export function notificationRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/notifications',
      tag: 'notifications',
      summary: "The caller's notifications (reminders, overdue notices, escalations), newest first",
      description:
        'A `reminder` reaches whoever can act on a task (its region and role) one working day before it falls due; ' +
        '`overdue` reaches them when it has passed; an `escalation` reaches supervisors when a task is overdue, or ' +
        'when the whole review has passed its working-day limit.',
      query: listNotificationsQuerySchema,
      responses: [
        { status: 200, description: '{ items: [Notification], nextCursor }', schema: page(NotificationView) },
      ],
      errors: [400],
      handler: async ({ actor, query, res }) => {
        const { page, nextCursor } = await listNotifications(app, actor, query);
        res.json({ items: page.map(notificationView), nextCursor });
      },
    }),
  ];
}
