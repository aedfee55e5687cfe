/** Reviews: their state, the supervisors' list, withdrawal, the opinion and the review log. */
import { firstBrokenLink } from '../../runtime/log-chain';
import type { Request, Response } from 'express';
import type { EventDoc, RecordDoc } from '../../store/models';
import { freezeOpinion, letterRecordId, opinionRecordId } from '../../store/records';
import { isSupervisor, ownsAsDrafter } from '../access';
import type { ApiDeps } from '../deps';
import { ApiError } from '../errors';
import { route, type RouteSpec } from '../http';
import { firstMonth, reviewDetail, reviewFor } from '../lookup';
import { allOf, decodeCursor, newestFirst } from '../paging';
import { EventView, OpinionView, ReviewSummaryView, ReviewView, page } from '../responses';
import {
  emptyQuerySchema,
  extensionBodySchema,
  listEventsQuerySchema,
  listReviewsQuerySchema,
  withdrawBodySchema,
} from '../schemas';
import { eventView, reviewFromDoc, reviewSummary, reviewView } from '../views';
import { onceForKey, parseIdempotencyKey } from '../once';
import { requestExtension, withdrawReview } from '../workflow-calls';

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
      responses: [
        { status: 200, description: '{ items: [review summary], nextCursor }', schema: page(ReviewSummaryView) },
      ],
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
      responses: [{ status: 200, description: 'the review', schema: ReviewView }],
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
      method: 'post',
      path: '/v1/reviews/:reviewId/extensions',
      tag: 'reviews',
      summary: 'Ask for more time (延期; a reviewer of the origin region); the head of the review body decides',
      description:
        'Opens a task of kind `extension` for the signers of the origin region (decisions `approve`, `refuse` with an ' +
        'opinion); an approved extension adds its working days to `deadlines.reviewDueAt`. One at a time, at most ' +
        'MAX_EXTENSION_WORKING_DAYS in all, only once the materials are accepted. `Idempotency-Key` as for decisions.',
      body: extensionBodySchema,
      responses: [{ status: 202, description: '{ reviewId, taskId, extension, review: { status, stage } }' }],
      errors: [400, 403, 404, 409, 422],
      handler: async ({ actor, params, body, req, requestId, res }) => {
        const key = parseIdempotencyKey(req.get('Idempotency-Key'));
        const review = await reviewFor(deps, actor, params.reviewId);
        const answer = await onceForKey(deps, { scope: `extension:${review._id}`, actor, key, body }, async () => {
          const { task, review: stage } = await requestExtension(deps, review, { actor, ...body }, requestId, key);
          return {
            status: 202,
            body: {
              reviewId: review._id,
              taskId: task.id,
              extension: { workingDays: body.workingDays, reason: body.reason, status: 'requested' },
              review: stage,
            },
          };
        });
        res.status(answer.status).json(answer.body);
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/opinion',
      tag: 'reviews',
      summary:
        'The legality review opinion (合法性审核意见书), as issued; JSON, or the printable page with Accept: text/html',
      description:
        'Issued when the review is signed, rejected or returned, and frozen then: later reads serve that copy. ' +
        '`sha256` is the hex SHA-256 of the page served for Accept: text/html.',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the opinion', schema: OpinionView, html: true }],
      errors: [404, 409],
      handler: async ({ actor, params, req, res }) => {
        const review = reviewFromDoc(await reviewFor(deps, actor, params.reviewId));
        if (review.status !== 'approved' && review.status !== 'rejected' && review.status !== 'returned') {
          throw ApiError.conflict(
            `the opinion exists once the review is approved, rejected or returned; it is ${review.status}`,
          );
        }
        // Frozen when the review closed (or, were that write cut short, on first read).
        const record =
          (await models.Record.findById(opinionRecordId(review.reviewId)).lean<RecordDoc>()) ??
          (await freezeOpinion(models, config.offices, review));
        sendRecord(req, res, record);
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/revision-letters',
      tag: 'reviews',
      summary: 'The numbered revision letters (修改意见书) of each revision round',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: '{ items: [{ round, number, issuedOn, sha256 }] }' }],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        const review = await reviewFor(deps, actor, params.reviewId);
        const letters = await models.Record.find({ reviewId: review._id, kind: 'revision_letter' }).lean<RecordDoc[]>();
        res.json({
          items: letters
            .sort((a, b) => (a.round ?? 0) - (b.round ?? 0))
            .map(({ round, number, issuedOn, sha256 }) => ({ round, number, issuedOn, sha256 })),
        });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/revision-letters/:round',
      tag: 'reviews',
      summary: 'One revision letter, as issued; JSON, or the printable page with Accept: text/html',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the revision letter', html: true }],
      errors: [404],
      handler: async ({ actor, params, req, res }) => {
        const review = await reviewFor(deps, actor, params.reviewId);
        const round = /^[1-9]\d{0,3}$/.test(params.round) ? Number(params.round) : undefined;
        const record =
          round === undefined
            ? null
            : await models.Record.findById(letterRecordId(review._id, round)).lean<RecordDoc>();
        if (!record) throw ApiError.notFound('revision letter');
        sendRecord(req, res, record);
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
      responses: [{ status: 200, description: '{ items: [event], nextCursor }', schema: page(EventView) }],
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

/** A frozen record: its page as issued, or its JSON with the page's hash. */
function sendRecord(req: Request, res: Response, record: RecordDoc): void {
  if (req.accepts(['json', 'html']) === 'html') res.type('html').send(record.html);
  else res.json({ ...(record.json as object), sha256: record.sha256 });
}

/** The whole log of a review, in order. */
async function logOf(deps: ApiDeps, reviewId: string): Promise<EventDoc[]> {
  const events = await deps.models.Event.find({ reviewId }).lean<EventDoc[]>();
  return events.sort((a, b) => a.seq - b.seq);
}
