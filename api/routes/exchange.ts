/**
 * The three regions' exchange (研讨交流): topics and their answers, shared guidelines (协同审核指引)
 * and the precedent library (案例检索). Tasks of the exchange are decided through
 * `POST /v1/tasks/:taskId/complete` (api/routes/tasks.ts).
 */
import { z } from 'zod';
import {
  closeTopicSchema,
  listGuidelinesQuerySchema,
  listTopicsQuerySchema,
  proposeGuidelineSchema,
  raiseTopicSchema,
  replySchema,
  taskPrecedentsQuerySchema,
} from '../../features/exchange/schemas';
import { InvalidPrecedentCursor, precedentQuerySchema } from '../../features/exchange/precedents';
import {
  actOnTopic,
  findPrecedents,
  listGuidelines,
  listTopics,
  proposeGuideline,
  raiseTopic,
  readGuideline,
  readTopic,
  taskPrecedents,
} from '../../features/exchange/use-cases';
import { AppError } from '../../features/errors';
import { emptyQuerySchema } from '../../features/schemas';
import { GUIDELINE_STATUSES, TOPIC_KINDS, TOPIC_STATUSES } from '../../domain/exchange';
import { REGIONS } from '../../domain/model';
import type { ApiDeps } from '../deps';
import { route, type RouteSpec } from '../http';
import { page } from '../responses';

const regionMap = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(REGIONS.map((r) => [r, value]))).partial();
const actor = z.object({ sub: z.string(), name: z.string().optional(), region: z.string(), role: z.string() });

const TopicView = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    kind: z.enum(TOPIC_KINDS),
    links: z.array(z.object({ reviewId: z.string(), article: z.string().optional() })),
    region: z.enum(REGIONS),
    raisedBy: actor,
    status: z.enum(TOPIC_STATUSES),
    answers: regionMap(
      z.object({ status: z.enum(['pending', 'answered']), taskId: z.string(), dueAt: z.string() }).passthrough(),
    ),
    replies: z.array(z.object({ id: z.string(), body: z.string(), by: actor, at: z.string() }).passthrough()),
    summary: z.string().optional(),
    closedAt: z.string().optional(),
    createdAt: z.string(),
    lastSeq: z.number().int(),
  })
  .passthrough();

const GuidelineView = z
  .object({
    id: z.string(),
    title: z.string(),
    text: z.string(),
    scope: z.string(),
    basis: z.array(z.string()),
    status: z.enum(GUIDELINE_STATUSES),
    version: z.number().int(),
    number: z.string().optional().describe('京津冀合审指引〔YYYY〕n号, once adopted by all three'),
    supersedes: z.string().optional(),
    supersededBy: z.string().optional(),
    adoptions: regionMap(z.object({ status: z.enum(['pending', 'adopted', 'declined']) }).passthrough()),
    createdAt: z.string(),
  })
  .passthrough();

const PrecedentView = z
  .object({
    commentId: z.string(),
    reviewId: z.string(),
    region: z.enum(REGIONS),
    documentTitle: z.string(),
    article: z.string().optional(),
    articleText: z.string().optional(),
    text: z.string(),
    severity: z.string(),
    basis: z.string().optional(),
    conclusion: z.string(),
    opinionNumber: z.string().optional(),
    closedAt: z.string(),
    score: z.number(),
  })
  .passthrough();

