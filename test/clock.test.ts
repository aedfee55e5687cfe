/** Working-day arithmetic in China Standard Time: weekends and the compressed time model (holidays: calendar.test.ts). */
import { addWorkingDays, addWorkingMs, clockView, workingMsBetween } from '../domain/clock';

const DAY = 86_400_000;
const real = {};

describe('working-day clock', () => {
  test('when counting 5 working days from a Thursday, the weekend is skipped and the deadline is the end of Thursday next week (CST)', () => {
    // 2026-03-05 is a Thursday; 10:00 CST
    const due = addWorkingDays(new Date('2026-03-05T02:00:00Z'), 5, real);
    expect(due.toISOString()).toBe('2026-03-12T16:00:00.000Z'); // 2026-03-13 00:00 CST
  });

  test('when an interval spans a weekend, only the working days count', () => {
    // Friday 12:00 CST to Monday 12:00 CST = half of Friday + half of Monday
    expect(workingMsBetween(new Date('2026-03-06T04:00:00Z'), new Date('2026-03-09T04:00:00Z'), real)).toBe(DAY);
  });

  test('when a UTC instant is already the next day in CST, the CST weekday decides', () => {
    // Friday 2026-03-06 20:00 UTC is Saturday 04:00 CST: no working time until Monday 00:00 CST
    const from = new Date('2026-03-06T20:00:00Z');
    expect(workingMsBetween(from, new Date('2026-03-08T16:00:00Z'), real)).toBe(0);
    expect(addWorkingMs(from, 1000, real).toISOString()).toBe('2026-03-08T16:00:01.000Z');
  });

  test('when time is compressed, every millisecond is working time and a day lasts the configured length', () => {
    const model = { workingDayMs: 2000 };
    expect(addWorkingDays(new Date(0), 5, model).getTime()).toBe(10_000);
    const view = clockView(
      {
        startedAt: new Date(0).toISOString(),
        limitWorkingDays: 15,
        usedMsBeforeRun: 4000,
        runningSince: new Date(10_000).toISOString(),
      },
      new Date(13_000),
      model,
    );
    expect(view).toEqual({
      reviewDueAt: new Date(13_000 + 23_000).toISOString(),
      workingDaysUsed: 3,
      workingDaysLeft: 12,
      clockRunning: true,
    });
  });

  test('when the clock is stopped, the time since the stop is not used', () => {
    const view = clockView(
      { startedAt: '2026-03-02T00:00:00Z', limitWorkingDays: 15, usedMsBeforeRun: 2 * DAY },
      new Date('2026-03-20T00:00:00Z'),
      real,
    );
    expect(view).toMatchObject({ workingDaysUsed: 2, workingDaysLeft: 13, clockRunning: false });
  });

  test('when a running clock has passed its limit, the due date stays where it was and nothing is left', () => {
    const view = clockView(
      {
        startedAt: '2026-03-02T01:00:00.000Z',
        limitWorkingDays: 15,
        usedMsBeforeRun: 0,
        runningSince: '2026-03-02T01:00:00.000Z',
      },
      new Date('2026-03-30T00:00:00Z'),
      real,
    );
    expect(view).toMatchObject({ reviewDueAt: '2026-03-23T01:00:00.000Z', workingDaysLeft: 0, clockRunning: true });
  });
});
