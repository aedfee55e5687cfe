/**
 * The calendar as data under compressed time, against real servers: on a simulated clock that follows
 * the calendar (SIMULATED_DATE, one simulated day every 3 s), a review's consultations run into the
 * provisional 2027 Spring Festival; the year's notice moves the holiday; the review is re-dated, and
 * the consultations expire on the NEW date, not the old one. Working days and the simulated clock are
 * counted here by rules of the test's own.
 */
import request from 'supertest';
import { NATIONAL_SCHEDULES } from '../domain/calendar-data';
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

const DAY = 86_400_000;
const DAY_MS = 3000; // real ms per simulated day
const SIMULATED_DATE = '2027-02-01'; // a Monday, the week before the provisional Spring Festival (5–12 February)

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SIMULATED_DATE, WORKING_DAY_DURATION: `${DAY_MS}ms` });
});
afterAll(async () => {
  await h?.stop();
});

const people = {
  drafter: { sub: 'bj-d', region: 'beijing', roles: ['drafter'], org: '北京市交通委员会' },
  reviewer: { sub: 'bj-r', region: 'beijing', roles: ['reviewer'] },
  admin: { sub: 'bj-admin', region: 'beijing', roles: ['admin'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, auth, accept, decide } = castOf(() => h, people);

// The simulated clock, by the test's own rule: from the real instant the harness's configuration was
// loaded, 00:00 CST of SIMULATED_DATE, one simulated day per DAY_MS.
const since = () => Date.parse(h.config.timeModel.simulated!.since);
const simulatedStart = Date.parse(`${SIMULATED_DATE}T00:00:00+08:00`);
const simulated = (realMs: number) => simulatedStart + (realMs - since()) * (DAY / DAY_MS);
const real = (simulatedMs: number) => since() + Math.ceil(((simulatedMs - simulatedStart) * DAY_MS) / DAY);
const cstDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

function isWorking(day: string, holidays: [string, string][], workingWeekend: string[]): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const off = holidays.some(([a, b]) => a <= day && day <= b);
  return workingWeekend.includes(day) || (!off && weekday !== 0 && weekday !== 6);
}

/** The simulated day (CST) on which a limit of `days` working days counted from the day after `date` ends: its end. */
function dueAfter(date: string, days: number, holidays: [string, string][], workingWeekend: string[]): string {
  let day = date;
  for (let counted = 0; counted < days;) {
    day = addDays(day, 1);
    if (isWorking(day, holidays, workingWeekend)) counted++;
  }
  return day;
}
/** The real instant a deadline ending with the simulated day `date` falls at (its midnight, CST). */
const endOf = (date: string) => new Date(real(Date.parse(`${addDays(date, 1)}T00:00:00+08:00`))).toISOString();

interface ReviewBody {
  acceptedAt: string;
  deadlines: {
    reviewDueAt: string;
    provisional?: boolean;
    provisionalYears?: number[];
    tasks: { kind: string; region: string; dueAt: string | null }[];
  };
}

test('when a notice moves a holiday, a running review is re-dated on the simulated clock and its consultations expire on the new date, not the old one', async () => {
  const provisional = NATIONAL_SCHEDULES.find((s) => s.year === 2027)!;
  expect(provisional.provisional).toEqual(expect.any(String));
  const [springFestival] = provisional.holidays.filter(([from]) => from.startsWith('2027-02'));
  const all = NATIONAL_SCHEDULES.flatMap((s) => s.holidays);
  const allWorkingWeekend = NATIONAL_SCHEDULES.flatMap((s) => s.workingWeekendDays);

  const documentId = (
    await post('drafter', '/v1/documents', {
      title: '北京市网络预约出租汽车经营服务管理细则',
      articles: [{ number: '1', text: '为规范网约车经营服务，制定本细则。' }],
      legalBasis: ['《中华人民共和国道路运输条例》'],
      materials: { draftingExplanation: '起草说明' },
    }).expect(201)
  ).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('reviewer', reviewId);
  await decide('reviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  const before = await eventually(async () => {
    const body = (await get('supervisor', `/v1/reviews/${reviewId}`).expect(200)).body as ReviewBody;
    return body.deadlines.tasks.filter((t) => t.kind === 'consultation').length === 2 ? body : undefined;
  }, 'the consultations to open');

  // The consultations opened on simulated day `opened`, due by the end of `oldLast` on the bundled
  // (provisional) calendar: over the Spring Festival, whose days are skipped.
  const consultations = (await get('supervisor', `/v1/tasks?kind=consultation&reviewId=${reviewId}`).expect(200)).body
    .items as { createdAt: string; dueAt: string }[];
  expect(consultations).toHaveLength(2);
  const opened = cstDate(simulated(Date.parse(consultations[0].createdAt)));
  const days = h.config.policy.consultationWorkingDays;
  const oldLast = dueAfter(opened, days, all, allWorkingWeekend);
  expect(before.deadlines.tasks.filter((t) => t.kind === 'consultation').map((t) => t.dueAt)).toEqual([
    endOf(oldLast),
    endOf(oldLast),
  ]);
  // Opened before the holiday's end, the limit runs over it (3 s per simulated day: the setup took less than 27 s).
  expect({ opened, beforeHolidayEnds: opened < springFestival[1] }).toEqual({ opened, beforeHolidayEnds: true });
  expect(oldLast > springFestival[1]).toBe(true);
  // Their timer is set for the reminder, one working day before the old due date: the end of the working day before it.
  let oldReminderDay = addDays(oldLast, -1);
  while (!isWorking(oldReminderDay, all, allWorkingWeekend)) oldReminderDay = addDays(oldReminderDay, -1);
  const oldTimer = Date.parse(endOf(oldReminderDay));
  // They fall in 2027 on the simulated clock, whose bundled calendar is provisional (in real time they fall in 2026).
  expect(before.deadlines).toMatchObject({ provisional: true, provisionalYears: [2027] });
  const acceptedDate = cstDate(simulated(Date.parse(before.acceptedAt)));
  expect(before.deadlines.reviewDueAt).toBe(
    endOf(dueAfter(acceptedDate, h.config.policy.reviewWorkingDays, all, allWorkingWeekend)),
  );

  // The notice moves the Spring Festival to begin on the old due date: the days it left are working days.
  const movedHoliday: [string, string] = [oldLast, addDays(oldLast, 7)];
  const holidays = provisional.holidays.map((range) => (range === springFestival ? movedHoliday : range));
  const workingWeekendDays = provisional.workingWeekendDays.filter((d) => d < movedHoliday[0] || d > movedHoliday[1]);
  const notice = {
    source: '国务院办公厅关于2027年部分节假日安排的通知（测试）',
    holidays: holidays.map(([from, to]) => ({ from, to })),
    workingWeekendDays,
  };
  const newAll = [...NATIONAL_SCHEDULES.filter((s) => s.year !== 2027).flatMap((s) => s.holidays), ...holidays];
  const newWorkingWeekend = [
    ...NATIONAL_SCHEDULES.filter((s) => s.year !== 2027).flatMap((s) => s.workingWeekendDays),
    ...workingWeekendDays,
  ];
  const newLast = dueAfter(opened, days, newAll, newWorkingWeekend);
  // Due two simulated days or more before the old timer fires: a timer not set anew would expire them late.
  expect(Date.parse(endOf(addDays(newLast, 2)))).toBeLessThanOrEqual(oldTimer);

  const loaded = await request(h.app).put('/v1/calendar/2027').set(auth('admin')).send(notice).expect(200);
  const loadedAt = cstDate(simulated(Date.now()));
  // Loaded before the new date, so its timer has to be set anew for the expiry to fall on it.
  expect(loadedAt < newLast).toBe(true);
  const newReviewDue = endOf(dueAfter(acceptedDate, h.config.policy.reviewWorkingDays, newAll, newWorkingWeekend));
  expect(loaded.body.moved).toEqual([
    { reviewId, reviewDueAt: { before: before.deadlines.reviewDueAt, after: newReviewDue } },
  ]);

  // Read right after: the review and its consultations are due on the new dates, and no longer provisional.
  const after = (await get('supervisor', `/v1/reviews/${reviewId}`).expect(200)).body as ReviewBody;
  expect(after.deadlines.reviewDueAt).toBe(newReviewDue);
  expect(after.deadlines.tasks.filter((t) => t.kind === 'consultation').map((t) => t.dueAt)).toEqual([
    endOf(newLast),
    endOf(newLast),
  ]);
  expect(after.deadlines.provisional).toBeUndefined();
  const tasks = (await get('supervisor', `/v1/tasks?kind=consultation&reviewId=${reviewId}`).expect(200)).body
    .items as { dueAt: string }[];
  expect(tasks.map((t) => t.dueAt)).toEqual([endOf(newLast), endOf(newLast)]);

  // The consultations expire on the new date: at or after its due instant, well before the old timer (two
  // simulated days, 6 s, allowed for a loaded machine).
  const timeout = real(Date.parse(`${addDays(newLast, 1)}T00:00:00+08:00`)) - Date.now() + 30_000;
  const events = await eventually(
    async () => {
      const items = (await get('supervisor', `/v1/reviews/${reviewId}/events`).expect(200)).body.items as {
        type: string;
        at: string;
        data: { year?: number; region?: string };
      }[];
      return items.filter((e) => e.type === 'consultation_expired').length === 2 ? items : undefined;
    },
    'the consultations to expire',
    timeout,
  );
  expect(events.filter((e) => e.type === 'calendar_updated')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ year: 2027 }) }),
  ]);
  const expiries = events.filter((e) => e.type === 'consultation_expired');
  for (const expiry of expiries) {
    const at = Date.parse(expiry.at);
    const recorded = { region: expiry.data.region, simulated: new Date(simulated(at)).toISOString() };
    expect({ ...recorded, onOrAfterNewDue: at >= Date.parse(endOf(newLast)) }).toEqual({
      ...recorded,
      onOrAfterNewDue: true,
    });
    expect({ ...recorded, withinTwoSimulatedDays: at < Date.parse(endOf(addDays(newLast, 2))) }).toEqual({
      ...recorded,
      withinTwoSimulatedDays: true,
    });
  }
  // The log verifies once its seal has caught up with the last recording.
  await eventually(async () => {
    const verdict = (await get('supervisor', `/v1/reviews/${reviewId}/events/verify`).expect(200)).body;
    return verdict.ok === true ? verdict : undefined;
  }, 'the log to verify');
});
