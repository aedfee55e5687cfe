/**
 * Limits per client address for what is answered without a token: the operational endpoints
 * (generous: an orchestrator's probes and a scraper poll them every few seconds and never come
 * near it; a flood is cut off, and `/readyz` takes a store write) and the development sign-in's
 * token minting (a person switching between demo users needs a few a minute, a script minting
 * hundreds is refused). The `/v1` limit per caller is in api/app.ts.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from '../features/errors';

/** `/healthz`, `/readyz`, `/metrics`, `/openapi.json`, `/docs`, `/v1/dev/users`: per address and minute. */
export const OPERATIONS_PER_MINUTE = 600;
/** `POST /v1/dev/token`: per address and minute. */
export const DEV_TOKENS_PER_MINUTE = 10;

/** `GET /v1/public/suggestions/:code`: per address and minute (a sender checks now and then; guessing is refused). */
export const PUBLIC_STATUS_READS_PER_MINUTE = 30;

/** At most `limit` requests a minute from one client address (an IPv6 client by its /56). */
export function perAddressLimit(limit: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    handler: (_req, _res, next) => next(new AppError('rate_limited', '请求过于频繁，请稍后再试')),
  });
}
