/**
 * OpenAPI 3.1, generated from the route table and the very zod schemas that validate requests
 * (`z.toJSONSchema`, input side), so what the spec promises is what the API checks.
 */
import { z } from 'zod';
import {
  CONSULTATION_STATUSES,
  DISPOSITION_STATUSES,
  SEVERITIES,
  NOTIFICATION_TYPES,
  REGIONS,
  REVIEW_STATUSES,
  ROLES,
  STAGES,
  TASK_KINDS,
  TASK_STATUSES,
} from '../domain/model';
import { STATUS_BY_CODE, type ErrorCode } from './errors';
import type { RouteSpec } from './http';
import { DOCUMENT_STATUSES } from '../store/models';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
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

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `{ items: [<name>], nextCursor }`: a page of a list (paging.ts). */
export const pageOf = (name: string): Json => ({
  type: 'object',
  required: ['items'],
  properties: {
    items: { type: 'array', items: ref(name) },
    nextCursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last' },
  },
});
const isoTime = { type: 'string', format: 'date-time' };
const actorRef = {
  type: 'object',
  properties: { sub: { type: 'string' }, name: { type: 'string' }, region: { enum: REGIONS }, role: { enum: ROLES } },
};

/** What a review and its list summary both say first. */
const reviewHead = {
  reviewId: { type: 'string' },
  documentId: { type: 'string' },
  originRegion: { enum: REGIONS },
  org: { type: 'string' },
  version: { type: 'integer' },
  status: { enum: REVIEW_STATUSES },
  stage: { enum: STAGES },
};

const components: Json = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { enum: Object.keys(STATUS_BY_CODE) },
          message: { type: 'string' },
          details: { description: 'for validation_failed: [{ path, message }]' },
        },
      },
    },
  },
  Document: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      title: { type: 'string' },
      docType: { type: 'string' },
      summary: { type: 'string' },
      region: { enum: REGIONS },
      org: { type: 'string' },
      status: { enum: DOCUMENT_STATUSES },
      currentVersion: { type: 'integer' },
      versions: {
        type: 'array',
        items: { type: 'object', properties: { version: { type: 'integer' }, createdAt: isoTime } },
      },
      activeReviewId: { type: ['string', 'null'] },
      reviewCount: { type: 'integer', description: 'how many reviews the document has had' },
      createdAt: isoTime,
      updatedAt: isoTime,
    },
  },
  Version: {
    type: 'object',
    properties: {
      documentId: { type: 'string' },
      version: { type: 'integer' },
      title: { type: 'string' },
      articles: {
        type: 'array',
        items: { type: 'object', properties: { number: { type: 'string' }, text: { type: 'string' } } },
      },
      legalBasis: { type: 'array', items: { type: 'string' } },
      materials: { type: 'object' },
      urgent: { type: 'boolean' },
      createdAt: isoTime,
    },
  },
  Task: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      reviewId: { type: 'string' },
      documentId: { type: 'string' },
      kind: { enum: TASK_KINDS },
      region: { enum: REGIONS },
      role: { enum: ROLES },
      status: { enum: TASK_STATUSES },
      version: { type: 'integer' },
      dueAt: { type: ['string', 'null'], format: 'date-time' },
      overdue: { type: 'boolean', description: 'open and past its due date' },
      remindAt: { ...isoTime, description: 'when the reminder goes out: one working day before dueAt' },
      remindedAt: isoTime,
      overdueAt: { ...isoTime, description: 'when the engine marked it overdue and escalated it' },
      createdAt: isoTime,
      completedAt: isoTime,
      decision: { type: 'string' },
      completedBy: actorRef,
    },
  },
  Review: {
    type: 'object',
    properties: {
      ...reviewHead,
      outcome: { type: 'object' },
      openTasks: { type: 'array', items: ref('Task') },
      consultations: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: { status: { enum: CONSULTATION_STATUSES }, decision: { type: 'string' }, respondedAt: isoTime },
        },
      },
      deadlines: {
        type: 'object',
        properties: {
          reviewDueAt: isoTime,
          workingDaysUsed: { type: 'integer' },
          workingDaysLeft: { type: 'integer' },
          clockRunning: { type: 'boolean' },
          overdue: { type: 'boolean', description: 'extension: the review has passed its working-day limit' },
          tasks: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                taskId: { type: 'string' },
                kind: { enum: TASK_KINDS },
                region: { enum: REGIONS },
                dueAt: { type: ['string', 'null'] },
                overdue: { type: 'boolean' },
              },
            },
          },
        },
      },
      history: {
        type: 'array',
        items: { type: 'object', properties: { at: isoTime, type: { type: 'string' }, actor: actorRef } },
      },
      submittedAt: isoTime,
      closedAt: isoTime,
      urgent: { type: 'boolean' },
      revisions: { type: 'integer' },
    },
    description:
      'deadlines: while the clock is stopped (a revision is open) reviewDueAt is where the due date would be if it ' +
      'resumed now; once closed, the figures are those at closing.',
  },
  Opinion: {
    type: 'object',
    description:
      '合法性审核意见书: document, version, dates, checklist, comments and their disposition, consultations, conclusion, signer',
    properties: {
      reviewId: { type: 'string' },
      document: { type: 'object' },
      version: { type: 'object' },
      dates: { type: 'object' },
      checklist: { type: 'array' },
      comments: { type: 'array' },
      consultations: { type: 'array' },
      conclusion: { enum: ['legal', 'legal_after_revision', 'illegal'] },
      decidedBy: actorRef,
      decidedAt: isoTime,
      opinion: { type: 'string' },
    },
  },
  Notification: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      type: { enum: NOTIFICATION_TYPES },
      reviewId: { type: 'string' },
      taskId: { type: 'string', description: 'absent when the whole review passed its limit' },
      dueAt: isoTime,
      message: { type: 'string' },
      createdAt: isoTime,
    },
  },
  Comment: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      reviewId: { type: 'string' },
      taskId: { type: 'string' },
      version: { type: 'integer' },
      stage: { enum: STAGES },
      article: { type: 'string' },
      text: { type: 'string' },
      severity: { enum: SEVERITIES },
      basis: { type: 'string' },
      author: actorRef,
      disposition: {
        type: 'object',
        properties: { status: { enum: DISPOSITION_STATUSES }, reason: { type: 'string' }, at: isoTime },
      },
      createdAt: isoTime,
    },
  },
  ReviewSummary: {
    type: 'object',
    properties: {
      ...reviewHead,
      urgent: { type: 'boolean' },
      registrationNumber: { type: 'string' },
      opinionNumber: { type: 'string' },
      submittedAt: isoTime,
      closedAt: isoTime,
      nextDueAt: { type: ['string', 'null'], format: 'date-time' },
      overdue: { type: 'boolean' },
    },
  },
  Event: {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      type: { type: 'string' },
      at: isoTime,
      actor: actorRef,
      requestId: { type: 'string' },
      data: { type: 'object' },
      prevHash: { type: 'string' },
      hash: { type: 'string' },
    },
  },
  Stats: {
    type: 'object',
    description:
      'reviews: total, byStatus, byStage, byOriginRegion, overdue { total, byOriginRegion }; ' +
      'tasks: open { total, byRegion }, overdue { total, byRegion, byKind }. Overdue means past the due date now.',
    properties: { at: isoTime, reviews: { type: 'object' }, tasks: { type: 'object' } },
  },
};

