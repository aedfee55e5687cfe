/**
 * Re-dating the running reviews on a loaded year, one page at a time (workflows/calendar-redating.ts
 * drives it): the running reviews after a cursor, by id, each sent the signed `updateCalendar`
 * Update (up to REDATE_CONCURRENCY at once), each outcome kept in one document per load and review.
 * Safe to run again from any point: the Update carries a fixed id per load (Temporal answers a
 * repeat with its first outcome) and a calendar a review already computes on moves nothing.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  calendarRedatingUpdateId,
  type CalendarRedatingInput,
  type CalendarUpdateRequest,
  type CalendarUpdateResult,
  type Signed,
} from '../domain/messages';
import { signRequest, verifyRequest, type SigningKeys } from '../platform/signing';
import type { CalendarRedatingDoc } from '../store/calendar';
import type { Models, ReviewDoc } from '../store/models';

/**
 * Sends the signed calendar Update to one review's workflow; `closed` when it runs no more, `refused`
 * (with the workflow's reason) when its validator or handler rejects the Update: sending it again
 * would be refused again, so the job records it and goes on instead of retrying the page for ever.
 */
export type RedateReview = (
  reviewId: string,
  request: Signed<CalendarUpdateRequest>,
  updateId: string,
) => Promise<CalendarUpdateResult | 'closed' | { refused: string }>;

export interface RedatingPageInput {
  start: Signed<CalendarRedatingInput>;
  workflowId: string;
  after?: string;
}

export interface RedatingPage {
  /** The last review id of the page; absent when there was none (the job is done). */
  last?: string;
  redated: number;
  moved: number;
  /** The year was loaded again since: the job stops. */
  superseded?: boolean;
}

/** How many running reviews are re-dated at once. */
export const REDATE_CONCURRENCY = 8;

export async function redateCalendarPage(
  deps: { models: Models; signingKeys: SigningKeys; redate: RedateReview },
  input: RedatingPageInput,
): Promise<RedatingPage> {
  const { models, signingKeys } = deps;
  if (!verifyRequest(signingKeys, 'calendarRedating', input.workflowId, input.start)) {
    throw ApplicationFailure.nonRetryable('the re-dating was not started by the API: nothing was sent', 'forbidden');
  }
  const { year, loadId, schedule, pageSize } = input.start.body;
  // A later load of the year has its own job: this one stops (at most the page in flight ran on).
  const stored = await models.CalendarYear.findById(String(year), { loadId: 1 }).lean<{ loadId?: string }>();
  if (stored?.loadId !== loadId) return { redated: 0, moved: 0, superseded: true };
  const page = await models.Review.find(
    { status: 'in_review', ...(input.after !== undefined && { _id: { $gt: input.after } }) },
    { _id: 1, clock: 1 },
  )
    .sort({ _id: 1 })
    .limit(pageSize)
    .lean<Pick<ReviewDoc, '_id' | 'clock'>[]>();
  if (page.length === 0) return { redated: 0, moved: 0 };

  // The due dates before, kept from the first attempt: a retry reads reviews it may have moved already.
  const at = new Date();
  await models.CalendarRedating.bulkWrite(
    page.map((review) => ({
      updateOne: {
        filter: { _id: `${loadId}:${review._id}` },
        update: {
          $setOnInsert: {
            loadId,
            year,
            reviewId: review._id,
            before: review.clock?.runningSince ? (review.clock.dueAt ?? null) : null,
            after: null,
            moved: false,
            done: false,
            at,
          },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );

  const body: CalendarUpdateRequest = { schedule };
  let moved = 0;
  const queue = [...page];
  const redateNext = async (): Promise<void> => {
    for (let review = queue.shift(); review; review = queue.shift()) {
      const request = signRequest(
        signingKeys,
        'updateCalendar',
        review._id,
        body,
        input.start.requestId ?? input.workflowId,
      );
      const result = await deps.redate(review._id, request, calendarRedatingUpdateId(loadId));
      const update: Partial<CalendarRedatingDoc> =
        result === 'closed'
          ? { done: true, closed: true }
          : 'refused' in result
            ? { done: true, refused: result.refused }
            : { done: true, after: result.reviewDueAt ?? null, ...(result.moved && { moved: true }) };
      if (result !== 'closed' && !('refused' in result) && result.moved) moved++;
      // `moved` only ever turns true: a repeat after a crash answers "not moved" for what it moved.
      await models.CalendarRedating.updateOne(
        { _id: `${loadId}:${review._id}` },
        { $set: { ...update, at: new Date() } },
      );
      Context.current().heartbeat(review._id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(REDATE_CONCURRENCY, page.length) }, redateNext));
  return { last: page[page.length - 1]._id, redated: page.length, moved };
}
