/**
 * The supervisors' statistics as counters, on the embedded store: a store of before the counters
 * is counted once by a backfill; transitions counted concurrently, retried, or cut off between
 * their writes count once; overdue work follows the clock by due hour.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { computeStats } from '../features/supervision/stats';
import type { TimeModel } from '../domain/clock';
import type { Region, ReviewStatus, TaskKind } from '../domain/model';
import { subjectEventCounts } from '../domain/annual-figures';
import { connectMongo } from '../bin/connections';
import { InjectedFault, STALE_LOCK_MS, type CountedComponent } from '../store/counters';
import { migrate } from '../store/migrations';
import { createModels, ensureIndexes, monthOf, noteReviewMonth, type Models } from '../store/models';
import { countFigures, FIGURE_BUCKETS } from '../store/register';
import { countStats, statsComponents, statsTarget } from '../store/stats-counters';
import { statsFromStore } from './support/stats';

/** Compressed time: a working day is one second, so a clock's figures need no calendar. */
const TIME: TimeModel = { workingDayMs: 1000 };

const opened: Connection[] = [];
async function freshStore(): Promise<Models> {
  const mongo = await connectMongo(`${process.env.TEST_MONGODB_URI as string}/s_${randomUUID().slice(0, 8)}`);
  opened.push(mongo);
  const models = createModels(mongo);
  await ensureIndexes(models);
  return models;
}
afterAll(async () => {
  for (const mongo of opened) {
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
});

/** A review stored as a release before the counters stored it (no counters, no due hour). */
async function oldReview(
  models: Models,
  submittedAt: string,
  status: ReviewStatus,
  originRegion: Region,
  concluded?: { limitWorkingDays: number; usedMs: number },
  earliestDueAt = '2026-03-01T00:00:00Z',
) {
  await models.Review.collection.insertOne({
    _id: `review:${randomUUID()}:1` as never,
    documentId: 'd',
    originRegion,
    org: 'o',
    status,
    stage: status === 'in_review' ? 'consultation' : 'closed',
    submittedAt: new Date(submittedAt),
    earliestDueAt: status === 'in_review' ? new Date(earliestDueAt) : null,
    lastSeq: 5,
    month: monthOf(submittedAt),
    ...(concluded && {
      clock: {
        startedAt: submittedAt,
        limitWorkingDays: concluded.limitWorkingDays,
        usedMsBeforeRun: concluded.usedMs,
      },
      closedAt: new Date(Date.parse(submittedAt) + 86_400_000).toISOString(),
    }),
  });
  await noteReviewMonth(models, monthOf(submittedAt));
}

async function oldTask(models: Models, region: Region, kind: TaskKind, dueAt: string | null, status = 'open') {
  const createdAt = '2026-04-01T00:00:00.000Z';
  await models.Task.collection.insertOne({
    _id: `task:${randomUUID()}` as never,
    reviewId: 'review:x:1',
    documentId: 'x',
    kind,
    region,
    role: 'reviewer',
    status,
    version: 1,
    dueAt,
    createdAt,
    lastSeq: 3,
    month: monthOf(createdAt),
  });
}

test('when a store of before the counters is opened, its reviews and open tasks are counted once, timing and the hour under way included', async () => {
  const models = await freshStore();
  await oldReview(models, '2026-01-05T01:00:00Z', 'approved', 'beijing');
  await oldReview(models, '2026-02-10T01:00:00Z', 'in_review', 'beijing'); // overdue since March
  await oldReview(models, '2026-04-15T01:00:00Z', 'in_review', 'hebei', undefined, '2026-04-15T10:10:00Z'); // overdue within the hour
  await oldReview(models, '2026-04-15T02:00:00Z', 'in_review', 'tianjin', undefined, '2026-04-15T10:50:00Z'); // not yet
  await oldReview(models, '2026-04-01T01:00:00Z', 'withdrawn', 'beijing');
  // Beijing: 10.5 and exactly 15 of 15 working days: both on time.
  await oldReview(models, '2026-05-04T01:00:00Z', 'approved', 'beijing', { limitWorkingDays: 15, usedMs: 10_500 });
  await oldReview(models, '2026-05-06T01:00:00Z', 'rejected', 'beijing', { limitWorkingDays: 15, usedMs: 15_000 });
  // Tianjin: 16.2 of 15 is late; 20 of 25 (an extension) is on time.
  await oldReview(models, '2026-05-07T01:00:00Z', 'approved', 'tianjin', { limitWorkingDays: 15, usedMs: 16_200 });
  await oldReview(models, '2026-06-02T01:00:00Z', 'approved', 'tianjin', { limitWorkingDays: 25, usedMs: 20_000 });
  // Neither withdrawn nor unfinished reviews are concluded.
  await oldReview(models, '2026-06-03T01:00:00Z', 'withdrawn', 'hebei', { limitWorkingDays: 15, usedMs: 40_000 });
  await oldTask(models, 'beijing', 'origin_review', '2026-04-14T08:00:00.000Z'); // hours past
  await oldTask(models, 'beijing', 'consultation', '2026-04-15T09:59:59.000Z'); // the hour before
  await oldTask(models, 'tianjin', 'consultation', '2026-04-15T10:10:00.000Z'); // this hour, past
  await oldTask(models, 'hebei', 'signoff', '2026-04-15T10:50:00.000Z'); // this hour, to come
  await oldTask(models, 'hebei', 'origin_review', '2026-04-16T10:00:00.000Z'); // tomorrow
  await oldTask(models, 'hebei', 'revision', null); // no due date
  await oldTask(models, 'beijing', 'signoff', '2026-04-01T00:00:00.000Z', 'completed'); // closed: not counted

  await migrate(models, TIME);
  const at = new Date('2026-04-15T10:30:00Z');
  const stats = await computeStats(models, at);
  expect(stats).toEqual(await statsFromStore(models, at, TIME));
  expect(stats.reviews).toMatchObject({
    total: 10,
    byStatus: { in_review: 3, approved: 4, rejected: 1, withdrawn: 2 },
    byOriginRegion: { beijing: 5, tianjin: 3, hebei: 2 },
    overdue: { total: 2, byOriginRegion: { beijing: 1, tianjin: 0, hebei: 1 } },
  });
  expect(stats.reviews.concluded.byOriginRegion).toEqual({
    beijing: { concluded: 2, onTime: 2, workingDaysUsed: 25, onTimeRate: 1, averageWorkingDays: 12.5 },
    tianjin: { concluded: 2, onTime: 1, workingDaysUsed: 36, onTimeRate: 0.5, averageWorkingDays: 18 },
    hebei: { concluded: 0, onTime: 0, workingDaysUsed: 0, onTimeRate: null, averageWorkingDays: null },
  });
  expect(stats.tasks).toMatchObject({
    open: { total: 6, byRegion: { beijing: 2, tianjin: 1, hebei: 3 } },
    overdue: { total: 3, byRegion: { beijing: 2, tianjin: 1, hebei: 0 } },
  });
  // Later in the day, the hour of 10 is wholly past: read from its counters.
  const later = new Date('2026-04-15T12:00:00Z');
  expect(await computeStats(models, later)).toEqual(await statsFromStore(models, later, TIME));

  // Recorded as done: opened again (by two processes at once), nothing is counted again.
  await oldReview(models, '2026-06-04T01:00:00Z', 'approved', 'hebei');
  await Promise.all([migrate(models, TIME), migrate(models, TIME)]);
  expect((await computeStats(models, at)).reviews.total).toBe(10);
});

/** A review in review with its open tasks, at position `seq`, as components. */
function reviewAt(id: string, status: ReviewStatus, tasks: { id: string; status: 'open' | 'completed' }[]) {
  return statsComponents(
    TIME,
    {
      id,
      status,
      stage: status === 'in_review' ? 'origin_review' : 'closed',
      originRegion: 'beijing',
      earliestDueAt: status === 'in_review' ? '2026-04-15T09:00:00.000Z' : null,
    },
    tasks.map((t) => ({ ...t, region: 'tianjin', kind: 'consultation', dueAt: '2026-04-15T09:00:00.000Z' })),
  );
}

const AT = new Date('2026-04-15T12:00:00Z');

test('of 40 concurrent countings of one transition exactly one counts; a late retry of an earlier one counts nothing', async () => {
  const models = await freshStore();
  const first = reviewAt('r1', 'in_review', [
    { id: 'r1:t1', status: 'open' },
    { id: 'r1:t2', status: 'open' },
  ]);
  await Promise.all(Array.from({ length: 40 }, () => countStats(models, 'r1', 3, first)));
  // Thirty other reviews at once, each once.
  await Promise.all(
    Array.from({ length: 30 }, (_, i) => countStats(models, `o${i}`, 1, reviewAt(`o${i}`, 'in_review', []))),
  );
  let stats = await computeStats(models, AT);
  expect(stats.reviews.total).toBe(31);
  expect(stats.reviews.overdue.total).toBe(31);
  expect(stats.tasks.open.byRegion.tianjin).toBe(2);
  expect(stats.tasks.overdue.byKind.consultation).toBe(2);

  // The next transition closes one task and concludes; retried at once, and the first retried late.
  const next = reviewAt('r1', 'approved', [{ id: 'r1:t1', status: 'completed' }]);
  await Promise.all([
    ...Array.from({ length: 20 }, () => countStats(models, 'r1', 4, next)),
    ...Array.from({ length: 10 }, () => countStats(models, 'r1', 3, first)),
  ]);
  await Promise.all(Array.from({ length: 10 }, () => countStats(models, 'r1', 3, first)));
  stats = await computeStats(models, AT);
  expect(stats.reviews.byStatus).toMatchObject({ in_review: 30, approved: 1 });
  expect(stats.reviews.total).toBe(31);
  expect(stats.reviews.overdue.total).toBe(30);
  expect(stats.tasks.open.total).toBe(1);
  expect(stats.tasks.overdue.total).toBe(1);
});

/** Two subjects whose transitions move the same counts document. */
function twoInOneBucket(prefix: string): [string, string] {
  const first = `${prefix}-0`;
  for (let i = 1; ; i++) {
    const other = `${prefix}-${i}`;
    if (statsTarget(other)._id === statsTarget(first)._id) return [first, other];
  }
}

const expectFault = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(InjectedFault);

test(
  'a counting that dies between its writes, retried (dozens at once) after others moved the same document, counts once',
  async () => {
    const models = await freshStore();
    const [a, b] = twoInOneBucket('crash');
    const one = (id: string) => reviewAt(id, 'in_review', [{ id: `${id}:t`, status: 'open' }]);
    // A dies after its sums were written, before anything else: the lock stays, its mark is unwritten.
    await expectFault(countStats(models, a, 1, one(a), 'after-counts'));
    // B takes the stale lock over, hands A's mark over and counts; then dies after the marks of its own next step.
    await countStats(models, b, 1, one(b));
    const bNext: CountedComponent[] = reviewAt(b, 'withdrawn', [{ id: `${b}:t`, status: 'completed' }]);
    await expectFault(countStats(models, b, 2, bNext, 'after-marks'));
    // Every retry at once: A's and B's.
    await Promise.all([
      ...Array.from({ length: 15 }, () => countStats(models, a, 1, one(a))),
      ...Array.from({ length: 15 }, () => countStats(models, b, 1, one(b))),
      ...Array.from({ length: 15 }, () => countStats(models, b, 2, bNext)),
    ]);
    const stats = await computeStats(models, AT);
    expect(stats.reviews.byStatus).toMatchObject({ in_review: 1, withdrawn: 1 });
    expect(stats.tasks.open.total).toBe(1);
    expect(stats.reviews.total).toBe(2);
  },
  4 * STALE_LOCK_MS + 30_000,
);

test(
  "the year's figures: a counting that dies after its sums counts once when retried after another subject moved the document",
  async () => {
    const models = await freshStore();
    const at = '2031-03-01T02:00:00.000Z';
    const raised = subjectEventCounts([{ type: 'topic_raised', at, region: 'hebei' }]);
    // Subjects of one counts document: the bucket is a hash of the id; try ids until two share one.
    const sameBucket = async (): Promise<[string, string]> => {
      const ids = Array.from({ length: 40 }, (_, i) => `topic:f${i}`);
      const docOf = async (id: string) => {
        await countFigures(
          models,
          id,
          1,
          subjectEventCounts([{ type: 'topic_raised', at: '2040-01-01T00:00:00.000Z', region: 'hebei' }]),
        );
        const docs = await models.FigureBucket.find({ year: 2040 }, { _id: 1, last: 1 }).lean();
        return docs.find((d) => d.last?.marks.some((m) => m.id === id))!._id;
      };
      const seen = new Map<string, string>();
      for (const id of ids) {
        const doc = await docOf(id);
        if (seen.has(doc)) return [seen.get(doc)!, id];
        seen.set(doc, id);
      }
      throw new Error('no two subjects share a bucket');
    };
    const [a, b] = await sameBucket();
    await expectFault(countFigures(models, a, 2, raised, 'after-counts'));
    await countFigures(models, b, 2, raised);
    await Promise.all(Array.from({ length: 20 }, (_, i) => countFigures(models, i % 2 ? a : b, 2, raised)));
    const counted = await models.FigureBucket.find({ year: 2031, region: 'hebei' }, { counts: 1 }).lean();
    expect(counted.reduce((n, d) => n + (d.counts?.topicsRaised ?? 0), 0)).toBe(2);
  },
  2 * STALE_LOCK_MS + 30_000,
);

test('counters documents of before, with their marks inline, keep counting once, before and after the marks are moved out', async () => {
  const models = await freshStore();
  const at = '2032-05-01T02:00:00.000Z';
  const received = subjectEventCounts([{ type: 'suggestion_received', at, region: 'beijing' }]);
  const bucket = createHash('sha1').update('suggestion:s1').digest().readUInt16BE(0) % FIGURE_BUCKETS;
  const _id = `2032:beijing:${bucket}`;
  // As the release before stored it: the marks inside the counts document.
  await models.FigureBucket.collection.insertOne({
    _id: _id as never,
    year: 2032,
    region: 'beijing',
    counts: { suggestionsReceived: 1 },
    seen: { 'suggestion:s1': 1 },
  });
  const total = async () =>
    (await models.FigureBucket.find({ year: 2032 }, { counts: 1 }).lean()).reduce(
      (n, d) => n + (d.counts?.suggestionsReceived ?? 0),
      0,
    );
  await Promise.all(Array.from({ length: 5 }, () => countFigures(models, 'suggestion:s1', 1, received)));
  expect(await total()).toBe(1);
  await migrate(models, TIME);
  expect((await models.FigureBucket.findById(_id).lean())?.seen).toBeUndefined();
  expect(await models.FigureBucket.findById(`mark|${_id}|suggestion:s1`).lean()).toMatchObject({ seq: 1 });
  await Promise.all([
    ...Array.from({ length: 5 }, () => countFigures(models, 'suggestion:s1', 1, received)),
    ...Array.from({ length: 5 }, () => countFigures(models, 'suggestion:s3', 1, received)),
  ]);
  expect(await total()).toBe(2);
});
