/**
 * The national working-day calendar against the official schedules. Expected dates are worked out
 * by hand from the State Council General Office's notices, not from the code under test.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { NATIONAL_SCHEDULES } from '../domain/calendar-data';
import {
  CalendarGapError,
  addWorkingDays,
  addWorkingMs,
  calendarReadiness,
  describeInstant,
  addWorkingDaysToDate,
  isWorkingDate,
  workingDaysBetweenDates,
  subtractWorkingMs,
  workingMsBetween,
} from '../domain/clock';

const DAY = 86_400_000;
const real = {};
/** An instant given in China Standard Time. */
const cst = (local: string) => new Date(`${local}+08:00`);

describe('the calendar data', () => {
  test('when the years are listed, 2025 to 2027 each have a schedule with its source named', () => {
    expect(NATIONAL_SCHEDULES.map((s) => s.year)).toEqual([2025, 2026, 2027]);
    for (const schedule of NATIONAL_SCHEDULES)
      expect(schedule.source).toMatch(/国务院办公厅关于\d{4}年部分节假日安排的通知/);
    expect(NATIONAL_SCHEDULES.filter((s) => !s.provisional).map((s) => s.year)).toEqual([2025, 2026]);
  });

  test.each(NATIONAL_SCHEDULES.map((s) => [s.year, s] as const))(
    'when the %i schedule is read, its ranges lie in the year and its working weekend days are weekends outside them',
    (year, schedule) => {
      for (const [first, last] of schedule.holidays) {
        expect(first.startsWith(`${year}-`) && last.startsWith(`${year}-`)).toBe(true);
        expect(first <= last).toBe(true);
      }
      for (const date of schedule.workingWeekendDays) {
        expect(date.startsWith(`${year}-`)).toBe(true);
        expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
        expect(schedule.holidays.some(([first, last]) => first <= date && date <= last)).toBe(false);
      }
    },
  );
});

describe('working days of 2026 (国务院办公厅关于2026年部分节假日安排的通知)', () => {
  test.each([
    ['2026-01-02', false], // 元旦 holiday, a Friday
    ['2026-01-04', true], // 调休: Sunday worked
    ['2026-02-14', true], // 调休: Saturday before the Spring Festival
    ['2026-02-16', false], // 除夕, a Monday
    ['2026-02-23', false], // last day of the Spring Festival, a Monday
    ['2026-02-24', true],
    ['2026-02-28', true], // 调休 Saturday
    ['2026-03-07', false], // an ordinary Saturday
    ['2026-04-06', false], // 清明节, a Monday
    ['2026-05-05', false], // 劳动节, a Tuesday
    ['2026-05-09', true], // 调休 Saturday
    ['2026-06-19', false], // 端午节, a Friday
    ['2026-09-20', true], // 调休 Sunday
    ['2026-09-25', false], // 中秋节, a Friday
    ['2026-10-07', false], // 国庆节, a Wednesday
    ['2026-10-08', true],
    ['2026-10-10', true], // 调休 Saturday
    ['2026-10-11', false],
  ])('when asked about %s, the answer is working=%s', (date, working) => {
    expect(isWorkingDate(date)).toBe(working);
  });
});

