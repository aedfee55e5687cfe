/**
 * Loading documents and reviews on behalf of a caller: each loader checks visibility and answers
 * 404 for what the caller may not see. Reviews are read from their projections, never by asking a
 * workflow: a decision is answered only once it is stored, so the projection is never behind it.
 */
import type { Actor, HistoryEntry, TaskRecord } from '../domain/model';
import { historyEntry, type NewEvent } from '../domain/review-log';
import {
  firstReviewMonth,
  taskFromDoc,
  type DocumentDoc,
  type EventDoc,
  type ReviewDoc,
  type TaskDoc,
  type VersionDoc,
  versionId,
} from '../store/models';

export type VersionSummary = Pick<VersionDoc, '_id' | 'version' | 'title' | 'docType' | 'summary' | 'createdAt'>;
import { canSeeDocument, canSeeReview } from './access';
import type { ApiDeps } from './deps';
import { ApiError } from './errors';

export async function documentFor(
  deps: ApiDeps,
  actor: Actor,
  id: string,
): Promise<{ doc: DocumentDoc; reviews: ReviewDoc[] }> {
  const doc = await deps.models.Document.findById(id).lean<DocumentDoc>();
  if (!doc) throw ApiError.notFound('document');
  // Reviews of one document are few; their projections say which regions take part.
  const reviews = await deps.models.Review.find({ documentId: id }).lean<ReviewDoc[]>();
  if (!canSeeDocument(actor, doc, reviews)) throw ApiError.notFound('document');
  return { doc, reviews };
}

/** The versions of a document, oldest first (without their text): the document's own history. */
export async function versionsOf(deps: ApiDeps, documentId: string): Promise<VersionSummary[]> {
  const versions = await deps.models.Version.find(
    { documentId },
    { version: 1, title: 1, docType: 1, summary: 1, createdAt: 1 },
  ).lean<VersionSummary[]>();
  return versions.sort((a, b) => a.version - b.version);
}

/**
 * The title of the version each task concerns, by version id, for the tasks a caller may see (a
 * task's document is one its reviewers may see). One read by unique id per version, in parallel:
 * a page holds at most 100 tasks.
 */
export async function versionTitles(
  deps: ApiDeps,
  tasks: Pick<TaskDoc, 'documentId' | 'version'>[],
): Promise<Map<string, string>> {
  const ids = [...new Set(tasks.map((t) => versionId(t.documentId, t.version)))];
  const versions = await Promise.all(
    ids.map((id) => deps.models.Version.findById(id, { title: 1 }).lean<Pick<VersionDoc, '_id' | 'title'>>()),
  );
  return new Map(versions.flatMap((v) => (v ? [[v._id, v.title] as const] : [])));
}

/** The newest version of a document: the one a review is submitted with. */
export async function latestVersion(deps: ApiDeps, documentId: string): Promise<VersionSummary> {
  const versions = await versionsOf(deps, documentId);
  const latest = versions[versions.length - 1];
  if (!latest) throw ApiError.notFound('document');
  return latest;
}

/** The review `id` if `actor` may see it. */
export async function reviewFor(deps: ApiDeps, actor: Actor, id: string): Promise<ReviewDoc> {
  const review = await deps.models.Review.findById(id).lean<ReviewDoc>();
  if (!review || !canSeeReview(actor, review)) throw ApiError.notFound('review');
  return review;
}

/** A review's tasks, in the order they were opened, and its history from the log. */
export async function reviewDetail(
  deps: ApiDeps,
  reviewId: string,
): Promise<{ tasks: TaskRecord[]; history: HistoryEntry[] }> {
  const [tasks, events] = await Promise.all([
    deps.models.Task.find({ reviewId }).lean<TaskDoc[]>(),
    deps.models.Event.find({ reviewId }, { _id: 0, seq: 1, type: 1, at: 1, actor: 1, data: 1 }).lean<EventDoc[]>(),
  ]);
  return {
    tasks: tasks.map(taskFromDoc).sort((a, b) => taskNumber(a.id) - taskNumber(b.id)),
    history: events.sort((a, b) => a.seq - b.seq).map((e) => historyEntry(e as NewEvent)),
  };
}

/** Task ids end in `t<n>`, the n-th task the review opened. */
function taskNumber(id: string): number {
  return Number(/t(\d+)$/.exec(id)?.[1] ?? 0);
}

/** The month of the oldest review: lists read month by month stop there (null: no review yet). */
export async function firstMonth(deps: ApiDeps): Promise<string | null> {
  return firstReviewMonth(deps.models);
}
