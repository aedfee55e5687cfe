/**
 * The one error middleware: every error answer of the API goes through here, in the contract's
 * `{ error: { code, message, details? } }`. What a failure means is decided by the application
 * (features/errors.ts); operational messages are shown, anything unexpected is logged and hidden
 * behind `internal`.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, toAppError } from '../features/errors';

/** Answers `err` in the contract's format (the error middleware, and a request out of budget). */
export function answerError(err: unknown, req: Request, res: Response): void {
  const mapped = toAppError(err);
  // The request's own logger (with its id) when the request log runs, else nothing to log to.
  const log = (req as { log?: { error(o: object, m: string): void; warn(o: object, m: string): void } }).log;
  if (!mapped) log?.error({ err, method: req.method, path: req.path }, 'unexpected error');
  else if (mapped.code === 'unavailable' && !(err instanceof AppError))
    log?.warn({ err, method: req.method, path: req.path }, 'dependency unavailable');
  const error = mapped ?? new AppError('internal', 'internal error');
  if (res.headersSent) return;
  if (error.code === 'unauthenticated') res.setHeader('WWW-Authenticate', 'Bearer');
  // A rate limiter says when its window ends; otherwise, try again in a second.
  if ((error.code === 'unavailable' || error.code === 'rate_limited') && !res.hasHeader('Retry-After'))
    res.setHeader('Retry-After', '1');
  res.status(error.status).json(error.toBody());
}

export const errorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  answerError(err, req, res);
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.path}`));
};
