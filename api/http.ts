/**
 * The plumbing every route shares: a route table that both mounts handlers and feeds the OpenAPI
 * generator, zod parsing at the edge, the `$`/dotted-key guard, and opaque cursors.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Model } from 'mongoose';
import { type z } from 'zod';
import type { Actor } from '../domain/model';
import { ApiError, zodProblems } from './errors';

export interface RouteContext<B, Q> {
  req: Request;
  res: Response;
  actor: Actor;
  /** This request's id (`X-Request-Id`): recorded on the events it causes. */
  requestId: string;
  params: Record<string, string>;
  body: B;
  query: Q;
}

export interface ResponseDoc {
  status: number;
  description: string;
  /** Name of a component schema in the spec, or an inline JSON schema. */
  schema?: string | Record<string, unknown>;
  html?: boolean;
}

/** One row of the route table. */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'get' | 'post';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  body?: B;
  query?: Q;
  responses: ResponseDoc[];
  /** Refusal statuses besides 401/429/500/503 that the route may return. */
  errors: number[];
  handler: (ctx: RouteContext<z.output<B>, z.output<Q>>) => Promise<void>;
}

/** Keeps the generic types of a route definition (the table itself holds `RouteSpec<any, any>`). */
export function route<B extends z.ZodType = z.ZodNever, Q extends z.ZodType = z.ZodNever>(
  spec: RouteSpec<B, Q>,
): RouteSpec {
  return spec;
}

/** Parses `value` with `schema`, turning a failure into a 400 whose details name the fields. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError(
      'validation_failed',
      `the request ${where ?? 'body'} is not valid`,
      zodProblems(result.error, where === 'query' ? 'query' : undefined),
    );
  }
  return result.data;
}

/** Mounts the route table on `router`; each handler sees only parsed, validated input. */
export function mount(router: Router, routes: RouteSpec[]): void {
  for (const spec of routes) {
    const handler: RequestHandler = async (req, res) => {
      const actor = res.locals.actor as Actor;
      const query = spec.query ? parse(spec.query, { ...(req.query as Record<string, unknown>) }, 'query') : undefined;
      const body = spec.body ? parse(spec.body, req.body ?? {}) : undefined;
      const requestId = res.locals.requestId as string;
      await spec.handler({ req, res, actor, requestId, params: req.params as Record<string, string>, body, query });
    };
    router[spec.method](spec.path, handler);
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is a sensible token, a new one
 * otherwise. It is echoed back, logged, and recorded on the events the request causes.
 */
export const requestIds: RequestHandler = (req, res, next) => {
  const given = req.get('X-Request-Id');
  const id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

const MAX_DEPTH = 32;

/** The first key in `value` that starts with `$`, contains `.`, or is `__proto__`; or a depth problem. */
export function findUnsafeKey(value: unknown): { path: string; message: string } | undefined {
  const stack: { node: unknown; path: string[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (path.length > MAX_DEPTH) return { path: path.join('.'), message: `nested deeper than ${MAX_DEPTH} levels` };
    for (const key of Object.keys(node)) {
      const childPath = [...path, key];
      if (key.startsWith('$') || key.includes('.') || key === '__proto__') {
        return {
          path: childPath.join('.'),
          message: 'field names may not start with "$", contain "." or be "__proto__"',
        };
      }
      stack.push({ node: (node as Record<string, unknown>)[key], path: childPath });
    }
  }
  return undefined;
}

/** Refuses any body with a key that MongoDB would read as an operator or a path. */
export const rejectUnsafeKeys: RequestHandler = (req, _res, next) => {
  const problem = findUnsafeKey(req.body);
  if (problem) return next(new ApiError('validation_failed', 'the request body has a forbidden field name', [problem]));
  next();
};

/** A position in a list sorted by (value desc, id desc), opaque to clients. */
export interface Cursor {
  value: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.value, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw ApiError.invalid('query.cursor', 'the cursor is not valid');
}

/**
 * The MongoDB filter for "after this cursor" in a (field desc, _id desc) order. `asDate` says whether
 * the field is stored as a Date (otherwise an ISO string).
 */
export function afterCursor(field: string, cursor: Cursor, asDate: boolean): Record<string, unknown> {
  let value: Date | string = cursor.value;
  if (asDate) {
    value = new Date(cursor.value);
    if (Number.isNaN(value.getTime())) throw ApiError.invalid('query.cursor', 'the cursor is not valid');
  }
  return { $or: [{ [field]: { $lt: value } }, { [field]: value, _id: { $lt: cursor.id } }] };
}

/** Joins filters with `$and`, dropping empty ones. */
export function allOf(...filters: Record<string, unknown>[]): Record<string, unknown> {
  const parts = filters.filter((f) => Object.keys(f).length > 0);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0];
  return { $and: parts };
}

/**
 * One page of a list, newest first by `field` (then `_id`), starting after `cursor` (decoded by the
 * caller before any I/O, see {@link decodeCursor}); served by an index on `{ field: -1, _id: -1 }`
 * (or one that starts with the filter's equality fields).
 */
export async function newestFirst<T extends { _id: string }>(
  model: Model<T>,
  filter: Record<string, unknown>,
  sortBy: { field: keyof T & string; isDate: boolean },
  limit: number,
  cursor: Cursor | undefined,
): Promise<{ page: T[]; nextCursor: string | null }> {
  const after = cursor ? afterCursor(sortBy.field, cursor, sortBy.isDate) : {};
  const docs = await model
    .find(allOf(filter, after))
    .sort({ [sortBy.field]: -1, _id: -1 })
    .limit(limit + 1)
    .lean<T[]>();
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  if (docs.length <= limit || !last) return { page, nextCursor: null };
  const value = sortBy.isDate
    ? new Date(last[sortBy.field] as string | Date).toISOString()
    : String(last[sortBy.field]);
  return { page, nextCursor: encodeCursor({ value, id: last._id }) };
}
