/**
 * The public's review suggestions (审查建议): answered without a token, so they are mounted before
 * the bearer check (api/app.ts), behind a limit per client address. A sender learns only the
 * status of their own suggestion, by its unguessable tracking code.
 */
import express, { type Router } from 'express';
import { suggestionBodySchema, TRACKING_CODE } from '../../features/after-review/schemas';
import { sendSuggestion, suggestionStatus } from '../../features/after-review/use-cases';
import { AppError } from '../../features/errors';
import type { ApiDeps } from '../deps';
import { mount, rejectUnsafeKeys, route, type RouteSpec } from '../http';
import { perAddressLimit, PUBLIC_STATUS_READS_PER_MINUTE } from '../rate-limits';

export function publicSuggestionRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/public/suggestions',
      tag: 'public',
      summary: 'Send a review suggestion about an issued document (no token; limited per address)',
      body: suggestionBodySchema,
      responses: [{ status: 201, description: '{ code }: the tracking code' }],
      errors: [400, 404, 409],
      handler: async ({ body, requestId, res }) => {
        res.status(201).json(await sendSuggestion(app, body, requestId));
      },
    }),
    route({
      method: 'get',
      path: '/v1/public/suggestions/:code',
      tag: 'public',
      summary: "A suggestion's status and, once answered, the reply; nothing else",
      responses: [{ status: 200, description: '{ status, reply? }' }],
      errors: [400, 404],
      handler: async ({ params, res }) => {
        const code = params.code.toUpperCase();
        if (!TRACKING_CODE.test(code)) throw AppError.invalid('code', '查询码应为26位字母和数字');
        res.json(await suggestionStatus(app, code));
      },
    }),
  ];
}

/** The public router: its own small body limit, the key guard, and limits per client address. */
export function publicRouter(deps: ApiDeps): Router {
  const { config } = deps.app;
  const router = express.Router();
  router.post('/v1/public/suggestions', perAddressLimit(config.afterReview.suggestionsPerMinute));
  router.get('/v1/public/suggestions/:code', perAddressLimit(PUBLIC_STATUS_READS_PER_MINUTE));
  router.use('/v1/public', express.json({ limit: '32kb' }), rejectUnsafeKeys);
  mount(router, publicSuggestionRoutes(deps), config);
  return router;
}
