/**
 * Recording one transition of a review, against any `RecordingStore`: the recording activity runs
 * it on MongoDB (index.ts), the benchmark's seeding on a bulk store. The steps, in order: give the
 * numbered events their numbers; when they issue a written record (a closing's opinion, a revision
 * letter), build it and put its page's SHA-256 into the event that issues it; append the events to
 * the log, write the records they carry (comments, dispositions, notifications, supplied materials),
 * then move the projections forward, freeze the written record and index a closed review's
 * precedents; meanwhile, move the register row, the year's counters and the statistics' counters
 * forward. Each step is idempotent, so a retried recording stores nothing twice.
 */
import type { TimeModel } from '../domain/clock';
import type { TaskRecord } from '../domain/model';
import type { NumberFormats, ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import { sideRecords, type NewEvent, type SideRecords } from '../domain/review-log';
import { versionId } from '../store/models';
import type { RecordingStore } from '../store/recording-store';
import { statsComponents } from '../store/stats-counters';
import { buildIssuedRecords, issuedRecordId, storeRecords, type IssuedRecord } from '../store/records';
import { appendEvents, eventId, writeProjection, writeSideRecords } from './log-store';
import { assignNumbers } from './numbering';
import { writeRegister } from './register';

/** One transition, as the workflow plans it (workflows/transition.ts). */
export interface TransitionRecord {
  /** The transition's events, in order, continuing the log after `prevHash`. */
  events: NewEvent[];
  prevHash: string;
  /** The review as it stands after the transition. */
  review: ReviewProjection;
  /** The tasks the transition changed, as they stand after it. */
  tasks: TaskRecord[];
}

export interface RecordTransitionResult {
  lastHash: string;
  /** The numbers given to the transition's numbered events. */
  numbers: { seq: number; number: string }[];
}

export interface RecordingSettings {
  /** NUMBER_FORMATS and REVIEW_OFFICES: how numbers are written and records name the review bodies. */
  formats: NumberFormats;
  offices: ReviewOffices;
  /** The clock that dates a frozen record. */
  now: () => Date;
  /** The working day's length the statistics time concluded reviews by (compressed in demos and tests). */
  timeModel?: TimeModel;
}

/** A record the transition froze, as it stands stored (the copy frozen first, on a retry). */
export interface FrozenRecord {
  id: string;
  sha256: string;
}

/** More that the recording activity writes as a transition is stored, each as soon as what it needs is. */
export interface RecordingSteps {
  /**
   * Moves the review's seal to the log's new head; `frozen`: the records the transition froze, whose
   * stored hashes the seal lists beside those it listed before. Runs once the events are logged, beside
   * the rest; when the transition freezes records, once they are stored.
   */
  moveSeal?: (lastHash: string, frozen: readonly FrozenRecord[]) => Promise<void>;
  /**
   * Runs for a transition that closes the review, with the review as it closed (numbered), once
   * the side records are stored (a closing's precedents), beside the projections.
   */
  closed?: (review: ReviewProjection) => Promise<unknown>;
}

/**
 * Stores one transition. Returns the log's last hash for the next transition to chain on, and the
 * numbers assigned, for the workflow to take into its state.
 */
export async function recordTransition(
  store: RecordingStore,
  settings: RecordingSettings,
  transition: TransitionRecord,
  { moveSeal, closed }: RecordingSteps = {},
): Promise<RecordTransitionResult> {
  const numbered = await assignNumbers(store, settings, transition.review, transition.events);
  const { review, numbers } = numbered;
  const side = sideRecords(review, numbered.events);
  const { events, records, sideWritten } = await withRecordHashes(store, settings, review, numbered.events, side);
  const lastHash = await appendEvents(store, review.reviewId, transition.prevHash, events);
  // The records a transition freezes, then the seal that lists them as stored.
  const freezeAndSeal = async (build: () => Promise<IssuedRecord[]>): Promise<void> => {
    const stored = await storeRecords(store, settings, await build());
    await moveSeal?.(
      lastHash,
      stored.map((r) => ({ id: r._id, sha256: r.sha256 })),
    );
  };
  // The projections, the frozen records and a closing's precedents follow the side records they
  // point at or are made from; the register row and the year's counters (a few round trips of their
  // own) depend on nothing else written here, so they go alongside, as does the seal of a
  // transition that freezes nothing.
  const afterSideRecords = async (): Promise<void> => {
    if (!sideWritten) await writeSideRecords(store, side);
    await Promise.all([
      writeProjection(store, review, transition.tasks, events),
      records && freezeAndSeal(records),
      review.status !== 'in_review' && closed?.(review),
    ]);
  };
  await Promise.all([
    afterSideRecords(),
    writeRegister(store, review, events),
    countTransitionStats(store, settings, transition),
    !records && moveSeal?.(lastHash, []),
  ]);
  return { lastHash, numbers };
}

/** The difference the transition makes to the supervisors' statistics: its review and the tasks it moved. */
async function countTransitionStats(
  store: RecordingStore,
  settings: RecordingSettings,
  { events, review, tasks }: TransitionRecord,
): Promise<void> {
  if (events.length === 0) return;
  const components = statsComponents(settings.timeModel ?? {}, { ...review, id: review.reviewId }, tasks);
  await store.countStats(review.reviewId, events[events.length - 1].seq, components);
}

/**
 * The events with the SHA-256 of the record each issues (`data.recordSha256`), so that the chain
 * covers the opinion and the letters; and the records, to store once the events are logged. The
 * records are built and hashed before their events are logged, from the side records written first.
 * A position the log holds already is a retry (or a stray run, which `appendEvents` refuses before
 * anything else is written): its events carry the hashes as logged, and its records are built after.
 */
async function withRecordHashes(
  store: RecordingStore,
  settings: RecordingSettings,
  review: TransitionRecord['review'],
  events: NewEvent[],
  side: SideRecords,
): Promise<{ events: NewEvent[]; records?: () => Promise<IssuedRecord[]>; sideWritten: boolean }> {
  const { reviewId } = review;
  if (!events.some((e) => issuedRecordId(reviewId, e) !== undefined)) return { events, sideWritten: false };
  const build = (from: NewEvent[]) => buildIssuedRecords(store, settings.offices, review, from);
  // One read by id tells a first recording (the usual case) from a retry, which reads the log.
  if (await store.holdsEvent(reviewId, eventId(reviewId, events[0].seq))) {
    const logged = (await store.recordSources(reviewId, versionId(review.documentId, review.version))).events;
    const loggedHash = new Map(logged.map((e) => [e.seq, recordHashOf(e)]));
    const stamped = events.map((e) => withRecordHash(e, loggedHash.get(e.seq)));
    return { events: stamped, records: () => build(stamped), sideWritten: false };
  }
  await writeSideRecords(store, side);
  const built = await build(events);
  const hashOf = new Map(built.map((r) => [r._id, r.sha256]));
  const stamped = events.map((e) => withRecordHash(e, hashOf.get(issuedRecordId(reviewId, e) ?? '')));
  return { events: stamped, records: () => Promise.resolve(built), sideWritten: true };
}

function recordHashOf(event: NewEvent): string | undefined {
  const hash = (event.data as { recordSha256?: unknown }).recordSha256;
  return typeof hash === 'string' ? hash : undefined;
}

function withRecordHash(event: NewEvent, recordSha256: string | undefined): NewEvent {
  return recordSha256 === undefined ? event : ({ ...event, data: { ...event.data, recordSha256 } } as NewEvent);
}
