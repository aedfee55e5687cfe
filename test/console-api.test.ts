/**
 * What the console needs of the API process: the development sign-in (only while the development
 * secret signs tokens), the console itself at `/` under the security headers, the client-side
 * routes answered with the console's page, and client types that match the OpenAPI document.
 */
import request from 'supertest';
import { createApp } from '../api/app';
import { DemoToken, DemoUsers } from '../api/responses';
import { DEVELOPMENT_JWT_SECRET, signingKeysOf, type Config } from '../platform/config';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { startHarness, TEST_SECRET, type Harness } from './harness';
import { launchChromium } from './support/browser';

let h: Harness;
beforeAll(async () => {
  // The development secret, as `npm start` uses when AUTH_JWT_SECRET is unset.
  h = await startHarness({ AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET });
});
afterAll(async () => {
  await h?.stop();
});

/** The same API, with tokens signed by some other secret (a deployment). */
function appWithSecret(secret: string | undefined) {
  const config: Config = { ...h.config, auth: { ...h.config.auth, secret } };
  return createApp({
    app: { ...h.ctx, config, signingKeys: signingKeysOf(config) },
    readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
  });
}

describe('development sign-in', () => {
  test('while the development secret is in use, the demo people are listed and a token minted for one works on /v1', async () => {
    const users = await request(h.app).get('/v1/dev/users').expect(200);
    // As /openapi.json documents them (api/responses.ts).
    expect(() => DemoUsers.parse(users.body)).not.toThrow();
    const keys = (users.body.items as { key: string; region: string; roles: string[] }[]).map((u) => u.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'drafter',
        'reviewer-beijing',
        'reviewer-tianjin',
        'reviewer-hebei',
        'signer-beijing',
        'supervisor',
      ]),
    );

    const minted = await request(h.app).post('/v1/dev/token').send({ user: 'reviewer-tianjin' }).expect(200);
    expect(minted.headers['cache-control']).toBe('no-store');
    expect(() => DemoToken.parse(minted.body)).not.toThrow();
    const tasks = await request(h.app)
      .get('/v1/tasks?status=open')
      .set('Authorization', `Bearer ${minted.body.token}`)
      .expect(200);
    expect(tasks.body.items).toEqual([]);
    // The token carries the demo person's claims: a reviewer may not list reviews.
    await request(h.app).get('/v1/reviews').set('Authorization', `Bearer ${minted.body.token}`).expect(403);
  });

  test('when the person asked for is not a demo person, the request is refused with the field named', async () => {
    const res = await request(h.app)
      .post('/v1/dev/token')
      .send({ user: 'root', roles: ['supervisor'] })
      .expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'user' })]));
  });

  test.each([
    ['another secret', TEST_SECRET],
    ['no secret (identity provider only)', undefined],
  ])('with %s, the development sign-in does not exist', async (_what, secret) => {
    const app = appWithSecret(secret);
    const users = await request(app).get('/v1/dev/users').expect(404);
    expect(users.body.error.code).toBe('not_found');
    const token = await request(app).post('/v1/dev/token').send({ user: 'supervisor' }).expect(404);
    expect(token.body).not.toHaveProperty('token');
  });
});

describe('the console at /', () => {
  test('the page and its scripts are served from this origin under the security headers', async () => {
    const page = await request(h.app).get('/').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<div id="root"></div>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const js = await request(h.app).get(script!).expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
  });

  test("the page's inline script (the work list's prefetch) is allowed by its hash, and no other inline script is", async () => {
    const page = await request(h.app).get('/tasks').set('Accept', 'text/html').expect(200);
    const inline = [...page.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => body);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain("fetch('/v1/tasks?status=open&sort=urgency&limit=20'");
    const policy = page.headers['content-security-policy'];
    const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1].split(' ');
    expect(scriptSrc).toEqual(["'self'", `'sha256-${createHash('sha256').update(inline[0]).digest('base64')}'`]);
    // Ant Design's styles, computed by the build, load before the console's own stylesheet.
    const sheets = [...page.text.matchAll(/<link rel="stylesheet"[^>]*href="([^"]+)"/g)].map(([, href]) => href);
    expect(sheets[0]).toMatch(/^\/assets\/antd-[0-9a-f]+\.css$/);
    const antd = await request(h.app).get(sheets[0]).expect(200);
    expect(antd.text).toContain('data-ant-cssinjs-cache-path');
  });

  test('a client-side route loads the console; API paths keep their JSON errors', async () => {
    const page = await request(h.app).get('/tasks/some-task').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<div id="root"></div>');
    const api = await request(h.app).get('/v1/nothing-here').set('Accept', 'text/html').expect(401);
    expect(api.body.error.code).toBe('unauthenticated');
    const missingAsset = await request(h.app).get('/assets/missing.js').expect(404);
    expect(missingAsset.text).not.toContain('<div id="root">');
  });
});

describe('the console client types', () => {
  test('web/src/api/schema.d.ts is what the OpenAPI document generates (npm run web:types)', async () => {
    // openapi-typescript is ESM inside: it runs under tsx, as `npm run web:types` runs it.
    const root = path.join(__dirname, '..');
    const run = promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/web-types.ts', '--check'],
      {
        cwd: root,
      },
    );
    await expect(run).resolves.toBeDefined();
  }, 60_000);
});

describe('the browser tests', () => {
  test('a CHROMIUM_PATH that names no file fails them, saying so (never a silent skip)', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      await expect(launchChromium()).rejects.toThrow('CHROMIUM_PATH names no file: /nonexistent/chromium');
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });

  test('when the journey fails, jest exits with a failure instead of hanging', async () => {
    // The journey alone, as `npm test` runs it (in band), on this run's servers; a hang is killed
    // at the deadline.
    const root = path.join(__dirname, '..');
    const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' };
    delete env.JEST_WORKER_ID;
    const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const outcome = await promisify(execFile)(process.execPath, [jest, 'test/console-journey.test.ts'], {
      cwd: root,
      env,
      timeout: 90_000,
      killSignal: 'SIGKILL',
    }).then(
      () => ({ code: 0, killed: false, stderr: '' }),
      (err: { code: number | null; killed: boolean; stderr: string }) => err,
    );
    expect({ code: outcome.code, killed: outcome.killed }).toEqual({ code: 1, killed: false });
    expect(outcome.stderr).toContain('CHROMIUM_PATH names no file: /nonexistent/chromium');
    expect(outcome.stderr).not.toContain('did not exit');
  }, 120_000);
});
