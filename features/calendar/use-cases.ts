/**
 * The national working-day calendar that every deadline is computed on: each year's data with the
 * notice it comes from, and the date arithmetic, so clients can show and check the same figures.
 * A year the bundle holds as provisional (or not at all) can be loaded as data by an admin; the
 * engine uses it from then on, and re-dates every running review on it.
 * Always the real calendar, even when WORKING_DAY_DURATION compresses the engine's time.
 */
import type { YearSchedule } from '../../domain/calendar-data';
import {
  CalendarGapError,
  addWorkingDays,
  addWorkingDaysToDate,
  calendarOf,
  mergedSchedules,
  type TimeModel,
} from '../../domain/clock';
import type { Actor } from '../../domain/model';
import type { CalendarYearDoc } from '../../store/calendar';
import type { ReviewDoc } from '../../store/models';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { redateReview } from '../reviews/engine';

/** The years loaded as data, oldest first. */
export async function loadedSchedules(ctx: AppContext): Promise<YearSchedule[]> {
  const docs = await ctx.models.CalendarYear.find({}).lean<CalendarYearDoc[]>();
  return docs
    .map(({ year, source, holidays, workingWeekendDays }) => ({
      year,
      source,
      holidays: holidays.map(({ from, to }): [string, string] => [from, to]),
      workingWeekendDays,
    }))
    .sort((a, b) => a.year - b.year);
}

/** The configured time model with the years loaded as data: what new reviews and the views compute on. */
export async function currentTimeModel(ctx: AppContext): Promise<TimeModel> {
  const calendar = await loadedSchedules(ctx);
  return calendar.length === 0 ? ctx.config.timeModel : { ...ctx.config.timeModel, calendar };
}

/** `GET /v1/calendar/deadline`: the date a limit of `days` working days counted from `from` ends (CST). */
export async function deadline(ctx: AppContext, query: { from: string; days: number }) {
  const model: TimeModel = { calendar: await loadedSchedules(ctx) };
  try {
    const dueDate = addWorkingDaysToDate(query.from, query.days, calendarOf(model));
    // The same instant the engine gives a task opened on `from` with this limit.
    const dueAt = addWorkingDays(new Date(`${query.from}T00:00:00+08:00`), query.days, model).toISOString();
    return { from: query.from, days: query.days, dueDate, dueAt };
  } catch (err) {
    if (err instanceof CalendarGapError) throw AppError.invalid('from', err.message);
    throw err;
  }
}

function parseYear(year: string): number {
  if (!/^\d{4}$/.test(year)) throw AppError.invalid('year', 'must be a four-digit year');
  return Number(year);
}

/** `GET /v1/calendar/:year`: a year's holidays and 调休 working weekend days, with their source. */
export async function calendarYear(ctx: AppContext, yearText: string) {
  const year = parseYear(yearText);
  const schedule = mergedSchedules(await loadedSchedules(ctx)).find((s) => s.year === year);
  if (!schedule) throw AppError.notFound(`the working-day calendar of ${year}`);
  return {
    year: schedule.year,
    source: schedule.source,
    ...(schedule.provisional && { provisional: schedule.provisional }),
    holidays: schedule.holidays.map(([from, to]) => ({ from, to })),
    workingWeekendDays: schedule.workingWeekendDays,
  };
}

/** How many running reviews are re-dated at once. */
const REDATE_CONCURRENCY = 8;

/**
 * `PUT /v1/calendar/:year` (admin): stores the year's notice, then re-dates every running review on
 * it (each records `calendar_updated` when its deadlines moved). Loading the same notice again
 * moves nothing. Answers the calendar and the reviews whose due dates moved.
 */
export async function loadCalendar(
  ctx: AppContext,
  actor: Actor,
  yearText: string,
  body: { source: string; holidays: { from: string; to: string }[]; workingWeekendDays: string[] },
  requestId: string,
) {
  if (!actor.roles.includes('admin')) throw AppError.forbidden('只有管理员可以载入工作日历');
  const year = parseYear(yearText);
  const inYear = (date: string) => date.startsWith(`${year}-`);
  body.holidays.forEach(({ from, to }, i) => {
    if (!inYear(from) || !inYear(to)) throw AppError.invalid(`holidays.${i}`, `日期须在${year}年内`);
    if (to < from) throw AppError.invalid(`holidays.${i}.to`, '结束日期不能早于开始日期');
  });
  body.workingWeekendDays.forEach((date, i) => {
    if (!inYear(date)) throw AppError.invalid(`workingWeekendDays.${i}`, `日期须在${year}年内`);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) throw AppError.invalid(`workingWeekendDays.${i}`, '调休上班日须是周六或周日');
  });
  const schedule: YearSchedule = {
    year,
    source: body.source,
    holidays: body.holidays.map(({ from, to }) => [from, to]),
    workingWeekendDays: [...body.workingWeekendDays].sort(),
  };
  await ctx.models.CalendarYear.replaceOne(
    { _id: String(year) },
    {
      _id: String(year),
      year,
      source: schedule.source,
      holidays: body.holidays.map(({ from, to }) => ({ from, to })),
      workingWeekendDays: schedule.workingWeekendDays,
      loadedAt: ctx.now(),
      loadedBy: actor.sub,
    },
    { upsert: true },
  );
  const running = await ctx.models.Review.find({ status: 'in_review' }, { _id: 1, clock: 1 }).lean<
    Pick<ReviewDoc, '_id' | 'clock'>[]
  >();
  const moved: { reviewId: string; reviewDueAt: { before: string | null; after: string | null } }[] = [];
  const queue = [...running];
  const redateNext = async (): Promise<void> => {
    for (let review = queue.shift(); review; review = queue.shift()) {
      const before = review.clock?.runningSince ? (review.clock.dueAt ?? null) : null;
      try {
        const result = await redateReview(ctx, review._id, { schedule }, requestId);
        if (result.moved)
          moved.push({ reviewId: review._id, reviewDueAt: { before, after: result.reviewDueAt ?? null } });
      } catch (err) {
        // Closed meanwhile: nothing of it runs to re-date.
        if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: REDATE_CONCURRENCY }, redateNext));
  return {
    calendar: await calendarYear(ctx, String(year)),
    runningReviews: running.length,
    moved: moved.sort((a, b) => a.reviewId.localeCompare(b.reviewId)),
  };
}
