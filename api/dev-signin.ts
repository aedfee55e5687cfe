/**
 * Development sign-in for the console: a few demo people, and tokens minted for them by the server.
 * It exists only while the documented development secret signs tokens (`npm start` without
 * AUTH_JWT_SECRET); with any other secret, or none, every route here is 404, so a deployment never
 * hands out tokens: there, people bring one from the identity provider.
 */
import express from 'express';
import { z } from 'zod';
import type { Config } from '../platform/config';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import { signToken, type Claims } from './auth';
import { AppError } from '../features/errors';
import { parse } from './http';

/** The demo people of the development sign-in page, by key. */
export const DEMO_USERS = {
  drafter: {
    sub: 'demo-bj-drafter',
    name: '王立（起草人）',
    region: 'beijing',
    roles: ['drafter'],
    org: '北京市交通委员会',
  },
  'reviewer-beijing': { sub: 'demo-bj-reviewer', name: '李明（北京审核员）', region: 'beijing', roles: ['reviewer'] },
  'reviewer-tianjin': { sub: 'demo-tj-reviewer', name: '张华（天津审核员）', region: 'tianjin', roles: ['reviewer'] },
  'reviewer-hebei': { sub: 'demo-hb-reviewer', name: '赵强（河北审核员）', region: 'hebei', roles: ['reviewer'] },
  'signer-beijing': { sub: 'demo-bj-signer', name: '陈静（北京签发人）', region: 'beijing', roles: ['signer'] },
  supervisor: { sub: 'demo-supervisor', name: '刘洋（监督员）', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;

export type DemoUserKey = keyof typeof DEMO_USERS;

/** `POST /v1/dev/token`: which demo person (also the body api/openapi.ts documents). */
export const devTokenBodySchema = z.strictObject({
  user: z.enum(Object.keys(DEMO_USERS) as [DemoUserKey, ...DemoUserKey[]]).describe('the key of a demo person'),
});

/** How long a development token lives: a working day, or less if AUTH_MAX_TOKEN_AGE is shorter. */
const DEV_TOKEN_SECONDS = 8 * 3600;

/** Whether tokens are signed with the public development secret (and only then may be minted here). */
export function developmentSignIn(config: Config): boolean {
  return config.auth.secret === DEVELOPMENT_JWT_SECRET;
}

/**
 * `GET /v1/dev/users` lists the demo people; `POST /v1/dev/token { user }` answers `{ token, user }`.
 * Mounted before the `/v1` bearer check: these are how a token is obtained; so each is limited per
 * client address (`limits`, api/rate-limits.ts), tokens tightly.
 */
export function devSignInRouter(
  config: Config,
  limits: { listing: express.RequestHandler; minting: express.RequestHandler },
): express.Router {
  const router = express.Router();
  const enabled = developmentSignIn(config);
  router.use((_req, _res, next) => {
    next(enabled ? undefined : AppError.notFound('route'));
  });
  router.get('/users', limits.listing, (_req, res) => {
    res.json({ items: Object.entries(DEMO_USERS).map(([key, claims]) => ({ key, ...claims })) });
  });
  router.post('/token', limits.minting, express.json({ limit: '1kb' }), async (req, res) => {
    const { user } = parse(devTokenBodySchema, req.body ?? {});
    const lifetime = Math.min(DEV_TOKEN_SECONDS, Math.floor(config.auth.maxTokenAgeMs / 1000));
    const token = await signToken(DEMO_USERS[user], config.auth, lifetime);
    res.json({ token, user: { key: user, ...DEMO_USERS[user] } });
  });
  return router;
}
