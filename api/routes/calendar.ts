/**
 * The national working-day calendar that every deadline is computed on: each year's data with the
 * notice it comes from, and the date arithmetic, so clients can show and check the same figures.
 * Always the real calendar, even when WORKING_DAY_DURATION compresses the engine's time.
 */
import { CalendarGapError, NATIONAL_CALENDAR, addWorkingDays, addWorkingDaysToDate } from '../../domain/clock';
import { ApiError } from '../errors';
import { route, type RouteSpec } from '../http';
import { CalendarDeadline, CalendarYear } from '../responses';
import { calendarDeadlineQuerySchema, emptyQuerySchema } from '../schemas';

export function calendarRoutes(): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/v1/calendar/deadline',
      tag: 'calendar',
      summary: 'Extension: the date a limit of `days` working days counted from `from` ends (CST)',
      description:
        'Counting starts the day after `from`; weekends and public holidays are skipped and 调休 working weekend ' +
        'days count. `dueAt` is the instant the limit passes: the midnight (CST) after `dueDate`.',
      query: calendarDeadlineQuerySchema,
      responses: [{ status: 200, description: '{ from, days, dueDate, dueAt }', schema: CalendarDeadline }],
      errors: [400],
      handler: ({ query, res }) => {
        let dueDate: string;
        let dueAt: string;
        try {
          dueDate = addWorkingDaysToDate(query.from, query.days);
          // The same instant the engine gives a task opened on `from` with this limit.
          dueAt = addWorkingDays(new Date(`${query.from}T00:00:00+08:00`), query.days, {}).toISOString();
        } catch (err) {
          if (err instanceof CalendarGapError) throw ApiError.invalid('from', err.message);
          throw err;
        }
        res.json({ from: query.from, days: query.days, dueDate, dueAt });
        return Promise.resolve(); // pure computation: nothing to wait for
      },
    }),
    route({
      method: 'get',
      path: '/v1/calendar/:year',
      tag: 'calendar',
      summary: "Extension: a year's public holidays and 调休 working weekend days, with the notice they come from",
      query: emptyQuerySchema,
      responses: [
        {
          status: 200,
          description: '{ year, source, provisional?, holidays: [{ from, to }], workingWeekendDays }',
          schema: CalendarYear,
        },
      ],
      errors: [400, 404],
      handler: ({ params, res }) => {
        if (!/^\d{4}$/.test(params.year)) throw ApiError.invalid('year', 'must be a four-digit year');
        const schedule = NATIONAL_CALENDAR.schedule(Number(params.year));
        if (!schedule) throw ApiError.notFound(`the working-day calendar of ${params.year}`);
        res.json({
          year: schedule.year,
          source: schedule.source,
          ...(schedule.provisional && { provisional: schedule.provisional }),
          holidays: schedule.holidays.map(([from, to]) => ({ from, to })),
          workingWeekendDays: schedule.workingWeekendDays,
        });
        return Promise.resolve();
      },
    }),
  ];
}
