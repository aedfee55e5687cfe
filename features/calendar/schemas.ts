/** The request schemas of the working-day calendar. */
import { z } from 'zod';
import { calendarDate } from '../schemas';

export const calendarDeadlineQuerySchema = z.strictObject({
  from: calendarDate.describe('the CST date the limit is counted from (the count starts the day after)'),
  days: z.coerce.number().int().min(0).max(366).describe('working days'),
});
