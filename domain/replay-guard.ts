/**
 * What keeps a signed request from being taken twice (pure: the review workflow and the recording
 * activity both use it). A request is good until its `expiresAt`; within that window its `nonce` is
 * remembered, so once it has expired it is refused for its age and need not be remembered any more.
 */
import type { Signed } from './messages';

/** At most this many nonces are remembered by one workflow (far more than arrive within a TTL). */
export const MAX_SEEN_REQUESTS = 2_000;

/**
 * Why a signed request may not be taken at `nowMs`: it has no nonce or expiry (signed before requests
 * expired), or it has expired. Undefined when it may be taken.
 */
export function staleRequest(request: Pick<Signed<unknown>, 'nonce' | 'expiresAt'>, nowMs: number): string | undefined {
  if (typeof request.nonce !== 'string' || typeof request.expiresAt !== 'string') {
    return 'the request carries no nonce or expiry';
  }
  const expires = Date.parse(request.expiresAt);
  if (!(expires > nowMs)) return `the request expired at ${request.expiresAt}`;
  return undefined;
}

/** The nonces a workflow has taken and that have not expired yet, oldest first. */
export class SeenRequests {
  private readonly seen: Map<string, string>;

  constructor(entries: readonly [string, string][] = []) {
    this.seen = new Map(entries);
  }

  has(nonce: string | undefined): boolean {
    return nonce !== undefined && this.seen.has(nonce);
  }

  /** Remembers `nonce` until `expiresAt`; forgets expired ones, and the oldest past the bound. */
  take(nonce: string, expiresAt: string, nowMs: number): void {
    for (const [seenNonce, until] of this.seen) {
      if (Date.parse(until) <= nowMs) this.seen.delete(seenNonce);
    }
    this.seen.set(nonce, expiresAt);
    while (this.seen.size > MAX_SEEN_REQUESTS) this.seen.delete(this.seen.keys().next().value as string);
  }

  entries(): [string, string][] {
    return [...this.seen];
  }
}
