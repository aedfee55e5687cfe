/**
 * The national working-day calendar that every deadline is computed on: each year's data with the
 * notice it comes from, and the date arithmetic, so clients can show and check the same figures.
 * Always the real calendar, even when WORKING_DAY_DURATION compresses the engine's time.
 */
import { CalendarGapError, NATIONAL_CALENDAR, addWorkingDays, addWorkingDaysToDate } from '../../domain/clock';
import { AppError } from '../errors';

/** `GET /v1/calendar/deadline`: the date a limit of `days` working days counted from `from` ends (CST). */
export function deadline(query: { from: string; days: number }) {
  try {
    const dueDate = addWorkingDaysToDate(query.from, query.days);
    // The same instant the engine gives a task opened on `from` with this limit.
    const dueAt = addWorkingDays(new Date(`${query.from}T00:00:00+08:00`), query.days, {}).toISOString();
    return { from: query.from, days: query.days, dueDate, dueAt };
  } catch (err) {
    if (err instanceof CalendarGapError) throw AppError.invalid('from', err.message);
    throw err;
  }
}

/** `GET /v1/calendar/:year`: a year's holidays and 调休 working weekend days, with their source. */
export function calendarYear(year: string) {
  if (!/^\d{4}$/.test(year)) throw AppError.invalid('year', 'must be a four-digit year');
  const schedule = NATIONAL_CALENDAR.schedule(Number(year));
  if (!schedule) throw AppError.notFound(`the working-day calendar of ${year}`);
  return {
    year: schedule.year,
    source: schedule.source,
    ...(schedule.provisional && { provisional: schedule.provisional }),
    holidays: schedule.holidays.map(([from, to]) => ({ from, to })),
    workingWeekendDays: schedule.workingWeekendDays,
  };
}
