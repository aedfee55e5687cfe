/**
 * Working-day arithmetic for the review clock, in China Standard Time (UTC+8, no daylight saving),
 * on the national calendar of `calendar-data.ts`. Pure code: the workflow, the worker and the API
 * all compute deadlines the same way, whatever the process's time zone.
 *
 * Time is measured in "working milliseconds": the part of an interval that falls on working days.
 * With a compressed time model (`WORKING_DAY_DURATION`) every millisecond is working time, one
 * working day lasts `workingDayMs` and the calendar is not used. With a simulated clock
 * (`SIMULATED_DATE`, `TimeModel.simulated`) time is compressed too but follows the calendar: each
 * function maps real instants to simulated ones, computes on the calendar as on real time, and maps
 * the instants it answers back; working milliseconds are then simulated ones (a working day is 24 h).
 */
import { NATIONAL_SCHEDULES, type YearSchedule } from './calendar-data';
import type { ClockState, TaskKind } from './model';

const DAY_MS = 24 * 60 * 60 * 1000;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * A simulated clock: from the real instant `since`, simulated time runs from the start (00:00 CST)
 * of the calendar date `date`, one simulated day every `dayMs` real milliseconds (`dayMs` divides a
 * day, so every simulated midnight falls on a whole real millisecond). Real instant t reads as
 * simulated s = start(date) + (t − since) × (24 h ÷ dayMs).
 */
export interface SimulatedClock {
  /** The real instant (ISO) at which the simulated clock reads 00:00 CST of `date`. */
  since: string;
  /** The simulated calendar date (CST, `YYYY-MM-DD`) the clock starts from. */
  date: string;
  /** Real milliseconds one simulated day (working or not) lasts. */
  dayMs: number;
}

export interface TimeModel {
  /** Set when time is compressed for demos and tests: the length of one working day. */
  workingDayMs?: number;
  /**
   * Set when time is compressed on a simulated date that follows the calendar (never together with
   * `workingDayMs`). Recorded with the rest of the model in a review's input.
   */
  simulated?: SimulatedClock;
  /**
   * Years loaded as data (`PUT /v1/calendar/:year`) after the bundle was built: each replaces the
   * bundled year of the same number. Part of a review's recorded input, so replays compute alike.
   */
  calendar?: YearSchedule[];
}

/**
 * A deadline as people read it, in China Standard Time: a midnight is "the end of" the day before
 * (deadlines fall at the end of a working day); anything else is the date and time. On a simulated
 * clock, the simulated date and time.
 */
export function describeInstant(iso: string, model: TimeModel = {}): string {
  const at = model.simulated ? toSimulated(Date.parse(iso), model.simulated) : Date.parse(iso);
  const local = new Date(at + CST_OFFSET_MS).toISOString(); // UTC fields now read as CST
  const [date, time] = [local.slice(0, 10), local.slice(11, 19)];
  if (time === '00:00:00') return `the end of ${new Date(Date.parse(date) - DAY_MS).toISOString().slice(0, 10)} (CST)`;
  return `${date} ${time} (CST)`;
}

/** Working-day limits; local rules may set other figures through configuration. */
export interface ReviewPolicy {
  reviewWorkingDays: number;
  /** The whole review's limit for a draft marked urgent (defaults to `reviewWorkingDays`). */
  urgentReviewWorkingDays?: number;
  /** The most working days extensions may add to one review in all. */
  maxExtensionWorkingDays?: number;
  consultationWorkingDays: number;
  urgentConsultationWorkingDays: number;
  consolidationWorkingDays: number;
  signoffWorkingDays: number;
}

/** 115号 sets five working days as the normal minimum for a review: less is allowed, but flagged. */
export const NORMAL_MINIMUM_WORKING_DAYS = 5;

export const DEFAULT_POLICY: ReviewPolicy = {
  reviewWorkingDays: 15,
  maxExtensionWorkingDays: 15,
  consultationWorkingDays: 5,
  urgentConsultationWorkingDays: 2,
  consolidationWorkingDays: 3,
  signoffWorkingDays: 3,
};

/** Thrown when a computation reaches a year the calendar has no data for: never guessed. */
export class CalendarGapError extends Error {
  constructor(readonly year: number) {
    super(
      `the working-day calendar has no data for ${year}: add the State Council General Office's ` +
        `notice for ${year} to domain/calendar-data.ts`,
    );
    this.name = 'CalendarGapError';
  }
}

/** Days are numbered from 1970-01-01 in China Standard Time; the number's UTC date is the CST date. */
function dayIndexOf(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS;
}

function yearOf(dayIndex: number): number {
  return new Date(dayIndex * DAY_MS).getUTCFullYear();
}

