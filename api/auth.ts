/**
 * Bearer-token identity. Tokens are JWTs with `exp`: HS256 under AUTH_JWT_SECRET, or RS256/ES256
 * under a key of the deployment's identity provider (AUTH_JWKS_URL). A token must not come from
 * the future (`iat`), must not be older than AUTH_MAX_TOKEN_AGE, and must not live longer than
 * that either; clocks may differ by AUTH_CLOCK_TOLERANCE. Claims are checked with zod. Every
 * failure is a 401 whose message says what was wrong without echoing the token.
 */
import type { RequestHandler } from 'express';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { REGIONS, ROLES, type Actor } from '../domain/model';
import type { Config } from '../platform/config';
import { AppError } from '../features/errors';

export const claimsSchema = z.object({
  sub: z.string().trim().min(1).max(200),
  name: z.string().max(200).optional(),
  region: z.enum(REGIONS),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  org: z.string().trim().min(1).max(200).optional(),
  exp: z.number(),
  iat: z.number().optional(),
});

export type Claims = Omit<z.infer<typeof claimsSchema>, 'exp' | 'iat'>;

/** The algorithms an identity provider's keys may sign with (AUTH_JWKS_URL). */
const PROVIDER_ALGORITHMS = ['RS256', 'ES256'];

const unauthenticated = (message: string) => new AppError('unauthenticated', message);

/** Builds the verifier for one configuration: it resolves with the caller or rejects with a 401. */
export function tokenVerifier(auth: Config['auth']): (token: string) => Promise<Actor> {
  const secret = auth.secret === undefined ? undefined : new TextEncoder().encode(auth.secret);
  const providerKeys = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl), { timeoutDuration: 3_000, cooldownDuration: 30_000 })
    : undefined;
  const tolerance = Math.round(auth.clockToleranceMs / 1000);
  const maxAge = Math.round(auth.maxTokenAgeMs / 1000);
  const options = {
    clockTolerance: tolerance,
    ...(auth.issuer && { issuer: auth.issuer }),
    ...(auth.audience && { audience: auth.audience }),
  };

  return async (token) => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated('the token is not valid');
    }
    let payload: unknown;
    try {
      if (alg === 'HS256' && secret) {
        payload = (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
      } else if (alg !== undefined && PROVIDER_ALGORITHMS.includes(alg) && providerKeys) {
        payload = (await jwtVerify(token, providerKeys, { ...options, algorithms: PROVIDER_ALGORITHMS })).payload;
      } else {
        throw unauthenticated(`tokens signed with ${alg ?? 'no algorithm'} are not accepted`);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('the token has expired');
      // The provider's keys could not be fetched: not the caller's fault.
      if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError)) {
        throw new AppError('unavailable', 'the identity provider does not answer; retry shortly');
      }
      throw unauthenticated('the token is not valid');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AppError(
        'unauthenticated',
        'the token claims are not valid',
        claims.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    const { exp, iat, ...rest } = claims.data;
    const now = Math.floor(Date.now() / 1000);
    if (iat !== undefined && iat > now + tolerance) throw unauthenticated('the token was issued in the future');
    if (iat !== undefined && now - iat > maxAge + tolerance) throw unauthenticated('the token is too old');
    if (exp - (iat ?? now) > maxAge + tolerance) {
      throw unauthenticated(`the token lives longer than the ${maxAge} s a token may`);
    }
    return actorOf(rest);
  };
}

/** The caller a token with these (verified) claims stands for. */
export function actorOf({ sub, name, region, roles, org }: Claims): Actor {
  return {
    sub,
    region,
    roles: [...new Set(roles)],
    ...(name !== undefined ? { name } : {}),
    ...(org !== undefined ? { org } : {}),
  };
}

/** Signs an HS256 token for `claims` (`npm run token`, the development sign-in). */
export function signToken(
  claims: Claims,
  auth: Pick<Config['auth'], 'secret' | 'issuer' | 'audience'>,
  lifetimeSeconds: number,
): Promise<string> {
  if (auth.secret === undefined)
    throw new Error('AUTH_JWT_SECRET is not set: tokens are issued by the identity provider');
  let jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds);
  if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience) jwt = jwt.setAudience(auth.audience);
  return jwt.sign(new TextEncoder().encode(auth.secret));
}

/** The credentials of an Authorization header; the scheme is case-insensitive (RFC 7235). */
const BEARER = /^bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i;

/**
 * Reads the caller from the Authorization header into `res.locals.actor`, or the reason it could not
 * into `res.locals.authError`. It does not refuse: the rate limiter runs next and keys on the result,
 * then {@link requireActor} refuses.
 */
export function identify(verify: (token: string) => Promise<Actor>): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) {
      res.locals.authError = unauthenticated('a bearer token is required');
    } else {
      const match = BEARER.exec(header.trim());
      if (!match) {
        res.locals.authError = unauthenticated('the Authorization header must be "Bearer <token>"');
      } else {
        try {
          res.locals.actor = await verify(match[1]);
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
  next(res.locals.authError ?? unauthenticated('a bearer token is required'));
};
