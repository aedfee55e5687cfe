/**
 * The read models that the API serves, as pure functions of the review state and the events of a
 * transition: the review summary (one document per review) and the tasks a transition touched.
 * The activity writes them after appending the events; a rebuild from the log computes the same.
 */
import type { CommentRecord, ReviewState, TaskRecord } from './model';
import { foldEvents, sideRecords, type NewEvent, type SideRecords } from './review-log';

/** The review as the `reviews` collection holds it: the state less the workflow's working data. */
export type ReviewProjection = Omit<ReviewState, 'tasks' | 'articleNumbers' | 'commentIndex'> & {
  /** The first due date the review has to meet now (open tasks, the running clock); indexes `overdue`. */
  earliestDueAt: string | null;
};

export function reviewProjection(state: ReviewState): ReviewProjection {
  const { tasks: _tasks, articleNumbers: _articles, commentIndex: _comments, ...summary } = state;
  return { ...summary, earliestDueAt: earliestDueAt(state) };
}

/**
 * The first due date the review has to meet: an open task's, or the whole review's while its clock
 * runs. The review is overdue once that has passed.
 */
export function earliestDueAt(state: Pick<ReviewState, 'tasks' | 'clock'>): string | null {
  const due = state.tasks.filter((t) => t.status === 'open' && t.dueAt !== null).map((t) => Date.parse(t.dueAt!));
  if (state.clock.runningSince && state.clock.dueAt) due.push(Date.parse(state.clock.dueAt));
  return due.length === 0 ? null : new Date(Math.min(...due)).toISOString();
}

/** The tasks `events` changed, as they stand in `state` after them. */
export function touchedTasks(state: ReviewState, events: readonly NewEvent[]): TaskRecord[] {
  const ids = new Set<string>();
  for (const event of events) {
    const taskId = (event.data as { taskId?: string }).taskId;
    if (taskId) ids.add(taskId);
    if (event.type === 'limit_extended' || event.type === 'calendar_updated')
      for (const t of event.data.retimed ?? []) ids.add(t.taskId);
    // Closing cancels every task still open at that moment.
    if (
      event.type === 'approved' ||
      event.type === 'rejected' ||
      event.type === 'returned' ||
      event.type === 'withdrawn' ||
      event.type === 'terminated_externally'
    ) {
      for (const t of state.tasks) if (t.status === 'cancelled' && t.completedAt === event.at) ids.add(t.id);
    }
  }
  return state.tasks.filter((t) => ids.has(t.id));
}

/** Everything the log of one review projects to, computed from the log alone. */
export interface LogProjection {
  review: ReviewProjection;
  tasks: TaskRecord[];
  /** The comments with the dispositions later events gave them. */
  comments: CommentRecord[];
  notifications: SideRecords['notifications'];
}

/**
 * Rebuilds a review's read models from its whole log: what the projections must equal, and what
 * they are rebuilt from if they are ever lost or their shape changes.
 */
export function projectLog(events: readonly NewEvent[]): LogProjection | undefined {
  const state = foldEvents(events);
  if (!state) return undefined;
  const records = sideRecords(state, events);
  const dispositions = new Map(records.dispositions.map(({ commentId, ...d }) => [commentId, d]));
  return {
    review: reviewProjection(state),
    tasks: state.tasks,
    comments: records.comments.map((c) => (dispositions.has(c.id) ? { ...c, disposition: dispositions.get(c.id) } : c)),
    notifications: records.notifications,
  };
}
