/**
 * The supervisors' statistics on the embedded store: the counts are those of every review, and the
 * counts of a past month are kept only once all its reviews have closed.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { computeStats } from '../features/supervision/stats';
import type { TimeModel } from '../domain/clock';
import type { Region, ReviewStatus } from '../domain/model';
import { connectMongo } from '../bin/connections';
import { createModels, ensureIndexes, monthOf, noteReviewMonth, type Models } from '../store/models';

let mongo: Connection;
let models: Models;

beforeAll(async () => {
  mongo = await connectMongo(`${process.env.TEST_MONGODB_URI as string}/s_${randomUUID().slice(0, 8)}`);
  models = createModels(mongo);
  await ensureIndexes(models);
});
afterAll(async () => {
  await mongo?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

/** Compressed time: a working day is one second, so a clock's figures need no calendar. */
const TIME: TimeModel = { workingDayMs: 1000 };

async function review(
  submittedAt: string,
  status: ReviewStatus,
  originRegion: Region,
  concluded?: { limitWorkingDays: number; usedMs: number },
) {
  await models.Review.collection.insertOne({
    _id: `review:${randomUUID()}:1` as never,
    documentId: 'd',
    originRegion,
    org: 'o',
    status,
    stage: status === 'in_review' ? 'consultation' : 'closed',
    submittedAt: new Date(submittedAt),
    earliestDueAt: status === 'in_review' ? new Date('2026-03-01T00:00:00Z') : null,
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

test('when some months have closed and some have not, the counts are whole and only finished months are kept', async () => {
  await review('2026-01-05T01:00:00Z', 'approved', 'beijing');
  await review('2026-01-20T01:00:00Z', 'rejected', 'tianjin');
  await review('2026-02-03T01:00:00Z', 'approved', 'hebei');
  await review('2026-02-10T01:00:00Z', 'in_review', 'beijing'); // February is not finished
  await review('2026-04-01T01:00:00Z', 'withdrawn', 'beijing'); // March is empty; April is current

  const at = new Date('2026-04-15T00:00:00Z');
  const stats = await computeStats(models, at, TIME);
  expect(stats.reviews).toMatchObject({
    total: 5,
    byStatus: { in_review: 1, approved: 2, rejected: 1, withdrawn: 1 },
    byStage: { consultation: 1, closed: 4 },
    byOriginRegion: { beijing: 3, tianjin: 1, hebei: 1 },
    overdue: { total: 1, byOriginRegion: { beijing: 1, tianjin: 0, hebei: 0 } },
  });
  expect((await models.StatsMonth.find({}).lean()).map((m) => m._id).sort()).toEqual(['2026-01', '2026-03']);
  // Counted again from what is kept, the figures are the same.
  expect(await computeStats(models, at, TIME)).toEqual(stats);
});

test('concluded reviews give each region its on-time rate and working days used, months kept before that are counted again', async () => {
  await models.Review.deleteMany({});
  await models.StatsMonth.deleteMany({});
  // Beijing: 10.5 and exactly 15 of 15 working days: both on time.
  await review('2026-05-04T01:00:00Z', 'approved', 'beijing', { limitWorkingDays: 15, usedMs: 10_500 });
  await review('2026-05-06T01:00:00Z', 'rejected', 'beijing', { limitWorkingDays: 15, usedMs: 15_000 });
  // Tianjin: 16.2 of 15 is late; 20 of 25 (an extension) is on time.
  await review('2026-05-07T01:00:00Z', 'approved', 'tianjin', { limitWorkingDays: 15, usedMs: 16_200 });
  await review('2026-06-02T01:00:00Z', 'approved', 'tianjin', { limitWorkingDays: 25, usedMs: 20_000 });
  // Neither withdrawn nor unfinished reviews are concluded.
  await review('2026-06-03T01:00:00Z', 'withdrawn', 'hebei', { limitWorkingDays: 15, usedMs: 40_000 });
  await review('2026-06-04T01:00:00Z', 'in_review', 'hebei', { limitWorkingDays: 15, usedMs: 40_000 });
  // May as a release without timing kept it: counted again, and kept with its timing.
  await models.StatsMonth.collection.insertOne({
    _id: '2026-05' as never,
    counts: {
      byStatus: { approved: 2, rejected: 1 },
      byStage: { closed: 3 },
      byOriginRegion: { beijing: 2, tianjin: 1 },
    },
  });

  const at = new Date('2026-06-20T00:00:00Z');
  const stats = await computeStats(models, at, TIME);
  expect(stats.reviews.concluded.byOriginRegion).toEqual({
    beijing: { concluded: 2, onTime: 2, workingDaysUsed: 25, onTimeRate: 1, averageWorkingDays: 12.5 },
    tianjin: { concluded: 2, onTime: 1, workingDaysUsed: 36, onTimeRate: 0.5, averageWorkingDays: 18 },
    hebei: { concluded: 0, onTime: 0, workingDaysUsed: 0, onTimeRate: null, averageWorkingDays: null },
  });
  const may = await models.StatsMonth.findById('2026-05').lean();
  expect(may?.counts.timing).toEqual({
    beijing: { concluded: 2, onTime: 2, workingDaysUsed: 25 },
    tianjin: { concluded: 1, onTime: 0, workingDaysUsed: 16 },
  });
  expect(await computeStats(models, at, TIME)).toEqual(stats);
});
