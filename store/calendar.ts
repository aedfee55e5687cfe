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
  },
  { versionKey: false, minimize: false },
);
