/**
 * The national working-day calendar: public holidays (放假) and the weekend days made working days
 * (调休上班), one entry per year, each transcribed from the State Council General Office's annual
 * notice. Dates are China Standard Time calendar dates. Bundled with the workflow code, so every
 * deadline is computed from the same data on every worker and on replay.
 *
 * To add a year: transcribe its notice below, name the notice in `source`, and run the calendar
 * unit tests (test/calendar.test.ts checks the shape of every year).
 */

export interface YearSchedule {
  year: number;
  /** The notice the dates are transcribed from. */
  source: string;
  /**
   * Set while the official notice is not in the repository: why, and what the dates were derived
   * from. Processes start with a warning when they use a provisional year.
   */
  provisional?: string;
  /** Inclusive ranges of days off, `[first, last]` as `YYYY-MM-DD`. */
  holidays: [string, string][];
  /** Saturdays and Sundays that are working days (调休上班). */
  workingWeekendDays: string[];
}

export const NATIONAL_SCHEDULES: readonly YearSchedule[] = [
  {
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）',
    holidays: [
      ['2025-01-01', '2025-01-01'], // 元旦
      ['2025-01-28', '2025-02-04'], // 春节
      ['2025-04-04', '2025-04-06'], // 清明节
      ['2025-05-01', '2025-05-05'], // 劳动节
      ['2025-05-31', '2025-06-02'], // 端午节
      ['2025-10-01', '2025-10-08'], // 国庆节、中秋节
    ],
    workingWeekendDays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    holidays: [
      ['2026-01-01', '2026-01-03'], // 元旦
      ['2026-02-15', '2026-02-23'], // 春节
      ['2026-04-04', '2026-04-06'], // 清明节
      ['2026-05-01', '2026-05-05'], // 劳动节
      ['2026-06-19', '2026-06-21'], // 端午节
      ['2026-09-25', '2026-09-27'], // 中秋节
      ['2026-10-01', '2026-10-07'], // 国庆节
    ],
    workingWeekendDays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
  {
    year: 2027,
    source: '国务院办公厅关于2027年部分节假日安排的通知',
    provisional:
      'The 2027 notice was not available when this entry was written. The holidays follow the statutory days of ' +
      '《全国年节及纪念日放假办法》(2024年修订) and the arrangement principles of 国办发明电〔2024〕12号 ' +
      '(春节 8 days from 除夕, 国庆节 7 days, 劳动节 5 days, the others 3 days or only the day itself when it is a ' +
      'Wednesday); the make-up working weekend days are estimates. Replace this entry with the notice.',
    holidays: [
      ['2027-01-01', '2027-01-03'], // 元旦 (Friday, with the weekend)
      ['2027-02-05', '2027-02-12'], // 春节 (除夕 Friday 5 February)
      ['2027-04-03', '2027-04-05'], // 清明节 (Monday 5 April)
      ['2027-05-01', '2027-05-05'], // 劳动节
      ['2027-06-09', '2027-06-09'], // 端午节 (a Wednesday)
      ['2027-09-15', '2027-09-15'], // 中秋节 (a Wednesday)
      ['2027-10-01', '2027-10-07'], // 国庆节
    ],
    workingWeekendDays: ['2027-01-31', '2027-02-20', '2027-05-08', '2027-09-26', '2027-10-09'],
  },
];
