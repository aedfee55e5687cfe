/** Reviews: their state, the supervisors' list, withdrawal, extensions, the opinion and the log. */
import type { Request, Response } from 'express';
import { parseIdempotencyKey } from '../../features/once';
import {
  extensionBodySchema,
  listEventsQuerySchema,
  listReviewsQuerySchema,
  withdrawBodySchema,
} from '../../features/reviews/schemas';
import {
  listReviews,
  listRevisionLetters,
  readEvents,
  readDraftOpinion,
  readOpinion,
  readReview,
  readRevisionLetter,
  requestExtension,
  verifyLog,
  withdrawReview,
} from '../../features/reviews/use-cases';
import { emptyQuerySchema } from '../../features/schemas';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { EventView, OpinionView, ReviewSummaryView, ReviewView, page } from '../responses';
import { eventView, recordAnswer, reviewSummary, reviewView } from '../views';

export function reviewRoutes({ app }: ApiDeps): RouteSpec[] {
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
        const { page, nextCursor, at } = await listReviews(app, actor, query);
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
        const { review, tasks, history, timeModel } = await readReview(app, actor, params.reviewId);
        res.json(reviewView(review, tasks, history, app.now(), { timeModel }));
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
        const answer = await withdrawReview(app, actor, params.reviewId, body, requestId, key);
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
        const answer = await requestExtension(app, actor, params.reviewId, body, requestId, key);
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
        sendRecord(req, res, await readOpinion(app, actor, params.reviewId));
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/opinion/draft',
      tag: 'reviews',
      summary:
        'The opinion as it would be issued were the review signed now (待签发稿; the origin review body, while under way)',
      description:
        'The same builder and page that freeze the opinion on signing, over the review closed in memory by the ' +
        'caller now: JSON, or the page with Accept: text/html. It has no number yet (one is taken on signing), is ' +
        'not stored, and `sha256` is that of this page. 403 for anyone but the reviewers and signers of the origin ' +
        'region; 409 once the review has closed.',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the draft opinion', schema: OpinionView, html: true }],
      errors: [403, 404, 409],
      handler: async ({ actor, params, req, res }) => {
        sendRecord(req, res, await readDraftOpinion(app, actor, params.reviewId));
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
        const letters = await listRevisionLetters(app, actor, params.reviewId);
        res.json({
          items: letters.map(({ round, number, issuedOn, sha256 }) => ({ round, number, issuedOn, sha256 })),
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
        sendRecord(req, res, await readRevisionLetter(app, actor, params.reviewId, params.round));
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
        const { items, nextCursor } = await readEvents(app, actor, params.reviewId, query);
        res.json({ items: items.map(eventView), nextCursor });
      },
    }),

    route({
      method: 'get',
      path: '/v1/reviews/:reviewId/events/verify',
      tag: 'reviews',
      summary:
        'Checks the review log: its hash chain, its signed seal (event count, head, frozen records) and the latest checkpoint; names the first break',
      query: emptyQuerySchema,
      responses: [
        {
          status: 200,
          description:
            '{ ok, firstBrokenSeq?, events, break?: chain|unsealed|signature|count|head|record|checkpoint, problems, seal, records, checkpoint }',
        },
      ],
      errors: [404],
      handler: async ({ actor, params, res }) => {
        res.json(await verifyLog(app, actor, params.reviewId));
      },
    }),
  ];
}

/** A frozen record: its page as issued, or its JSON with the page's hash. */
function sendRecord(req: Request, res: Response, record: Parameters<typeof recordAnswer>[0]): void {
  if (req.accepts(['json', 'html']) === 'html') res.type('html').send(record.html);
  else res.json(recordAnswer(record));
}
