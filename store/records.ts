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

/**
 * What a record of `review` is built from, read from the store as it stands; `pending` (a
 * transition's events, not yet in the log or stored already) stand in for the log from their first seq.
 */
async function sources(
  store: Pick<RecordStore, 'recordSources'>,
  offices: ReviewOffices,
  review: ReviewProjection,
  pending: readonly NewEvent[] = [],
): Promise<RecordSources> {
  const stored = await store.recordSources(review.reviewId, versionId(review.documentId, review.version));
  const from = pending[0]?.seq ?? Infinity;
  return {
    review,
    events: [...stored.events.filter((e) => e.seq < from).sort((a, b) => a.seq - b.seq), ...pending],
    version: stored.version,
    comments: stored.comments
      .map(commentFromDoc)
      .sort((a, b) =>
        a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt.localeCompare(b.createdAt),
      ),
    offices,
  };
}

/** A written record built and hashed, not yet stored. */
export type IssuedRecord = Omit<RecordDoc, 'createdAt'>;

const pageHash = (html: string): string => createHash('sha256').update(html, 'utf8').digest('hex');

/** The id of the record an event issues: the opinion of a closing with a verdict or a return, a revision letter. */
export function issuedRecordId(reviewId: string, event: NewEvent): string | undefined {
  if (event.type === 'revision_letter') return letterRecordId(reviewId, event.data.round);
  if (event.type === 'approved' || event.type === 'rejected' || event.type === 'returned') {
    return opinionRecordId(reviewId);
  }
  return undefined;
}

function builtOpinion(sources: RecordSources): IssuedRecord {
  const opinion = buildOpinion(sources);
  const html = opinionHtml(opinion);
  return {
    _id: opinionRecordId(sources.review.reviewId),
    reviewId: sources.review.reviewId,
    kind: 'opinion',
    ...(opinion.number && { number: opinion.number }),
    issuedOn: opinion.issuedOn,
    json: opinion,
    html,
    sha256: pageHash(html),
  };
}

function builtLetter(sources: RecordSources, round: number): IssuedRecord {
  const letter = buildRevisionLetter(sources, round);
  const html = revisionLetterHtml(letter);
  return {
    _id: letterRecordId(sources.review.reviewId, round),
    reviewId: sources.review.reviewId,
    kind: 'revision_letter',
    round,
    ...(letter.number && { number: letter.number }),
    issuedOn: letter.issuedOn,
    json: letter,
    html,
    sha256: pageHash(html),
  };
}

/**
 * Builds what the events of a transition issue (the opinion of a closing with a verdict or a
 * return, the letter of a request for changes) from the store and `events`, which need not be in
 * the log yet: the recording activity hashes the records before it logs the events that carry the
 * hashes. A record reads nothing of the hash its event carries, so building it again gives the same page.
 */
export async function buildIssuedRecords(
  store: RecordStore,
  offices: ReviewOffices,
  review: ReviewProjection,
  events: readonly NewEvent[],
): Promise<IssuedRecord[]> {
  const issuing = events.filter((e) => issuedRecordId(review.reviewId, e) !== undefined);
  if (issuing.length === 0) return [];
  const from = await sources(store, offices, review, events);
  return issuing.map((e) => (e.type === 'revision_letter' ? builtLetter(from, e.data.round) : builtOpinion(from)));
}

/** Stores built records (insert-if-absent): a record is frozen once, and the copy that stands is answered. */
export function storeRecords(
  store: RecordStore,
  settings: FreezeSettings,
  records: readonly IssuedRecord[],
): Promise<RecordDoc[]> {
  return Promise.all(records.map((record) => store.insertRecord({ ...record, createdAt: settings.now() })));
}

/** Freezes the opinion of a closed review (or returns the copy frozen before). */
export async function freezeOpinion(
  store: RecordStore,
  settings: FreezeSettings,
  review: ReviewProjection,
): Promise<RecordDoc> {
  const [stored] = await storeRecords(store, settings, [builtOpinion(await sources(store, settings.offices, review))]);
  return stored;
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
  const { json, html, sha256 } = builtOpinion({ ...read, review: signed, events: [...read.events, signing] });
  return { json, html, sha256 };
}
