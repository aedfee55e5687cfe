/** Tasks (the caller's work list) and completing one, plus notifications and statistics. */
import type { CompleteTaskRequest } from '../../domain/messages';
import { versionId, type TaskDoc, type VersionDoc } from '../../store/models';
import { canActOn } from '../../domain/rules';
import { canSeeTask, isSupervisor, notificationFilterFor, taskFilterFor } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';

import { route, type RouteSpec } from '../http';
import { firstMonth, latestVersion, versionTitles } from '../lookup';
import { allOf, decodeCursor, newestFirst } from '../paging';
import { NotificationView, StatsView, TaskDecided, TaskView, page } from '../responses';
import {
  completeTaskBodySchema,
  emptyQuerySchema,
  listNotificationsQuerySchema,
  listTasksQuerySchema,
} from '../schemas';
import { computeStats } from '../stats';
import { notificationView, taskView } from '../views';
import { decideTask } from '../workflow-calls';
import { onceForKey, oneDecisionAtATime, parseIdempotencyKey } from '../once';

export function taskRoutes(deps: ApiDeps): RouteSpec[] {
  const { models } = deps;
  const now = deps.now ?? (() => new Date());

  const visibleTask = async (actor: Parameters<typeof canSeeTask>[0], id: string): Promise<TaskDoc> => {
    const task = await models.Task.findById(id).lean<TaskDoc>();
    if (!task || !canSeeTask(actor, task)) throw ApiError.notFound('task');
    return task;
  };

  /** The version a resubmission names (the current one by default) and its articles, for the workflow. */
  const describeResubmission = async (task: TaskDoc, request: CompleteTaskRequest): Promise<void> => {
    request.input.version ??= (await latestVersion(deps, task.documentId)).version;
    const version = await models.Version.findById(versionId(task.documentId, request.input.version), {
      articles: 1,
    }).lean<Pick<VersionDoc, 'articles'>>();
    // An unknown version is refused by the workflow, which names the field.
    if (version) request.articleNumbers = version.articles.map((a) => a.number);
  };

  return [
    route({
      method: 'get',
      path: '/v1/tasks',
      tag: 'tasks',
      summary: "The caller's actionable tasks (by region and role), or all for supervisors; newest first",
      query: listTasksQuerySchema,
      responses: [{ status: 200, description: '{ items: [task], nextCursor }', schema: page(TaskView) }],
      errors: [400],
      handler: async ({ actor, query, res }) => {
        const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const filter: Record<string, unknown> = {};
        if (query.status) filter.status = query.status;
        if (query.kind) filter.kind = query.kind;
        if (query.region) filter.region = query.region;
        if (query.reviewId) filter.reviewId = query.reviewId;
        const at = now();
        const nowIso = at.toISOString();
        const late = { status: 'open', dueAt: { $lt: nowIso } };
        const notLate = { $or: [{ status: { $ne: 'open' } }, { dueAt: null }, { dueAt: { $gte: nowIso } }] };
        const lateness = query.overdue === undefined ? {} : query.overdue ? late : notLate;
        // Open work is a small set by its filter; everything else is read a month at a time.
        const small = query.status === 'open' || query.overdue === true || query.reviewId !== undefined;
        const { page, nextCursor } = await newestFirst({
          model: models.Task,
          anyOf: taskFilterFor(actor),
          where: allOf(filter, lateness),
          sortBy: { field: 'createdAt', isDate: false },
          limit: query.limit,
          cursor,
          ...(!small && { byMonth: { now: at, firstMonth: await firstMonth(deps) } }),
        });
        const titles = await versionTitles(deps, page);
        res.json({ items: page.map((doc) => taskView(doc, at, titles)), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/tasks/:taskId',
      tag: 'tasks',
      summary: 'Read a task',
      responses: [{ status: 200, description: 'the task', schema: TaskView }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const task = await visibleTask(actor, params.taskId);
        res.json(taskView(task, now(), await versionTitles(deps, [task])));
      },
    }),

    route({
      method: 'post',
      path: '/v1/tasks/:taskId/complete',
      tag: 'tasks',
      summary: 'Decide a task; answers once the workflow has accepted and stored the decision',
      description:
        'An optional `Idempotency-Key` header (1-128 characters of letters, digits, `-`, `_`, `.`, `:`) makes a retry safe: ' +
        'repeating the request with the same key returns the first answer instead of a 409; the same key with a ' +
        'different body is 422 `idempotency_mismatch`. While a decision on the task is being recorded, another is 409.',
      body: completeTaskBodySchema,
      responses: [
        {
          status: 200,
          description: '{ task, review: { status, stage } }',
          schema: TaskDecided,
        },
      ],
      errors: [400, 403, 404, 409, 422],
      handler: async ({ actor, params, body, req, requestId, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        // Visibility is the API's concern (404); whether this caller may take this decision now is
        // decided once, by the workflow's validator (domain/rules.ts), which also sees retries.
        const task = await visibleTask(actor, params.taskId);
        res.on('finish', () =>
          deps.metrics?.decisions.inc({ kind: task.kind, decision: body.decision, outcome: String(res.statusCode) }),
        );
        // Seen but not theirs to decide (a supervisor's view): 403, whatever state the task is in.
        if (!canActOn(actor, task)) throw ApiError.forbidden(`this task is for a ${task.role} of ${task.region}`);
        const scope = `complete:${task._id}`;
        const answer = await onceForKey(deps, { scope, actor, key, body }, async (joining) => {
          // Already decided, expired or cancelled: no need to ask the workflow (unless this is a
          // retry joining the decision that closed it).
          if (task.status !== 'open' && !joining) {
            throw ApiError.conflict(`task ${task._id} is ${task.status}, not open`);
          }
          const request: CompleteTaskRequest = { taskId: task._id, actor, input: { ...body } };
          if (body.decision === 'resubmit') await describeResubmission(task, request);
          const idempotent = key && `${actor.sub}:${key}`;
          const result = await oneDecisionAtATime(deps, { taskId: task._id, requestId, idempotent }, () =>
            decideTask(deps, { _id: task.reviewId }, request, requestId, key),
          );
          return { status: 200, body: result };
        });
        res.status(answer.status).json(answer.body);
      },
    }),

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
        const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const { page, nextCursor } = await newestFirst({
          model: models.Notification,
          anyOf: notificationFilterFor(actor),
          where: {},
          sortBy: { field: 'createdAt', isDate: true },
          limit: query.limit,
          cursor,
          byMonth: { now: now(), firstMonth: await firstMonth(deps) },
        });
        res.json({ items: page.map(notificationView), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/stats',
      tag: 'supervision',
      summary: 'Counts of reviews by status, stage and origin region; open and overdue tasks by region (supervisor)',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the counts', schema: StatsView }],
      errors: [403],
      handler: async ({ actor, res }) => {
        if (!isSupervisor(actor)) throw ApiError.forbidden('only supervisors read statistics');
        res.json(await computeStats(models, now(), deps.config.timeModel));
      },
    }),
  ];
}
