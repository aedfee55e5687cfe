/**
 * Requests the API vouches for. The API signs each request that changes a review (start, decision,
 * withdrawal) with HMAC-SHA256 under a key the worker also holds; the activity that records a
 * transition checks the signature before it stores anything. Someone who can reach Temporal but
 * not the key cannot put a made-up actor, or any decision at all, on the record.
 *
 * Keys carry ids so they can be rotated: the first key signs, every configured key verifies.
 *
 * Each signature also covers a fresh `nonce` and an `expiresAt` (REQUEST_TTL after signing, five
 * minutes unless configured): the workflow and the recording activity take a nonce once and refuse
 * an expired request, so a captured request cannot be sent again.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Signed, SignedPayload } from '../domain/messages';
import { canonicalJson } from '../domain/review-log';

export interface SigningKeys {
  /** The id of the key new signatures are made with. */
  currentId: string;
  secrets: ReadonlyMap<string, Buffer>;
}

/** Parses `id:secret[,id:secret…]` (the first one signs); each secret at least 32 bytes. */
export function parseSigningKeys(text: string): SigningKeys {
  const entries = text.split(',').map((part) => {
    const at = part.indexOf(':');
    const id = part.slice(0, at).trim();
    const secret = part.slice(at + 1).trim();
    if (at <= 0 || !/^[A-Za-z0-9_-]{1,40}$/.test(id)) throw new Error('each key must be written id:secret');
    if (Buffer.byteLength(secret) < 32) throw new Error(`key ${id} must be at least 32 bytes`);
    return [id, Buffer.from(secret)] as const;
  });
  return { currentId: entries[0][0], secrets: new Map(entries) };
}

function mac(secret: Buffer, payload: SignedPayload<unknown>): string {
  return createHmac('sha256', secret).update(canonicalJson(payload)).digest('hex');
}

/** How long a signed request stays good unless REQUEST_TTL says otherwise. */
export const DEFAULT_REQUEST_TTL_MS = 5 * 60_000;

/** Signs `body` for one message to one workflow, good for `ttlMs`. */
export function signRequest<T>(
  keys: SigningKeys,
  purpose: SignedPayload<T>['purpose'],
  workflowId: string,
  body: T,
  requestId?: string,
  now = new Date(),
  ttlMs = DEFAULT_REQUEST_TTL_MS,
): Signed<T> {
  const keyId = keys.currentId;
  const payload: SignedPayload<T> = {
    purpose,
    workflowId,
    body,
    ...(requestId && { requestId }),
    signedAt: now.toISOString(),
    nonce: randomUUID(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    keyId,
  };
  const { purpose: _purpose, workflowId: _workflowId, ...signed } = payload;
  return { ...signed, signature: mac(keys.secrets.get(keyId)!, payload) };
}

/** Whether `request` was signed with one of `keys` for this purpose and workflow. */
export function verifyRequest(
  keys: SigningKeys,
  purpose: SignedPayload<unknown>['purpose'],
  workflowId: string,
  request: Signed<unknown> | undefined,
): boolean {
  if (!request || typeof request.signature !== 'string' || typeof request.keyId !== 'string') return false;
  const secret = keys.secrets.get(request.keyId);
  if (!secret) return false;
  const expected = Buffer.from(
    mac(secret, {
      purpose,
      workflowId,
      body: request.body,
      ...(request.requestId && { requestId: request.requestId }),
      signedAt: request.signedAt,
      ...(request.nonce !== undefined && { nonce: request.nonce }),
      ...(request.expiresAt !== undefined && { expiresAt: request.expiresAt }),
      keyId: request.keyId,
    }),
    'hex',
  );
  const given = Buffer.from(request.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
