/**
 * The hash chain of a review log (API.md, "The record"): each event's `hash` is the SHA-256 of the
 * previous event's hash followed by the event's canonical JSON, so changing, removing or
 * reordering any event breaks every link after it. The recording activity chains; the API verifies.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, hashInput, type LoggedEvent, type NewEvent } from '../domain/review-log';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Chains `events` onto `prevHash`: each carries the hash of the one before it. */
export function chainEvents(prevHash: string, events: readonly NewEvent[]): LoggedEvent[] {
  const chained: LoggedEvent[] = [];
  let previous = prevHash;
  for (const event of events) {
    const unhashed = { ...event, prevHash: previous };
    const hash = sha256(hashInput(unhashed));
    chained.push({ ...unhashed, hash });
    previous = hash;
  }
  return chained;
}

/**
 * The seq of the first broken link of a whole log (in seq order): a missing event, a `prevHash`
 * that is not the previous event's hash, or a `hash` that does not match the event's content.
 */
export function firstBrokenLink(events: readonly LoggedEvent[]): number | undefined {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const event of events) {
    if (event.seq !== expectedSeq) return expectedSeq;
    const { seq, type, at, actor, requestId, data, hash } = event;
    const recomputed = sha256(hashInput({ seq, type, at, actor, requestId, data, prevHash: event.prevHash }));
    if (event.prevHash !== prevHash || recomputed !== hash) return seq;
    prevHash = hash;
    expectedSeq++;
  }
  return undefined;
}
