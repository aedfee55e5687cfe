/** The national working-day calendar that every deadline is computed on, and loading a year of it. */
import { calendarYear, deadline, loadCalendar, redatingProgress } from '../../features/calendar/use-cases';
import { calendarDeadlineQuerySchema, loadCalendarBodySchema } from '../../features/calendar/schemas';
import { emptyQuerySchema } from '../../features/schemas';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { CalendarDeadline, CalendarLoaded, CalendarRedating, CalendarYear } from '../responses';

export function calendarRoutes({ app }: ApiDeps): RouteSpec[] {
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
      handler: async ({ query, res }) => {
        res.json(await deadline(app, query));
      },
    }),
    route({
      method: 'get',
      path: '/v1/calendar/:year',
      tag: 'calendar',
      summary: "Extension: a year's public holidays and 调休 working weekend days, with the notice they come from",
      description: 'A year loaded with `PUT` is answered as loaded, without `provisional`.',
      query: emptyQuerySchema,
      responses: [
        {
          status: 200,
          description: '{ year, source, provisional?, holidays: [{ from, to }], workingWeekendDays }',
          schema: CalendarYear,
        },
      ],
      errors: [400, 404],
      handler: async ({ params, res }) => {
        res.json(await calendarYear(app, params.year));
      },
    }),
    route({
      method: 'put',
      path: '/v1/calendar/:year',
      tag: 'calendar',
      summary:
        "Load a year's notice (admin): deadlines are computed on it from now on; every running review is re-dated",
      description:
        'A job on Temporal (`calendar-redating:<year>:<loadId>`) re-dates the running reviews page by page; each ' +
        'review whose deadlines move records `calendar_updated` in its log. The request waits ' +
        '`CALENDAR_REDATING_WAIT` (5 s) for it: finished, `moved` is complete and a `GET /v1/reviews/:id` right ' +
        "after shows the new `deadlines`; otherwise `moved` holds what moved so far and `redating` the job's " +
        'progress (follow it with `GET /v1/calendar/:year/redating`). Loading the same notice again starts no ' +
        'second job and moves nothing. Answers `{ calendar, runningReviews, moved: [{ reviewId, reviewDueAt: ' +
        '{ before, after } }], redating? }`.',
      body: loadCalendarBodySchema,
      responses: [
        { status: 200, description: 'the calendar as loaded, and the reviews it moved', schema: CalendarLoaded },
      ],
      errors: [400, 403],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(await loadCalendar(app, actor, params.year, body, requestId));
      },
    }),
    route({
      method: 'get',
      path: '/v1/calendar/:year/redating',
      tag: 'calendar',
      summary: "Extension: the progress of the re-dating of the year's last load, and the reviews it moved (admin)",
      query: emptyQuerySchema,
      responses: [
        {
          status: 200,
          description: '{ year, loadId, loadedAt, id, status, redated, runningReviews, moved }',
          schema: CalendarRedating,
        },
      ],
      errors: [400, 403, 404],
      handler: async ({ actor, params, res }) => {
        res.json(await redatingProgress(app, actor, params.year));
      },
    }),
  ];
}
