/** What supervisors read about the whole platform. */
import { emptyQuerySchema } from '../../features/schemas';
import { readStats } from '../../features/supervision/use-cases';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { StatsView } from '../responses';

export function supervisionRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/stats',
      tag: 'supervision',
      summary: 'Counts of reviews by status, stage and origin region; open and overdue tasks by region (supervisor)',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the counts', schema: StatsView }],
      errors: [403],
      handler: async ({ actor, res }) => {
        res.json(await readStats(app, actor));
      },
    }),
  ];
}
