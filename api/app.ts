/**
 * The Express app, built from injected dependencies (config, models, one Temporal client). It does
 * not listen: `api/server.ts` does, and tests drive it with supertest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import swaggerUi from 'swagger-ui-express';
import type { Actor } from '../domain/model';
import { identify, requireActor, tokenVerifier } from './auth';
import type { ApiDeps } from './deps';
import { createApiMetrics, createLogger } from '../platform/observability';
import { codecEndpoint } from './codec-endpoint';
import { devSignInRouter } from './dev-signin';
import { DEV_TOKENS_PER_MINUTE, OPERATIONS_PER_MINUTE, perAddressLimit } from './rate-limits';
import { AppError } from '../features/errors';
import { errorMiddleware, notFoundHandler } from './errors';
import { mount, refuseNulInUrl, rejectUnsafeKeys, requestIds, type RouteSpec } from './http';
import { countDecision, countRequests, metricsEndpoint, registerWorkGauges, requestLog } from './metrics';
import { openTasksByRegion } from '../features/supervision/use-cases';
import { buildOpenApi } from './openapi';
import { afterReviewRoutes } from './routes/after-review';
import { publicRouter, publicSuggestionRoutes } from './routes/public-suggestions';
import { noteInDirectory } from './directory';
import { assignmentRoutes } from './routes/assignment';
import { assistRoutes } from './routes/assist';
import { auditRoutes } from './routes/audit';
import { attachmentRoutes } from './routes/attachments';
import { calendarRoutes } from './routes/calendar';
import { documentRoutes } from './routes/documents';
import { exchangeRoutes } from './routes/exchange';
import { notificationRoutes } from './routes/notifications';
import { reviewRoutes } from './routes/reviews';
import { supervisionRoutes } from './routes/supervision';
import { registerRoutes } from './routes/register';
import { searchRoutes } from './routes/search';
import { taskRoutes } from './routes/tasks';

export type { ApiDeps } from './deps';

/** Every `/v1` route, in the order they are matched. */
export function apiRoutes(deps: ApiDeps): RouteSpec[] {
  return [
    ...documentRoutes(deps),
    ...attachmentRoutes(deps),
    ...reviewRoutes(deps),
    ...taskRoutes(deps),
    ...notificationRoutes(deps),
    ...supervisionRoutes(deps),
    ...calendarRoutes(deps),
    ...registerRoutes(deps),
    ...searchRoutes(deps),
    ...assistRoutes(deps),
    ...auditRoutes(deps),
    ...afterReviewRoutes(deps),
    // Answered without a token: mounted before the bearer check (publicRouter), listed here for the spec.
    ...publicSuggestionRoutes(deps),
    ...assignmentRoutes(deps),
    ...exchangeRoutes(deps),
  ];
}

/**
 * Security headers on every response (helmet): a content security policy that the console, the
 * opinion page and /docs work under (scripts only from this origin, plus the console page's own
 * inline scripts by their hashes; inline styles, which Ant Design and Swagger UI inject), no
 * framing, no MIME sniffing, no referrer across origins.
 */
function securityHeaders(inlineScriptHashes: string[]): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", ...inlineScriptHashes],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        // A PDF attachment previewed in the console: its bytes, fetched with the token, as a blob: object.
        'object-src': ['blob:'],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    // Cross-origin isolation would stop the Temporal UI's browser calls to /codec; nothing here needs it.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}

/** The CSP sources (`'sha256-…'`) of the inline scripts of the console's page (index.html). */
export function inlineScriptHashes(consoleDirectory: string | undefined): string[] {
  if (!consoleDirectory) return [];
  const page = readFileSync(path.join(consoleDirectory, 'index.html'), 'utf8');
  return [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );
}

/** Authenticated answers are someone's data: never kept by a browser or a proxy. */
const noStore: express.RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Where the built console is: `web/dist` beside the sources (tsx, tests) or beside `dist/` (the
 * compiled image). Undefined when it has not been built: the API then serves no console.
 */