function errorResponse(status: number): Json {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? CODE_BY_STATUS[status] ?? 'error',
    content: { 'application/json': { schema: ref('Error') } },
  };
}

function operation(spec: RouteSpec): Json {
  const params: Json[] = [];
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
  const responses: Json = {};
  for (const r of spec.responses) {
    const schema = typeof r.schema === 'string' ? ref(r.schema) : (r.schema ?? { type: 'object' });
    responses[String(r.status)] = {
      description: r.description,
      content: { 'application/json': { schema }, ...(r.html ? { 'text/html': { schema: { type: 'string' } } } : {}) },
    };
  }
  for (const status of [...spec.errors, 401, 429, 500, 503]) responses[String(status)] = errorResponse(status);
  return {
    operationId: `${spec.method}${spec.path
      .replace(/\/:(\w+)/g, (_m, p: string) => `By${p[0].toUpperCase()}${p.slice(1)}`)
      .replace(/\/(\w)/g, (_m, c: string) => c.toUpperCase())
      .replace(/\W/g, '')}`,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: [{ bearerAuth: [] }],
    ...(params.length ? { parameters: params } : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } }
      : {}),
    ...(spec.multipart
      ? {
          requestBody: {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', ...spec.multipart } } },
          },
        }
      : {}),
    responses,
  };
}

const DEV_ONLY =
  'Development sign-in for the console: exists only while tokens are signed with the documented development ' +
  'secret (`npm start` without AUTH_JWT_SECRET); 404 otherwise. No token needed.';
const demoUser = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    sub: { type: 'string' },
    name: { type: 'string' },
    region: { enum: REGIONS },
    roles: { type: 'array', items: { enum: ROLES } },
    org: { type: 'string' },
  },
};

const opsPaths: Json = {
  '/v1/dev/users': {
    get: {
      operationId: 'devUsers',
      summary: 'The demo people of the development sign-in',
      description: DEV_ONLY,
      tags: ['operations'],
      security: [],
      responses: {
        200: {
          description: '{ items: [demo person] }',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { items: { type: 'array', items: demoUser } } },
            },
          },
        },
        404: errorResponse(404),
      },
    },
  },
  '/v1/dev/token': {
    post: {
      operationId: 'devToken',
      summary: 'A bearer token for one demo person',
      description: DEV_ONLY,
      tags: ['operations'],
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['user'],
              additionalProperties: false,
              properties: { user: { type: 'string', description: 'the key of a demo person' } },
            },
          },
        },
      },
      responses: {
        200: {
          description: '{ token, user }',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { token: { type: 'string' }, user: demoUser } },
            },
          },
        },
        400: errorResponse(400),
        404: errorResponse(404),
      },
    },
  },
  '/healthz': {
    get: {
      operationId: 'healthz',
      summary: 'The process is up',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: '{ status: "ok" }' } },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readyz',
      summary: 'MongoDB and Temporal are reachable',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: '{ status: "ready", mongodb, temporal }' }, 503: errorResponse(503) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: 'OpenAPI 3.1' } },
    },
  },
  '/docs': {
    get: {
      operationId: 'docs',
      summary: 'Interactive documentation (Swagger UI)',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: 'HTML', content: { 'text/html': {} } } },
    },
  },
};

/** The OpenAPI document of the routes in `routes` plus the operational endpoints. */
export function buildOpenApi(routes: RouteSpec[]): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...(paths[path] ?? {}), [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beijing–Tianjin–Hebei legality review of administrative normative documents',
      version: '1.0.0',
      description:
        'The engine of the three-region platform for the legality review (合法性审核) of administrative normative documents.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: ['documents', 'reviews', 'tasks', 'notifications', 'supervision', 'calendar', 'operations'].map((name) => ({
      name,
    })),
    paths: { ...paths, ...opsPaths },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'HS256, with exp; claims sub, name?, region, roles, org?',
        },
      },
      schemas: components,
    },
  };
}
