/** The audit record: the signed checkpoints of every review's head (supervisors). */
import { listCheckpoints, listCheckpointsQuerySchema } from '../../features/audit/use-cases';
import type { ApiDeps } from '../deps';
import { CheckpointView, page } from '../responses';
import { route, type RouteSpec } from '../http';

export function auditRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/audit/checkpoints',
      tag: 'supervision',
      summary: "The signed checkpoints (a Merkle root over every review's sealed head), newest first (supervisor)",
      query: listCheckpointsQuerySchema,
      responses: [{ status: 200, description: '{ items: [Checkpoint], nextCursor }', schema: page(CheckpointView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        res.json(await listCheckpoints(app, actor, query));
      },
    }),
  ];
}
