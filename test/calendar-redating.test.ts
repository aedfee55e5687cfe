/**
 * Re-dating running reviews as a job on Temporal, against real servers: pages of one review
 * (CALENDAR_REDATING_PAGE_SIZE=1), so the job runs over several pages and continues as new; the
 * loading request waits only a moment (CALENDAR_REDATING_WAIT=1ms) and answers with the job's
 * progress, which `GET /v1/calendar/:year/redating` follows to the end. A repeated load starts no
 * second job; a worker whose activity fails once mid-job (after an Update was answered, before its
 * outcome was kept) still ends with every review re-dated once and its move kept.
 */
import request from 'supertest';
import type { RedateReview } from '../activities/calendar-redating';
import { CalendarLoaded, CalendarRedating } from '../api/responses';
import { NATIONAL_SCHEDULES } from '../domain/calendar-data';
import { startWorker } from '../worker/worker';
import { castOf, eventually, startHarness, type Claims, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CALENDAR_REDATING_PAGE_SIZE: '1', CALENDAR_REDATING_WAIT: '1ms' });
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
const put = (path: string, body: object) => request(h.app).put(path).set(auth('admin')).send(body);

const DAY = 86_400_000;
const cstDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

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

interface Moved {
  reviewId: string;
  reviewDueAt: { before: string | null; after: string | null };
}
interface Progress {
  id: string;
  status: string;
  redated: number;
  runningReviews: number;
  moved: Moved[];
}

const reviewDueAt = async (reviewId: string) =>
  ((await get('supervisor', `/v1/reviews/${reviewId}`).expect(200)).body as { deadlines: { reviewDueAt: string } })
    .deadlines.reviewDueAt;

const calendarUpdates = async (reviewId: string) =>
  ((await get('supervisor', `/v1/reviews/${reviewId}/events`).expect(200)).body.items as { type: string }[]).filter(
    (e) => e.type === 'calendar_updated',
  ).length;

/** A notice for the year the reviews' next working days fall in, with `extra` more of them off. */
function noticeWith(extra: number, tag: string) {
  // The reviews were accepted today: their first working days after today are taken off.
  const days: string[] = [];
  for (let ms = Date.now() + DAY; days.length < extra; ms += DAY) {
    const date = cstDate(ms);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(date);
  }
  const year = Number(days[0].slice(0, 4));
  const bundled = NATIONAL_SCHEDULES.find((s) => s.year === year)!;
  const added = days.filter((d) => d.startsWith(`${year}-`)).map((d) => ({ from: d, to: d }));
  return {
    year,
    notice: {
      source: `国务院办公厅关于${year}年部分节假日安排的通知（${tag}）`,
      holidays: [...bundled.holidays.map(([from, to]) => ({ from, to })), ...added],
      workingWeekendDays: bundled.workingWeekendDays,
    },
  };
}

async function finished(year: number): Promise<Progress> {
  return eventually(
    async () => {
      const progress = (await get('admin', `/v1/calendar/${year}/redating`).expect(200)).body as Progress;
      expect(CalendarRedating.safeParse(progress).success).toBe(true);
      return progress.status === 'completed' ? progress : undefined;
    },
    'the re-dating to finish',
    120_000,
  );
}

let running: string[] = [];

test('when a year is loaded, a job re-dates every running review across pages, each once, and a repeated load starts no second job', async () => {
  running = await Promise.all(Array.from({ length: 5 }, submitAndAccept));
  const before = new Map(await Promise.all(running.map(async (id) => [id, await reviewDueAt(id)] as const)));
  const { year, notice } = noticeWith(1, '一');

  await request(h.app).get(`/v1/calendar/${year}/redating`).set(auth('admin')).expect(404);
  const loaded = await put(`/v1/calendar/${year}`, notice).expect(200);
  expect(loaded.body).toMatchObject({ calendar: { year, source: notice.source }, runningReviews: 5 });
  expect(CalendarLoaded.safeParse(loaded.body).success).toBe(true);
  // The request waited 1 ms: the job is still running and says so; `moved` holds what moved so far.
  expect(loaded.body.redating).toMatchObject({ status: 'running', runningReviews: 5 });
  expect(loaded.body.redating.id).toMatch(new RegExp(`^calendar-redating:${year}:`));
  await request(h.app).get(`/v1/calendar/${year}/redating`).set(auth('reviewer')).expect(403);

  const done = await finished(year);
  expect(done).toMatchObject({ id: loaded.body.redating.id, redated: 5, runningReviews: 5 });
  const after = new Map(await Promise.all(running.map(async (id) => [id, await reviewDueAt(id)] as const)));
  expect(done.moved).toEqual(
    [...running].sort().map((reviewId) => ({
      reviewId,
      reviewDueAt: { before: before.get(reviewId), after: after.get(reviewId) },
    })),
  );
  for (const id of running) expect(after.get(id)).not.toBe(before.get(id));
  expect(await Promise.all(running.map(calendarUpdates))).toEqual([1, 1, 1, 1, 1]);
  const loadId = done.id.split(':')[2];
  expect(await h.models.CalendarRedating.countDocuments({ loadId })).toBe(5);

  // Five pages of one review: the job continued as new with its cursor.
  const job = h.client.workflow.getHandle(done.id);
  const description = await job.describe();
  expect(description.raw.workflowExecutionInfo?.firstRunId).not.toBe(description.runId);

  // The same notice again, ten times at once: the same job, finished; nothing moves, nothing is recorded.
  const again = await Promise.all(Array.from({ length: 10 }, () => put(`/v1/calendar/${year}`, notice)));
  for (const res of again) {
    expect(res.status).toBe(200);
    expect(res.body.moved).toEqual([]);
    expect(res.body.redating).toBeUndefined();
  }
  const unchanged = await job.describe();
  expect(unchanged.runId).toBe(description.runId);
  expect((await get('admin', `/v1/calendar/${year}/redating`).expect(200)).body).toMatchObject({
    id: done.id,
    status: 'completed',
    redated: 5,
  });
  expect(await Promise.all(running.map(calendarUpdates))).toEqual([1, 1, 1, 1, 1]);
  expect(await h.models.CalendarRedating.countDocuments({ loadId })).toBe(5);
});

