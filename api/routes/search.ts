/** The console header's search: a document by its title or any of its numbers. */
import { z } from 'zod';
import { REGIONS, REVIEW_STATUSES } from '../../domain/model';
import { searchQuerySchema } from '../../features/search/schemas';
import { search, type SearchHit } from '../../features/search/use-cases';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { type Conforms, responseSchemas } from '../responses';

export const SearchHitView = responseSchemas.register(
  'SearchHit',
  z.object({
    reviewId: z.string(),
    documentId: z.string(),
    title: z.string(),
    region: z.enum(REGIONS).describe('the origin region'),
    status: z.enum(REVIEW_STATUSES),
    registrationNumber: z.string().optional().describe('受理编号, once accepted'),
    opinionNumber: z.string().optional().describe("the opinion's number, once issued"),
    documentNumber: z.string().optional().describe('文号, once the document is issued'),
  }),
);
export type SearchAnswer = Conforms<SearchHit, z.input<typeof SearchHitView>>;

export function searchRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/search',
      tag: 'register',
      summary: 'Reviews found by title or by number (受理编号, opinion number, 文号), newest first',
      description:
        "Among the reviews the caller may see (as `GET /v1/reviews/{id}`): drafters their own organisation's, " +
        "reviewers and signers their region's and those their region was consulted on, supervisors all. `q` is " +
        'found in titles and numbers as the register finds it (every pair of adjacent characters); a 文号 is ' +
        'found as written.',
      query: searchQuerySchema,
      responses: [
        { status: 200, description: '{ items: [hit] }', schema: z.object({ items: z.array(SearchHitView) }) },
      ],
      errors: [400],
      handler: async ({ actor, query, res }) => {
        res.json({ items: await search(app, actor, query) });
      },
    }),
  ];
}
