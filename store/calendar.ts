/**
 * The working-day calendars loaded as data (`PUT /v1/calendar/:year`), one document per year; each
 * replaces the bundled year of the same number from then on (store/models.ts binds the model).
 */
import { Schema } from 'mongoose';

export interface CalendarYearDoc {
  /** The year, as text. */
  _id: string;
  year: number;
  source: string;
  /** Inclusive ranges of days off, as `YYYY-MM-DD` (objects: the embedded store keeps no nested arrays). */
  holidays: { from: string; to: string }[];
  workingWeekendDays: string[];
  loadedAt: Date;
  loadedBy: string;
  /**
   * Names this load (a hash of the notice and the load it replaced): the same notice loaded again keeps
   * it, so its re-dating job (`calendar-redating:<year>:<loadId>`) is found, not run twice. Absent on
   * years loaded before re-dating ran as a job.
   */
  loadId?: string;
  /** How many reviews were running when it was loaded. */
  runningReviews?: number;
}

export const calendarYearSchema = new Schema<CalendarYearDoc>(
  {
    _id: String,
    year: { type: Number, required: true },
    source: { type: String, required: true },
    holidays: { type: Schema.Types.Mixed, required: true },
    workingWeekendDays: { type: [String], default: [] },
    loadedAt: { type: Date, required: true },
    loadedBy: { type: String, required: true },
    loadId: String,
    runningReviews: Number,
  },
  { versionKey: false, minimize: false },
);

/**
 * What a re-dating job did to one running review (`_id` `<loadId>:<reviewId>`): written before its
 * Update is sent (with the due date before) and completed after, so a job resumed after a crash
 * finds each review once and never turns a move it made into "not moved".
 */
export interface CalendarRedatingDoc {
  _id: string;
  loadId: string;
  year: number;
  reviewId: string;
  /** The review's due date when the job reached it (null: its clock was not running). */
  before: string | null;
  /** Its due date once re-dated (null until done, or when its clock does not run). */
  after: string | null;
  moved: boolean;
  /** The Update was answered (or the review had closed meanwhile: `closed`). */
  done: boolean;
  closed?: boolean;
  /** Why the review refused the Update (it keeps its dates; the job went on). */
  refused?: string;
  at: Date;
}

export const calendarRedatingSchema = new Schema<CalendarRedatingDoc>(
  {
    _id: String,
    loadId: { type: String, required: true },
    year: { type: Number, required: true },
    reviewId: { type: String, required: true },
    before: { type: String, default: null },
    after: { type: String, default: null },
    moved: { type: Boolean, default: false },
    done: { type: Boolean, default: false },
    closed: Boolean,
    refused: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
calendarRedatingSchema.index({ loadId: 1, reviewId: 1 });
