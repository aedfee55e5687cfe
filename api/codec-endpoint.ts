/**
 * The remote codec endpoint the Temporal UI and CLI call to show encrypted payloads to an operator
 * who holds the keys (`POST /codec/decode`, `POST /codec/encode`, platform/payload-codec.ts). It
 * answers only callers on this machine's loopback, and the browser only from the configured UI
 * origins: it hands out plaintext, so it must never be reachable from the network.
 */
import express, { type RequestHandler } from 'express';
import type { PayloadCodec } from '@temporalio/common';
import { codecServer } from '../platform/payload-codec';
import { AppError } from '../features/errors';

/** Whether the request comes from this machine. */
export function fromLoopback(req: express.Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export const loopbackOnly: RequestHandler = (req, _res, next) => {
  next(fromLoopback(req) ? undefined : new AppError('forbidden', 'served to callers on this machine only'));
};

export function codecEndpoint(codec: PayloadCodec, allowedOrigins: readonly string[]): express.Router {
  const router = express.Router();
  router.use(loopbackOnly, (req, res, next) => {
    const origin = req.get('Origin');
    if (origin !== undefined && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  for (const operation of ['encode', 'decode'] as const) {
    router.post(`/${operation}`, express.json({ limit: '8mb' }), async (req, res) => {
      try {
        res.json(await codecServer(codec, operation, req.body));
      } catch (err) {
        throw new AppError('validation_failed', `cannot ${operation}: ${(err as Error).message}`);
      }
    });
  }
  return router;
}
