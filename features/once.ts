/**
 * What makes a request that changes a review safe to retry and cheap to refuse, on MongoDB and on
 * the embedded store alike (both rest on an insert under a unique `_id`, never on read-modify-write):
 *
 * - `onceForKey`: a request with an `Idempotency-Key` is carried out at most once per caller and
 *   key; its answer is stored and replayed to retries, and a retry with another body is 422.
 * - `oneDecisionAtATime`: at most one decision per task and process is on its way to the workflow;
 *   a second one meanwhile is a fast 409 instead of a queue of Updates that the workflow would
 *   refuse anyway (and that Temporal caps at ten in flight per workflow). It costs no store round
 *   trip: the workflow's validator is what refuses a decision made in another process meanwhile.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../domain/model';
import { canonicalJson } from '../domain/review-log';
import type { AppContext } from './context';
import { AppError } from './errors';
import { isDuplicateKey } from '../store/mongo';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The `Idempotency-Key` header, checked (400 when malformed). */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header))
    throw AppError.invalid('Idempotency-Key', 'must be 1-128 letters, digits, -, _, . or :');
  return header;
}

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Runs `operation` once for (`scope`, caller, `key`) and returns its answer, or the stored answer
 * of an earlier run with the same key. A retry that finds the earlier run still without an answer
 * (in flight, or cut short) runs `operation` again with `joining` set: the operations are
 * idempotent themselves (their Temporal Update carries an id derived from the key, so Temporal
 * joins the retry to the first run and returns its outcome), and a joining run must not refuse
 * what the first run has since done. An answer that says nothing final (503) is not stored.
 */
export async function onceForKey(
  ctx: AppContext,
  request: { scope: string; actor: Actor; key: string | undefined; body: unknown },
  operation: (joining: boolean) => Promise<Answer>,
): Promise<Answer> {
  const { models } = ctx;
  if (request.key === undefined) return operation(false);
  const _id = `${request.scope}|${request.actor.sub}|${request.key}`;
  const bodyHash = createHash('sha256')
    .update(canonicalJson(request.body ?? null))
    .digest('hex');
  const stored = async () => (await models.IdempotentRequest.findById(_id).lean())?.answer;
  let joining = false;
  try {
    await models.IdempotentRequest.create({ _id, bodyHash, createdAt: new Date() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const earlier = await models.IdempotentRequest.findById(_id).lean();
    if (earlier && earlier.bodyHash !== bodyHash) {
      throw new AppError(
        'idempotency_mismatch',
        'this Idempotency-Key was used with a different request; use a new key for a new request',
      );
    }
    if (earlier?.answer) return earlier.answer;
    joining = true;
  }
  let answer: Answer;
  try {
    answer = await operation(joining);
  } catch (err) {
    // A joining run may fail where the first has already answered (its workflow has closed since).
    const first = joining ? await stored() : undefined;
    if (first) return first;
    if (!(err instanceof AppError) || err.status >= 500 || err.code === 'rate_limited') throw err;
    answer = { status: err.status, body: err.toBody() }; // a refusal is the answer: a retry gets it again
  }
  // The first answer stays the answer.
  await models.IdempotentRequest.updateOne({ _id, answer: { $exists: false } }, { $set: { answer } });
  return (await stored()) ?? answer;
}

/**
 * Runs `send` as this process's one decision on the task in flight. Another decision on the task
 * meanwhile, from this process, is 409 at once, without a store round trip; a retry of the same
 * keyed request goes through (Temporal joins it to the first by its Update id). Nothing is written
 * to the store: the workflow itself is what lets a decision happen once. Its validator refuses a
 * decision on a task it is already recording one on (409) and one on a task that is no longer open,
 * so a decision sent by another API process at the same time is refused there. With one decision
 * per task in flight per process, a task has at most as many Updates in flight as there are API
 * processes, far below Temporal's ten per workflow. A process that dies leaves nothing behind, and
 * a retry right after a refusal finds the task free (the entry is gone before the answer is sent).
 */
export async function oneDecisionAtATime<T>(
  ctx: AppContext,
  lock: { taskId: string; requestId: string; idempotent?: string },
  send: () => Promise<T>,
): Promise<T> {
  let inFlight = decisionsInFlight.get(ctx);
  if (inFlight === undefined) decisionsInFlight.set(ctx, (inFlight = new Map<string, string>()));
  const local = inFlight.get(lock.taskId);
  if (local !== undefined) {
    if (lock.idempotent !== undefined && local === lock.idempotent) return send();
    throw AppError.conflict('a decision on this task is being recorded; see the task for its outcome');
  }
  inFlight.set(lock.taskId, lock.idempotent ?? lock.requestId);
  try {
    return await send();
  } finally {
    inFlight.delete(lock.taskId);
  }
}

/**
 * The tasks each application (one per API process; a test may run two side by side) is sending a
 * decision for, with the key (or request id) of each.
 */
const decisionsInFlight = new WeakMap<AppContext, Map<string, string>>();
