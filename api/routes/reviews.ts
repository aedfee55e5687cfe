/** Reviews: their state, the supervisors' list, withdrawal, the opinion and the review log. */
import { firstBrokenLink } from '../../runtime/log-chain';
import type { CommentDoc, EventDoc, VersionDoc } from '../../store/models';
import { isSupervisor, ownsAsDrafter } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { route, type RouteSpec } from '../http';
import { firstMonth, reviewDetail, reviewFor } from '../lookup';
import { allOf, decodeCursor, newestFirst } from '../paging';
import { buildOpinion, opinionHtml } from '../opinion';
import { emptyQuerySchema, listEventsQuerySchema, listReviewsQuerySchema, withdrawBodySchema } from '../schemas';
import { eventView, reviewFromDoc, reviewSummary, reviewView } from '../views';
import { onceForKey, parseIdempotencyKey } from '../once';
import { withdrawReview } from '../workflow-calls';
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
        // Overdue from the due instant on: the projection's first due date, not the engine's marking.
        // Only a review in progress has one.
        const lateness =
          query.overdue === true
            ? { status: 'in_review', earliestDueAt: { $lt: at } }
            : query.overdue === false
              ? { $or: [{ earliestDueAt: null }, { earliestDueAt: { $gte: at } }] }
              : {};
        // Reviews in progress are a small set by their filter; the rest is read a month at a time.
        const small = query.status === 'in_review' || query.overdue === true || query.documentId !== undefined;
        const { page, nextCursor } = await newestFirst({
          model: models.Review,
          anyOf: [{}],
          where: allOf(filter, lateness),
          sortBy: { field: 'submittedAt', isDate: true },
          limit: query.limit,
          cursor,
          ...(!small && { byMonth: { now: at, firstMonth: await firstMonth(deps) } }),
        });
        res.json({ items: page.map((doc) => reviewSummary(doc, at)), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId',
      tag: 'reviews',
      summary: 'The state of a review, with its deadlines and history',
      responses: [{ status: 200, description: 'the review', schema: 'Review' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const review = await reviewFor(deps, actor, params.reviewId);
        const { tasks, history } = await reviewDetail(deps, review._id);
        res.json(reviewView(reviewFromDoc(review), tasks, history, now(), config));
      },
    }),

    route({
      method: 'post',
      path: '/v1/reviews/:reviewId/withdraw',
      tag: 'reviews',
      summary: 'Withdraw a review (owning drafter); its open tasks are cancelled',
      description:
        'An optional `Idempotency-Key` header makes a retry safe: it gets the first answer. The same key with a ' +
        'different body is 422 `idempotency_mismatch`.',
      body: withdrawBodySchema,
      responses: [{ status: 200, description: '{ reviewId, status, stage }' }],
      errors: [400, 403, 404, 409, 422],
      handler: async ({ actor, params, body, req, requestId, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        // Who may withdraw, and when, is the workflow validator's rule (ReviewMachine.checkWithdraw);
        // one who may see the review but never withdraw it is told so whatever its state.
        const review = await reviewFor(deps, actor, params.reviewId);
        if (!ownsAsDrafter(actor, { region: review.originRegion, org: review.org })) {
          throw ApiError.forbidden('only the drafting organisation can withdraw its review');
        }
        const answer = await onceForKey(deps, { scope: `withdraw:${review._id}`, actor, key, body }, async () => {
          const result = await withdrawReview(deps, review, actor, body.reason, requestId, key);
          return { status: 200, body: { reviewId: review._id, status: result.status, stage: result.stage } };
        });
        res.status(answer.status).json(answer.body);
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
        const review = reviewFromDoc(await reviewFor(deps, actor, params.reviewId));
        if (review.status !== 'approved' && review.status !== 'rejected') {
          throw ApiError.conflict(`the opinion exists once the review is approved or rejected; it is ${review.status}`);
        }
        const [version, comments, { history }] = await Promise.all([
          models.Version.findById(versionId(review.documentId, review.version)).lean<VersionDoc>(),
          models.Comment.find({ reviewId: review.reviewId }).sort({ createdAt: 1, _id: 1 }).lean<CommentDoc[]>(),
          reviewDetail(deps, review.reviewId),
        ]);
        const opinion = buildOpinion({ state: review, history, version, comments, config });
        if (req.accepts(['json', 'html']) === 'html') {
          res.type('html').send(opinionHtml(opinion));
        } else {
          res.json(opinion);
        }
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/events',
      tag: 'reviews',
      summary: "The review's log: every event, hash-chained, oldest first",
      description:
        'Each event carries `prevHash` and `hash = sha256(prevHash + canonicalJson)`, where the canonical JSON is the ' +
        'event without `hash`, keys sorted at every level, no whitespace; the first `prevHash` is 64 zeros. ' +
        '`after` is a `seq`; `nextCursor` is the `after` of the next page.',
      query: listEventsQuerySchema,
      responses: [{ status: 200, description: '{ items: [event], nextCursor }' }],
      errors: [400, 404],
      handler: async ({ actor, params, query, res }) => {
        const review = await reviewFor(deps, actor, params.reviewId);
        const events = await logOf(deps, review._id);
        const page = events.filter((e) => e.seq > (query.after ?? 0)).slice(0, query.limit);
        const last = page[page.length - 1];
        const more = last !== undefined && events[events.length - 1].seq > last.seq;
        res.json({ items: page.map(eventView), nextCursor: more ? String(last.seq) : null });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/events/verify',
      tag: 'reviews',
      summary: "Recomputes the review log's hash chain and names the first broken link",
      query: emptyQuerySchema,
      responses: [{ status: 200, description: '{ ok, firstBrokenSeq?, events }' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const review = await reviewFor(deps, actor, params.reviewId);
        const events = await logOf(deps, review._id);
        const firstBrokenSeq = firstBrokenLink(events);
        res.json({
          ok: firstBrokenSeq === undefined,
          ...(firstBrokenSeq !== undefined && { firstBrokenSeq }),
          events: events.length,
        });
      },
    }),
  ];
}

/** The whole log of a review, in order. */
async function logOf(deps: ApiDeps, reviewId: string): Promise<EventDoc[]> {
  const events = await deps.models.Event.find({ reviewId }).lean<EventDoc[]>();
  return events.sort((a, b) => a.seq - b.seq);
}