test('when the activity fails mid-job after an Update was answered, the retried page keeps the move and no review is re-dated twice', async () => {
  // A worker whose third Update is answered, then lost: the activity fails once, after it.
  let calls = 0;
  let lost: string | undefined;
  const faulty =
    (standard: RedateReview): RedateReview =>
    async (reviewId, req, updateId) => {
      const result = await standard(reviewId, req, updateId);
      if (++calls === 3) {
        lost = reviewId;
        throw new Error('injected: the worker lost the answer');
      }
      return result;
    };
  await h.worker.stop();
  h.worker = await startWorker(
    h.config,
    process.env.TEST_TEMPORAL_ADDRESS!,
    h.models,
    process.env.TEST_WORKFLOW_BUNDLE,
    {
      redate: faulty,
    },
  );

  const before = new Map(await Promise.all(running.map(async (id) => [id, await reviewDueAt(id)] as const)));
  const { year, notice } = noticeWith(2, '二');
  await put(`/v1/calendar/${year}`, notice).expect(200);
  const done = await finished(year);

  expect(lost).toBeDefined();
  expect(calls).toBe(6); // five reviews, the lost one sent again
  const after = new Map(await Promise.all(running.map(async (id) => [id, await reviewDueAt(id)] as const)));
  expect(done).toMatchObject({ redated: 5, runningReviews: 5 });
  expect(done.moved).toEqual(
    [...running].sort().map((reviewId) => ({
      reviewId,
      reviewDueAt: { before: before.get(reviewId), after: after.get(reviewId) },
    })),
  );
  // Two loads, two re-datings each: one calendar_updated per load and review.
  expect(await Promise.all(running.map(calendarUpdates))).toEqual([2, 2, 2, 2, 2]);
  expect(await h.models.CalendarRedating.countDocuments({ loadId: done.id.split(':')[2] })).toBe(5);
});

test('a review that refuses the Update is recorded as refused with its reason, and the job goes on to the others', async () => {
  // A worker that sends one review a request whose signature no longer matches its body.
  let refusedId: string | undefined;
  const tampering =
    (standard: RedateReview): RedateReview =>
    async (reviewId, req, updateId) => {
      if (refusedId === undefined) refusedId = reviewId;
      const sent = reviewId === refusedId ? { ...req, signedAt: new Date(0).toISOString() } : req;
      return standard(reviewId, sent, updateId);
    };
  await h.worker.stop();
  h.worker = await startWorker(
    h.config,
    process.env.TEST_TEMPORAL_ADDRESS!,
    h.models,
    process.env.TEST_WORKFLOW_BUNDLE,
    { redate: tampering },
  );

  const { year, notice } = noticeWith(3, '三');
  await put(`/v1/calendar/${year}`, notice).expect(200);
  const done = (await finished(year)) as Progress & { refused: { reviewId: string; reason: string }[] };

  expect(refusedId).toBeDefined();
  expect(done).toMatchObject({ redated: 5, runningReviews: 5 });
  expect(done.refused).toHaveLength(1);
  expect(done.refused[0].reviewId).toBe(refusedId);
  expect(done.refused[0].reason).not.toBe('');
  // The refusing review records nothing; the other four moved.
  expect(done.moved.map((m) => m.reviewId)).toEqual(running.filter((id) => id !== refusedId).sort());
  expect(await Promise.all(running.map(calendarUpdates))).toEqual(running.map((id) => (id === refusedId ? 2 : 3)));
});
