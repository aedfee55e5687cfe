/**
 * What the recording activity checks before it records a transition, and what it signs after:
 * - the request is fresh (not expired when the activity was scheduled) and taken once (its nonce is
 *   stored; only a retry of the same recording finds its own);
 * - the run is the review's registered run (the first run of its workflow, registered at the first
 *   recording): a closed review's id started again, by whatever client and with whatever captured
 *   start, records nothing;
 * - after recording, the review's seal (head hash, event count, frozen records' hashes) is moved
 *   forward and signed with the audit key, which is not in the store.
 */
import { ApplicationFailure } from '@temporalio/common';
import { staleRequest } from '../domain/replay-guard';
import { GENESIS_HASH } from '../domain/review-log';
import { signSeal, type AuditKeys } from '../platform/audit-seal';
import type { Models } from '../store/models';
import { insertIfAbsent } from '../store/mongo';
import type { ReviewSealDoc } from '../store/record-seal';
import type { RecordTransitionInput } from './index';
import type { FrozenRecord } from './recording';

const refuse = (message: string): never => {
  throw ApplicationFailure.nonRetryable(`${message}: nothing was recorded`, 'forbidden');
};

/** Event types whose recording freezes a record (store/records.ts `freezeRecords`). */
const FREEZING = new Set(['approved', 'rejected', 'returned', 'revision_letter']);

/** Whether recording these events freezes a record (the seal then lists the records' hashes anew). */
export const freezesRecords = (events: readonly { type: string }[]): boolean =>
  events.some((e) => FREEZING.has(e.type));

/**
 * Refuses a recording that is not fresh, not by the registered run, or a request taken before.
 * `scheduledAtMs`: when Temporal first scheduled the activity (a retry keeps it), so a recording
 * retried after the request's expiry is not refused for the worker's delay. Returns the review's seal
 * as it stands before this recording, for `sealReview` to move forward without reading it again.
 */
export async function guardRecording(
  models: Models,
  input: RecordTransitionInput,
  scheduledAtMs: number,
): Promise<ReviewSealDoc> {
  const reviewId = input.review.reviewId;
  if (reviewId !== input.workflowId) refuse(`the review ${reviewId} is not the workflow's own`);
  if (!input.run) refuse('the recording names no run');
  const run = input.run!;
  const request = input.vouch?.request;
  if (request) {
    const stale = staleRequest(request, scheduledAtMs);
    if (stale) refuse(stale);
  }
  const seal = await registeredSeal(models, reviewId, run);
  if (seal.run !== run) refuse(`the run ${run} is not the registered run of ${reviewId}`);
  if (request) {
    const firstSeq = input.events[0]?.seq ?? 0;
    const seen = { _id: request.nonce!, reviewId, run, firstSeq, expiresAt: new Date(request.expiresAt!) };
    if (!(await insertIfAbsent(models.SeenRequest, seen))) {
      const before = await models.SeenRequest.findById(request.nonce).lean();
      const retry = before?.reviewId === reviewId && before.run === run && before.firstSeq === firstSeq;
      if (!retry) refuse('the request was recorded before');
    }
  }
  return seal;
}

/**
 * The review's seal, which names the run registered for the review: the one that recorded it first.
 * A review recorded before runs were registered is registered to the first run that records it now.
 */
async function registeredSeal(models: Models, reviewId: string, run: string): Promise<ReviewSealDoc> {
  const seal = await models.ReviewSeal.findById(reviewId).lean<ReviewSealDoc>();
  if (seal) return seal;
  const fresh: ReviewSealDoc = {
    _id: reviewId,
    run,
    events: 0,
    headHash: GENESIS_HASH,
    records: [],
    keyId: '',
    signature: '',
    sealedAt: new Date(),
  };
  if (await insertIfAbsent(models.ReviewSeal, fresh)) return fresh;
  return (await models.ReviewSeal.findById(reviewId).lean<ReviewSealDoc>())!;
}

/**
 * Moves the review's seal forward to the log's new head (`events` long, after `newEvents`) and signs it.
 * `standing`: the seal as read before the recording by the same attempt (`guardRecording`), else read
 * here. `frozen`: the records the transition froze, as stored; without it, a transition that freezes
 * records has the review's records read.
 */
export async function sealReview(
  models: Models,
  keys: AuditKeys,
  { reviewId, events, newEvents }: { reviewId: string; events: number; newEvents: readonly { type: string }[] },
  headHash: string,
  known: { standing?: ReviewSealDoc | null; frozen?: readonly FrozenRecord[] } = {},
): Promise<void> {
  const standing = known.standing ?? (await models.ReviewSeal.findById(reviewId).lean<ReviewSealDoc>());
  if (!standing || standing.events >= events) return; // sealed at this position already (a retry)
  const records = (
    freezesRecords(newEvents) ? await sealedRecords(models, reviewId, standing, known.frozen) : standing.records
  )
    .map(({ id, sha256 }) => ({ id, sha256 }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const content = { reviewId, run: standing.run, events, headHash, records };
  const { keyId, signature } = signSeal(keys, content);
  await models.ReviewSeal.updateOne(
    { _id: reviewId, run: standing.run, events: { $lt: events } },
    { $set: { events, headHash, records, keyId, signature, sealedAt: new Date() } },
  );
}

/**
 * The records a seal lists after a transition that froze some: those listed before and the new ones
 * as stored (a record is frozen once, and each freezing transition's recording moves the seal before
 * the next transition is planned); without the new ones, the review's records as stored.
 */
async function sealedRecords(
  models: Models,
  reviewId: string,
  standing: ReviewSealDoc,
  frozen: readonly FrozenRecord[] | undefined,
): Promise<readonly FrozenRecord[]> {
  if (!frozen) {
    return (await models.Record.find({ reviewId }, { sha256: 1 }).lean()).map((r) => ({ id: r._id, sha256: r.sha256 }));
  }
  return [...standing.records.filter((r) => !frozen.some((f) => f.id === r.id)), ...frozen];
}
