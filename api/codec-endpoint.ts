/**
 * The remote codec endpoint the Temporal UI and CLI call to show encrypted payloads to an operator
 * who holds the keys (`POST /codec/decode`, `POST /codec/encode`, platform/payload-codec.ts). It
 * hands out plaintext, so it answers only callers on this machine's loopback, and of those only
 * the ones holding its credential (CODEC_AUTH_TOKEN): any other process of the machine, or a page
 * the operator's browser opens, gets 401.
 *
 * The credential comes one of two ways:
 * - `Authorization: Bearer <token>`: the CLI (`TEMPORAL_CODEC_AUTH="Bearer …"`, kept off its
 *   command line) and scripts;
 * - a session cookie, for the Temporal UI, which cannot send a header of ours: the operator opens
 *   `GET /codec/`, pastes the token, and the answer sets an HttpOnly, SameSite=Strict cookie that
 *   the UI's requests carry once its codec setting "Include cross-origin credentials" is on. A
 *   request with that cookie is answered only from the configured UI origins.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
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
  next(fromLoopback(req) ? undefined : new AppError('forbidden', '仅向本机的调用方提供'));
};

export interface CodecAccess {
  /** The credential (CODEC_AUTH_TOKEN). */
  token: string;
  /** The Temporal UI's origins: the only pages whose requests are answered. */
  allowedOrigins: readonly string[];
}

/** The session cookie's name, and how long a session lasts (a working day). */
export const CODEC_SESSION_COOKIE = 'codec_session';
const SESSION_SECONDS = 12 * 3600;

const sameSecret = (a: string, b: string) => {
  // Equal-length digests, so that the comparison takes the same time whatever was sent.
  const digest = (s: string) => createHmac('sha256', 'codec-credential').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
};

/** A session value: its expiry and a MAC of it under the token (nothing to store, void once the token changes). */
export function codecSession(token: string, expiresAt: number): string {
  const mac = createHmac('sha256', token).update(`codec-session:${expiresAt}`).digest('base64url');
  return `${expiresAt}.${mac}`;
}

function validSession(token: string, value: string | undefined, nowSeconds: number): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match || Number(match[1]) <= nowSeconds) return false;
  return sameSecret(codecSession(token, Number(match[1])), value!);
}

function cookie(req: express.Request, name: string): string | undefined {
  for (const part of (req.get('Cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const refused = () =>
  new AppError('unauthenticated', '解码需要凭据：Bearer 令牌（CODEC_AUTH_TOKEN），或先在 /codec/ 页面开启会话');

/**
 * Lets through a request that carries the token, or a session cookie sent from one of the UI's
 * origins (or by a client that sends no Origin: it holds the cookie's value, so the credential).
 */
function requireCredential(access: CodecAccess): RequestHandler {
  return (req, _res, next) => {
    const header = /^bearer +(\S+)$/i.exec(req.get('Authorization')?.trim() ?? '');
    if (header) return next(sameSecret(header[1], access.token) ? undefined : refused());
    const origin = req.get('Origin');
    const session = cookie(req, CODEC_SESSION_COOKIE);
    const fromUi = origin === undefined || access.allowedOrigins.includes(origin);
    next(fromUi && validSession(access.token, session, Math.floor(Date.now() / 1000)) ? undefined : refused());
  };
}

/** The page where an operator opens a session for the Temporal UI (no script: a form posting to this origin). */
function sessionPage(message = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>解码会话</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>Temporal 载荷解码</h1>
${message}
<p>粘贴解码口令（<code>CODEC_AUTH_TOKEN</code>；<code>npm start</code> 生成的在数据目录的 <code>secrets.json</code> 中，字段 <code>codecAuthToken</code>），开启 12 小时的解码会话。</p>
<form method="post" action="session">
<input type="password" name="token" autocomplete="off" required style="width:30em">
<button type="submit">开启会话</button>
</form>
<p>随后在 Temporal UI 的 Codec Server 设置中选择使用浏览器设置，填写本端点地址，并打开 “Include cross-origin credentials”。</p>
</body></html>`;
}

export function codecEndpoint(codec: PayloadCodec, access: CodecAccess): express.Router {
  const router = express.Router();
  router.use(loopbackOnly, (req, res, next) => {
    const origin = req.get('Origin');
    if (origin !== undefined && access.allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });

  router.get('/', (req, res) => {
    // `action="session"` resolves against this URL: it must end with a slash.
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(308, `${req.baseUrl}/`);
    res.type('html').send(sessionPage());
  });
  router.post(
    '/session',
    express.urlencoded({ extended: false, limit: '1kb' }),
    express.json({ limit: '1kb' }),
    (req, res) => {
      const token = (req.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || !sameSecret(token.trim(), access.token)) throw refused();
      const expiresAt = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
      res.cookie(CODEC_SESSION_COOKIE, codecSession(access.token, expiresAt), {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: req.baseUrl || '/',
        maxAge: SESSION_SECONDS * 1000,
      });
      if (req.is('application/json')) return void res.status(204).end();
      res.type('html').send(sessionPage('<p><strong>解码会话已开启，12 小时内有效。</strong></p>'));
    },
  );

  for (const operation of ['encode', 'decode'] as const) {
    router.post(`/${operation}`, requireCredential(access), express.json({ limit: '8mb' }), async (req, res) => {
      try {
        res.json(await codecServer(codec, operation, req.body));
      } catch (err) {
        throw new AppError('validation_failed', `cannot ${operation}: ${(err as Error).message}`);
      }
    });
  }
  return router;
}
