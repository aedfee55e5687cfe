/**
 * Recording one transition of a review, against any `RecordingStore`: the recording activity runs
 * it on MongoDB (index.ts), the benchmark's seeding on a bulk store. The steps, in order: give the
 * numbered events their numbers, append the events to the log, write the records they carry
 * (comments, dispositions, notifications, supplied materials), move the projections forward, and
 * freeze the written record a closing or a revision request issues; meanwhile, move the register
 * row and the year's counters forward. Each step is idempotent, so a retried recording stores
 * nothing twice.
 */
import type { TaskRecord } from '../domain/model';
import type { NumberFormats, ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import { sideRecords, type NewEvent } from '../domain/review-log';
import type { RecordingStore } from '../store/recording-store';
import { freezeRecords } from '../store/records';
import { appendEvents, writeProjection, writeSideRecords } from './log-store';
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
}

/**
 * Stores one transition. Returns the log's last hash for the next transition to chain on, and the
 * numbers assigned, for the workflow to take into its state.
 */
export async function recordTransition(
  store: RecordingStore,
  settings: RecordingSettings,
  transition: TransitionRecord,
): Promise<RecordTransitionResult> {
  const { events, review, numbers } = await assignNumbers(store, settings, transition.review, transition.events);
  const lastHash = await appendEvents(store, review.reviewId, transition.prevHash, events);
  // The register row and the year's counters (a few round trips of their own) depend on nothing
  // else written here, so they go alongside; the projections follow the records they point at.
  await Promise.all([
    (async () => {
      await writeSideRecords(store, sideRecords(review, events));
      await writeProjection(store, review, transition.tasks, events);
      await freezeRecords(store, settings, review, events);
    })(),
    writeRegister(store, review, events),
  ]);
  return { lastHash, numbers };
}
