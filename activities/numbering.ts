/**
 * Gap-free numbers, per region, year and series (registration at acceptance, a revision letter per
 * revision round, the opinion at the close), assigned while a transition is recorded: after the
 * request's signature is checked and before the events are hashed, so a number is taken exactly
 * when the event that carries it is stored. Each number is an insert under the event's id, with a
 * unique (series, n): of two reviews numbered at the same moment one gets n and the other n + 1,
 * and a retried recording finds the number it took before.
 */
import { cstYear, formatNumber, type NumberFormats, type ReviewOffices } from '../domain/offices';
import type { ReviewProjection } from '../domain/projection';
import { NUMBERED_EVENTS, recordNumber, type NewEvent } from '../domain/review-log';
import type { Models, NumberDoc } from '../store/models';
import { eventId } from './log-store';
import { isDuplicateKey } from '../store/mongo';

/** How often to count again when another review took the number first. */
const MAX_RACE = 200;

export async function assignNumbers(
  models: Models,
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
    const number = await takeNumber(models, {
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

async function takeNumber(
  models: Models,
  claim: { _id: string; series: string; reviewId: string; format: (n: number) => string },
): Promise<string> {
  for (let attempt = 0; attempt < MAX_RACE; attempt++) {
    const taken = await models.Number.findById(claim._id).lean<NumberDoc>();
    if (taken) return taken.number;
    const [last] = await models.Number.find({ series: claim.series }, { n: 1 })
      .sort({ n: -1 })
      .limit(1)
      .lean<NumberDoc[]>();
    const n = (last?.n ?? 0) + 1;
    try {
      await models.Number.create({
        _id: claim._id,
        series: claim.series,
        n,
        number: claim.format(n),
        reviewId: claim.reviewId,
      });
      return claim.format(n);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Either this event was numbered meanwhile (a retry), or another review took n: look again.
    }
  }
  throw new Error(`could not take a number in ${claim.series}: too many at once`);
}
