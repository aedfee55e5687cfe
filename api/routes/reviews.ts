/** Reviews: the live state, the supervisors' list, withdrawal and the opinion. */
import { awaitWorkflow } from '../workflow-calls';
import { withdrawUpdate } from '../../domain/messages';
import type { CommentDoc, DocumentDoc, VersionDoc } from '../../store/models';
import { isSupervisor } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { decodeCursor, newestFirst, route, type RouteSpec } from '../http';
import { reviewFor } from '../lookup';
import { buildOpinion, opinionHtml } from '../opinion';
import { emptyQuerySchema, listReviewsQuerySchema, withdrawBodySchema } from '../schemas';
import { reviewSummary, reviewView } from '../views';
import { versionId } from './documents';

export function reviewRoutes(deps: ApiDeps): RouteSpec[] {
  const { models, config } = deps;
  const now = deps.now ?? (() => new Date());

  return [
    route({
      method: 'get',
      path: '/v1/reviews',
      tag: 'reviews',
      summary: 'List reviews (supervisor), newest first',
      query: listReviewsQuerySchema,
      responses: [{ status: 200, description: '{ items: [review summary], nextCursor }' }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        if (!isSupervisor(actor)) throw ApiError.forbidden('only supervisors list reviews');
        const filter: Record<string, unknown> = {};
        if (query.region) filter.originRegion = query.region;
        if (query.status) filter.status = query.status;
        if (query.stage) filter.stage = query.stage;
        if (query.documentId) filter.documentId = query.documentId;
        const at = now();
        if (query.overdue === true) filter.earliestDueAt = { $lt: at };
        // Overdue from the due instant on: the mirror's first due date, not the engine's marking.
        if (query.overdue === false) filter.$or = [{ earliestDueAt: null }, { earliestDueAt: { $gte: at } }];
        const { page, nextCursor } = await newestFirst(
          models.Review,
          filter,
          { field: 'submittedAt', isDate: true },
          query.limit,
          cursor,
        );
        res.json({ items: page.map((doc) => reviewSummary(doc, at)), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId',
      tag: 'reviews',
      summary: 'The live state of a review, with its deadlines',
      responses: [{ status: 200, description: 'the review', schema: 'Review' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const { state } = await reviewFor(deps, actor, params.reviewId);
        res.json(reviewView(state, now(), config));
      },
    }),

    route({
      method: 'post',
      path: '/v1/reviews/:reviewId/withdraw',
      tag: 'reviews',
      summary: 'Withdraw a review (owning drafter); its open tasks are cancelled',
      body: withdrawBodySchema,
      responses: [{ status: 200, description: '{ reviewId, status, stage }' }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, res }) => {
        // Who may withdraw, and when, is the workflow validator's rule (ReviewMachine.checkWithdraw).
        const { state } = await reviewFor(deps, actor, params.reviewId);
        const result = await awaitWorkflow(deps, () =>
          deps.temporal.workflow
            .getHandle(state.reviewId)
            .executeUpdate(withdrawUpdate, { args: [{ actor, ...(body.reason ? { reason: body.reason } : {}) }] }),
        );
        res.json({ reviewId: state.reviewId, status: result.status, stage: result.stage });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/opinion',
      tag: 'reviews',
      summary: 'The legality review opinion (合法性审核意见书); JSON, or a printable page with Accept: text/html',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the opinion', schema: 'Opinion', html: true }],
      errors: [404, 409],
      handler: async ({ actor, params, req, res }) => {
        const { state } = await reviewFor(deps, actor, params.reviewId);
        if (state.status !== 'approved' && state.status !== 'rejected') {
          throw ApiError.conflict(`the opinion exists once the review is approved or rejected; it is ${state.status}`);
        }
        const [doc, version, comments] = await Promise.all([
          models.Document.findById(state.documentId).lean<DocumentDoc>(),
          models.Version.findById(versionId(state.documentId, state.version)).lean<VersionDoc>(),
          models.Comment.find({ reviewId: state.reviewId }).sort({ createdAt: 1, _id: 1 }).lean<CommentDoc[]>(),
        ]);
        const opinion = buildOpinion({ state, doc, version, comments, config });
        if (req.accepts(['json', 'html']) === 'html') {
          res.type('html').send(opinionHtml(opinion));
        } else {
          res.json(opinion);
        }
      },
    }),
  ];
}
