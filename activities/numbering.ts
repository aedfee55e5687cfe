/**
 * Gap-free numbers, per region, year and series (registration at acceptance, a revision letter per
 * revision round, the opinion at the close), assigned while a transition is recorded: after the
 * request's signature is checked and before the events are hashed, so a number is taken exactly
 * when the event that carries it is stored. The store takes each number once
 * (`RecordingStore.takeNumber`): a retried recording finds the number it took before.
 */
import { cstYear, formatNumber, type NumberFormats, type ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import { NUMBERED_EVENTS, recordNumber, type NewEvent } from '../domain/review-log';
import type { RecordingStore } from '../store/recording-store';
import { eventId } from './log-store';

export async function assignNumbers(
  store: RecordingStore,
  settings: { formats: NumberFormats; offices: ReviewOffices },
  review: ReviewProjection,
  events: NewEvent[],
): Promise<{ events: NewEvent[]; review: ReviewProjection; numbers: { seq: number; number: string }[] }> {
  const numbers: { seq: number; number: string }[] = [];
  const numberedReview = { ...review, revisionLetters: review.revisionLetters.map((l) => ({ ...l })) };
  const numberedEvents = [];
  for (const event of events) {
    const series = NUMBERED_EVENTS[event.type as keyof typeof NUMBERED_EVENTS];
    if (series === undefined || (event.data as { number?: string }).number !== undefined) {
      numberedEvents.push(event);
      continue;
    }
    const year = cstYear(event.at);
    const office = settings.offices[review.originRegion];
    const number = await store.takeNumber({
      _id: eventId(review.reviewId, event.seq),
      series: `${series}:${review.originRegion}:${year}`,
      reviewId: review.reviewId,
      format: (n) => formatNumber(settings.formats[series], office, year, n),
    });
    const withNumber = { ...event, data: { ...event.data, number } } as NewEvent;
    recordNumber(numberedReview, withNumber);
    numberedEvents.push(withNumber);
    numbers.push({ seq: event.seq, number });
  }
  return { events: numberedEvents, review: numberedReview, numbers };
}