export function exchangeRoutes({ app }: ApiDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/v1/topics',
      tag: 'exchange',
      summary: 'Raise a topic (reviewer or signer): each other region gets a topic_answer task',
      body: raiseTopicSchema,
      responses: [{ status: 201, description: 'the topic', schema: TopicView }],
      errors: [400, 403],
      handler: async ({ actor, body, requestId, res }) => {
        res.status(201).json(await raiseTopic(app, actor, body, requestId));
      },
    }),
    route({
      method: 'get',
      path: '/v1/topics',
      tag: 'exchange',
      summary: 'Topics of the three regions, newest first (reviewers, signers, supervisors)',
      query: listTopicsQuerySchema,
      responses: [{ status: 200, description: '{ items, nextCursor }', schema: page(TopicView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        res.json(await listTopics(app, actor, query));
      },
    }),
    route({
      method: 'get',
      path: '/v1/topics/:id',
      tag: 'exchange',
      summary: 'A topic with its answers and replies',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the topic', schema: TopicView }],
      errors: [403, 404],
      handler: async ({ actor, params, res }) => {
        res.json(await readTopic(app, actor, params.id));
      },
    }),
    route({
      method: 'post',
      path: '/v1/topics/:id/replies',
      tag: 'exchange',
      summary: 'Reply in a topic (reviewers and signers of any region)',
      body: replySchema,
      responses: [{ status: 201, description: 'the topic with the reply', schema: TopicView }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.status(201).json(await actOnTopic(app, actor, params.id, { action: 'reply', ...body }, requestId));
      },
    }),
    route({
      method: 'post',
      path: '/v1/topics/:id/close',
      tag: 'exchange',
      summary: 'Close a topic with a summary (the raising region)',
      body: closeTopicSchema,
      responses: [{ status: 200, description: 'the closed topic', schema: TopicView }],
      errors: [400, 403, 404, 409],
      handler: async ({ actor, params, body, requestId, res }) => {
        res.json(await actOnTopic(app, actor, params.id, { action: 'close', ...body }, requestId));
      },
    }),

    route({
      method: 'post',
      path: '/v1/guidelines',
      tag: 'exchange',
      summary: "Propose a shared guideline (reviewer or signer): each region's signer gets a guideline_adoption task",
      body: proposeGuidelineSchema,
      responses: [{ status: 202, description: '{ id, status: proposed, ... }', schema: GuidelineView }],
      errors: [400, 403],
      handler: async ({ actor, body, requestId, res }) => {
        res.status(202).json(await proposeGuideline(app, actor, body, requestId));
      },
    }),
    route({
      method: 'get',
      path: '/v1/guidelines',
      tag: 'exchange',
      summary: 'Shared guidelines, newest first (reviewers, signers, supervisors)',
      query: listGuidelinesQuerySchema,
      responses: [{ status: 200, description: '{ items, nextCursor }', schema: page(GuidelineView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        res.json(await listGuidelines(app, actor, query));
      },
    }),
    route({
      method: 'get',
      path: '/v1/guidelines/:id',
      tag: 'exchange',
      summary: 'A shared guideline with each region’s adoption',
      query: emptyQuerySchema,
      responses: [{ status: 200, description: 'the guideline', schema: GuidelineView }],
      errors: [403, 404],
      handler: async ({ actor, params, res }) => {
        res.json(await readGuideline(app, actor, params.id));
      },
    }),

    route({
      method: 'get',
      path: '/v1/precedents',
      tag: 'exchange',
      summary: 'Comments of closed reviews of the three regions, most relevant first (reviewers, signers, supervisors)',
      description:
        '`q` is Chinese text, cut into ICU words and character pairs and ranked by BM25: a comment whose words ' +
        'match ranks above one that shares a single character. Without `q`: newest first.',
      query: precedentQuerySchema,
      responses: [{ status: 200, description: '{ items, nextCursor }', schema: page(PrecedentView) }],
      errors: [400, 403],
      handler: async ({ actor, query, res }) => {
        try {
          res.json(await findPrecedents(app, actor, query));
        } catch (err) {
          if (err instanceof InvalidPrecedentCursor) throw AppError.invalid(err.field, '分页游标无效');
          throw err;
        }
      },
    }),
    route({
      method: 'get',
      path: '/v1/tasks/:taskId/precedents',
      tag: 'exchange',
      summary: "The 5 past comments most like an article of the task's version",
      query: taskPrecedentsQuerySchema,
      responses: [
        {
          status: 200,
          description: '{ article, items }',
          schema: z.object({ article: z.string(), items: z.array(PrecedentView) }),
        },
      ],
      errors: [400, 403, 404],
      handler: async ({ actor, params, query, res }) => {
        res.json(await taskPrecedents(app, actor, params.taskId, query.article));
      },
    }),
  ];
}