describe('working-day arithmetic on the national calendar', () => {
  test('when 5 working days run from the Thursday before the Spring Festival, the 调休 Saturday counts and the holiday does not', () => {
    // Fri 13 (1), Sat 14 worked (2), 15-23 off, Tue 24 (3), Wed 25 (4), Thu 26 (5)
    expect(addWorkingDays(cst('2026-02-12T10:00:00'), 5, real)).toEqual(cst('2026-02-27T00:00:00'));
  });

  test('when 15 working days span the Mid-Autumn Festival and National Day, both 调休 weekend days count', () => {
    // from Wed 16 Sep: 17,18,20(Sun worked),21,22,23,24 | 28,29,30 | 8,9,10(Sat worked),12,13 October
    expect(addWorkingDays(cst('2026-09-16T10:00:00'), 15, real)).toEqual(cst('2026-10-14T00:00:00'));
  });

  test('when a deadline crosses the year end, the New Year holiday is skipped and the 调休 Sunday counts', () => {
    expect(addWorkingDays(cst('2025-12-31T10:00:00'), 1, real)).toEqual(cst('2026-01-05T00:00:00')); // Sun 4 Jan
    expect(addWorkingDays(cst('2025-12-31T10:00:00'), 2, real)).toEqual(cst('2026-01-06T00:00:00')); // Mon 5 Jan
    expect(workingMsBetween(cst('2025-12-31T12:00:00'), cst('2026-01-05T12:00:00'), real)).toBe(2 * DAY);
  });

  test('when time is measured across the Spring Festival, only the two working days before it count', () => {
    expect(workingMsBetween(cst('2026-02-13T00:00:00'), cst('2026-02-24T00:00:00'), real)).toBe(2 * DAY);
    expect(addWorkingMs(cst('2026-02-14T18:00:00'), 12 * 3_600_000, real)).toEqual(cst('2026-02-24T06:00:00'));
  });

  test('when counting back one working day before a deadline, holidays are stepped over', () => {
    expect(subtractWorkingMs(cst('2026-02-25T00:00:00'), DAY, real)).toEqual(cst('2026-02-24T00:00:00'));
    expect(subtractWorkingMs(cst('2026-02-24T00:00:00'), DAY, real)).toEqual(cst('2026-02-14T00:00:00'));
    expect(subtractWorkingMs(cst('2026-10-09T00:00:00'), 2 * DAY, real)).toEqual(cst('2026-09-30T00:00:00'));
  });

  test('when the process runs in a zone with daylight saving, the results across its changes are the same', () => {
    // Each zone needs its own process: Node reads TZ once at start-up.
    const script = `
      const { addWorkingDays, subtractWorkingMs, workingMsBetween } = require('./domain/clock');
      const cst = (local) => new Date(local + '+08:00');
      console.log(JSON.stringify({
        offset: new Date('2026-07-01T00:00:00Z').getTimezoneOffset(),
        results: [
          addWorkingDays(cst('2026-03-06T10:00:00'), 2, {}).toISOString(), // US change on 8 March
          addWorkingDays(cst('2026-03-27T10:00:00'), 2, {}).toISOString(), // EU change on 29 March
          workingMsBetween(cst('2026-10-23T12:00:00'), cst('2026-10-26T12:00:00'), {}), // EU change on 25 October
          subtractWorkingMs(cst('2026-11-03T00:00:00'), ${DAY}, {}).toISOString(), // US change on 1 November
        ],
      }));`;
    const runs = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney'].map((zone) => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, TZ: zone },
        encoding: 'utf8',
      });
      return JSON.parse(out) as { offset: number; results: unknown[] };
    });
    expect(new Set(runs.map((r) => r.offset)).size).toBe(4); // the zone really differed
    for (const run of runs) expect(run.results).toEqual(runs[0].results);
    expect(runs[0].results).toEqual([
      cst('2026-03-11T00:00:00').toISOString(),
      cst('2026-04-01T00:00:00').toISOString(),
      DAY,
      cst('2026-11-02T00:00:00').toISOString(),
    ]);
  }, 30_000);

  test('when a computation reaches a year without data, it fails naming the year instead of guessing', () => {
    expect(() => addWorkingDays(cst('2027-12-27T10:00:00'), 10, real)).toThrow(CalendarGapError);
    expect(() => addWorkingDays(cst('2027-12-27T10:00:00'), 10, real)).toThrow(/no data for 2028/);
    expect(() => workingMsBetween(cst('2024-12-30T00:00:00'), cst('2025-01-02T00:00:00'), real)).toThrow(/2024/);
  });

  test('when time is compressed, the calendar is not consulted', () => {
    expect(addWorkingDays(cst('2030-01-01T00:00:00'), 3, { workingDayMs: 1000 })).toEqual(
      new Date(cst('2030-01-01T00:00:00').getTime() + 3000),
    );
  });
});

describe('calendar readiness at start-up', () => {
  test('when the current year has no data, start-up gets an error naming it', () => {
    expect(calendarReadiness(cst('2028-03-01T09:00:00')).error).toMatch(/no data for 2028/);
    // 2024-12-31 20:00 UTC is already 2025 in China
    expect(calendarReadiness(new Date('2024-12-31T20:00:00Z')).error).toBeUndefined();
  });

  test('when next year is provisional or missing, start-up is warned', () => {
    expect(calendarReadiness(cst('2025-06-01T09:00:00'))).toEqual({ warnings: [] });
    expect(calendarReadiness(cst('2026-06-01T09:00:00')).warnings).toEqual([
      expect.stringMatching(/2027 working-day calendar is provisional/),
    ]);
    expect(calendarReadiness(cst('2027-06-01T09:00:00')).warnings).toEqual([
      expect.stringMatching(/2027 .*provisional/),
      expect.stringMatching(/no data for 2028/),
    ]);
  });
});

describe('deadlines as people read them', () => {
  test('when a deadline is a CST midnight, it reads as the end of the day before; otherwise as CST date and time', () => {
    expect(describeInstant('2026-03-09T16:00:00.000Z')).toBe('the end of 2026-03-09 (CST)');
    expect(describeInstant('2026-03-23T01:00:00.000Z')).toBe('2026-03-23 09:00:00 (CST)');
    expect(describeInstant('2025-12-31T16:00:00.000Z')).toBe('the end of 2025-12-31 (CST)');
  });
});

describe('calendar dates', () => {
  test('when counting working days by date across the 2026 holidays, the official schedule decides', () => {
    expect(addWorkingDaysToDate('2026-02-12', 5)).toBe('2026-02-26');
    expect(addWorkingDaysToDate('2026-09-16', 15)).toBe('2026-10-13');
    expect(addWorkingDaysToDate('2025-12-31', 1)).toBe('2026-01-04');
    expect(addWorkingDaysToDate('2026-04-30', 3)).toBe('2026-05-08'); // 5/1-5/5 off, Wed 6, Thu 7, Fri 8
    expect(workingDaysBetweenDates('2026-02-12', '2026-02-26')).toBe(5);
    expect(workingDaysBetweenDates('2026-09-30', '2026-10-10')).toBe(3); // 8, 9 and the 调休 Saturday 10
    expect(workingDaysBetweenDates('2026-03-02', '2026-03-02')).toBe(0);
    expect(isWorkingDate('2026-05-09')).toBe(true);
    expect(isWorkingDate('2026-05-04')).toBe(false);
  });
});