/** Weekends, public holidays and 调休 working weekend days, for the years it has data for. */
export class WorkingCalendar {
  private readonly years = new Map<number, YearSchedule>();
  /** Days whose status differs from the plain weekend rule: true = working, false = day off. */
  private readonly exceptions = new Map<number, boolean>();

  constructor(schedules: readonly YearSchedule[]) {
    for (const schedule of schedules) {
      this.years.set(schedule.year, schedule);
      for (const [first, last] of schedule.holidays) {
        for (let day = dayIndexOf(first); day <= dayIndexOf(last); day++) this.exceptions.set(day, false);
      }
      for (const date of schedule.workingWeekendDays) this.exceptions.set(dayIndexOf(date), true);
    }
  }

  /** The schedule of `year`, or undefined when the calendar has none. */
  schedule(year: number): YearSchedule | undefined {
    return this.years.get(year);
  }

  isWorkingDay(dayIndex: number): boolean {
    const year = yearOf(dayIndex);
    if (!this.years.has(year)) throw new CalendarGapError(year);
    const exception = this.exceptions.get(dayIndex);
    if (exception !== undefined) return exception;
    const weekday = (dayIndex + 4) % 7; // day 0 (1970-01-01) was a Thursday
    return weekday !== 0 && weekday !== 6;
  }
}

export const NATIONAL_CALENDAR = new WorkingCalendar(NATIONAL_SCHEDULES);

/** The bundled years, with the loaded ones in place of theirs. */
export function mergedSchedules(loaded: readonly YearSchedule[] = []): YearSchedule[] {
  const years = new Map(NATIONAL_SCHEDULES.map((s) => [s.year, s]));
  for (const schedule of loaded) years.set(schedule.year, schedule);
  return [...years.values()].sort((a, b) => a.year - b.year);
}

/** Calendars built once per loaded set (a pure cache: the same input gives the same calendar). */
const loadedCalendars = new WeakMap<readonly YearSchedule[], WorkingCalendar>();

/** The calendar a time model's deadlines are computed on: the national one, with its loaded years. */
export function calendarOf(model: TimeModel): WorkingCalendar {
  if (!model.calendar || model.calendar.length === 0) return NATIONAL_CALENDAR;
  let calendar = loadedCalendars.get(model.calendar);
  if (!calendar) {
    calendar = new WorkingCalendar(mergedSchedules(model.calendar));
    loadedCalendars.set(model.calendar, calendar);
  }
  return calendar;
}

/** Whether the CST calendar date `YYYY-MM-DD` is a working day on the national calendar. */
export function isWorkingDate(isoDate: string, calendar = NATIONAL_CALENDAR): boolean {
  return calendar.isWorkingDay(dayIndexOf(isoDate));
}

/**
 * The calendar date (CST, `YYYY-MM-DD`) on which a limit of `days` working days counted from the
 * day after `isoDate` ends: a task opened on `isoDate` is due by the end of that day.
 */
export function addWorkingDaysToDate(isoDate: string, days: number, calendar = NATIONAL_CALENDAR): string {
  return new Date(lastOfWorkingDays(dayIndexOf(isoDate), days, calendar) * DAY_MS).toISOString().slice(0, 10);
}

/** The day on which `days` working days counted from the day after `dayIndex` end. */
function lastOfWorkingDays(dayIndex: number, days: number, calendar: WorkingCalendar): number {
  let day = dayIndex;
  for (let counted = 0; counted < days;) {
    day++;
    if (calendar.isWorkingDay(day)) counted++;
  }
  return day;
}

/** The working days after `from` up to and including `to` (CST dates); zero when `to` is not after `from`. */
export function workingDaysBetweenDates(from: string, to: string, calendar = NATIONAL_CALENDAR): number {
  let count = 0;
  for (let day = dayIndexOf(from) + 1; day <= dayIndexOf(to); day++) if (calendar.isWorkingDay(day)) count++;
  return count;
}

/**
 * The provisional years among those of `instants` (CST): years whose notice was not yet in the
 * bundle and has not been loaded, so deadlines that fall in them may still move.
 */
export function provisionalYears(instants: readonly (string | null | undefined)[], model: TimeModel): number[] {
  if (model.workingDayMs !== undefined) return []; // compressed time uses no calendar
  const calendar = calendarOf(model);
  const years = new Set<number>();
  for (const at of instants) {
    if (!at) continue;
    const year = yearOf(cstDayIndex(simulatedMs(Date.parse(at), model) - 1)); // a midnight deadline ends the day before
    if (calendar.schedule(year)?.provisional) years.add(year);
  }
  return [...years].sort();
}

