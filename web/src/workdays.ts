/**
 * Working days left until a due date, on the national calendar the API publishes
 * (`GET /v1/calendar/:year`: holidays and 调休 working weekend days), counted in CST.
 */
import { api } from './api/client';
import type { operations } from './api/schema';
import { cstDay } from './labels';

type Schedule = operations['getV1CalendarByYear']['responses'][200]['content']['application/json'];

const schedules = new Map<number, Promise<Schedule | undefined>>();

function scheduleOf(year: number): Promise<Schedule | undefined> {
  let pending = schedules.get(year);
  if (!pending) {
    pending = api
      .GET('/v1/calendar/{year}', { params: { path: { year: String(year) } } })
      .then(({ data, response }) => (response.ok ? data : undefined))
      .catch(() => undefined);
    schedules.set(year, pending);
  }
  return pending;
}

/** Loads the calendars a count from today to `until` needs. */
export async function loadCalendars(untilDays: string[]): Promise<void> {
  const years = new Set([Number(cstDay(new Date()).slice(0, 4))]);
  for (const day of untilDays) years.add(Number(day.slice(0, 4)));
  await Promise.all([...years].filter((y) => y >= 2000 && y < 2100).map(scheduleOf));
}

const loaded = new Map<number, Schedule | undefined>();
export async function calendarsReady(untilDays: string[]): Promise<void> {
  await loadCalendars(untilDays);
  for (const [year, pending] of schedules) loaded.set(year, await pending);
}

function isWorkingDay(day: string): boolean {
  const schedule = loaded.get(Number(day.slice(0, 4)));
  if (schedule?.workingWeekendDays.includes(day)) return true;
  if (schedule?.holidays.some((h) => h.from <= day && day <= h.to)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * Working days from tomorrow up to and including the CST day of `dueAt`; negative when past
 * (minus the working days since). Call {@link calendarsReady} first for holiday-exact figures.
 */
export function workingDaysLeft(dueAt: string, now = new Date()): number {
  const today = cstDay(now);
  // A due instant is the end of its last working day (midnight after it): count to that day.
  const due = cstDay(new Date(Date.parse(dueAt) - 1));
  if (due === today) return 0;
  const step = due > today ? 1 : -1;
  let count = 0;
  const cursor = new Date(`${today}T00:00:00Z`);
  for (let i = 0; i < 800; i++) {
    cursor.setUTCDate(cursor.getUTCDate() + step);
    const day = cursor.toISOString().slice(0, 10);
    if (isWorkingDay(day)) count += step;
    if (day === due) break;
  }
  return count;
}
