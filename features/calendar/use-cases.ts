/**
 * The national working-day calendar that every deadline is computed on: each year's data with the
 * notice it comes from, and the date arithmetic, so clients can show and check the same figures.
 * A year the bundle holds as provisional (or not at all) can be loaded as data by an admin; the
 * engine uses it from then on, and re-dates every running review on it.
 * Always the real calendar, even when WORKING_DAY_DURATION compresses the engine's time.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
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
import { calendarRedatingId, type CalendarRedatingInput } from '../../domain/messages';
import { canonicalJson } from '../../domain/review-log';
import { budgetSignal } from '../../platform/budget';
import { signRequest } from '../../platform/signing';
import type { CalendarRedatingDoc, CalendarYearDoc } from '../../store/calendar';
import type { AppContext } from '../context';
import { AppError } from '../errors';

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

/** A review a load moved: its due date before and after. */
export interface MovedReview {
  reviewId: string;
  reviewDueAt: { before: string | null; after: string | null };
}

/** Where a load's re-dating job stands (`redating` in the answers below). */
export interface RedatingProgress {
  /** The job's workflow id, `calendar-redating:<year>:<loadId>`. */
  id: string;
  /** `not_started`: the notice is stored but its job never started (loading it again starts it). */
  status: 'running' | 'completed' | 'failed' | 'not_started';
  /** Running reviews the job has re-dated so far (moved or not). */
  redated: number;
  /** Reviews running when the year was loaded. */
  runningReviews: number;
}

type Notice = Pick<CalendarYearDoc, 'source' | 'holidays' | 'workingWeekendDays'>;

const noticeOf = (doc: Notice): Notice => ({
  source: doc.source,
  holidays: doc.holidays.map(({ from, to }) => ({ from, to })),
  workingWeekendDays: [...doc.workingWeekendDays],
});

/**
 * Names a load: the notice and the load it replaces. The same notice loaded again keeps the stored
 * id (its job is found, not run twice); concurrent identical loads compute the same id; a notice
 * loaded back after another is a new load (and a new job), since the reviews run on the other now.
 */
function loadIdOf(year: number, notice: Notice, previous: string | undefined): string {
  return createHash('sha256')
    .update(canonicalJson({ year, notice, previous: previous ?? null }))
    .digest('hex')
    .slice(0, 20);
}

