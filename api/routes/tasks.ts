/** Tasks (the caller's work list) and deciding one. */
import { parseIdempotencyKey } from '../../features/once';
import { emptyQuerySchema } from '../../features/schemas';
import { discardTaskDrafts, readTaskDraft, saveTaskDraft } from '../../features/tasks/drafts';
import { completeTaskBodySchema, listTasksQuerySchema, taskDraftBodySchema } from '../../features/tasks/schemas';
import { decideTask, listTasks, readTask } from '../../features/tasks/use-cases';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { TaskDecided, TaskDraftView, TaskView, page } from '../responses';
import { taskDraftView, taskView } from '../views';

export function taskRoutes({ app }: ApiDeps): RouteSpec[] {
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
        const { items, nextCursor, at } = await listTasks(app, actor, query);
        res.json({ items: items.map((task) => taskView(task, at)), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/tasks/:taskId',
      tag: 'tasks',
      summary: 'Read a task, with the assistive-review flags of the version it concerns',
      responses: [{ status: 200, description: 'the task', schema: TaskView }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { task, flags, at, suggestion } = await readTask(app, actor, params.taskId);
        res.json({ ...taskView(task, at), flags, ...(suggestion && { suggestion }) });
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
      responses: [{ status: 200, description: '{ task, review: { status, stage } }', schema: TaskDecided }],
      errors: [400, 403, 404, 409, 422],
      handler: async ({ actor, params, body, req, requestId, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        const answer = await decideTask(app, actor, params.taskId, body, requestId, key);
        if (answer.status < 300) await discardTaskDrafts(app, params.taskId);
        res.status(answer.status).json(answer.body);
      },
    }),

    route({
      method: 'put',
      path: '/v1/tasks/:taskId/draft',
      tag: 'tasks',
      summary: "Save the caller's decision as a draft (暂存; whoever may decide the task now), replacing the last",
      description:
        'Any part of a decision body, checked field by field as a decision is (unknown fields refused) but not as a ' +
        'whole: it is checked in full when sent to `/complete`. One draft per task and person; deciding the task ' +
        'drops its drafts.',
      body: taskDraftBodySchema,
      responses: [{ status: 200, description: '{ taskId, body, savedAt }', schema: TaskDraftView }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, res }) => {
        res.json(taskDraftView(await saveTaskDraft(app, actor, params.taskId, body)));
      },
    }),

    route({
      method: 'get',
      path: '/v1/tasks/:taskId/draft',
      tag: 'tasks',
      summary: "The caller's saved draft of the decision (empty body and savedAt null when none)",
      query: emptyQuerySchema,
      responses: [{ status: 200, description: '{ taskId, body, savedAt }', schema: TaskDraftView }],
      errors: [403, 404, 409],
      handler: async ({ actor, params, res }) => {
        res.json(taskDraftView(await readTaskDraft(app, actor, params.taskId)));
      },
    }),
  ];
}