export function consoleDir(): string | undefined {
  return [path.resolve(__dirname, '../web/dist'), path.resolve(__dirname, '../../web/dist')].find((dir) =>
    existsSync(path.join(dir, 'index.html')),
  );
}

/** Paths that belong to the API, never to the console's client-side routes. */
const API_PATHS = /^\/(?:v1|docs|openapi\.json|healthz|readyz|metrics|codec)(?:\/|$)/;

/**
 * The console (web/): its hashed assets cached for good, `index.html` never, and every other GET
 * that asks for a page answered with `index.html` so that the console's own routes (e.g.
 * `/tasks/…`) load on a reload.
 */
function consoleApp(dir: string): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d' }),
    (req, _res, next) => next(new AppError('not_found', `no asset ${req.path}`)),
  );
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.get(/.*/, (req, res, next) => {
    // Only a browser's navigation (it asks for text/html by name) gets the page; API clients that
    // send no Accept header keep their JSON 404.
    if (API_PATHS.test(req.path) || !(req.get('Accept') ?? '').includes('text/html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

export function createApp(deps: ApiDeps): express.Express {
  const { config } = deps.app;
  const logger = deps.logger ?? createLogger('silent');
  const metrics = deps.metrics ?? createApiMetrics();
  registerWorkGauges(metrics, (overdueOnly) => openTasksByRegion(deps.app, overdueOnly));
  const application = { ...deps.app, onDecision: countDecision(metrics) };
  const routes = apiRoutes({ ...deps, app: application, metrics });
  const spec = buildOpenApi(routes);
  const app = express();

  app.disable('x-powered-by');
  app.use(requestIds);
  app.use(requestLog(logger));
  app.use(countRequests(metrics));
  const webDir = deps.consoleDir === undefined ? consoleDir() : deps.consoleDir || undefined;
  app.use(securityHeaders(inlineScriptHashes(webDir)));
  app.use(refuseNulInUrl);

  // Operations: no token, and a limit per address that orchestrators' polling never reaches.
  app.use(['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'], perAddressLimit(OPERATIONS_PER_MINUTE));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await deps.readiness().catch(() => ({ mongodb: false, temporal: false }));
    if (!ready.mongodb || !ready.temporal) throw new AppError('unavailable', 'not ready', ready);
    res.json({ status: 'ready', ...ready });
  });
  app.get(
    '/metrics',
    metricsEndpoint(metrics, { public: config.env.METRICS_PUBLIC, workerMetricsUrl: deps.workerMetricsUrl }),
  );
  app.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  app.use('/docs', swaggerUi.serveFiles(spec), swaggerUi.setup(spec, { customSiteTitle: 'Legality review API' }));
  if (deps.codec) app.use('/codec', codecEndpoint(deps.codec.codec, deps.codec));

  // Development sign-in: before the bearer check, since it is how a token is obtained (404 unless
  // the development secret is in use).
  app.use(
    '/v1/dev',
    noStore,
    devSignInRouter(config, {
      listing: perAddressLimit(OPERATIONS_PER_MINUTE),
      minting: perAddressLimit(DEV_TOKENS_PER_MINUTE),
    }),
  );

  // The public's review suggestions: no token, a limit per address (api/routes/public-suggestions.ts).
  app.use('/v1/public', noStore);
  app.use(publicRouter({ ...deps, app: application }));

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: config.rateLimitPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      const actor = res.locals.actor as Actor | undefined;
      return actor ? `sub:${actor.sub}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'too many requests; slow down')),
  });

  app.use(
    '/v1',
    noStore,
    identify(tokenVerifier(config.auth)),
    limiter,
    requireActor,
    noteInDirectory(application, logger),
    express.json({ limit: config.bodyLimit }),
    rejectUnsafeKeys,
  );
  const router = express.Router();
  mount(
    router,
    routes.filter((r) => r.tag !== 'public'),
    config,
  );
  app.use(router);

  if (webDir) app.use(consoleApp(webDir));

  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}