/**
 * What a process must know about the calendar before it starts: an error when the current year
 * (CST) has no data, warnings when a year in use is provisional or next year is still missing.
 */
export function calendarReadiness(now: Date, calendar = NATIONAL_CALENDAR): { error?: string; warnings: string[] } {
  const year = yearOf(cstDayIndex(now.getTime()));
  if (!calendar.schedule(year)) return { error: new CalendarGapError(year).message, warnings: [] };
  const warnings: string[] = [];
  for (const y of [year, year + 1]) {
    const schedule = calendar.schedule(y);
    if (!schedule) warnings.push(`${new CalendarGapError(y).message}; deadlines that reach ${y} wait for it`);
    else if (schedule.provisional)
      warnings.push(`the ${y} working-day calendar is provisional: ${schedule.provisional}`);
  }
  return { warnings };
}

function cstDayIndex(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

function cstDayStart(dayIndex: number): number {
  return dayIndex * DAY_MS - CST_OFFSET_MS;
}

/** Simulated milliseconds per real one: a whole number, as `dayMs` divides a day (checked by the configuration). */
function speedOf(clock: SimulatedClock): number {
  return DAY_MS / clock.dayMs;
}

function simulatedStart(clock: SimulatedClock): number {
  return cstDayStart(dayIndexOf(clock.date));
}

/** The simulated instant (ms) real instant `realMs` reads as. */
export function toSimulated(realMs: number, clock: SimulatedClock): number {
  return simulatedStart(clock) + (realMs - Date.parse(clock.since)) * speedOf(clock);
}

/**
 * The first real instant (whole ms) at which the simulated clock has reached `simulatedMs`: a timer set
 * for it never fires before the simulated deadline. Exact for simulated midnights.
 */
export function fromSimulated(simulatedMs: number, clock: SimulatedClock): number {
  const speed = speedOf(clock);
  const elapsed = simulatedMs - simulatedStart(clock);
  let real = Math.round(elapsed / speed);
  // Integer checks, so floating-point division cannot round a real instant off by one.
  while (real * speed < elapsed) real++;
  while ((real - 1) * speed >= elapsed) real--;
  return Date.parse(clock.since) + real;
}

/** `realMs` on the clock the model's calendar arithmetic runs on: simulated or real. */
function simulatedMs(realMs: number, model: TimeModel): number {
  return model.simulated ? toSimulated(realMs, model.simulated) : realMs;
}

/** Back from the clock the calendar arithmetic ran on to a real instant. */
function realDate(ms: number, model: TimeModel): Date {
  return new Date(model.simulated ? fromSimulated(ms, model.simulated) : ms);
}

export function workingDayLength(model: TimeModel): number {
  return model.workingDayMs ?? DAY_MS;
}

/** The working time between two instants (zero if `to` is not after `from`); simulated ms on a simulated clock. */
export function workingMsBetween(from: Date, to: Date, model: TimeModel): number {
  if (to.getTime() <= from.getTime()) return 0;
  if (model.workingDayMs !== undefined) return to.getTime() - from.getTime();
  const a = simulatedMs(from.getTime(), model);
  const b = simulatedMs(to.getTime(), model);
  const calendar = calendarOf(model);
  let total = 0;
  for (let day = cstDayIndex(a); cstDayStart(day) < b; day++) {
    if (!calendar.isWorkingDay(day)) continue;
    total += Math.min(b, cstDayStart(day + 1)) - Math.max(a, cstDayStart(day));
  }
  return total;
}

/** The instant at which `workingMs` of working time has passed after `from`. */
export function addWorkingMs(from: Date, workingMs: number, model: TimeModel): Date {
  if (model.workingDayMs !== undefined) return new Date(from.getTime() + workingMs);
  const start = simulatedMs(from.getTime(), model);
  const calendar = calendarOf(model);
  let left = workingMs;
  let cursor = start;
  for (let day = cstDayIndex(start); ; day++) {
    const end = cstDayStart(day + 1);
    if (calendar.isWorkingDay(day)) {
      const available = end - cursor;
      if (left <= available) return realDate(cursor + left, model);
      left -= available;
    }
    cursor = end;
  }
}

/** The instant at which `workingMs` of working time remain until `to`. */
export function subtractWorkingMs(to: Date, workingMs: number, model: TimeModel): Date {
  if (model.workingDayMs !== undefined) return new Date(to.getTime() - workingMs);
  if (workingMs <= 0) return new Date(to.getTime());
  const end = simulatedMs(to.getTime(), model);
  const calendar = calendarOf(model);
  let left = workingMs;
  let cursor = end;
  for (let day = cstDayIndex(end - 1); ; day--) {
    const start = cstDayStart(day);
    if (calendar.isWorkingDay(day)) {
      const available = cursor - start;
      if (left <= available) return realDate(cursor - left, model);
      left -= available;
    }
    cursor = start;
  }
}

/**
 * A deadline of `days` working days counted from the day after `from`: the end of the last of
 * those days (compressed time: exactly `days` working-day lengths later).
 */
export function addWorkingDays(from: Date, days: number, model: TimeModel): Date {
  if (model.workingDayMs !== undefined) return new Date(from.getTime() + days * model.workingDayMs);
  const last = lastOfWorkingDays(cstDayIndex(simulatedMs(from.getTime(), model)), days, calendarOf(model));
  return realDate(cstDayStart(last + 1), model);
}

/** Working days allowed for a task of each kind; `null` where the task has no limit of its own. */
export function taskLimit(kind: TaskKind, policy: ReviewPolicy, urgent: boolean): number | null {
  switch (kind) {
    case 'consultation':
      return urgent ? policy.urgentConsultationWorkingDays : policy.consultationWorkingDays;
    case 'consolidation':
      return policy.consolidationWorkingDays;
    case 'signoff':
    case 'extension': // the head decides a request for more time as quickly as a sign-off
      return policy.signoffWorkingDays;
    case 'origin_review':
    case 'revision':
      return null; // bounded by the whole-review clock; revision stops that clock
    case 'intake':
    case 'supplement':
      return null; // before acceptance no clock runs (115号: it starts once the materials are complete)
    case 'topic_answer':
    case 'guideline_adoption':
      return null; // not part of a review: their workflows set their own limits (domain/exchange.ts)
    default:
      return null; // after the review: calendar-day limits (domain/after-review.ts)
  }
}

/**
 * Where a run of the review clock that begins at `at` starts counting: the first day is not
 * counted (115号: the limit runs from the day after), so on the real calendar at the midnight (CST)
 * after `at`; with compressed time, at `at`.
 */
export function clockRunStart(at: Date, model: TimeModel): Date {
  if (model.workingDayMs !== undefined) return at;
  return realDate(cstDayStart(cstDayIndex(simulatedMs(at.getTime(), model)) + 1), model);
}

/**
 * Up to where a run of the clock that stops at `at` has counted: the day it stops is a day used, to
 * its end (the midnight after `at`, CST); with compressed time, `at`.
 */
export function clockStopAt(at: Date, model: TimeModel): Date {
  return clockRunStart(at, model);
}

export interface ClockView {
  reviewDueAt: string;
  workingDaysUsed: number;
  workingDaysLeft: number;
  clockRunning: boolean;
}

/**
 * The whole-review clock as seen at `now`. While it runs, the due date is fixed (and may have
 * passed); while it is stopped (or has not started), it is where the due date would be if the clock
 * (re)started at `now`: at the end of the last working day of the days left, counted from the next.
 */
export function clockView(clock: ClockState, now: Date, model: TimeModel): ClockView {
  const dayMs = workingDayLength(model);
  const usedMs = clockUsedMs(clock, now, model);
  const leftMs = Math.max(0, clock.limitWorkingDays * dayMs - usedMs);
  const reviewDueAt = clock.runningSince
    ? runDueAt(clock.runningSince, clock, model)
    : addWorkingMs(clockRunStart(now, model), leftMs, model).toISOString();
  return {
    reviewDueAt,
    workingDaysUsed: Math.floor(usedMs / dayMs),
    workingDaysLeft: Math.ceil(leftMs / dayMs),
    clockRunning: clock.runningSince !== undefined,
  };
}

/**
 * The working time the review will have used when its clock stops at `at` (the day it stops counts
 * to its end); undefined while the clock is not running.
 */
export function clockUsedMsAtStop(clock: ClockState, at: Date, model: TimeModel): number | undefined {
  if (!clock.runningSince) return undefined;
  return clock.usedMsBeforeRun + workingMsBetween(new Date(clock.runningSince), clockStopAt(at, model), model);
}

/** The working time the review has used by `now`: the banked runs and the current one. */
export function clockUsedMs(clock: ClockState, now: Date, model: TimeModel): number {
  const runningMs = clock.runningSince ? workingMsBetween(new Date(clock.runningSince), now, model) : 0;
  return clock.usedMsBeforeRun + runningMs;
}

/** When a run of the clock that started at `runningSince` reaches the review's limit. */
export function runDueAt(runningSince: string, clock: ClockState, model: TimeModel): string {
  const leftMs = Math.max(0, clock.limitWorkingDays * workingDayLength(model) - clock.usedMsBeforeRun);
  return addWorkingMs(new Date(runningSince), leftMs, model).toISOString();
}
