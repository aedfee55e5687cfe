/**
 * Documents: created and revised by their drafting office, read by whoever takes part in their
 * reviews. A document is never updated in place: its title, current version and status are derived
 * from its versions and reviews (api/views.ts), so no concurrent writer can lose another's change.
 */
import { createHash, randomUUID } from 'node:crypto';
import { diffChars } from 'diff';
import { compareVersions as compareArticles } from '../../domain/compare';
import { byDecisionInArticleOrder } from '../../domain/written-record';
import type { Actor, CommentRecord } from '../../domain/model';
import { canonicalJson } from '../../domain/review-log';
import { insertOrRead, isDuplicateKey } from '../../store/mongo';
import {
  commentFromDoc,
  versionId,
  type AttachmentDoc,
  type CommentDoc,
  type DocumentDoc,
  type ReviewDoc,
  type VersionDoc,
} from '../../store/models';
import type { IssuanceDoc } from '../../store/after-review';
import { issuancesOf } from '../after-review/use-cases';
import { flagOnWrite } from '../assist/flags';
import { canSeeReview, draftingOrg, isSupervisor, ownsAsDrafter } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { decodeCursor, newestFirst } from '../paging';
import { documentFor, latestVersion, versionOf, versionsOf, type VersionSummary } from './queries';
import type { DocumentBody } from './schemas';

/** A document with what its view is derived from. */
export interface DocumentWithHistory {
  doc: DocumentDoc;
  versions: VersionSummary[];
  reviews: Pick<ReviewDoc, '_id' | 'status'>[];
  /** Once issued (features/after-review). */
  issuance?: IssuanceDoc;
}

function withIssuance(d: DocumentWithHistory, issuance: IssuanceDoc | undefined): DocumentWithHistory {
  return issuance ? { ...d, issuance } : d;
}

/** How many times a revision counts again after a concurrent one took its number. */
const MAX_VERSION_RACE = 100;

/** Who did something, as stored on documents, versions and reviews. */
export function personOf(actor: Actor): { sub: string; name?: string } {
  return { sub: actor.sub, ...(actor.name ? { name: actor.name } : {}) };
}

/** Version `version` of a document as stored, from a request body. */
export function versionRecord(
  documentId: string,
  version: number,
  body: DocumentBody,
  actor: Actor,
  at: Date,
): VersionDoc {
  return {
    _id: versionId(documentId, version),
    documentId,
    version,
    title: body.title,
    ...(body.docType !== undefined ? { docType: body.docType } : {}),
    ...(body.summary !== undefined ? { summary: body.summary } : {}),
    articles: body.articles,
    legalBasis: body.legalBasis,
    materials: body.materials,
    urgent: body.urgent ?? false,
    createdBy: personOf(actor),
    createdAt: at,
  };
}

/** A document as created by `actor` for `org` (the store's clock adds `createdAt` and `updatedAt`). */
export function documentRecord(id: string, actor: Actor, org: string): Omit<DocumentDoc, 'createdAt' | 'updatedAt'> {
  return { _id: id, region: actor.region, org, createdBy: personOf(actor) };
}

/** Refuses anyone but a drafter of the document's organisation. */
export function requireOwner(actor: Actor, doc: Pick<DocumentDoc, 'region' | 'org'>, what: string): void {
  if (!ownsAsDrafter(actor, doc)) throw AppError.forbidden(`only a drafter of ${doc.org} may ${what}`);
}

/**
 * `POST /v1/documents`: a drafter registers a draft (version 1) for their own region and organisation.
 * With an `Idempotency-Key` the creation is safe to retry (see {@link createOnce}).
 */