/** Starts the load's job, or joins it; false when it has already finished (a repeated load). */
async function startRedating(ctx: AppContext, input: CalendarRedatingInput, requestId: string): Promise<boolean> {
  const workflowId = calendarRedatingId(input.year, input.loadId);
  try {
    await ctx.temporal.workflow.start('calendarRedating', {
      workflowId,
      taskQueue: ctx.config.temporal.taskQueue,
      args: [signRequest(ctx.signingKeys, 'calendarRedating', workflowId, input, requestId)],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A job that failed or was stopped runs again when the notice is loaded again; a finished one never.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/** Whether the job finished within `ms` (a job that failed throws). */
async function finishedWithin(ctx: AppContext, workflowId: string, ms: number): Promise<boolean> {
  const request = budgetSignal();
  const timeout = AbortSignal.timeout(ms);
  const signal = request ? AbortSignal.any([request, timeout]) : timeout;
  try {
    await ctx.temporal.withAbortSignal(signal, () => ctx.temporal.workflow.getHandle(workflowId).result());
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}

async function movedBy(ctx: AppContext, loadId: string): Promise<MovedReview[]> {
  const docs = await ctx.models.CalendarRedating.find({ loadId, moved: true }).lean<CalendarRedatingDoc[]>();
  return docs
    .map(({ reviewId, before, after }) => ({ reviewId, reviewDueAt: { before, after } }))
    .sort((a, b) => a.reviewId.localeCompare(b.reviewId));
}

/** The reviews that refused the load's Update, with their reasons: they keep their dates. */
async function refusedBy(ctx: AppContext, loadId: string): Promise<{ reviewId: string; reason: string }[]> {
  const docs = await ctx.models.CalendarRedating.find({ loadId, refused: { $type: 'string' } }).lean<
    CalendarRedatingDoc[]
  >();
  return docs
    .map(({ reviewId, refused }) => ({ reviewId, reason: refused ?? '' }))
    .sort((a, b) => a.reviewId.localeCompare(b.reviewId));
}

async function progressOf(ctx: AppContext, year: number, stored: CalendarYearDoc & { loadId: string }) {
  const id = calendarRedatingId(year, stored.loadId);
  let status: RedatingProgress['status'];
  try {
    const { status: run } = await ctx.temporal.workflow.getHandle(id).describe();
    status = run.name === 'RUNNING' ? 'running' : run.name === 'COMPLETED' ? 'completed' : 'failed';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    status = 'not_started';
  }
  const redated = await ctx.models.CalendarRedating.countDocuments({ loadId: stored.loadId, done: true });
  const progress: RedatingProgress = { id, status, redated, runningReviews: stored.runningReviews ?? 0 };
  return progress;
}

/**
 * `PUT /v1/calendar/:year` (admin): stores the year's notice, then has every running review re-dated
 * on it by a job on Temporal (workflows/calendar-redating.ts: paged, resumable; each review records
 * `calendar_updated` when its deadlines moved). Waits CALENDAR_REDATING_WAIT for the job: answers the
 * calendar and the reviews whose due dates moved, and, when the job is still running, `redating` with
 * its progress (`GET /v1/calendar/:year/redating` follows it). Loading the same notice again starts no
 * second job and moves nothing.
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
  const notice = noticeOf({ ...body, workingWeekendDays: schedule.workingWeekendDays });
  const stored = await ctx.models.CalendarYear.findById(String(year)).lean<CalendarYearDoc>();
  const again = stored?.loadId !== undefined && canonicalJson(noticeOf(stored)) === canonicalJson(notice);
  const loadId = again ? stored.loadId! : loadIdOf(year, notice, stored?.loadId);
  let runningReviews = stored?.runningReviews ?? 0;
  if (!again) {
    runningReviews = await ctx.models.Review.countDocuments({ status: 'in_review' });
    // Stored before its job starts: a crash in between leaves a notice that loading again re-dates on.
    await ctx.models.CalendarYear.replaceOne(
      { _id: String(year) },
      {
        _id: String(year),
        year,
        ...notice,
        loadedAt: ctx.now(),
        loadedBy: actor.sub,
        loadId,
        runningReviews,
      },
      { upsert: true },
    );
  }
  const input: CalendarRedatingInput = { year, loadId, schedule, pageSize: ctx.config.calendarRedating.pageSize };
  const started = await startRedating(ctx, input, requestId);
  const calendar = await calendarYear(ctx, String(year));
  // The same notice, whose job finished before: nothing moves now.
  if (!started) return { calendar, runningReviews, moved: [] as MovedReview[] };
  const id = calendarRedatingId(year, loadId);
  const finished = await finishedWithin(ctx, id, ctx.config.calendarRedating.waitMs);
  const moved = await movedBy(ctx, loadId);
  if (finished) return { calendar, runningReviews, moved };
  const redated = await ctx.models.CalendarRedating.countDocuments({ loadId, done: true });
  const redating: RedatingProgress = { id, status: 'running', redated, runningReviews };
  return { calendar, runningReviews, moved, redating };
}

/**
 * `GET /v1/calendar/:year/redating` (admin): the progress of the re-dating job of the year's last
 * load, and the reviews it has moved so far.
 */
export async function redatingProgress(ctx: AppContext, actor: Actor, yearText: string) {
  if (!actor.roles.includes('admin')) throw AppError.forbidden('只有管理员可以查看工作日历的重算进度');
  const year = parseYear(yearText);
  const stored = await ctx.models.CalendarYear.findById(String(year)).lean<CalendarYearDoc>();
  if (!stored?.loadId) throw AppError.notFound(`a re-dating of ${year}`);
  const loaded = { ...stored, loadId: stored.loadId };
  const progress = await progressOf(ctx, year, loaded);
  return {
    year,
    loadId: stored.loadId,
    loadedAt: stored.loadedAt.toISOString(),
    ...progress,
    moved: await movedBy(ctx, stored.loadId),
    refused: await refusedBy(ctx, stored.loadId),
  };
}
