/**
 * The plumbing every route shares: a route table that both mounts handlers and feeds the OpenAPI
 * generator, zod parsing at the edge, request ids, and the `$`/dotted-key guard.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { type z } from 'zod';
import type { Actor } from '../domain/model';
import { AppError, zodProblems } from '../features/errors';
import { withinBudget } from '../platform/budget';
import { answerError } from './errors';

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
  /** What the answer looks like (api/responses.ts); without one, the spec says only "an object". */
  schema?: z.ZodType;
  html?: boolean;
}

/** One row of the route table. */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  description?: string;
  tag: string;
  body?: B;
  /** A multipart/form-data body the handler reads itself (file uploads), as OpenAPI describes it. */
  multipart?: { properties: Record<string, Record<string, unknown>>; required: string[] };
  query?: Q;
  /**
   * Which configured budget the request gets before it is answered 503: by default `read` for a GET
   * (READ_TIMEOUT), `decision` for anything else (DECISION_TIMEOUT); `upload` for files (UPLOAD_TIMEOUT).
   */
  budget?: 'read' | 'decision' | 'upload';
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
    throw new AppError(
      'validation_failed',
      `the request ${where ?? 'body'} is not valid`,
      zodProblems(result.error, where === 'query' ? 'query' : undefined),
    );
  }
  return result.data;
}

/**
 * Mounts the route table on `router`; each handler sees only parsed, validated input, and is
 * answered within its budget whatever the store and Temporal do: a request that changes a review
 * gets `decisionTimeoutMs`, an upload `uploadTimeoutMs`, any other `readTimeoutMs`. Past it the
 * caller gets 503 with Retry-After, the work is told to stop (its store queries and Temporal calls
 * read the budget: platform/budget.ts), and nothing more is written to the response: its socket
 * carries the caller's next request, unless the request's body was still arriving: then the
 * connection is closed after the answer.
 */
export function mount(
  router: Router,
  routes: RouteSpec[],
  budgets: { decisionTimeoutMs: number; readTimeoutMs: number; uploadTimeoutMs: number },
): void {
  for (const spec of routes) {
    const budget = spec.budget ?? (spec.method === 'get' ? 'read' : 'decision');
    const budgetMs = {
      read: budgets.readTimeoutMs,
      decision: budgets.decisionTimeoutMs,
      upload: budgets.uploadTimeoutMs,
    }[budget];
    const handler: RequestHandler = (req, res, next) => {
      const stop = new AbortController();
      const timer = setTimeout(() => {
        if (res.headersSent) return; // already answering (a download under way): let it finish
        stop.abort();
        // A body still arriving (a slow upload) leaves the connection unfit for another request:
        // it is closed once the answer is out, and the request ends there, so that whatever reads
        // its body sees it cut off and lets go (Node would leave an answered request hanging).
        if (!req.complete) {
          res.setHeader('Connection', 'close');
          res.once('finish', () => req.destroy());
        }
        answerError(
          new AppError(
            'unavailable',
            'the request could not be answered in time; a dependency may be down: retry shortly',
          ),
          req,
          res,
        );
        sealAfterAnswer(res);
      }, budgetMs);
      res.once('close', () => clearTimeout(timer));
      const work = async () => {
        const actor = res.locals.actor as Actor;
        const query = spec.query
          ? parse(spec.query, { ...(req.query as Record<string, unknown>) }, 'query')
          : undefined;
        const body = spec.body ? parse(spec.body, req.body ?? {}) : undefined;
        const requestId = res.locals.requestId as string;
        await spec.handler({ req, res, actor, requestId, params: req.params as Record<string, string>, body, query });
      };
      withinBudget({ deadline: Date.now() + budgetMs, signal: stop.signal }, work)
        .catch((err: unknown) => {
          // Answered already (the budget ran out): the late failure is the stopped work's, not the caller's.
          if (!stop.signal.aborted) next(err);
        })
        .finally(() => clearTimeout(timer));
    };
    router[spec.method](spec.path, handler);
  }
}

/**
 * After a 503 for a request out of budget, the work behind it may still try to answer: whatever it
 * writes is dropped, so the connection is neither written to twice nor destroyed.
 */
function sealAfterAnswer(res: Response): void {
  const ignore = () => res;
  Object.assign(res, {
    status: ignore,
    setHeader: ignore,
    writeHead: ignore,
    json: ignore,
    send: ignore,
    type: ignore,
    location: ignore,
    write: () => true,
    end: ignore,
  });
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

/** What the store cannot keep (PostgreSQL refuses it in text) and no person writes. */
const NUL = '\u0000';
const NUL_MESSAGE = '不能含有 NUL 字符（U+0000）';

/**
 * The first key in `value` that starts with `$`, contains `.`, or is `__proto__`, or the first text
 * (key or value) with a NUL character; or a depth problem.
 */
export function findUnsafeKey(value: unknown): { path: string; message: string } | undefined {
  const stack: { node: unknown; path: string[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (typeof node === 'string' && node.includes(NUL))
      return { path: path.join('.') || '(body)', message: NUL_MESSAGE };
    if (node === null || typeof node !== 'object') continue;
    if (path.length > MAX_DEPTH) return { path: path.join('.'), message: `nested deeper than ${MAX_DEPTH} levels` };
    for (const key of Object.keys(node)) {
      const childPath = [...path, key];
      if (key.includes(NUL)) return { path: [...path, key.replaceAll(NUL, '\\0')].join('.'), message: NUL_MESSAGE };
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

/**
 * Refuses a URL with a NUL character (`%00`) in its path or query: it would reach the store as part
 * of an id or a search, which PostgreSQL refuses (a 500), and no resource has one.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  const [path, query] = req.url.split(/\?(.*)/s, 2);
  const where = /%00/i.test(path) ? '(path)' : /%00/i.test(query ?? '') ? 'query' : undefined;
  if (!where) return next();
  next(
    new AppError('validation_failed', `the request ${where === 'query' ? 'query' : 'path'} is not valid`, [
      { path: where, message: NUL_MESSAGE },
    ]),
  );
};

/** Refuses any body with a key that MongoDB would read as an operator or a path, or with a NUL character. */
export const rejectUnsafeKeys: RequestHandler = (req, _res, next) => {
  const problem = findUnsafeKey(req.body);
  if (problem)
    return next(
      new AppError('validation_failed', 'the request body has a forbidden field name or character', [problem]),
    );
  next();
};