export async function createDocument(
  ctx: AppContext,
  actor: Actor,
  body: DocumentBody,
  idempotencyKey?: string,
): Promise<DocumentWithHistory> {
  const { models } = ctx;
  const org = draftingOrg(actor);
  if (org === undefined)
    throw AppError.forbidden('only a drafter with an organisation (org claim) may create documents');
  if (idempotencyKey !== undefined) return createOnce(ctx, actor, org, body, idempotencyKey);
  const id = randomUUID();
  // The version goes in first, so a document never announces a version that is not there.
  const record = versionRecord(id, 1, body, actor, ctx.now());
  const version = await models.Version.create(record);
  try {
    // Its flags are stored meanwhile (if the document fails, they are of a version never served).
    const [created] = await Promise.all([
      models.Document.create(documentRecord(id, actor, org)),
      flagOnWrite(ctx, record),
    ]);
    return { doc: created.toObject(), versions: [version.toObject()], reviews: [] };
  } catch (err) {
    await models.Version.deleteOne({ _id: versionId(id, 1) }).catch(() => undefined);
    throw err;
  }
}

/** The id of the document a keyed creation makes: the same for every copy of it (caller and key). */
export function keyedDocumentId(sub: string, key: string): string {
  const hex = createHash('sha256').update(`document|${sub}|${key}`).digest('hex');
  // Shaped as a UUID (version 8: made by the application) like the ids of unkeyed creations.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What a draft says, as the store keeps it: two copies of one request say the same. */
function draftText(ctx: AppContext, version: VersionDoc): string {
  const { title, docType, summary, articles, legalBasis, materials, urgent } = new ctx.models.Version(
    version,
  ).toObject();
  return canonicalJson({ title, docType, summary, articles, legalBasis, materials, urgent });
}

/**
 * A keyed creation. Its ids come from the caller and the key, and each of its two writes is an
 * insert that a copy of the request finds done: copies sent at once, or a retry of one cut off
 * between its version and its document (its API process killed), make one document and all answer
 * it. The same key with another draft is 422, as for decisions.
 */
async function createOnce(
  ctx: AppContext,
  actor: Actor,
  org: string,
  body: DocumentBody,
  key: string,
): Promise<DocumentWithHistory> {
  const { models } = ctx;
  const id = keyedDocumentId(actor.sub, key);
  const record = versionRecord(id, 1, body, actor, ctx.now());
  const first = await insertOrRead(models.Version, record);
  if (!first.inserted && draftText(ctx, first.doc) !== draftText(ctx, record)) {
    throw new AppError(
      'idempotency_mismatch',
      'this Idempotency-Key was used with a different request; use a new key for a new request',
    );
  }
  const [doc] = await Promise.all([
    insertOrRead(models.Document, documentRecord(id, actor, org) as DocumentDoc),
    first.inserted && flagOnWrite(ctx, record),
  ]);
  if (first.inserted && doc.inserted) return { doc: doc.doc, versions: [first.doc], reviews: [] };
  // A copy of an earlier request: the document as it stands now (revised or submitted since, perhaps).
  const [versions, reviews] = await Promise.all([
    versionsOf(ctx, id),
    models.Review.find({ documentId: id }, { status: 1 }).lean<Pick<ReviewDoc, '_id' | 'status'>[]>(),
  ]);
  return { doc: doc.doc, versions, reviews };
}

/** `GET /v1/documents`: a drafting office's own documents, newest first. */
export async function listOwnDocuments(
  ctx: AppContext,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<{ items: DocumentWithHistory[]; nextCursor: string | null }> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const org = draftingOrg(actor);
  if (org === undefined) throw AppError.forbidden('only a drafter with an organisation (org claim) has documents');
  // One office's documents are few by their filter, which the (region, org, createdAt) index serves.
  const { page, nextCursor } = await newestFirst({
    model: ctx.models.Document,
    anyOf: [{ region: actor.region, org }],
    where: {},
    sortBy: { field: 'createdAt', isDate: true },
    limit: query.limit,
    cursor,
  });
  const items = await Promise.all(
    page.map(async (doc) => {
      const [versions, reviews] = await Promise.all([
        versionsOf(ctx, doc._id),
        ctx.models.Review.find({ documentId: doc._id }, { status: 1 }).lean<Pick<ReviewDoc, '_id' | 'status'>[]>(),
      ]);
      return { doc, versions, reviews };
    }),
  );
  const issuances = await issuancesOf(
    ctx,
    page.map((d) => d._id),
  );
  return { items: items.map((d) => withIssuance(d, issuances.get(d.doc._id))), nextCursor };
}

/** `GET /v1/documents/:id`: the document, its versions, reviews and attachments. */
export async function readDocument(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<DocumentWithHistory & { attachments: AttachmentDoc[] }> {
  const { doc, reviews } = await documentFor(ctx, actor, id);
  const [versions, attachments, issuances] = await Promise.all([
    versionsOf(ctx, doc._id),
    ctx.models.Attachment.find({ documentId: doc._id }).lean<AttachmentDoc[]>(),
    issuancesOf(ctx, [doc._id]),
  ]);
  return { ...withIssuance({ doc, versions, reviews }, issuances.get(doc._id)), attachments };
}

/**
 * `POST /v1/documents/:id/versions`: a revised text. Number n+1 is taken by inserting version n+1
 * under its unique key: of concurrent revisions each gets its own number, none lost or written twice.
 */
export async function addVersion(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: DocumentBody,
): Promise<{ documentId: string; version: number; createdAt: Date }> {
  const { doc } = await documentFor(ctx, actor, id);
  requireOwner(actor, doc, 'revise this document');
  for (let attempt = 0; attempt < MAX_VERSION_RACE; attempt++) {
    const next = (await latestVersion(ctx, doc._id)).version + 1;
    const at = ctx.now();
    const record = versionRecord(doc._id, next, body, actor, at);
    try {
      await ctx.models.Version.create(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      continue; // another revision took that number: count again
    }
    await flagOnWrite(ctx, record);
    return { documentId: doc._id, version: next, createdAt: at };
  }
  throw AppError.conflict('the document changed concurrently; retry');
}

/** `GET /v1/documents/:id/versions/:version`. */
export async function readVersion(ctx: AppContext, actor: Actor, id: string, version: string): Promise<VersionDoc> {
  const { doc } = await documentFor(ctx, actor, id);
  return versionOf(ctx, doc._id, version);
}

/** `GET /v1/documents/:id/versions/:a/compare/:b`: what changed, article by article. */
export async function compareVersions(ctx: AppContext, actor: Actor, id: string, a: string, b: string) {
  const { doc } = await documentFor(ctx, actor, id);
  const [from, to] = await Promise.all([a, b].map((n) => versionOf(ctx, doc._id, n)));
  return {
    documentId: doc._id,
    from: from.version,
    to: to.version,
    articles: compareArticles(from.articles, to.articles, diffChars),
  };
}

/** `GET /v1/documents/:id/comments`: the comments of the reviews the caller may see. */
export async function listComments(
  ctx: AppContext,
  actor: Actor,
  id: string,
  query: { reviewId?: string; version?: number },
): Promise<CommentRecord[]> {
  const { doc, reviews } = await documentFor(ctx, actor, id);
  const filter: Record<string, unknown> = { documentId: doc._id };
  // A consulted region sees only the comments of the reviews it takes part in.
  let reviewIds: string[] | undefined;
  if (!isSupervisor(actor) && !ownsAsDrafter(actor, doc))
    reviewIds = reviews.filter((r) => canSeeReview(actor, r)).map((r) => r._id);
  if (query.reviewId !== undefined) reviewIds = (reviewIds ?? [query.reviewId]).filter((r) => r === query.reviewId);
  if (reviewIds !== undefined) filter.reviewId = { $in: reviewIds };
  if (query.version !== undefined) filter.version = query.version;
  const comments = await ctx.models.Comment.find(filter)
    .sort({ createdAt: 1, _id: 1 })
    .limit(5000)
    .lean<CommentDoc[]>();
  return byDecisionInArticleOrder(comments.map(commentFromDoc));
}
