/**
 * The register row and the year's counters, moved forward by each recorded transition of a review
 * (recording.ts). Both writes are idempotent (store/register.ts): a retried recording leaves the row
 * where it is and counts nothing twice.
 */
import { reviewEventCounts } from '../domain/annual-figures';
import type { ReviewProjection } from '../domain/projection';
import { reviewRegisterFields, searchTerms } from '../domain/register';
import type { NewEvent } from '../domain/review-log';
import { versionId } from '../store/models';
import type { RecordingStore } from '../store/recording-store';
import type { RegisterRowDoc } from '../store/register';

export async function writeRegister(
  store: RecordingStore,
  review: ReviewProjection,
  events: readonly NewEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const { reviewId, receivedAt, ...fields } = reviewRegisterFields(review, events);
  const row: RegisterRowDoc = { _id: reviewId, ...fields, receivedAt: new Date(receivedAt), clock: review.clock };
  // The title comes with the version under review: read when a version arrives, or when numbers join the terms.
  const versionChanged = events.some((e) => e.type === 'submitted' || e.type === 'resubmitted');
  const numbered = events.some(
    (e) => e.type === 'accepted' || e.type === 'approved' || e.type === 'rejected' || e.type === 'returned',
  );
  if (versionChanged || numbered) {
    const title = (await store.versionTitle(versionId(review.documentId, review.version))) ?? '';
    row.title = title;
    row.terms = searchTerms(title, review.registrationNumber, review.opinionNumber, review.org);
  }
  await store.moveRegisterRowForward(row);
  await store.countFigures(reviewId, events[events.length - 1].seq, reviewEventCounts(review, events));
}
