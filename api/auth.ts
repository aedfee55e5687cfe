/**
 * Bearer-token identity: HS256 JWTs with `exp`, claims checked with zod. Every failure is a 401
 * whose message says what was wrong without echoing the token.
 */
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { REGIONS, ROLES, type Actor } from '../domain/model';
import type { Config } from '../runtime/config';
import { ApiError } from './errors';

export const claimsSchema = z.object({
  sub: z.string().trim().min(1).max(200),
  name: z.string().max(200).optional(),
  region: z.enum(REGIONS),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  org: z.string().trim().min(1).max(200).optional(),
  exp: z.number(),
});

export type Claims = Omit<z.infer<typeof claimsSchema>, 'exp'>;

/** Verifies a token and returns the caller; throws an `unauthenticated` {@link ApiError} otherwise. */
export function verifyToken(token: string, auth: Config['auth']): Actor {
  let payload: unknown;
  try {
    payload = jwt.verify(token, auth.secret, {
      algorithms: ['HS256'],
      ...(auth.issuer ? { issuer: auth.issuer } : {}),
      ...(auth.audience ? { audience: auth.audience } : {}),
    });
  } catch (err) {
    const reason = err instanceof jwt.TokenExpiredError ? 'the token has expired' : 'the token is not valid';
    throw new ApiError('unauthenticated', reason);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    throw new ApiError(
      'unauthenticated',
      'the token claims are not valid',
      claims.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const { sub, name, region, roles, org } = claims.data;
  return {
    sub,
    region,
    roles: [...new Set(roles)],
    ...(name !== undefined ? { name } : {}),
    ...(org !== undefined ? { org } : {}),
  };
}

/** Signs a token for `claims` (used by `npm run token` and by tests). */
export function signToken(
  claims: Claims,
  auth: Pick<Config['auth'], 'secret' | 'issuer' | 'audience'>,
  expiresIn: string | number = '8h',
): string {
  return jwt.sign({ ...claims }, auth.secret, {
    algorithm: 'HS256',
    expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
    ...(auth.issuer ? { issuer: auth.issuer } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  });
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/;

/**
 * Reads the caller from the Authorization header into `res.locals.actor`, or the reason it could not
 * into `res.locals.authError`. It does not refuse: the rate limiter runs next and keys on the result,
 * then {@link requireActor} refuses.
 */
export function identify(auth: Config['auth']): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) {
      res.locals.authError = new ApiError('unauthenticated', 'a bearer token is required');
    } else {
      const match = BEARER.exec(header.trim());
      if (!match) {
        res.locals.authError = new ApiError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
      } else {
        try {
          res.locals.actor = verifyToken(match[1], auth);
        } catch (err) {
          res.locals.authError = err;
        }
      }
    }
    next();
  };
}

export const requireActor: RequestHandler = (_req, res, next) => {
  if (res.locals.actor) return next();
  next(res.locals.authError ?? new ApiError('unauthenticated', 'a bearer token is required'));
};
