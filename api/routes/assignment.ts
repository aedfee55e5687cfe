/** Who handles a case: claims, assignments and releases of tasks; the directory; delegations. */
import {
  assignBodySchema,
  createDelegationBodySchema,
  listDelegationsQuerySchema,
  listPeopleQuerySchema,
  patchPersonBodySchema,
  releaseBodySchema,
} from '../../features/assignment/schemas';
import {
  assignTaskTo,
  claimTask,
  createDelegation,
  delegationView,
  endDelegation,
  listDelegations,
  listPeople,
  releaseTask,
  setPersonActive,
} from '../../features/assignment/use-cases';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { DelegationView, PersonView, TaskView, page } from '../responses';
import { taskView } from '../views';

export function assignmentRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/tasks/:taskId/claim',
      tag: 'assignment',
      summary: 'Claim an open, unassigned task (认领); of concurrent claims exactly one wins',
      description: 'Anyone who may act on the task. Assigned to someone else: 409 with `details.assignee`.',
      responses: [{ status: 200, description: 'the task, assigned to the caller', schema: TaskView }],
      errors: [403, 404, 409],
      handler: async ({ actor, params, requestId, res }) => {
        res.json(taskView(await claimTask(app, actor, params.taskId, requestId), app.now()));
      },
    }),
    route({
      method: 'post',
      path: '/v1/tasks/:taskId/assign',
      tag: 'assignment',
      summary: "Assign or reassign a task to a person of the directory (分办, 转办) (the signer of the task's region)",
      description:
        "The assignee must be an active person of the directory with the task's region and role (400 otherwise).",
      body: assignBodySchema,
      responses: [{ status: 200, description: 'the task', schema: TaskView }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(taskView(await assignTaskTo(app, actor, params.taskId, body, requestId), app.now()));
      },
    }),
    route({
      method: 'post',
      path: '/v1/tasks/:taskId/release',
      tag: 'assignment',
      summary: "Release a task back to its region's pool (the assignee or the signer)",
      body: releaseBodySchema,
      responses: [{ status: 200, description: 'the task, unassigned', schema: TaskView }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(taskView(await releaseTask(app, actor, params.taskId, body.reason, requestId), app.now()));
      },
    }),
    route({
      method: 'get',
      path: '/v1/people',
      tag: 'assignment',
      summary: "A region's people with their open and overdue tasks and absences (reviewer, signer, supervisor, admin)",
      query: listPeopleQuerySchema,
      responses: [{ status: 200, description: '{ items: [person], nextCursor }', schema: page(PersonView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        res.json(await listPeople(app, actor, query));
      },
    }),
    route({
      method: 'patch',
      path: '/v1/people/:sub',
      tag: 'assignment',
      summary: "Deactivate or reactivate a person of the directory (admin of the person's region)",
      body: patchPersonBodySchema,
      responses: [{ status: 200, description: 'the person', schema: PersonView }],
      errors: [400, 403, 404],
      handler: async ({ actor, params, body, res }) => {
        res.json(await setPersonActive(app, actor, params.sub, body.active));
      },
    }),
    route({
      method: 'post',
      path: '/v1/delegations',
      tag: 'assignment',
      summary: 'Delegate for a period, for oneself, to a colleague of the same region and role (reviewer, signer)',
      body: createDelegationBodySchema,
      responses: [{ status: 201, description: 'the delegation', schema: DelegationView }],
      errors: [400, 403],
      budget: 'read',
      handler: async ({ actor, body, res }) => {
        res.status(201).json(delegationView(await createDelegation(app, actor, body)));
      },
    }),
    route({
      method: 'get',
      path: '/v1/delegations',
      tag: 'assignment',
      summary: "The caller's delegations, given and received (extension)",
      query: listDelegationsQuerySchema,
      responses: [{ status: 200, description: '{ items: [delegation], nextCursor }', schema: page(DelegationView) }],
      errors: [400],
      handler: async ({ actor, query, res }) => {
        const { items, nextCursor } = await listDelegations(app, actor, query);
        res.json({ items: items.map(delegationView), nextCursor });
      },
    }),
    route({
      method: 'delete',
      path: '/v1/delegations/:id',
      tag: 'assignment',
      summary: 'End a delegation now (the delegator, or the signer of their region)',
      responses: [{ status: 200, description: 'the delegation, ended', schema: DelegationView }],
      errors: [404],
      budget: 'read',
      handler: async ({ actor, params, res }) => {
        res.json(delegationView(await endDelegation(app, actor, params.id)));
      },
    }),
  ];
}
