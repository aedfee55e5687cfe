/** Documents, their versions and comments, and submitting one for review. */
import {
  addVersion,
  compareVersions,
  createDocument,
  listComments,
  listOwnDocuments,
  readDocument,
  readVersion,
} from '../../features/documents/use-cases';
import {
  documentBodySchema,
  listCommentsQuerySchema,
  listDocumentsQuerySchema,
} from '../../features/documents/schemas';
import { parseIdempotencyKey } from '../../features/once';
import { submitReview } from '../../features/reviews/use-cases';
import { startReviewBodySchema } from '../../features/reviews/schemas';
import { emptyQuerySchema } from '../../features/schemas';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import {
  CommentView,
  DocumentView,
  ReviewStarted,
  VersionAdded,
  VersionComparison,
  VersionView,
  page,
} from '../responses';
import { attachmentView, commentView, documentView, versionView } from '../views';

export function documentRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/documents',
      tag: 'documents',
      summary: 'Create a document (drafter); region and org come from the token',
      description:
        'An optional `Idempotency-Key` (an extension) makes a retry safe, even of a request cut off midway: every ' +
        'copy answers the one document it made. The same key with a different draft is 422 `idempotency_mismatch`.',
      body: documentBodySchema,
      responses: [{ status: 201, description: 'the document', schema: DocumentView }],
      errors: [400, 403, 413, 422],
      handler: async ({ actor, body, req, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        const { doc, versions, reviews } = await createDocument(app, actor, body, key);
        res
          .status(201)
          .location(`/v1/documents/${doc._id}`)
          .json(documentView(doc, versions, reviews));
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
        const { items, nextCursor } = await listOwnDocuments(app, actor, query);
        res.json({ items: items.map((d) => documentView(d.doc, d.versions, d.reviews, d.issuance)), nextCursor });
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
        const { doc, versions, reviews, attachments, issuance } = await readDocument(app, actor, params.id);
        res.json({ ...documentView(doc, versions, reviews, issuance), attachments: attachments.map(attachmentView) });
      },
    }),

    route({
      method: 'post',
      path: '/v1/documents/:id/versions',
      tag: 'documents',
      summary: 'Add a revised text (owning drafter)',
      body: documentBodySchema,
      responses: [{ status: 201, description: '{ id, version }', schema: VersionAdded }],
      errors: [400, 403, 404, 409, 413],
      handler: async ({ actor, params, body, res }) => {
        const { documentId, version, createdAt } = await addVersion(app, actor, params.id, body);
        res
          .status(201)
          .location(`/v1/documents/${documentId}/versions/${version}`)
          .json({ id: documentId, documentId, version, createdAt: createdAt.toISOString() });
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
        res.json(versionView(await readVersion(app, actor, params.id, params.version)));
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
        res.json(await compareVersions(app, actor, params.id, params.a, params.b));
      },
    }),

    route({
      method: 'get',
      path: '/v1/documents/:id/comments',
      tag: 'documents',
      summary: 'The comments made on a document in the reviews the caller may see',
      description:
        'Decision by decision, in the order they were made; the comments of one decision in article order ' +
        '(general comments first), as the written record prints them.',
      query: listCommentsQuerySchema,
      responses: [{ status: 200, description: '{ items: [comment] }', schema: page(CommentView) }],
      errors: [400, 404],
      handler: async ({ actor, params, query, res }) => {
        res.json({ items: (await listComments(app, actor, params.id, query)).map(commentView) });
      },
    }),

    route({
      method: 'post',
      path: '/v1/documents/:id/reviews',
      tag: 'reviews',
      summary: 'Submit the current version for legality review (owning drafter)',
      description:
        'One active review per document: a second one while one is active is 409. Answers once the first task ' +
        'is stored: its id is `taskId` (an extension), ready to be acted on. An optional `Idempotency-Key` makes a ' +
        'retry (after a 503, say) get the first answer instead of a 409.',
      body: startReviewBodySchema,
      responses: [
        { status: 202, description: '{ reviewId, documentId, status, stage, taskId }', schema: ReviewStarted },
      ],
      errors: [400, 403, 404, 409, 422],
      handler: async ({ actor, params, body, req, requestId, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        const answer = await submitReview(app, actor, params.id, body, requestId, key);
        const started = answer.body as { reviewId?: string };
        if (answer.status === 202 && started.reviewId)
          res.location(`/v1/reviews/${encodeURIComponent(started.reviewId)}`);
        res.status(answer.status).json(answer.body);
      },
    }),
  ];
}
