/**
 * Brings a store written by release 1 up to the review log, once, at start-up (idempotent, safe
 * when several processes start at once). Release 1 kept each review as a mirror document holding
 * the workflow's whole state, history included; each such review is rewritten as the new engine
 * stores it: a hash-chained log made from its history, the review projection and its tasks. Its
 * notifications are filed under their month, and the indexes it no longer uses are dropped.
 */
import { writeLegacyState } from '../activities/legacy';
import type { LegacyReviewState } from '../domain/legacy';
import { monthOf, noteReviewMonth, type Models } from '../store/models';

/** Indexes of release 1 that today's lists (read a month at a time) do not use. */
const OBSOLETE_INDEXES: [keyof Models, string][] = [
  ['Review', 'submittedAt_-1__id_-1'],
  ['Review', 'originRegion_1_status_1_stage_1_submittedAt_-1'],
  ['Review', 'earliestDueAt_1'],
  ['Task', 'region_1_role_1_status_1_createdAt_-1'],
  ['Task', 'status_1_createdAt_-1'],
  ['Notification', 'audience.region_1_audience.role_1_createdAt_-1'],
];

export async function migrateRelease1Mirrors(models: Models): Promise<number> {
  // Projections are moved forward by log position; release 1 had none, so theirs starts at 0.
  await models.Task.collection.updateMany({ lastSeq: { $exists: false } }, { $set: { lastSeq: 0 } });
  // Through the driver: `state` is not a field of today's schema, which Mongoose would strip.
  const reviews = models.Review.db.collection<{ _id: string; state?: LegacyReviewState }>(
    models.Review.collection.collectionName,
  );
  const mirrors = reviews.find<{ _id: string; state: LegacyReviewState }>(
    { state: { $exists: true } },
    { projection: { state: 1 } },
  );
  let migrated = 0;
  for await (const mirror of mirrors) {
    await reviews.updateOne({ _id: mirror._id, lastSeq: { $exists: false } }, { $set: { lastSeq: 0 } });
    await writeLegacyState(models, mirror.state);
    const month = monthOf(mirror.state.submittedAt);
    await noteReviewMonth(models, month);
    await reviews.updateOne({ _id: mirror._id }, { $unset: { state: '', stateVersion: '' } });
    migrated++;
  }
  for await (const n of models.Notification.find({ month: { $exists: false } }, { createdAt: 1 }).lean()) {
    await models.Notification.updateOne({ _id: n._id }, { $set: { month: monthOf(n.createdAt) } });
  }
  if (migrated > 0) {
    await models.StatsMonth.deleteMany({}); // counted before these reviews were here
    for (const [model, index] of OBSOLETE_INDEXES) {
      await models[model].collection.dropIndex(index).catch(() => undefined); // gone already
    }
  }
  return migrated;
}
