/** Documents, their versions and comments, and starting a review of one. */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { diffChars } from 'diff';
import { compareVersions } from '../../domain/compare';
import type { Actor } from '../../domain/model';
import { reviewWorkflowId, type ReviewInput, type SubmittedReview } from '../../domain/messages';
import {
  versionId,
  type AttachmentDoc,
  type CommentDoc,
  type DocumentDoc,
  type ReviewClaimDoc,
  type ReviewDoc,
  type VersionDoc,
} from '../../store/models';
import { canSeeReview, draftingOrg, isSupervisor, ownsAsDrafter } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { route, type RouteSpec } from '../http';
import { documentFor, latestVersion, versionsOf } from '../lookup';
import {
  documentBodySchema,
  emptyQuerySchema,
  listCommentsQuerySchema,
  listDocumentsQuerySchema,
  startReviewBodySchema,
  type DocumentBody,
} from '../schemas';
import { decodeCursor, newestFirst } from '../paging';
import {
  DocumentView,
  CommentView,
  ReviewStarted,
  VersionAdded,
  VersionComparison,
  VersionView,
  page,
} from '../responses';
import { commentView, documentView, versionView } from '../views';
import { startReview } from '../workflow-calls';
import { attachmentView } from './attachments';

function versionRecord(documentId: string, version: number, body: DocumentBody, actor: Actor, at: Date): VersionDoc {
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

/** Who did something, as stored on documents, versions and reviews. */
function personOf(actor: Actor): { sub: string; name?: string } {
  return { sub: actor.sub, ...(actor.name ? { name: actor.name } : {}) };
}

function requireOwner(actor: Actor, doc: DocumentDoc, what: string): void {
  if (!ownsAsDrafter(actor, doc)) throw ApiError.forbidden(`only a drafter of ${doc.org} may ${what}`);
}

/** How many times a revision counts again after a concurrent one took its number. */
const MAX_VERSION_RACE = 100;

export function documentRoutes(deps: ApiDeps): RouteSpec[] {
  const { models, config } = deps;
  const now = deps.now ?? (() => new Date());

  /** A version of a document the caller may see (checked by the caller); 404 for one it does not have. */
  const versionOf = async (documentId: string, number: string): Promise<VersionDoc> => {
    const version = /^[1-9]\d{0,8}$/.test(number)
      ? await models.Version.findById(versionId(documentId, Number(number))).lean<VersionDoc>()
      : null;
    if (!version) throw ApiError.notFound('version');
    return version;
  };

  return [
    route({
      method: 'post',
      path: '/v1/documents',
      tag: 'documents',
      summary: 'Create a document (drafter); region and org come from the token',
      body: documentBodySchema,
      responses: [{ status: 201, description: 'the document', schema: DocumentView }],
      errors: [400, 403, 413],
      handler: async ({ actor, body, res }) => {
        const org = draftingOrg(actor);
        if (org === undefined)
          throw ApiError.forbidden('only a drafter with an organisation (org claim) may create documents');
        const id = randomUUID();
        const at = now();
        // The version goes in first, so a document never announces a version that is not there.
        const version = await models.Version.create(versionRecord(id, 1, body, actor, at));
        try {
          const created = await models.Document.create({
            _id: id,
            region: actor.region,
            org,
            createdBy: personOf(actor),
          });
          res
            .status(201)
            .location(`/v1/documents/${id}`)
            .json(documentView(created.toObject(), [version.toObject()], []));
        } catch (err) {
          await models.Version.deleteOne({ _id: versionId(id, 1) }).catch(() => undefined);
          throw err;
        }
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents',
      tag: 'documents',
      summary: "Extension: the drafting office's own documents (the caller's region and org), newest first",
      query: listDocumentsQuerySchema,
      responses: [{ status: 200, description: '{ items: [document], nextCursor }', schema: page(DocumentView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const org = draftingOrg(actor);
        if (org === undefined)
          throw ApiError.forbidden('only a drafter with an organisation (org claim) has documents');
        // One office's documents are few by their filter, which the (region, org, createdAt) index serves.
        const { page, nextCursor } = await newestFirst({
          model: models.Document,
          anyOf: [{ region: actor.region, org }],
          where: {},
          sortBy: { field: 'createdAt', isDate: true },
          limit: query.limit,
          cursor,
        });
        const items = await Promise.all(
          page.map(async (doc) => {
            const [versions, reviews] = await Promise.all([
              versionsOf(deps, doc._id),
              models.Review.find({ documentId: doc._id }, { status: 1 }).lean<Pick<ReviewDoc, '_id' | 'status'>[]>(),
            ]);
            return documentView(doc, versions, reviews);
          }),
        );
        res.json({ items, nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id',
      tag: 'documents',
      summary: 'Read a document',
      responses: [{ status: 200, description: 'the document', schema: DocumentView }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { doc, reviews } = await documentFor(deps, actor, params.id);
        const [versions, attachments] = await Promise.all([
          versionsOf(deps, doc._id),
          models.Attachment.find({ documentId: doc._id }).lean<AttachmentDoc[]>(),
        ]);
        res.json({ ...documentView(doc, versions, reviews), attachments: attachments.map(attachmentView) });
      },
    }),

    route({
      method: 'post',
      path: '/v1/documents/:id/versions',
      tag: 'documents',
      summary: 'Add a revised text (owning drafter)',
      body: documentBodySchema,
      responses: [
        {
          status: 201,
          description: '{ id, version }',
          schema: VersionAdded,
        },
      ],
      errors: [400, 403, 404, 409, 413],
      handler: async ({ actor, params, body, res }) => {
        const { doc } = await documentFor(deps, actor, params.id);
        requireOwner(actor, doc, 'revise this document');
        // Number n+1 is taken by inserting version n+1 under its unique key: of concurrent
        // revisions each gets its own number, and none is lost or written twice.
        for (let attempt = 0; attempt < MAX_VERSION_RACE; attempt++) {
          const next = (await latestVersion(deps, doc._id)).version + 1;
          const at = now();
          try {
            await models.Version.create(versionRecord(doc._id, next, body, actor, at));
          } catch (err) {
            if ((err as { code?: unknown }).code !== 11000) throw err;
            continue; // another revision took that number: count again
          }
          res
            .status(201)
            .location(`/v1/documents/${doc._id}/versions/${next}`)
            .json({ id: doc._id, documentId: doc._id, version: next, createdAt: at.toISOString() });
          return;
        }
        throw ApiError.conflict('the document changed concurrently; retry');
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/versions/:version',
      tag: 'documents',
      summary: 'Read one version of a document',
      responses: [{ status: 200, description: 'the version', schema: VersionView }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { doc } = await documentFor(deps, actor, params.id);
        res.json(versionView(await versionOf(doc._id, params.version)));
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/versions/:a/compare/:b',
      tag: 'documents',
      summary: 'What changed between two versions, article by article, with the changed text marked',
      description:
        '`change` is added, removed, changed or same; a changed article has `marked`: runs of its text that are ' +
        'the same, removed (only in a) or added (only in b).',
      query: emptyQuerySchema,
      responses: [
        {
          status: 200,
          description: '{ documentId, from, to, articles: [{ number, change, before?, after?, marked? }] }',
          schema: VersionComparison,
        },
      ],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { doc } = await documentFor(deps, actor, params.id);
        const [a, b] = await Promise.all([params.a, params.b].map((n) => versionOf(doc._id, n)));
        res.json({
          documentId: doc._id,
          from: a.version,
          to: b.version,
          articles: compareVersions(a.articles, b.articles, diffChars),
        });
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/comments',
      tag: 'documents',
      summary: 'The comments made on a document in the reviews the caller may see',
      query: listCommentsQuerySchema,
      responses: [{ status: 200, description: '{ items: [comment] }', schema: page(CommentView) }],
      errors: [400, 404],
      handler: async ({ actor, params, query, res }) => {
        const { doc, reviews } = await documentFor(deps, actor, params.id);
        const filter: Record<string, unknown> = { documentId: doc._id };
        // A consulted region sees only the comments of the reviews it takes part in.
        let reviewIds: string[] | undefined;
        if (!isSupervisor(actor) && !ownsAsDrafter(actor, doc))
          reviewIds = reviews.filter((r) => canSeeReview(actor, r)).map((r) => r._id);
        if (query.reviewId !== undefined)
          reviewIds = (reviewIds ?? [query.reviewId]).filter((r) => r === query.reviewId);
        if (reviewIds !== undefined) filter.reviewId = { $in: reviewIds };
        if (query.version !== undefined) filter.version = query.version;
        const comments = await models.Comment.find(filter)
          .sort({ createdAt: 1, _id: 1 })
          .limit(5000)
          .lean<CommentDoc[]>();
        res.json({ items: comments.map(commentView) });
      },
    }),

    route({
      method: 'post',
      path: '/v1/documents/:id/reviews',
      tag: 'reviews',
      summary: 'Submit the current version for legality review (owning drafter)',
      description:
        'One active review per document: a second one while one is active is 409. Answers once the first task ' +
        'is stored: its id is `taskId` (an extension), ready to be acted on.',
      body: startReviewBodySchema,
      responses: [
        {
          status: 202,
          description: '{ reviewId, documentId, status, stage, taskId }',
          schema: ReviewStarted,
        },
      ],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        const { doc } = await documentFor(deps, actor, params.id);
        requireOwner(actor, doc, 'submit this document for review');
        const { version: current } = await latestVersion(deps, doc._id);
        const version = await models.Version.findById(versionId(doc._id, current)).lean<VersionDoc>();
        if (!version) throw ApiError.notFound('document');
        if (
          typeof version.materials?.draftingExplanation !== 'string' ||
          version.materials.draftingExplanation.trim() === ''
        ) {
          throw ApiError.invalid(
            'materials.draftingExplanation',
            'the materials are incomplete: a drafting explanation is required',
          );
        }

        const reviewId = await claimDocument(deps, doc);
        const input: ReviewInput = {
          reviewId,
          documentId: doc._id,
          originRegion: doc.region,
          org: doc.org,
          drafter: personOf(actor),
          version: current,
          articleNumbers: version.articles.map((a) => a.number),
          urgent: body.urgent ?? version.urgent ?? false,
          submittedAt: now().toISOString(),
          policy: config.policy,
          timeModel: config.timeModel,
        };
        let submitted: SubmittedReview;
        try {
          submitted = await startReview(deps, input, requestId);
        } catch (err) {
          // Give the document back, but only our own claim and only if the review did not start.
          if (!(err instanceof ApiError && err.code === 'unavailable')) {
            await models.ReviewClaim.deleteOne({ _id: doc._id, reviewId }).catch(() => undefined);
          }
          throw err;
        }
        res
          .status(202)
          .location(`/v1/reviews/${encodeURIComponent(reviewId)}`)
          .json({ documentId: doc._id, ...submitted });
      },
    }),
  ];
}

/**
 * Claims the document for a new review and returns the review's id. The claim is an insert keyed
 * by the document id, which the store accepts once: of concurrent submissions exactly one wins and
 * the others get 409, on MongoDB and on the embedded store alike. A claim left by a review that
 * has since closed, or by a submission that crashed before starting its workflow, is released first.
 */
async function claimDocument(deps: ApiDeps, doc: DocumentDoc): Promise<string> {
  const { models } = deps;
  const now = deps.now?.() ?? new Date();
  for (let attempt = 0; attempt < 2; attempt++) {
    // The claim holder alone starts a review, so counting the reviews stored gives the next number.
    const previous = await models.Review.countDocuments({ documentId: doc._id });
    const reviewId = reviewWorkflowId(doc._id, previous + 1);
    try {
      await models.ReviewClaim.create({ _id: doc._id, reviewId, claimedAt: now });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 11000) throw err;
      const claim = await models.ReviewClaim.findById(doc._id).lean<ReviewClaimDoc>();
      if (claim && !(await isStaleClaim(deps, claim))) {
        throw ApiError.conflict(`review ${claim.reviewId} is already active for this document`);
      }
      if (claim) await models.ReviewClaim.deleteOne({ _id: doc._id, reviewId: claim.reviewId });
      continue;
    }
    return reviewId;
  }
  throw ApiError.conflict('a review is already active for this document');
}

/** How long a claim may wait for its workflow before it counts as left behind by a crash. */
const CLAIM_GRACE_MS = 30_000;

/**
 * Whether a claim no longer holds: its review has closed (the close releases it; this covers a
 * release cut short), or it belongs to a submission that died between claiming the document and
 * starting the workflow: the claim is old and Temporal has no such workflow.
 */
async function isStaleClaim(deps: ApiDeps, claim: ReviewClaimDoc): Promise<boolean> {
  const review = await deps.models.Review.findById(claim.reviewId, { status: 1 }).lean<{ status: string }>();
  if (review) return review.status !== 'in_review';
  const now = deps.now?.() ?? new Date();
  if (now.getTime() - new Date(claim.claimedAt).getTime() < CLAIM_GRACE_MS) return false;
  try {
    await deps.temporal.withDeadline(Date.now() + deps.config.readTimeoutMs, () =>
      deps.temporal.workflow.getHandle(claim.reviewId).describe(),
    );
    return false;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}
