/**
 * Brings a store written by release 1 up to the review log, once, at start-up (idempotent, safe
 * when several processes start at once). Release 1 kept each review as a mirror document holding
 * the workflow's whole state, history included; each such review is rewritten as the new engine
 * stores it: a hash-chained log made from its history, the review projection and its tasks.
 */
import type { LegacyReviewState } from '../domain/legacy';
import { writeLegacyState } from '../activities/legacy';
import type { Models } from '../store/models';

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
    await reviews.updateOne({ _id: mirror._id }, { $unset: { state: '', stateVersion: '' } });
    migrated++;
  }
  return migrated;
}
