/**
 * The written record, frozen: an opinion or a revision letter is rendered once, when it is issued,
 * and stored with the SHA-256 of its page; every later read serves that copy, whatever changes
 * afterwards (a document retitled, a comment edited). Insert-if-absent, so a retried recording or
 * two readers at once freeze one copy.
 */
import { createHash } from 'node:crypto';
import type { ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import type { NewEvent } from '../domain/review-log';
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
async function sources(store: RecordStore, offices: ReviewOffices, review: ReviewProjection): Promise<RecordSources> {
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
