/**
 * Working-day arithmetic in China Standard Time: weekends, the compressed time model and the simulated
 * clock that follows the calendar (holidays on real time: calendar.test.ts).
 */
import {
  addWorkingDays,
  addWorkingMs,
  clockRunStart,
  clockView,
  describeInstant,
  fromSimulated,
  provisionalYears,
  subtractWorkingMs,
  toSimulated,
  workingMsBetween,
  type TimeModel,
} from '../domain/clock';

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

describe('simulated clock (compressed time that follows the calendar)', () => {
  // From this real instant, simulated time runs from 2027-02-01 00:00 CST (a Monday), a day every 2 s.
  const since = Date.parse('2026-12-06T01:00:00.000Z');
  const simulated = { since: new Date(since).toISOString(), date: '2027-02-01', dayMs: 2000 };
  const model: TimeModel = { simulated };
  /** The real instant the simulated clock reads `cst` (e.g. `2027-02-04T10:00`, CST) at. */
  const realAt = (cst: string) => new Date(fromSimulated(Date.parse(`${cst}:00+08:00`), simulated));
  /** A real instant as the simulated CST date and time it reads as. */
  const simulatedCst = (d: Date) =>
    new Date(toSimulated(d.getTime(), simulated) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

  test('real time maps to simulated time at 24 h per dayMs, and simulated midnights map back to whole real milliseconds', () => {
    expect(toSimulated(since, simulated)).toBe(Date.parse('2027-02-01T00:00:00+08:00'));
    expect(toSimulated(since + 2000, simulated)).toBe(Date.parse('2027-02-02T00:00:00+08:00'));
    expect(toSimulated(since + 500, simulated)).toBe(Date.parse('2027-02-01T06:00:00+08:00'));
    expect(realAt('2027-02-17T00:00').getTime()).toBe(since + 16 * 2000);
    // Between two real milliseconds: the later one, so a timer never fires before the simulated instant.
    expect(fromSimulated(Date.parse('2027-02-01T00:00:01+08:00'), simulated)).toBe(since + 1);
    const odd = { ...simulated, dayMs: 3000 };
    for (const ms of [1, 28_799, 28_800, 28_801, 86_399_999]) {
      const real = fromSimulated(Date.parse('2027-02-01T00:00:00+08:00') + ms, odd);
      expect(toSimulated(real, odd) - Date.parse('2027-02-01T00:00:00+08:00')).toBeGreaterThanOrEqual(ms);
      expect(toSimulated(real - 1, odd) - Date.parse('2027-02-01T00:00:00+08:00')).toBeLessThan(ms);
    }
  });

  test('when a limit reaches a holiday, the holiday is skipped (2027 Spring Festival, 5–12 February, bundled)', () => {
    // Opened Thursday 4 February: Friday 5 to Friday 12 are days off, then the weekend; Monday 15 and Tuesday 16 count.
    const due = addWorkingDays(realAt('2027-02-04T10:00'), 2, model);
    expect(simulatedCst(due)).toBe('2027-02-17 00:00');
    expect(due.getTime()).toBe(since + 16 * 2000);
    // With every millisecond working time the same limit would end two (simulated) days after it opened.
    expect(addWorkingDays(realAt('2027-02-04T10:00'), 2, { workingDayMs: 2000 }).getTime()).toBeLessThan(
      realAt('2027-02-07T00:00').getTime(),
    );
    // Working time over the holiday: Thursday from noon, then Monday to noon.
    expect(workingMsBetween(realAt('2027-02-04T12:00'), realAt('2027-02-15T12:00'), model)).toBe(DAY);
    expect(simulatedCst(addWorkingMs(realAt('2027-02-04T12:00'), DAY, model))).toBe('2027-02-15 12:00');
    // The reminder one working day before the due date: the end of the last working day before it.
    expect(simulatedCst(subtractWorkingMs(due, DAY, model))).toBe('2027-02-16 00:00');
    expect(simulatedCst(subtractWorkingMs(realAt('2027-02-15T12:00'), DAY, model))).toBe('2027-02-04 12:00');
  });

  test('when a weekend day is a 调休 working day, it counts (Saturday 20 February 2027, bundled)', () => {
    expect(simulatedCst(addWorkingDays(realAt('2027-02-19T09:00'), 1, model))).toBe('2027-02-21 00:00');
    // An ordinary Saturday does not: from Friday 26 February, the next working day is Monday 1 March.
    expect(simulatedCst(addWorkingDays(realAt('2027-02-26T09:00'), 1, model))).toBe('2027-03-02 00:00');
    expect(workingMsBetween(realAt('2027-02-20T00:00'), realAt('2027-02-22T00:00'), model)).toBe(DAY);
  });

  test('the day after rule: a limit and the review clock count from the day after the simulated date they start on', () => {
    // Opened late on Monday 1 February: Tuesday is the first day counted, due at its end.
    expect(simulatedCst(addWorkingDays(realAt('2027-02-01T23:59'), 1, model))).toBe('2027-02-03 00:00');
    expect(simulatedCst(addWorkingDays(realAt('2027-02-01T00:00'), 1, model))).toBe('2027-02-03 00:00');
    expect(simulatedCst(clockRunStart(realAt('2027-02-01T10:00'), model))).toBe('2027-02-02 00:00');
    // The clock started on Thursday 4 February runs from the midnight after it, over the holiday.
    const running = {
      startedAt: realAt('2027-02-04T10:00').toISOString(),
      limitWorkingDays: 3,
      usedMsBeforeRun: 0,
      runningSince: clockRunStart(realAt('2027-02-04T10:00'), model).toISOString(),
    };
    expect(simulatedCst(new Date(clockView(running, realAt('2027-02-15T12:00'), model).reviewDueAt))).toBe(
      '2027-02-18 00:00',
    );
    expect(clockView(running, realAt('2027-02-16T12:00'), model)).toMatchObject({
      workingDaysUsed: 1,
      workingDaysLeft: 2,
    });
  });

  test('when a year is loaded as data, the simulated clock computes on it (a holiday moved)', () => {
    const moved = {
      year: 2027,
      source: 'test notice',
      holidays: [['2027-02-10', '2027-02-17']] as [string, string][],
      workingWeekendDays: [],
    };
    const loaded: TimeModel = { ...model, calendar: [moved] };
    // Opened Tuesday 2 February with 5 working days: bundled, Wed, Thu, then Mon 15 to Wed 17.
    expect(simulatedCst(addWorkingDays(realAt('2027-02-02T10:00'), 5, model))).toBe('2027-02-18 00:00');
    // With the holiday moved to 10–17 February: Wed 3, Thu 4, Fri 5, Mon 8, Tue 9.
    expect(simulatedCst(addWorkingDays(realAt('2027-02-02T10:00'), 5, loaded))).toBe('2027-02-10 00:00');
  });

  test('deadlines read as simulated dates, and a provisional year is the simulated one', () => {
    expect(describeInstant(realAt('2027-02-17T00:00').toISOString(), model)).toBe('the end of 2027-02-16 (CST)');
    expect(provisionalYears([realAt('2027-02-17T00:00').toISOString()], model)).toEqual([2027]);
    expect(provisionalYears([realAt('2027-02-17T00:00').toISOString()], {})).toEqual([]); // real 2026
  });
});
