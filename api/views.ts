/**
 * How stored records and the workflow's state look on the wire. Internal fields (the comment index,
 * article numbers, the raw clock, stateVersion) never leave the API.
 */
import { clockView } from '../domain/clock';
import type { ReviewState, TaskRecord } from '../domain/model';
import type { Config } from '../runtime/config';
import {
  commentFromDoc,
  type CommentDoc,
  type DocumentDoc,
  type NotificationDoc,
  type ReviewDoc,
  type TaskDoc,
  type VersionDoc,
  taskFromDoc,
} from '../store/models';

const iso = (d: Date | string | undefined | null): string | undefined =>
  d === undefined || d === null ? undefined : new Date(d).toISOString();

export function documentView(doc: DocumentDoc) {
  return {
    id: doc._id,
    title: doc.title,
    docType: doc.docType,
    summary: doc.summary,
    region: doc.region,
    org: doc.org,
    status: doc.status,
    currentVersion: doc.currentVersion,
    versions: doc.versions.map((v) => ({ version: v.version, createdAt: iso(v.createdAt) })),
    activeReviewId: doc.activeReviewId ?? null,
    reviewCount: doc.reviewCount ?? 0,
    createdBy: doc.createdBy,
    createdAt: iso(doc.createdAt),
    updatedAt: iso(doc.updatedAt),
  };
}

export function versionView(v: VersionDoc) {
  return {
    documentId: v.documentId,
    version: v.version,
    title: v.title,
    docType: v.docType,
    summary: v.summary,
    articles: v.articles.map((a) => ({ number: a.number, text: a.text })),
    legalBasis: v.legalBasis,
    materials: v.materials,
    urgent: v.urgent ?? false,
    createdBy: v.createdBy,
    createdAt: iso(v.createdAt),
  };
}

export function commentView(doc: CommentDoc) {
  return commentFromDoc(doc);
}

export function notificationView(n: NotificationDoc) {
  return {
    id: n._id,
    type: n.type,
    reviewId: n.reviewId,
    ...(n.taskId ? { taskId: n.taskId } : {}),
    ...(n.dueAt ? { dueAt: n.dueAt } : {}),
    message: n.message,
    createdAt: iso(n.createdAt),
  };
}

/** Open and past its due date: true from the due instant on, even before the engine has marked it. */
export function isOverdue(task: Pick<TaskRecord, 'status' | 'dueAt'>, now: Date): boolean {
  return task.status === 'open' && task.dueAt !== null && Date.parse(task.dueAt) < now.getTime();
}

export function taskView(doc: TaskDoc, now: Date) {
  const task = taskFromDoc(doc);
  return { ...task, overdue: isOverdue(task, now) };
}

export function reviewSummary(doc: ReviewDoc, now: Date) {
  return {
    reviewId: doc._id,
    documentId: doc.documentId,
    originRegion: doc.originRegion,
    org: doc.org,
    version: doc.state?.version,
    status: doc.status,
    stage: doc.stage,
    urgent: doc.state?.urgent ?? false,
    submittedAt: iso(doc.submittedAt),
    ...(doc.state?.closedAt ? { closedAt: doc.state.closedAt } : {}),
    nextDueAt: iso(doc.earliestDueAt) ?? null,
    overdue: doc.earliestDueAt !== null && doc.earliestDueAt !== undefined && doc.earliestDueAt < now,
  };
}

/**
 * The live review as `GET /v1/reviews/:id` returns it, with deadlines computed at `now` (at the
 * close, for a closed review).
 */
export function reviewView(state: ReviewState, now: Date, config: Pick<Config, 'timeModel'>) {
  const openTasks = state.tasks.filter((t) => t.status === 'open');
  const clock = clockView(state.clock, state.closedAt ? new Date(state.closedAt) : now, config.timeModel);
  // A closed review shows the due date it had to meet.
  if (state.closedAt && state.clock.dueAt) clock.reviewDueAt = state.clock.dueAt;
  return {
    reviewId: state.reviewId,
    documentId: state.documentId,
    originRegion: state.originRegion,
    org: state.org,
    drafter: state.drafter,
    version: state.version,
    status: state.status,
    stage: state.stage,
    ...(state.outcome ? { outcome: state.outcome } : {}),
    urgent: state.urgent,
    revisions: state.revisions,
    submittedAt: state.submittedAt,
    ...(state.closedAt ? { closedAt: state.closedAt } : {}),
    openTasks,
    tasks: state.tasks,
    consultations: state.consultations,
    ...(state.checklist ? { checklist: state.checklist } : {}),
    deadlines: {
      ...clock,
      // Past the whole review's limit: from the due instant on, or as the engine recorded it.
      overdue: state.overdueAt !== undefined || (clock.clockRunning && Date.parse(clock.reviewDueAt) < now.getTime()),
      tasks: openTasks.map((t) => ({
        taskId: t.id,
        kind: t.kind,
        region: t.region,
        dueAt: t.dueAt,
        overdue: isOverdue(t, now),
      })),
    },
    history: state.history,
  };
}
