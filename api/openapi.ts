/**
 * OpenAPI 3.1, generated from the route table. Requests are described by the very zod schemas that
 * validate them (`z.toJSONSchema`, input side), so what the spec promises is what the API checks;
 * answers by the zod schemas of api/responses.ts, which zod-to-openapi turns into the component
 * schemas and the `$ref`s to them, and which the tests parse real answers with.
 */
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
  type ZodRequestBody,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { devTokenBodySchema } from './dev-signin';
import { STATUS_BY_CODE, type ErrorCode } from '../features/errors';
import type { RouteSpec } from './http';
import { DemoToken, DemoUsers, ErrorBody, responseSchemas } from './responses';

export type OpenApiDocument = Omit<ReturnType<OpenApiGeneratorV31['generateDocument']>, 'webhooks'>;
/** A schema given as JSON Schema rather than zod: the generator passes it through as it is. */
type JsonSchema = Exclude<NonNullable<NonNullable<OpenApiDocument['components']>['schemas']>[string], { $ref: string }>;
type Responses = RouteConfig['responses'];
type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema; description?: string };

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...out } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return out as JsonSchema;
}

const CODE_BY_STATUS = Object.fromEntries(
  Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code]),
) as Record<number, ErrorCode>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: details list the failing fields',
  401: 'unauthenticated: missing, malformed, expired or wrongly signed token, or unknown claims',
  403: 'forbidden: visible to the caller but not theirs to act on',
  404: 'not_found (also for what the caller may not see)',
  409: 'conflict: task not open any more, a review already active, stale version',
  413: 'payload_too_large',
  429: 'rate_limited',
  500: 'internal (never a stack trace)',
  503: 'unavailable: a dependency is down; safe to retry',
};

function errorResponse(status: number): Responses[string] {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? CODE_BY_STATUS[status] ?? 'error',
    content: { 'application/json': { schema: ErrorBody } },
  };
}

/** The route's operation, for the generator: `path` in OpenAPI's `{param}` form. */
function operation(spec: RouteSpec): RouteConfig {
  const params: Parameter[] = [];
  for (const match of spec.path.matchAll(/:(\w+)/g)) {
    params.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (spec.query instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = spec.query.shape;
    for (const [name, field] of Object.entries(shape)) {
      const schema = jsonSchema(field);
      const description = typeof schema.description === 'string' ? schema.description : undefined;
      params.push({
        name,
        in: 'query',
        required: !field.safeParse(undefined).success,
        schema,
        ...(description ? { description } : {}),
      });
    }
  }
  const responses: Responses = {};
  for (const r of spec.responses) {
    responses[String(r.status)] = {
      description: r.description,
      content: {
        'application/json': { schema: r.schema ?? { type: 'object' } },
        ...(r.html ? { 'text/html': { schema: { type: 'string' } } } : {}),
      },
    };
  }
  for (const status of [...spec.errors, 401, 429, 500, 503]) responses[String(status)] = errorResponse(status);
  const body: ZodRequestBody | undefined = spec.body
    ? { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } }
    : spec.multipart
      ? { required: true, content: { 'multipart/form-data': { schema: { type: 'object', ...spec.multipart } } } }
      : undefined;
  return {
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, '{$1}'),
    operationId: `${spec.method}${spec.path
      .replace(/\/:(\w+)/g, (_m, p: string) => `By${p[0].toUpperCase()}${p.slice(1)}`)
      .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
      .replace(/\W/g, '')}`,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    // The public's routes (api/routes/public-suggestions.ts) take no token.
    security: spec.tag === 'public' ? [] : [{ bearerAuth: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { request: { body } } : {}),
    responses,
  };
}

const DEV_ONLY =
  'Development sign-in for the console: exists only while tokens are signed with the documented development ' +
  'secret (`npm start` without AUTH_JWT_SECRET); 404 otherwise. No token needed.';

/** The endpoints outside the route table: the development sign-in and the operational ones. */
const opsOperations: RouteConfig[] = [
  {
    method: 'get',
    path: '/v1/dev/users',
    operationId: 'devUsers',
    summary: 'The demo people of the development sign-in',
    description: DEV_ONLY,
    tags: ['operations'],
    security: [],
    responses: {
      200: { description: '{ items: [demo person] }', content: { 'application/json': { schema: DemoUsers } } },
      404: errorResponse(404),
    },
  },
  {
    method: 'post',
    path: '/v1/dev/token',
    operationId: 'devToken',
    summary: 'A bearer token for one demo person',
    description: DEV_ONLY,
    tags: ['operations'],
    security: [],
    request: {
      body: { required: true, content: { 'application/json': { schema: jsonSchema(devTokenBodySchema) } } },
    },
    responses: {
      200: { description: '{ token, user }', content: { 'application/json': { schema: DemoToken } } },
      400: errorResponse(400),
      404: errorResponse(404),
    },
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    summary: 'The process is up',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: '{ status: "ok" }' } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    summary: 'MongoDB and Temporal are reachable',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: '{ status: "ready", mongodb, temporal }' }, 503: errorResponse(503) },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Interactive documentation (Swagger UI)',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'HTML', content: { 'text/html': {} } } },
  },
];

/** The OpenAPI document of the routes in `routes` plus the operational endpoints. */
export function buildOpenApi(routes: RouteSpec[]): OpenApiDocument {
  // The named response schemas first: the components list them in the order they were registered.
  const registry = new OpenAPIRegistry([responseSchemas]);
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'HS256, with exp; claims sub, name?, region, roles, org?',
  });
  for (const route of [...routes.map(operation), ...opsOperations]) registry.registerPath(route);
  const generator = new OpenApiGeneratorV31(registry.definitions);
  const {
    webhooks: _noWebhooks,
    components,
    ...document
  } = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Beijing–Tianjin–Hebei legality review of administrative normative documents',
      version: '1.0.0',
      description:
        'The engine of the three-region platform for the legality review (合法性审核) of administrative normative documents.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [
      'documents',
      'reviews',
      'tasks',
      'notifications',
      'supervision',
      'calendar',
      'assist',
      'after review',
      'public',
      'exchange',
      'operations',
    ].map((name) => ({
      name,
    })),
  });
  // No parameter is a component: leave out the empty list the generator adds.
  const { parameters: _noParameters, ...usedComponents } = components ?? {};
  return { ...document, components: usedComponents };
}
