/**
 * The API's edge without servers: identity, request validation, the forbidden-key guard, error
 * mapping and the OpenAPI document. Requests here are refused before any dependency is touched, so
 * the models and the Temporal client are inert stand-ins that fail loudly if reached.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../api/app';
import { DEV_TOKENS_PER_MINUTE, OPERATIONS_PER_MINUTE } from '../api/rate-limits';
import { startApi } from '../api/server';
import { signToken, tokenVerifier } from '../api/auth';
import { AppError, toAppError } from '../features/errors';
import { findUnsafeKey } from '../api/http';
import { decodeCursor, encodeCursor } from '../features/paging';
import { escapeHtml } from '../records/pages';
import { documentBodySchema } from '../features/documents/schemas';
import { Refusal } from '../domain/rules';
import { parseSigningKeys } from '../platform/signing';
import { loadConfig } from '../platform/config';
import type { Models } from '../store/models';

const SECRET = 'unit-test-secret-that-is-at-least-32-bytes';

function unreachable(name: string): never {
  throw new Error(`${name} should not be reached by this test`);
}
const inert = new Proxy(
  {},
  { get: (_t, prop) => (prop === 'then' ? undefined : unreachable(`dependency.${String(prop)}`)) },
);

/**
 * A store that holds no loaded calendar year and takes the directory's notes (every authenticated
 * request makes one), for the requests these tests make to `/v1/calendar/:year`; nothing else.
 */
const calendarOnly = new Proxy({} as Models, {
  get: (_t, prop) => {
    if (prop === 'then') return undefined;
    if (prop === 'CalendarYear') return { find: () => ({ lean: () => Promise.resolve([]) }) };
    if (prop === 'Person') return { updateOne: () => Promise.resolve({}) };
    return unreachable(`dependency.${String(prop)}`);
  },
});

/** What the app is built from, with dependencies that fail the test if any request reaches them. */
function appDeps(
  env: Record<string, string> = {},
  readiness = () => Promise.resolve({ mongodb: true, temporal: true }),
) {
  const config = loadConfig({ AUTH_JWT_SECRET: SECRET, ...env }, 'embedded');
  const signingKeys = parseSigningKeys('unit-1:unit-test-signing-key-at-least-32-bytes');
  const app = { config, models: calendarOnly, temporal: inert as Client, signingKeys, now: () => new Date() };
  return { app, readiness };
}

function appWith(...args: Parameters<typeof appDeps>) {
  const deps = appDeps(...args);
  return { config: deps.app.config, app: createApp(deps) };
}

const drafter = { sub: 'd1', region: 'beijing' as const, roles: ['drafter' as const], org: '北京市交通委员会' };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const good = (claims: object = drafter, expiresIn: string | number = '1h') =>
  jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn } as jwt.SignOptions);

const validDocument = {
  title: '关于推进京津冀交通一体化的若干措施',
  articles: [{ number: '1', text: '为推进交通一体化，制定本措施。' }],
  legalBasis: ['《中华人民共和国道路运输条例》'],
  materials: { draftingExplanation: '目的、必要性和主要措施。' },
};

