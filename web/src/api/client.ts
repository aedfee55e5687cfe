/**
 * The console's API client: openapi-fetch over the types generated from the API's own OpenAPI
 * document (schema.d.ts), with the signed-in person's bearer token on every call.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Task = Schemas['Task'];
export type Review = Schemas['Review'];
export type ReviewSummary = Schemas['ReviewSummary'];
export type DocumentView = Schemas['Document'];
export type VersionView = Schemas['Version'];
export type Comment = Schemas['Comment'];
export type Notification = Schemas['Notification'];
export type Opinion = Schemas['Opinion'];
export type Stats = Schemas['Stats'];

export interface Session {
  token: string;
  sub: string;
  name?: string;
  region: 'beijing' | 'tianjin' | 'hebei';
  roles: ('drafter' | 'reviewer' | 'signer' | 'supervisor' | 'admin')[];
  org?: string;
  exp: number;
}

const SESSION_KEY = 'console.session';

/** The claims of a token, read (not verified: the API verifies it on every call). */
export function sessionFromToken(token: string): Session {
  const part = token.trim().split('.')[1];
  if (!part) throw new Error('令牌格式不正确');
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  const claims = JSON.parse(json) as Omit<Session, 'token'>;
  if (!claims.sub || !claims.region || !Array.isArray(claims.roles)) throw new Error('令牌缺少必要的声明');
  return { ...claims, token: token.trim() };
}

export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return session.exp * 1000 > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(SESSION_KEY);
}

let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

const bearer: Middleware = {
  onRequest({ request }) {
    const session = loadSession();
    if (session) request.headers.set('Authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) onUnauthenticated();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(bearer);

/** A refusal of the API: its status, code, message and the fields it names. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The problems naming fields (`validation_failed` details), by dotted path. */
  fieldProblems(): { path: string; message: string }[] {
    return Array.isArray(this.details)
      ? (this.details as unknown[]).filter(
          (d): d is { path: string; message: string } =>
            typeof d === 'object' && d !== null && typeof (d as { path?: unknown }).path === 'string',
        )
      : [];
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiFailure. */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch {
    throw new ApiFailure(0, 'network', '无法连接服务器，请稍后重试');
  }
  const { data, error, response } = result;
  if (response.ok) return data as NonNullable<T>;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
  throw new ApiFailure(
    response.status,
    body.error?.code ?? 'internal',
    body.error?.message ?? response.statusText,
    body.error?.details,
  );
}
