/**
 * The supervisors' statistics on the embedded store: the counts are those of every review, and the
 * counts of a past month are kept only once all its reviews have closed.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { computeStats } from '../api/stats';
import type { Region, ReviewStatus } from '../domain/model';
import { connectMongo } from '../runtime/connections';
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

async function review(submittedAt: string, status: ReviewStatus, originRegion: Region) {
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
  const stats = await computeStats(models, at);
  expect(stats.reviews).toMatchObject({
    total: 5,
    byStatus: { in_review: 1, approved: 2, rejected: 1, withdrawn: 1 },
    byStage: { consultation: 1, closed: 4 },
    byOriginRegion: { beijing: 3, tianjin: 1, hebei: 1 },
    overdue: { total: 1, byOriginRegion: { beijing: 1, tianjin: 0, hebei: 0 } },
  });
  expect((await models.StatsMonth.find({}).lean()).map((m) => m._id).sort()).toEqual(['2026-01', '2026-03']);
  // Counted again from what is kept, the figures are the same.
  expect(await computeStats(models, at)).toEqual(stats);
});
