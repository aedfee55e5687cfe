/**
 * The register row and the year's counters, moved forward by each recorded transition of a review
 * (recording.ts), by each step of an issued document's course (after-review.ts) and by each
 * transition of a topic or guideline (exchange.ts). The writes are idempotent (store/register.ts):
 * a retried recording leaves the row where it is and counts nothing twice.
 */
import {
  courseFigureEvents,
  exchangeFigureEvents,
  reviewEventCounts,
  subjectEventCounts,
} from '../domain/annual-figures';
import type { CourseEvent, CourseState } from '../domain/after-review';
import type { ExchangeEvent } from '../domain/exchange';
import type { Region } from '../domain/model';
import type { ReviewProjection } from '../domain/projection';
import { reviewRegisterFields, searchTerms } from '../domain/register';
import type { NewEvent } from '../domain/review-log';
import { versionId } from '../store/models';
import type { RecordingStore } from '../store/recording-store';
import type { Models } from '../store/models';
import { countFigures, setAfterReviewFields, type RegisterRowDoc } from '../store/register';
import { countStats, statsComponents } from '../store/stats-counters';

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

/**
 * A step of an issued document's course (workflow `workflowId`): the document number, publication,
 * filing status and validity on the row of the review that approved it, and the filings' and
 * suggestions' counters, once for the step's last log position.
 */
export async function writeCourseRegister(
  models: Models,
  workflowId: string,
  state: CourseState,
  events: readonly CourseEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const { issuance, filing } = state;
  const seq = events[events.length - 1].seq;
  await setAfterReviewFields(models.RegisterRow, issuance.reviewId, seq, {
    documentNumber: issuance.documentNumber,
    publishedOn: issuance.publishedOn,
    filingStatus: filing.status,
    validUntil: issuance.validUntil,
  });
  await Promise.all([
    countFigures(models, workflowId, seq, subjectEventCounts(courseFigureEvents(issuance.region, events))),
    // The course's tasks in the supervisors' statistics, as they stand after the step.
    countStats(models, workflowId, seq, statsComponents({}, undefined, state.tasks)),
  ]);
}

/** A transition of a topic or guideline raised or proposed in `region`: its counters, once for its last log position. */
export async function countExchangeFigures(
  store: RecordingStore,
  workflowId: string,
  region: Region,
  events: readonly ExchangeEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const increments = subjectEventCounts(exchangeFigureEvents(region, events));
  await store.countFigures(workflowId, events[events.length - 1].seq, increments);
}
