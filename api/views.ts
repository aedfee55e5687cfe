/**
 * How stored records look on the wire. Internal fields (the raw clock, log positions) never
 * leave the API.
 */
import { clockView, provisionalYears } from '../domain/clock';
import type { CommentRecord, DocumentStatus, HistoryEntry, TaskRecord } from '../domain/model';
import type { z } from 'zod';
import type { Stats } from '../features/supervision/stats';
import type { VersionSummary } from '../features/documents/queries';
import { issuanceView } from '../features/after-review/use-cases';
import type { IssuanceDoc } from '../store/after-review';
import type { TitledTask } from '../features/tasks/use-cases';
import type {
  CommentView,
  Conforms,
  DocumentView,
  EventView,
  NotificationView,
  ReviewSummaryView,
  ReviewView,
  StatsView,
  TaskDraftView,
  TaskView,
  VersionView,
} from './responses';
import type { TaskDraft } from '../features/tasks/drafts';
import type { ReviewProjection } from '../domain/projection';
import type { Config } from '../platform/config';
import type {
  AttachmentDoc,
  DocumentDoc,
  EventDoc,
  NotificationDoc,
  RecordDoc,
  ReviewDoc,
  VersionDoc,
} from '../store/models';

const iso = (d: Date | string | undefined | null): string | undefined =>
  d === undefined || d === null ? undefined : new Date(d).toISOString();

/**
 * A document as the API shows it: its title, type, summary and current version are those of its
 * newest version, its status that of its newest review, so nothing about it is written twice.
 */
export function documentView(
  doc: DocumentDoc,
  versions: VersionSummary[],
  reviews: Pick<ReviewDoc, '_id' | 'status'>[],
  issuance?: IssuanceDoc,
) {
  const latest = versions[versions.length - 1];
  const newestReview = [...reviews].sort((a, b) => reviewNumber(a._id) - reviewNumber(b._id)).pop();
  // Once issued, the document's status is its validity's (API.md "After the review").
  const status: DocumentStatus = issuance?.status ?? newestReview?.status ?? 'draft';
  return {
    id: doc._id,
    title: latest?.title,
    docType: latest?.docType,
    summary: latest?.summary,
    region: doc.region,
    org: doc.org,
    status,
    currentVersion: latest?.version,
    versions: versions.map((v) => ({ version: v.version, createdAt: iso(v.createdAt) })),
    activeReviewId: newestReview?.status === 'in_review' ? newestReview._id : null,
    reviewCount: reviews.length,
    createdBy: doc.createdBy,
    createdAt: iso(doc.createdAt),
    updatedAt: iso(latest?.createdAt ?? doc.createdAt),
    ...(issuance && { validUntil: issuance.validUntil, issuance: issuanceView(issuance) }),
  };
}