describe('identity', () => {
  const { app, config } = appWith();

  test('when a /v1 request has no token, it is 401 unauthenticated', async () => {
    await request(app).get('/v1/calendar/2026').expect(401);
    const res = await request(app).get('/v1/tasks').expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  test('when the token has expired, it is 401', async () => {
    const token = jwt.sign({ ...drafter, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { algorithm: 'HS256' });
    const res = await request(app).get('/v1/tasks').set(bearer(token)).expect(401);
    expect(res.body.error.message).toMatch(/登录已过期/);
  });

  test('when the token has no exp, it is 401', async () => {
    const token = jwt.sign(drafter, SECRET, { algorithm: 'HS256' });
    await request(app).get('/v1/tasks').set(bearer(token)).expect(401);
  });

  test('when the token is signed with another secret, it is 401', async () => {
    const token = jwt.sign(drafter, 'another-secret-that-is-also-32-bytes-long', {
      algorithm: 'HS256',
      expiresIn: '1h',
    });
    await request(app).get('/v1/tasks').set(bearer(token)).expect(401);
  });

  test('when the token uses another algorithm (HS512 or none), it is 401', async () => {
    const hs512 = jwt.sign(drafter, SECRET, { algorithm: 'HS512', expiresIn: '1h' });
    await request(app).get('/v1/tasks').set(bearer(hs512)).expect(401);
    const none = jwt.sign(drafter, '', { algorithm: 'none', expiresIn: '1h' } as jwt.SignOptions);
    await request(app).get('/v1/tasks').set(bearer(none)).expect(401);
  });

  test('when the region or a role is unknown, or roles are empty, it is 401', async () => {
    await request(app)
      .get('/v1/tasks')
      .set(bearer(good({ ...drafter, region: 'shanghai' })))
      .expect(401);
    await request(app)
      .get('/v1/tasks')
      .set(bearer(good({ ...drafter, roles: ['drafter', 'root'] })))
      .expect(401);
    await request(app)
      .get('/v1/tasks')
      .set(bearer(good({ ...drafter, roles: [] })))
      .expect(401);
    await request(app)
      .get('/v1/tasks')
      .set(bearer(good({ region: 'beijing', roles: ['reviewer'] })))
      .expect(401);
  });

  test('when the header is not a bearer token, it is 401', async () => {
    await request(app)
      .get('/v1/tasks')
      .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
      .expect(401);
    await request(app).get('/v1/tasks').set('Authorization', 'Bearer not-a-jwt').expect(401);
  });

  test('when issuer and audience are configured, a token without them is 401 and one with them passes', async () => {
    const auth = { ...config.auth, issuer: 'jjj', audience: 'review-api' };
    const verify = tokenVerifier(auth);
    await expect(verify(good())).rejects.toThrow(AppError);
    expect(await verify(await signToken(drafter, auth, 300))).toEqual(drafter);
  });

  test('when the token is valid, the verifier returns the caller without technical claims', async () => {
    expect(await tokenVerifier(config.auth)(good({ ...drafter, name: '张三' }))).toEqual({ ...drafter, name: '张三' });
  });

  test('when the deployment has an identity provider, RS256 and ES256 tokens signed by its keys are accepted and others refused', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('RS256');
    const jwks = {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ],
    };
    const provider = http.createServer((_req, res) =>
      res.setHeader('Content-Type', 'application/json').end(JSON.stringify(jwks)),
    );
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/jwks.json`;
      const { app: withProvider } = appWith({ AUTH_JWKS_URL: url });
      const token = (alg: string, kid: string, key: KeyLike) =>
        new SignJWT({ ...drafter }).setProtectedHeader({ alg, kid }).setIssuedAt().setExpirationTime('1h').sign(key);
      await request(withProvider)
        .get('/v1/calendar/2026')
        .set(bearer(await token('RS256', 'rsa-1', rsa.privateKey)))
        .expect(200);
      await request(withProvider)
        .get('/v1/calendar/2026')
        .set(bearer(await token('ES256', 'ec-1', ec.privateKey)))
        .expect(200);
      await request(withProvider)
        .get('/v1/calendar/2026')
        .set(bearer(await token('RS256', 'rsa-1', stranger.privateKey)))
        .expect(401);
      // The shared secret still works beside the provider.
      await request(withProvider).get('/v1/calendar/2026').set(bearer(good())).expect(200);
    } finally {
      provider.close();
    }
  });

  test('when the scheme is written in another case, the token is still read (RFC 7235)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr'])
      await request(app).get('/v1/calendar/2026').set('Authorization', `${scheme} ${good()}`).expect(200);
  });

  test('when a token comes from the future, lives too long or is too old, it is 401 naming why', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [object, RegExp][] = [
      [{ ...drafter, iat: now + 10 * 365 * 86_400, exp: now + 10 * 365 * 86_400 + 3600 }, /签发时间晚于当前时间/],
      [{ ...drafter, iat: now, exp: now + 100 * 365 * 86_400 }, /有效期过长/],
      [{ ...drafter, exp: now + 13 * 3600 }, /有效期过长/], // no iat: counted from now
      [{ ...drafter, iat: now - 13 * 3600, exp: now + 60 }, /签发已久/],
    ];
    for (const [claims, reason] of cases) {
      const res = await request(app)
        .get('/v1/tasks')
        .set(bearer(jwt.sign(claims, SECRET, { algorithm: 'HS256' })))
        .expect(401);
      expect(res.body.error.message).toMatch(reason);
    }
    // A few seconds of clock difference are tolerated.
    const slightlyAhead = jwt.sign({ ...drafter, iat: now + 5, exp: now + 3600 }, SECRET, { algorithm: 'HS256' });
    await request(app).get('/v1/calendar/2026').set(bearer(slightlyAhead)).expect(200);
  });

  test('when the operational endpoints are called without a token, they answer', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200);
    await request(app).get('/openapi.json').expect(200);
    const docs = await request(app).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger');
  });
});

describe('request validation', () => {
  const { app } = appWith({ BODY_LIMIT: '2kb' });
  const post = (path: string) => request(app).post(path).set(bearer(good()));

  test('when a document body has an unknown field, it is 400 naming that field', async () => {
    const res = await post('/v1/documents')
      .send({ ...validDocument, colour: 'red' })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toContainEqual({ path: 'colour', message: '不允许的字段' });
  });

  test('when an article has an unknown field, it is 400 naming the nested path', async () => {
    const res = await post('/v1/documents')
      .send({ ...validDocument, articles: [{ number: '1', text: 'x', extra: true }] })
      .expect(400);
    expect(res.body.error.details).toContainEqual({ path: 'articles.0.extra', message: '不允许的字段' });
  });

  test('when the drafting explanation is missing, it is 400 on materials.draftingExplanation', async () => {
    const res = await post('/v1/documents')
      .send({ ...validDocument, materials: { publicConsultation: 'done' } })
      .expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('materials.draftingExplanation');
  });

  test('when article numbers repeat, it is 400 on the repeated one', async () => {
    const res = await post('/v1/documents')
      .send({
        ...validDocument,
        articles: [
          { number: '1', text: 'a' },
          { number: '1', text: 'b' },
        ],
      })
      .expect(400);
    expect(res.body.error.details).toContainEqual({ path: 'articles.1.number', message: '第1条重复' });
  });

  test('when there are no articles, it is 400', async () => {
    await post('/v1/documents')
      .send({ ...validDocument, articles: [] })
      .expect(400);
  });

  test('when a materials key starts with $ or contains a dot, anywhere, it is 400', async () => {
    const dollar = await post('/v1/documents')
      .send({ ...validDocument, materials: { ...validDocument.materials, $where: '1' } })
      .expect(400);
    expect(dollar.body.error.details[0].path).toBe('materials.$where');
    const dotted = await post('/v1/documents')
      .send({ ...validDocument, materials: { ...validDocument.materials, opinions: [{ 'a.b': 1 }] } })
      .expect(400);
    expect(dotted.body.error.details[0].path).toBe('materials.opinions.0.a.b');
  });

  test('when the JSON is malformed, it is 400 validation_failed', async () => {
    const res = await post('/v1/documents').set('Content-Type', 'application/json').send('{"title": ').expect(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  test('when the body is larger than the limit, it is 413 payload_too_large', async () => {
    const res = await post('/v1/documents')
      .send({ ...validDocument, summary: 'x'.repeat(4000) })
      .expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('when a task decision is not a known decision, it is 400', async () => {
    const res = await post('/v1/tasks/t1/complete').send({ decision: 'maybe' }).expect(400);
    expect(res.body.error.details[0].path).toBe('decision');
  });

  test('when a list has an unknown query parameter or a bad limit, it is 400', async () => {
    const auth = bearer(good({ sub: 's', region: 'beijing', roles: ['supervisor'] }));
    const unknown = await request(app).get('/v1/reviews?colour=red').set(auth).expect(400);
    expect(unknown.body.error.details).toContainEqual({ path: 'query.colour', message: '不允许的字段' });
    await request(app).get('/v1/reviews?limit=0').set(auth).expect(400);
    await request(app).get('/v1/reviews?limit=101').set(auth).expect(400);
    await request(app).get('/v1/reviews?cursor=nonsense').set(auth).expect(400);
  });

  test('when the route does not exist, it is a JSON 404', async () => {
    const res = await request(app).get('/v1/nothing').set(bearer(good())).expect(404);
    expect(res.body.error.code).toBe('not_found');
    await request(app).get('/nothing').expect(404);
  });

  test('when a supervisor tries to create a document, it is 403', async () => {
    const res = await request(app)
      .post('/v1/documents')
      .set(bearer(good({ sub: 's', region: 'beijing', roles: ['supervisor'] })))
      .send(validDocument)
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  test('when a non-supervisor lists reviews or reads statistics, it is 403', async () => {
    await request(app).get('/v1/reviews').set(bearer(good())).expect(403);
    await request(app).get('/v1/stats').set(bearer(good())).expect(403);
  });
});

describe('rate limiting and readiness', () => {
  test('when a caller exceeds the per-minute limit, it is 429 rate_limited, counted per token subject', async () => {
    const { app } = appWith({ RATE_LIMIT_PER_MINUTE: '2' });
    const a = bearer(good());
    const b = bearer(good({ ...drafter, sub: 'd2' }));
    await request(app).get('/v1/reviews').set(a).expect(403);
    await request(app).get('/v1/reviews').set(a).expect(403);
    const res = await request(app).get('/v1/reviews').set(a).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    await request(app).get('/v1/reviews').set(b).expect(403);
  });

  /** Sends a request to a listening API from the local address `from` (every 127.x address is this machine). */
  function sendFrom(from: string, url: string, method = 'GET', body?: object) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request(url, {
        method,
        localAddress: from,
        headers: body ? { 'Content-Type': 'application/json' } : {},
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  /** The statuses of `count` requests in a row. */
  async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await send()).status);
    return seen;
  }

  test('when the development sign-in mints tokens, one address gets a few a minute and then 429, another still gets its own', async () => {
    // `npm start` without AUTH_JWT_SECRET: the development secret, whose tokens anyone may mint.
    const deps = appDeps();
    deps.app.config = loadConfig({}, 'embedded');
    const api = await startApi(deps, 0, '127.0.0.1');
    try {
      const url = `${api.url}/v1/dev/token`;
      const mint = (from: string) => sendFrom(from, url, 'POST', { user: 'supervisor' });
      expect(await statuses(DEV_TOKENS_PER_MINUTE, () => mint('127.0.0.1'))).toEqual(
        Array(DEV_TOKENS_PER_MINUTE).fill(200),
      );
      const refused = await mint('127.0.0.1');
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'rate_limited' } });
      expect(refused.body).not.toContain('token"');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(1); // the window's end, not "a second"
      expect((await mint('127.0.0.2')).status).toBe(200);
      expect(DEV_TOKENS_PER_MINUTE).toBeLessThanOrEqual(10);
    } finally {
      await api.close();
    }
  });

  test('when one address floods the operational endpoints, it is 429 past a limit that polling never reaches; others are answered', async () => {
    const api = await startApi(appDeps(), 0, '127.0.0.1');
    try {
      // Three probes a second for a minute (liveness, readiness, a scraper) stay well under it.
      expect(OPERATIONS_PER_MINUTE).toBeGreaterThanOrEqual(3 * 60);
      const paths = ['/healthz', '/readyz', '/openapi.json', '/docs/', '/metrics'];
      const seen = await statuses(OPERATIONS_PER_MINUTE, () => sendFrom('127.0.0.1', api.url + paths[0]));
      expect(seen.filter((s) => s !== 200)).toEqual([]);
      for (const path of paths) {
        const res = await sendFrom('127.0.0.1', api.url + path);
        expect({ path, status: res.status }).toEqual({ path, status: 429 });
        expect(JSON.parse(res.body).error.code).toBe('rate_limited');
      }
      expect((await sendFrom('127.0.0.3', `${api.url}/readyz`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });

  test('when a dependency is down, /readyz is 503 unavailable', async () => {
    const { app } = appWith({}, () => Promise.resolve({ mongodb: true, temporal: false }));
    const res = await request(app).get('/readyz').expect(503);
    expect(res.body.error).toMatchObject({ code: 'unavailable', details: { mongodb: true, temporal: false } });
  });
});

describe('error mapping', () => {
  test('when the workflow refuses with an ApplicationFailure of a contract code, the code and details pass through', () => {
    const problems = [{ path: 'comments', message: 'needs a comment' }];
    const failure = ApplicationFailure.create({
      type: 'validation_failed',
      message: 'the decision breaks the review rules',
      details: [problems],
    });
    const mapped = toAppError(new WorkflowUpdateFailedError('update failed', failure));
    expect(mapped).toMatchObject({ status: 400, code: 'validation_failed', details: problems });
    const conflict = toAppError(
      new WorkflowUpdateFailedError(
        'update failed',
        ApplicationFailure.create({ type: 'conflict', message: 'not open', details: [[]] }),
      ),
    );
    expect(conflict).toMatchObject({ status: 409, code: 'conflict', details: undefined });
  });

  test('when the update fails for another reason, it is unexpected (500)', () => {
    expect(
      toAppError(
        new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ type: 'Boom', message: 'x' })),
      ),
    ).toBeUndefined();
  });

  test('when a domain Refusal or a missing workflow arrives, they map to their statuses', () => {
    expect(toAppError(new Refusal('forbidden', 'no'))?.status).toBe(403);
    expect(toAppError(new WorkflowNotFoundError('gone', 'review:x:1', undefined))?.status).toBe(404);
  });

  test('when MongoDB cannot be reached, it is 503 unavailable', () => {
    const err = new Error('connect ECONNREFUSED');
    err.name = 'MongoServerSelectionError';
    expect(toAppError(err)?.code).toBe('unavailable');
  });

  test.each([
    [
      'PostgreSQL behind FerretDB has a full disk',
      1,
      'ERROR: could not extend file "base/16384/16385": No space left on device (SQLSTATE 53100)',
    ],
    [
      'PostgreSQL behind FerretDB is shutting down',
      1,
      'terminating connection due to administrator command (SQLSTATE 57P01)',
    ],
    [
      'PostgreSQL behind FerretDB is gone',
      1,
      'failed to connect to `host=127.0.0.1 user=postgres database=postgres`: dial error',
    ],
    ['the MongoDB primary steps down', 189, 'PrimarySteppedDown'],
    ['the node is no longer the primary', 10107, 'not primary'],
  ])('when %s, the store error answers 503', (_what, code, message) => {
    const err = Object.assign(new Error(message), { name: 'MongoServerError', code });
    expect(toAppError(err)?.code).toBe('unavailable');
  });

  test('when the store refuses a write for what it is (a duplicate key, a bad document), it is not a 503', () => {
    const duplicate = Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 });
    expect(toAppError(duplicate)?.code).toBe('conflict');
    const invalid = Object.assign(new Error('invalid key (SQLSTATE 22023)'), { name: 'MongoServerError', code: 1 });
    expect(toAppError(invalid)).toBeUndefined();
  });

  test('when an unexpected error reaches the middleware, the reply is 500 internal without a stack', async () => {
    const { app } = appWith();
    // GET /v1/tasks reaches the inert models, which throw a plain Error.
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const res = await request(app).get('/v1/tasks').set(bearer(good())).expect(500);
    spy.mockRestore();
    expect(res.body).toEqual({ error: { code: 'internal', message: '系统内部错误，请稍后重试' } });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });
});

describe('helpers', () => {
  test('findUnsafeKey finds operator keys at any depth and accepts ordinary ones', () => {
    expect(findUnsafeKey({ a: [{ b: { c: 1 } }] })).toBeUndefined();
    expect(findUnsafeKey({ a: [{ b: { $gt: 1 } }] })?.path).toBe('a.0.b.$gt');
    expect(findUnsafeKey(JSON.parse('{"__proto__": {"x": 1}}'))?.path).toBe('__proto__');
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = { d: deep };
    expect(findUnsafeKey(deep)?.message).toMatch(/deeper/);
  });

  test('cursors round-trip and garbage is refused', () => {
    const c = { value: '2026-01-01T00:00:00.000Z', id: 'review:x:1' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(() => decodeCursor('AAAA')).toThrow(AppError);
  });

  test('escapeHtml neutralises markup', () => {
    expect(escapeHtml('<script>"x" & \'y\'</script>')).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    );
  });

  test('the document schema trims text and keeps free-form materials', () => {
    const parsed = documentBodySchema.parse({
      ...validDocument,
      title: '  标题  ',
      materials: { draftingExplanation: '说明', extra: { a: 1 } },
    });
    expect(parsed.title).toBe('标题');
    expect(parsed.materials).toEqual({ draftingExplanation: '说明', extra: { a: 1 } });
  });
});

describe('OpenAPI', () => {
  const { app } = appWith();
  const contract: [string, string][] = [
    ['post', '/v1/documents'],
    ['get', '/v1/documents/{id}'],
    ['post', '/v1/documents/{id}/versions'],
    ['get', '/v1/documents/{id}/versions/{version}'],
    ['get', '/v1/documents/{id}/comments'],
    ['post', '/v1/documents/{id}/reviews'],
    ['get', '/v1/reviews/{reviewId}'],
    ['get', '/v1/reviews'],
    ['post', '/v1/reviews/{reviewId}/withdraw'],
    ['get', '/v1/reviews/{reviewId}/opinion'],
    ['get', '/v1/tasks'],
    ['get', '/v1/tasks/{taskId}'],
    ['post', '/v1/tasks/{taskId}/complete'],
    ['get', '/v1/notifications'],
    ['get', '/v1/stats'],
    ['get', '/healthz'],
    ['get', '/readyz'],
    ['get', '/openapi.json'],
    ['get', '/docs'],
    // Release 2 additions
    ['post', '/v1/documents/{id}/attachments'],
    ['get', '/v1/documents/{id}/attachments/{attachmentId}'],
    ['get', '/v1/documents/{id}/versions/{a}/compare/{b}'],
    ['post', '/v1/reviews/{reviewId}/extensions'],
    ['get', '/v1/reviews/{reviewId}/revision-letters'],
    ['get', '/v1/reviews/{reviewId}/revision-letters/{round}'],
    ['get', '/v1/reviews/{reviewId}/events'],
    ['get', '/v1/reviews/{reviewId}/events/verify'],
    // Release 3 additions
    ['post', '/v1/assist/check'],
    ['get', '/v1/assist/rules'],
    ['get', '/v1/documents/{id}/versions/{version}/flags'],
    ['delete', '/v1/delegations/{id}'],
    ['get', '/v1/filings/catalogue'],
    ['get', '/v1/filings/{filingId}'],
    ['get', '/v1/guidelines'],
    ['get', '/v1/guidelines/{id}'],
    ['get', '/v1/people'],
    ['get', '/v1/precedents'],
    ['get', '/v1/public/suggestions/{code}'],
    ['get', '/v1/register'],
    ['get', '/v1/stats/annual'],
    ['get', '/v1/tasks/{taskId}/precedents'],
    ['get', '/v1/topics'],
    ['get', '/v1/topics/{id}'],
    ['patch', '/v1/people/{sub}'],
    ['post', '/v1/delegations'],
    ['post', '/v1/documents/{id}/filings'],
    ['post', '/v1/documents/{id}/issuance'],
    ['post', '/v1/documents/{id}/repeal'],
    ['post', '/v1/filings/{filingId}/correction-report'],
    ['post', '/v1/filings/{filingId}/supplement'],
    ['post', '/v1/guidelines'],
    ['post', '/v1/public/suggestions'],
    ['post', '/v1/tasks/{taskId}/assign'],
    ['post', '/v1/tasks/{taskId}/claim'],
    ['post', '/v1/tasks/{taskId}/release'],
    ['post', '/v1/topics'],
    ['post', '/v1/topics/{id}/close'],
    ['post', '/v1/topics/{id}/replies'],
    ['put', '/v1/calendar/{year}'],
  ];
  /** Beyond the contract. */
  const extensions: [string, string][] = [
    ['get', '/v1/calendar/deadline'],
    ['get', '/v1/calendar/{year}'],
    // The progress of a calendar load's re-dating job (admin; features/calendar/use-cases.ts).
    ['get', '/v1/calendar/{year}/redating'],
    // A drafting office's own documents.
    ['get', '/v1/documents'],
    // The console's development sign-in (404 unless the development secret is in use).
    ['get', '/v1/dev/users'],
    ['post', '/v1/dev/token'],
    // The signed checkpoints of every review's head (supervisors; docs/record-and-store.md).
    ['get', '/v1/audit/checkpoints'],
    // A person's own delegations (docs/assignment.md).
    ['get', '/v1/delegations'],
    // The console header's search by title or number (docs/console.md).
    ['get', '/v1/search'],
    // Decisions saved as drafts (暂存) and the opinion before signing (docs/console.md).
    ['get', '/v1/tasks/{taskId}/draft'],
    ['put', '/v1/tasks/{taskId}/draft'],
    ['get', '/v1/reviews/{reviewId}/opinion/draft'],
  ];

  test('when the spec is fetched, it is OpenAPI 3.1 and lists every route of the contract', async () => {
    const spec = (await request(app).get('/openapi.json').expect(200)).body;
    expect(spec.openapi).toBe('3.1.0');
    for (const [method, path] of contract) expect(spec.paths[path]?.[method]).toBeDefined();
    const listed = Object.entries(spec.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(listed.sort()).toEqual([...contract, ...extensions].map(([m, p]) => `${m} ${p}`).sort());
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  test('when the spec describes a body, it comes from the validating schema (strict, with limits)', async () => {
    const spec = (await request(app).get('/openapi.json').expect(200)).body;
    const body = spec.paths['/v1/documents'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['title', 'articles', 'legalBasis', 'materials']));
    expect(body.properties.title.maxLength).toBe(500);
    const complete = spec.paths['/v1/tasks/{taskId}/complete'].post.requestBody.content['application/json'].schema;
    expect(complete.properties.decision.enum).toContain('concur_with_comments');
    const params = spec.paths['/v1/reviews'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['region', 'status', 'stage', 'overdue', 'limit', 'cursor']));
  });
});

describe('malformed requests and headers', () => {
  const { app } = appWith();

  test('when the path is not valid percent-encoding or the body not valid gzip, it is 400 in the contract format', async () => {
    for (const path of ['/v1/reviews/%', '/v1/reviews/%E0%A4%A']) {
      const res = await request(app).get(path).set(bearer(good())).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '(path)' }] });
    }
    const gzip = await request(app)
      .post('/v1/documents')
      .set(bearer(good()))
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(Buffer.from('this is not gzip'))
      .expect(400);
    expect(gzip.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: '(body)' }] });
  });

  test('when the materials are larger than the cap, it is 400 naming them', async () => {
    const materials = {
      draftingExplanation: '说明',
      annex: 'x'.repeat(100_000),
      annex2: 'x'.repeat(100_000),
      annex3: 'x'.repeat(100_001),
    };
    const res = await request(app)
      .post('/v1/documents')
      .set(bearer(good()))
      .send({ ...validDocument, materials });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'materials' })]);
  });

  test('when anything is answered, the security headers are set; an authenticated answer is never cached', async () => {
    const res = await request(app).get('/v1/calendar/2026').set(bearer(good())).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const docs = await request(app).get('/docs/').expect(200);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    // Swagger UI runs under it: its scripts are files of this origin, none inline.
    expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/);
  });

  test('when a token of 100 KB is sent, the server answers 431 in the contract format', async () => {
    const api = await startApi(appDeps(), 0, '127.0.0.1');
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.get(`${api.url.replace('localhost', '127.0.0.1')}/v1/tasks`, {
          headers: { Authorization: `Bearer ${'a'.repeat(100_000)}` },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
      });
      expect(status).toBe(431);
      expect(JSON.parse(body).error.code).toBe('request_header_fields_too_large');
    } finally {
      await api.close();
    }
  });
});
