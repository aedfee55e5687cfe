/**
 * Reading reviews on behalf of a caller, from their projections and log, never by asking a
 * workflow: a decision is answered only once it is stored, so the projection is never behind it.
 */
import type { Actor, HistoryEntry, TaskRecord } from '../../domain/model';
import { historyEntry, type NewEvent } from '../../domain/review-log';
import { firstReviewMonth, taskFromDoc, type EventDoc, type ReviewDoc, type TaskDoc } from '../../store/models';
import { canSeeReview } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';

/** The review `id` if `actor` may see it; 404 otherwise. */
export async function reviewFor(ctx: AppContext, actor: Actor, id: string): Promise<ReviewDoc> {
  const review = await ctx.models.Review.findById(id).lean<ReviewDoc>();
  if (!review || !canSeeReview(actor, review)) throw AppError.notFound('review');
  return review;
}

/** A review's tasks, in the order they were opened, and its history from the log. */
export async function reviewDetail(
  ctx: AppContext,
  reviewId: string,
): Promise<{ tasks: TaskRecord[]; history: HistoryEntry[] }> {
  const [tasks, events] = await Promise.all([
    ctx.models.Task.find({ reviewId }).lean<TaskDoc[]>(),
    ctx.models.Event.find({ reviewId }, { _id: 0, seq: 1, type: 1, at: 1, actor: 1, data: 1 }).lean<EventDoc[]>(),
  ]);
  return {
    tasks: tasks.map(taskFromDoc).sort((a, b) => taskNumber(a.id) - taskNumber(b.id)),
    history: events.sort((a, b) => a.seq - b.seq).map((e) => historyEntry(e as NewEvent)),
  };
}

/** The whole log of a review, in order. */
export async function logOf(ctx: AppContext, reviewId: string): Promise<EventDoc[]> {
  const events = await ctx.models.Event.find({ reviewId }).lean<EventDoc[]>();
  return events.sort((a, b) => a.seq - b.seq);
}

/** Task ids end in `t<n>`, the n-th task the review opened. */
function taskNumber(id: string): number {
  return Number(/t(\d+)$/.exec(id)?.[1] ?? 0);
}

/** The month of the oldest review: lists read month by month stop there (null: no review yet). */
export function firstMonth(ctx: AppContext): Promise<string | null> {
  return firstReviewMonth(ctx.models);
}
