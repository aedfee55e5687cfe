/**
 * The codec endpoint hands out plaintext, so even on loopback it answers only holders of its
 * credential: the bearer token (CLI, scripts) or the session cookie the operator opens for the
 * Temporal UI, and that cookie only from the UI's origins. As `npm start` mounts it, on the API.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { CODEC_SESSION_COOKIE, codecSession } from '../api/codec-endpoint';
import { loadConfig } from '../platform/config';
import { EncryptionCodec, parsePayloadKeys } from '../platform/payload-codec';
import { parseSigningKeys } from '../platform/signing';
import type { Models } from '../store/models';

const CANARY = 'CANARY-解码-51c0';
const UI = 'http://127.0.0.1:8233';
const token = randomBytes(32).toString('base64url');
const codec = new EncryptionCodec(parsePayloadKeys(`k1:${randomBytes(32).toString('base64')}`));

/** The API as `npm start` builds it, with the codec endpoint for the Temporal UI at UI. */
const app = createApp({
  app: {
    config: loadConfig({}, 'embedded'),
    models: {} as Models,
    temporal: {} as Client,
    signingKeys: parseSigningKeys('unit-1:unit-test-signing-key-at-least-32-bytes'),
    now: () => new Date(),
  },
  readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
  codec: { codec, token, allowedOrigins: [UI] },
  consoleDir: '',
});

/** A payload as the Temporal UI sends it: encrypted, its fields in base64. */
async function sealedCanary() {
  const [sealed] = await codec.encode([
    { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(`"${CANARY}"`) },
  ]);
  const base64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
  return {
    payloads: [
      {
        metadata: Object.fromEntries(Object.entries(sealed.metadata ?? {}).map(([k, v]) => [k, base64(v)])),
        data: base64(sealed.data),
      },
    ],
  };
}

const plaintextOf = (body: { payloads: { data: string }[] }) => Buffer.from(body.payloads[0].data, 'base64').toString();

test('when a caller on loopback has no credential, or a wrong one, decode and encode are 401 and nothing comes back', async () => {
  const body = await sealedCanary();
  const wrongSession = codecSession(randomBytes(32).toString('base64url'), Math.floor(Date.now() / 1000) + 3600);
  const attempts: [string, Record<string, string>][] = [
    ['nothing', {}],
    ['a wrong token', { Authorization: `Bearer ${randomBytes(32).toString('base64url')}` }],
    ['the token in another scheme', { Authorization: `Basic ${token}` }],
    ['a session made with another token', { Cookie: `${CODEC_SESSION_COOKIE}=${wrongSession}`, Origin: UI }],
    ['an expired session', { Cookie: `${CODEC_SESSION_COOKIE}=${codecSession(token, 1_000)}`, Origin: UI }],
  ];
  for (const [what, headers] of attempts) {
    for (const operation of ['decode', 'encode']) {
      const res = await request(app).post(`/codec/${operation}`).set(headers).send(body);
      expect({ what, operation, status: res.status, body: res.body }).toEqual({
        what,
        operation,
        status: 401,
        body: { error: expect.objectContaining({ code: 'unauthenticated' }) },
      });
      expect(res.text).not.toContain(CANARY);
    }
  }
});

test('when the CLI sends the token as a bearer credential, the payload reads in the clear', async () => {
  const res = await request(app)
    .post('/codec/decode')
    .set('Authorization', `bearer ${token}`)
    .send(await sealedCanary())
    .expect(200);
  expect(plaintextOf(res.body)).toBe(`"${CANARY}"`);
  expect(res.headers['cache-control']).toBe('no-store');
});

test('when the operator opens a session with the token, the Temporal UI decodes with its cookie, and no other page does', async () => {
  // The page with the form, then the form's post: a wrong token opens nothing.
  const page = await request(app).get('/codec/').expect(200);
  expect(page.text).toContain('<form method="post" action="session">');
  await request(app).get('/codec').expect(308).expect('Location', '/codec/');
  const refused = await request(app)
    .post('/codec/session')
    .type('form')
    .send({ token: 'x'.repeat(43) });
  expect(refused.status).toBe(401);
  expect(refused.headers['set-cookie']).toBeUndefined();

  const opened = await request(app).post('/codec/session').type('form').send({ token }).expect(200);
  const setCookie = String(opened.headers['set-cookie']);
  expect(setCookie).toMatch(new RegExp(`^${CODEC_SESSION_COOKIE}=\\d+\\.[\\w-]{43}; Max-Age=43200; Path=/codec; `));
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  expect(setCookie).not.toContain(token);
  const session = setCookie.split(';')[0];

  // The UI's browser asks first (preflight), then sends the cookie from the UI's origin.
  const preflight = await request(app)
    .options('/codec/decode')
    .set('Origin', UI)
    .set('Access-Control-Request-Method', 'POST')
    .expect(204);
  expect(preflight.headers['access-control-allow-origin']).toBe(UI);
  expect(preflight.headers['access-control-allow-credentials']).toBe('true');
  const body = await sealedCanary();
  const decoded = await request(app).post('/codec/decode').set({ Cookie: session, Origin: UI }).send(body).expect(200);
  expect(plaintextOf(decoded.body)).toBe(`"${CANARY}"`);

  // Another page the operator's browser opens (another port of the same machine is the same site).
  const elsewhere = await request(app)
    .post('/codec/decode')
    .set({ Cookie: session, Origin: 'http://127.0.0.1:9999' })
    .send(body);
  expect(elsewhere.status).toBe(401);
  expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  expect(elsewhere.text).not.toContain(CANARY);
});
