/** The national working-day calendar that every deadline is computed on. */
import { calendarYear, deadline } from '../../features/calendar/use-cases';
import { calendarDeadlineQuerySchema } from '../../features/calendar/schemas';
import { emptyQuerySchema } from '../../features/schemas';
import { route, type RouteSpec } from '../http';
import { CalendarDeadline, CalendarYear } from '../responses';

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
        res.json(deadline(query));
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
        res.json(calendarYear(params.year));
        return Promise.resolve();
      },
    }),
  ];
}