/** Review ids end in `:<n>`, the n-th review of the document. */
function reviewNumber(reviewId: string): number {
  return Number(reviewId.slice(reviewId.lastIndexOf(':') + 1));
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

export function commentView(comment: CommentRecord) {
  return comment;
}

export function notificationView(n: NotificationDoc) {
  return {
    id: n._id,
    type: n.type,
    reviewId: n.reviewId,
    ...(n.documentId ? { documentId: n.documentId } : {}),
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

/** A task as answered, with the title of the version it concerns where the use case looked it up. */
export function taskView(task: TitledTask, now: Date) {
  // A review's tasks are about their review; the tasks after the review store their subject.
  // A task starts in its region's pool: `assignee: null` (tasks from before assignment have no field).
  const subject = task.subject ?? { type: 'review' as const, id: task.reviewId };
  return { ...task, subject, assignee: task.assignee ?? null, overdue: isOverdue(task, now) };
}

export function reviewSummary(doc: ReviewDoc, now: Date) {
  return {
    reviewId: doc._id,
    documentId: doc.documentId,
    originRegion: doc.originRegion,
    org: doc.org,
    version: doc.version,
    status: doc.status,
    stage: doc.stage,
    urgent: doc.urgent ?? false,
    ...(doc.registrationNumber ? { registrationNumber: doc.registrationNumber } : {}),
    ...(doc.opinionNumber ? { opinionNumber: doc.opinionNumber } : {}),
    submittedAt: iso(doc.submittedAt),
    ...(doc.closedAt ? { closedAt: doc.closedAt } : {}),
    nextDueAt: iso(doc.earliestDueAt) ?? null,
    overdue: doc.earliestDueAt !== null && doc.earliestDueAt !== undefined && doc.earliestDueAt < now,
  };
}

/**
 * The review as `GET /v1/reviews/:id` returns it: its projection, its tasks and its history (from
 * the log), with deadlines computed at `now` (at the close, for a closed review).
 */
export function reviewView(
  review: ReviewProjection,
  tasks: TaskRecord[],
  history: HistoryEntry[],
  now: Date,
  config: Pick<Config, 'timeModel'>,
) {
  const openTasks = tasks.filter((t) => t.status === 'open');
  const clock = clockView(review.clock, review.closedAt ? new Date(review.closedAt) : now, config.timeModel);
  // A closed review shows the due date it had to meet.
  if (review.closedAt && review.clock.dueAt) clock.reviewDueAt = review.clock.dueAt;
  return {
    reviewId: review.reviewId,
    documentId: review.documentId,
    originRegion: review.originRegion,
    org: review.org,
    drafter: review.drafter,
    version: review.version,
    status: review.status,
    stage: review.stage,
    ...(review.outcome ? { outcome: review.outcome } : {}),
    urgent: review.urgent,
    revisions: review.revisions,
    submittedAt: review.submittedAt,
    ...(review.acceptedAt ? { acceptedAt: review.acceptedAt } : {}),
    ...(review.registrationNumber ? { registrationNumber: review.registrationNumber } : {}),
    ...(review.opinionNumber ? { opinionNumber: review.opinionNumber } : {}),
    extensions: review.extensions.map(({ taskId, workingDays, reason, status, decidedBy, at, decidedAt, opinion }) => ({
      taskId,
      workingDays,
      reason,
      status,
      ...(decidedBy && { decidedBy }),
      at: decidedAt ?? at,
      ...(opinion !== undefined && { opinion }),
    })),
    revisionLetters: review.revisionLetters,
    ...(review.warnings.length > 0 ? { warnings: review.warnings } : {}),
    ...(review.closedAt ? { closedAt: review.closedAt } : {}),
    openTasks,
    tasks,
    consultations: review.consultations,
    ...(review.checklist ? { checklist: review.checklist } : {}),
    deadlines: {
      ...clock,
      // Deadlines in a year whose notice is neither bundled nor loaded yet may still move.
      ...provisionalMark(
        review.closedAt ? [] : [clock.reviewDueAt, ...openTasks.map((t) => t.dueAt)],
        config.timeModel,
      ),
      // Past the whole review's limit: from the due instant on, or as the engine recorded it.
      overdue: review.overdueAt !== undefined || (clock.clockRunning && Date.parse(clock.reviewDueAt) < now.getTime()),
      tasks: openTasks.map((t) => ({
        taskId: t.id,
        kind: t.kind,
        region: t.region,
        dueAt: t.dueAt,
        overdue: isOverdue(t, now),
      })),
    },
    history,
  };
}

/** `{ provisional: true, provisionalYears }` when a running review's deadlines fall in a provisional year. */
function provisionalMark(instants: (string | null)[], model: Config['timeModel']) {
  const years = provisionalYears(instants, model);
  return years.length > 0 ? { provisional: true, provisionalYears: years } : {};
}

/** An event of the log as `GET /v1/reviews/:id/events` serves it. */
export function eventView(doc: EventDoc) {
  const { _id: _ignored, reviewId: _review, ...event } = doc;
  return event;
}

// What these views build fits what the contract documents (api/responses.ts): a drift fails to compile.
export type TaskAnswer = Conforms<ReturnType<typeof taskView>, z.input<typeof TaskView>>;
export type ReviewAnswer = Conforms<ReturnType<typeof reviewView>, z.input<typeof ReviewView>>;
export type ReviewSummaryAnswer = Conforms<ReturnType<typeof reviewSummary>, z.input<typeof ReviewSummaryView>>;
export type DocumentAnswer = Conforms<ReturnType<typeof documentView>, z.input<typeof DocumentView>>;
export type VersionAnswer = Conforms<ReturnType<typeof versionView>, z.input<typeof VersionView>>;
export type CommentAnswer = Conforms<ReturnType<typeof commentView>, z.input<typeof CommentView>>;
export type NotificationAnswer = Conforms<ReturnType<typeof notificationView>, z.input<typeof NotificationView>>;
export type EventAnswer = Conforms<ReturnType<typeof eventView>, z.input<typeof EventView>>;
export type StatsAnswer = Conforms<Stats, z.input<typeof StatsView>>;

export function taskDraftView(draft: TaskDraft) {
  return { taskId: draft.taskId, body: draft.body, savedAt: draft.savedAt?.toISOString() ?? null };
}
export type TaskDraftAnswer = Conforms<ReturnType<typeof taskDraftView>, z.input<typeof TaskDraftView>>;

export function attachmentView(a: AttachmentDoc) {
  return {
    id: a._id,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    kind: a.kind,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}

/** A frozen record's JSON, with the hash of the page it was issued as. */
export function recordAnswer(record: Pick<RecordDoc, 'json' | 'sha256' | 'html'>) {
  return { ...(record.json as object), sha256: record.sha256 };
}
