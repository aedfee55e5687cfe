/**
 * The calendar as data, against real servers: an admin loads a year's notice, the running reviews
 * are re-dated on it (a `calendar_updated` event in each log it moved), a read right after shows
 * the new deadlines, and new reviews compute on it. The working days are counted here by a rule of
 * the test's own.
 */
import request from 'supertest';
import { NATIONAL_SCHEDULES } from '../domain/calendar-data';
import { provisionalYears } from '../domain/clock';
import { castOf, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
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
const { get, post, auth, accept } = castOf(() => h, people);
const put = (who: keyof typeof people, path: string, body: object) =>
  request(h.app).put(path).set(auth(who)).send(body);
const ALL_HOLIDAYS = NATIONAL_SCHEDULES.flatMap((s) => s.holidays);
const ALL_WORKING_WEEKEND = NATIONAL_SCHEDULES.flatMap((s) => s.workingWeekendDays);

const DAY = 86_400_000;
const cstDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** The test's own count: the end (CST midnight) of the `days`-th working day after the CST date of `fromMs`. */
function dueAfter(fromMs: number, days: number, holidays: [string, string][], workingWeekend: string[]): string {
  const off = (date: string) => holidays.some(([a, b]) => a <= date && date <= b);
  let ms = Date.parse(`${cstDate(fromMs)}T00:00:00+08:00`);
  for (let counted = 0; counted < days;) {
    ms += DAY;
    const date = cstDate(ms);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const working = workingWeekend.includes(date) || (!off(date) && weekday !== 0 && weekday !== 6);
    if (working) counted++;
  }
  return new Date(ms + DAY).toISOString();
}

async function submitAndAccept(): Promise<string> {
  const body = {
    title: '北京市网络预约出租汽车经营服务管理细则',
    articles: [{ number: '1', text: '为规范网约车经营服务，制定本细则。' }],
    legalBasis: ['《中华人民共和国道路运输条例》'],
    materials: { draftingExplanation: '起草说明' },
  };
  const documentId = (await post('drafter', '/v1/documents', body).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('reviewer', reviewId);
  return reviewId;
}

interface Deadlines {
  reviewDueAt: string;
  tasks: { kind: string; dueAt: string | null }[];
}

test('when a year is loaded, a running review is re-dated on it at once, with calendar_updated in its log; new reviews compute on it', async () => {
  const reviewId = await submitAndAccept();
  const before = (await get('supervisor', `/v1/reviews/${reviewId}`).expect(200)).body as {
    acceptedAt: string;
    deadlines: Deadlines;
  };
  const limit = h.config.policy.reviewWorkingDays;
  const accepted = Date.parse(before.acceptedAt);
  expect(before.deadlines.reviewDueAt).toBe(dueAfter(accepted, limit, ALL_HOLIDAYS, ALL_WORKING_WEEKEND));

  // The notice of the year they fall in adds two days off: the first two working days after acceptance.
  const firstTwo = [1, 2].map((n) =>
    cstDate(Date.parse(dueAfter(accepted, n, ALL_HOLIDAYS, ALL_WORKING_WEEKEND)) - DAY),
  );
  const year = Number(firstTwo[0].slice(0, 4));
  const bundled = NATIONAL_SCHEDULES.find((s) => s.year === year)!;
  const added = firstTwo.filter((d) => d.startsWith(`${year}-`)).map((d): [string, string] => [d, d]);
  const holidays = [...bundled.holidays, ...added];
  const notice = {
    source: `国务院办公厅关于${year}年部分节假日安排的通知（补充）`,
    holidays: holidays.map(([from, to]) => ({ from, to })),
    workingWeekendDays: bundled.workingWeekendDays,
  };
  await put('reviewer', `/v1/calendar/${year}`, notice).expect(403);
  await put('admin', `/v1/calendar/${year}`, {
    ...notice,
    holidays: [{ from: `${year + 1}-01-01`, to: `${year + 1}-01-02` }],
  }).expect(400);
  await put('admin', `/v1/calendar/${year}`, { ...notice, extra: 1 }).expect(400);

  const loaded = await put('admin', `/v1/calendar/${year}`, notice).expect(200);
  const expectedDue = dueAfter(accepted, limit, [...ALL_HOLIDAYS, ...added], ALL_WORKING_WEEKEND);
  expect(expectedDue).not.toBe(before.deadlines.reviewDueAt);
  expect(loaded.body.moved).toEqual([
    { reviewId, reviewDueAt: { before: before.deadlines.reviewDueAt, after: expectedDue } },
  ]);

  // Read right after: the new deadlines, the origin review task's with them, and the event in the log.
  const after = (await get('supervisor', `/v1/reviews/${reviewId}`).expect(200)).body as {
    deadlines: Deadlines;
    history: { type: string }[];
  };
  expect(after.deadlines.reviewDueAt).toBe(expectedDue);
  expect(after.deadlines.tasks.find((t) => t.kind === 'origin_review')?.dueAt).toBe(expectedDue);
  const events = (await get('supervisor', `/v1/reviews/${reviewId}/events`).expect(200)).body.items as {
    type: string;
    data: { year: number; dueAt?: string };
  }[];
  expect(events.filter((e) => e.type === 'calendar_updated')).toEqual([
    expect.objectContaining({ data: expect.objectContaining({ year, dueAt: expectedDue }) }),
  ]);
  expect((await get('supervisor', `/v1/reviews/${reviewId}/events/verify`).expect(200)).body).toMatchObject({
    ok: true,
  });

  // The same notice again moves nothing and records nothing.
  expect((await put('admin', `/v1/calendar/${year}`, notice).expect(200)).body.moved).toEqual([]);
  const again = (await get('supervisor', `/v1/reviews/${reviewId}/events`).expect(200)).body.items as {
    type: string;
  }[];
  expect(again.filter((e) => e.type === 'calendar_updated')).toHaveLength(1);

  // A review accepted now computes on the loaded year.
  const next = await submitAndAccept();
  const nextReview = (await get('supervisor', `/v1/reviews/${next}`).expect(200)).body as {
    acceptedAt: string;
    deadlines: Deadlines;
  };
  expect(nextReview.deadlines.reviewDueAt).toBe(
    dueAfter(Date.parse(nextReview.acceptedAt), limit, [...ALL_HOLIDAYS, ...added], ALL_WORKING_WEEKEND),
  );
});

test('a provisional year is answered without provisional once loaded, and its deadlines stop being marked', async () => {
  const provisional = NATIONAL_SCHEDULES.find((s) => s.provisional)!;
  const year = provisional.year;
  const bundled = (await get('supervisor', `/v1/calendar/${year}`).expect(200)).body;
  expect(bundled.provisional).toEqual(expect.any(String));
  const inside = `${year}-03-10T16:00:00.000Z`;
  expect(provisionalYears([inside], {})).toEqual([year]);

  const notice = {
    source: `国务院办公厅关于${year}年部分节假日安排的通知（国办发明电〔${year - 1}〕1号）`,
    holidays: provisional.holidays.map(([from, to]) => ({ from, to })),
    workingWeekendDays: provisional.workingWeekendDays,
  };
  await put('admin', `/v1/calendar/${year}`, notice).expect(200);
  const answered = (await get('drafter', `/v1/calendar/${year}`).expect(200)).body;
  expect(answered).toEqual({
    year,
    source: notice.source,
    holidays: notice.holidays,
    workingWeekendDays: [...notice.workingWeekendDays].sort(),
  });
  expect(provisionalYears([inside], { calendar: [{ year, ...notice, holidays: provisional.holidays }] })).toEqual([]);
});
