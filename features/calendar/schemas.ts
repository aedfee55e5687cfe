/** The request schemas of the working-day calendar. */
import { z } from 'zod';
import { calendarDate } from '../schemas';

export const calendarDeadlineQuerySchema = z.strictObject({
  from: calendarDate.describe('the CST date the limit is counted from (the count starts the day after)'),
  days: z.coerce.number().int().min(0).max(366).describe('working days'),
});

/** `PUT /v1/calendar/:year`: a year's notice, as the State Council General Office published it. */
export const loadCalendarBodySchema = z.strictObject({
  source: z.string().trim().min(1).max(500).describe('the notice the dates are transcribed from'),
  holidays: z
    .array(z.strictObject({ from: calendarDate, to: calendarDate }))
    .max(40)
    .describe('inclusive ranges of days off'),
  workingWeekendDays: z.array(calendarDate).max(20).describe('调休: weekend days that are working days'),
});
