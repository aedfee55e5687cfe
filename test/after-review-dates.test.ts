/** The calendar-day arithmetic after the review (domain/after-review.ts), on real time: pure, no servers. */
import {
  AfterReviewCourse,
  DEFAULT_AFTER_REVIEW_LIMITS,
  addMonths,
  calendarDue,
  chinaDateOf,
  validUntilOf,
  type Issuance,
} from '../domain/after-review';

const issuance = (over: Partial<Issuance> = {}): Issuance => ({
  documentId: 'd1',
  region: 'beijing',
  org: '北京市交通委员会',
  reviewId: 'review:d1:1',
  version: 1,
  title: '办法',
  documentNumber: '京交规〔2027〕2号',
  issuedOn: '2027-03-01',
  publishedOn: '2027-03-02',
  publishedIn: '公报',
  validityYears: 5,
  validUntil: validUntilOf('2027-03-02', 5),
  issuedAt: '2027-03-03T02:00:00.000Z',
  issuedBy: { sub: 'u', region: 'beijing', role: 'drafter' },
  ...over,
});

test('a limit of N calendar days from a date ends at the end of the N-th day after it, China time', () => {
  // Published 2 March: filing within 30 days ends at the end of 1 April (CST), 16:00 UTC that day.
  expect(calendarDue({ at: '2027-03-02T01:00:00Z', date: '2027-03-02' }, 30)).toBe('2027-04-01T16:00:00.000Z');
  // Compressed time counts from the step's instant.
  expect(calendarDue({ at: '2027-03-02T01:00:00.000Z', date: '2027-03-02' }, 30, 100)).toBe('2027-03-02T01:00:03.000Z');
  expect(chinaDateOf('2027-03-02T17:00:00Z')).toBe('2027-03-03');
});

test("validity runs whole years from publication; the reminder falls six months before, a missing day taking the month's last", () => {
  expect(validUntilOf('2027-03-02', 5)).toBe('2032-03-02');
  expect(validUntilOf('2028-02-29', 1)).toBe('2029-02-28');
  expect(addMonths('2032-08-31', -6)).toBe('2032-02-29');
});

test('an issued course is due per region, reminds a day before, and reminds of validity on the day six months before validUntil', () => {
  const bj = AfterReviewCourse.issue({ issuance: issuance(), limits: DEFAULT_AFTER_REVIEW_LIMITS });
  expect(bj.state.filing.dueAt).toBe('2027-04-01T16:00:00.000Z');
  expect(bj.state.tasks[0]).toMatchObject({ kind: 'filing', role: 'drafter', remindAt: '2027-03-31T16:00:00.000Z' });
  expect(bj.state.validityReminderAt).toBe('2031-09-01T16:00:00.000Z'); // 00:00 CST on 2 September 2031
  expect(bj.state.expiresAt).toBe('2032-03-02T16:00:00.000Z'); // in force through 2 March 2032
  const hb = AfterReviewCourse.issue({ issuance: issuance({ region: 'hebei' }), limits: DEFAULT_AFTER_REVIEW_LIMITS });
  expect(hb.state.filing.dueAt).toBe('2027-03-17T16:00:00.000Z');
  expect(bj.takeEvents().map((e) => e.type)).toEqual(['issued', 'task_opened']);
});

test('a deadline that has passed fires once: overdue and escalated, then nothing more', () => {
  const course = AfterReviewCourse.issue({ issuance: issuance(), limits: DEFAULT_AFTER_REVIEW_LIMITS });
  course.takeEvents();
  course.fireDeadlines('2027-04-02T00:00:00.000Z');
  expect(course.takeEvents().map((e) => e.type)).toEqual(['reminder_sent', 'task_overdue', 'escalated']);
  course.fireDeadlines('2027-04-03T00:00:00.000Z');
  expect(course.takeEvents()).toEqual([]);
  expect(course.nextDeadline()).toBe(Date.parse('2031-09-01T16:00:00.000Z'));
});
