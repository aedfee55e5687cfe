/**
 * Reading documents and their versions on behalf of a caller: a loader checks visibility and
 * answers 404 for what the caller may not see.
 */
import type { Actor } from '../../domain/model';
import { versionId, type DocumentDoc, type ReviewDoc, type VersionDoc } from '../../store/models';
import { canSeeDocument } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';

/** A version without its text: what a document's history lists. */
export type VersionSummary = Pick<VersionDoc, '_id' | 'version' | 'title' | 'docType' | 'summary' | 'createdAt'>;

/** The document `id` and its reviews, if `actor` may see it. */
export async function documentFor(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ doc: DocumentDoc; reviews: ReviewDoc[] }> {
  const doc = await ctx.models.Document.findById(id).lean<DocumentDoc>();
  if (!doc) throw AppError.notFound('document');
  // Reviews of one document are few; their projections say which regions take part.
  const reviews = await ctx.models.Review.find({ documentId: id }).lean<ReviewDoc[]>();
  if (!canSeeDocument(actor, doc, reviews)) throw AppError.notFound('document');
  return { doc, reviews };
}

/** The versions of a document, oldest first (without their text): the document's own history. */
export async function versionsOf(ctx: AppContext, documentId: string): Promise<VersionSummary[]> {
  const versions = await ctx.models.Version.find(
    { documentId },
    { version: 1, title: 1, docType: 1, summary: 1, createdAt: 1 },
  ).lean<VersionSummary[]>();
  return versions.sort((a, b) => a.version - b.version);
}

/** The newest version of a document: the one a review is submitted with. */
export async function latestVersion(ctx: AppContext, documentId: string): Promise<VersionSummary> {
  const versions = await versionsOf(ctx, documentId);
  const latest = versions[versions.length - 1];
  if (!latest) throw AppError.notFound('document');
  return latest;
}

/** Version `number` (as the path gives it) of a document the caller may see; 404 for one it does not have. */
export async function versionOf(ctx: AppContext, documentId: string, number: string | number): Promise<VersionDoc> {
  const n = typeof number === 'number' ? number : /^[1-9]\d{0,8}$/.test(number) ? Number(number) : undefined;
  const version =
    n === undefined ? null : await ctx.models.Version.findById(versionId(documentId, n)).lean<VersionDoc>();
  if (!version) throw AppError.notFound('version');
  return version;
}

/**
 * The title of the version each task concerns, by version id, for the tasks a caller may see (a
 * task's document is one its reviewers may see). One read by unique id per version, in parallel:
 * a page holds at most 100 tasks.
 */
export async function versionTitles(
  ctx: AppContext,
  tasks: { documentId: string; version: number }[],
): Promise<Map<string, string>> {
  const ids = [...new Set(tasks.map((t) => versionId(t.documentId, t.version)))];
  const versions = await Promise.all(
    ids.map((id) => ctx.models.Version.findById(id, { title: 1 }).lean<Pick<VersionDoc, '_id' | 'title'>>()),
  );
  return new Map(versions.flatMap((v) => (v ? [[v._id, v.title] as const] : [])));
}
