/**
 * The written record, frozen: an opinion or a revision letter is rendered once, when it is issued,
 * and stored with the SHA-256 of its page; every later read serves that copy, whatever changes
 * afterwards (a document retitled, a comment edited). Insert-if-absent, so a retried recording or
 * two readers at once freeze one copy.
 */
import { createHash } from 'node:crypto';
import type { ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import { clockUsedMsAtStop, workingDayLength, type TimeModel } from '../domain/clock';
import { conclusionOnSigning, type ActorRef } from '../domain/model';
import { reviewProjection } from '../domain/projection';
import { applyEvent, foldEvents, type NewEvent } from '../domain/review-log';
import { buildOpinion, buildRevisionLetter, type RecordSources } from '../domain/written-record';
import { opinionHtml, revisionLetterHtml } from '../records/pages';
import { commentFromDoc, versionId, type RecordDoc } from './models';
import type { RecordingStore } from './recording-store';

export const opinionRecordId = (reviewId: string) => `${reviewId}:opinion`;
export const letterRecordId = (reviewId: string, round: number) => `${reviewId}:revision-letter:${round}`;

/** What freezing reads and writes. */
type RecordStore = Pick<RecordingStore, 'recordSources' | 'insertRecord'>;

/** How records name the review bodies, and the clock that dates a frozen copy. */
export interface FreezeSettings {
  offices: ReviewOffices;
  now: () => Date;
}

/** What a record of `review` is built from, read from the store as it stands. */
async function sources(
  store: Pick<RecordStore, 'recordSources'>,
  offices: ReviewOffices,
  review: ReviewProjection,
): Promise<RecordSources> {
  const stored = await store.recordSources(review.reviewId, versionId(review.documentId, review.version));
  return {
    review,
    events: stored.events.sort((a, b) => a.seq - b.seq),
    version: stored.version,
    comments: stored.comments
      .map(commentFromDoc)
      .sort((a, b) =>
        a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt),
      ),
    offices,
  };
}

async function freeze(
  store: RecordStore,
  settings: FreezeSettings,
  record: Omit<RecordDoc, 'sha256' | 'createdAt'>,
): Promise<RecordDoc> {
  return store.insertRecord({
    ...record,
    sha256: createHash('sha256').update(record.html, 'utf8').digest('hex'),
    createdAt: settings.now(),
  });
}

/** Freezes the opinion of a closed review (or returns the copy frozen before). */
export async function freezeOpinion(
  store: RecordStore,
  settings: FreezeSettings,
  review: ReviewProjection,
): Promise<RecordDoc> {
  const opinion = buildOpinion(await sources(store, settings.offices, review));
  return freeze(store, settings, {
    _id: opinionRecordId(review.reviewId),
    reviewId: review.reviewId,
    kind: 'opinion',
    ...(opinion.number && { number: opinion.number }),
    issuedOn: opinion.issuedOn,
    json: opinion,
    html: opinionHtml(opinion),
  });
}

/**
 * The opinion as it would be frozen were the review signed now by `signer` (待签发稿): the log's own
 * reducer applies the signing's closing to the review in memory, then the same builder and page
 * as {@link freezeOpinion}. Not stored, and without a number (one is taken on signing).
 */
export async function draftOpinion(
  store: Pick<RecordingStore, 'recordSources'>,
  settings: FreezeSettings & { timeModel: TimeModel },
  review: ReviewProjection,
  signer: ActorRef,
): Promise<Pick<RecordDoc, 'json' | 'html' | 'sha256'>> {
  const read = await sources(store, settings.offices, review);
  const at = settings.now();
  const state = foldEvents(read.events);
  if (!state) throw new Error(`review ${review.reviewId} has no log`);
  const clockUsedMs = clockUsedMsAtStop(state.clock, at, settings.timeModel) ?? state.clock.usedMsBeforeRun;
  const signing: NewEvent = {
    seq: state.lastSeq + 1,
    type: 'approved',
    at: at.toISOString(),
    actor: signer,
    data: {
      clockUsedMs,
      workingDaysUsed: Math.floor(clockUsedMs / workingDayLength(settings.timeModel)),
      conclusion: conclusionOnSigning(state.revisions),
    },
  };
  const signed = reviewProjection(applyEvent(state, signing));
  const opinion = buildOpinion({ ...read, review: signed, events: [...read.events, signing] });
  const html = opinionHtml(opinion);
  return { json: opinion, html, sha256: createHash('sha256').update(html, 'utf8').digest('hex') };
}

/**
 * Freezes what the events of a transition issue: the opinion of a closing with a verdict or a
 * return, the letter of a request for changes.
 */
export async function freezeRecords(
  store: RecordStore,
  settings: FreezeSettings,
  review: ReviewProjection,
  events: readonly NewEvent[],
): Promise<void> {
  const letters = events.filter(
    (e): e is Extract<NewEvent, { type: 'revision_letter' }> => e.type === 'revision_letter',
  );
  for (const letter of letters) {
    const built = buildRevisionLetter(await sources(store, settings.offices, review), letter.data.round);
    await freeze(store, settings, {
      _id: letterRecordId(review.reviewId, letter.data.round),
      reviewId: review.reviewId,
      kind: 'revision_letter',
      round: letter.data.round,
      ...(built.number && { number: built.number }),
      issuedOn: built.issuedOn,
      json: built,
      html: revisionLetterHtml(built),
    });
  }
  if (events.some((e) => e.type === 'approved' || e.type === 'rejected' || e.type === 'returned')) {
    await freezeOpinion(store, settings, review);
  }
}
