/**
 * The exchange's use cases: topics (raise, reply, close, list, read), shared guidelines (propose,
 * list, read), deciding their tasks through the work list, and the precedent library's two reads.
 *
 * Who: reviewers and signers of any region take part; supervisors read everything; a drafter sees
 * none of it (403). Topics and guidelines are shared by the three regions, so every participant
 * reads all of them; a task is decided by its own region's reviewer (topic_answer) or signer
 * (guideline_adoption).
 */
import { randomUUID } from 'node:crypto';
import {
  GUIDELINE_ADOPTION_WORKING_DAYS,
  TOPIC_ANSWER_WORKING_DAYS,
  exchangeRole,
  readsExchange,
  refOf,
  takesPartInExchange,
  type ExchangeAction,
  type GuidelineState,
  type TopicState,
} from '../../domain/exchange';
import type { Actor } from '../../domain/model';
import type { GuidelineDoc, TopicDoc } from '../../store/exchange';
import { taskFromDoc, versionId, type TaskDoc, type VersionDoc } from '../../store/models';
import { canSeeTask } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { onceForKey, type Answer } from '../once';
import { allOf, decodeCursor, newestFirst } from '../paging';
import {
  PrecedentSearcher,
  searchPrecedents,
  similarForArticle,
  type PrecedentPage,
  type PrecedentQuery,
} from './precedents';
import { sendToCase, startCase } from './engine';
import type { ListTopicsQuery, ProposeGuidelineBody, RaiseTopicBody } from './schemas';

function mustTakePart(actor: Actor): void {
  if (!takesPartInExchange(actor)) throw AppError.forbidden('只有审核人员和签发人可以参与三地研讨交流');
}
function mustRead(actor: Actor): void {
  if (!readsExchange(actor)) throw AppError.forbidden('起草单位无权查看三地研讨交流');
}

export const topicFromDoc = ({ _id, ...rest }: TopicDoc): TopicState => ({ id: _id, ...rest });
export const guidelineFromDoc = ({ _id, ...rest }: GuidelineDoc): GuidelineState => ({ id: _id, ...rest });

// ---- topics

/** `POST /v1/topics`: raises a topic; each other region gets a `topic_answer` task. */
export async function raiseTopic(ctx: AppContext, actor: Actor, body: RaiseTopicBody, requestId: string) {
  mustTakePart(actor);
  const id = `topic-${randomUUID()}`;
  const days = ctx.config.env.TOPIC_ANSWER_WORKING_DAYS ?? TOPIC_ANSWER_WORKING_DAYS;
  return (await startCase(
    ctx,
    'topic',
    id,
    {
      topic: {
        id,
        title: body.title,
        body: body.body,
        kind: body.kind,
        links: body.links ?? [],
        region: actor.region,
        raisedBy: refOf(actor, exchangeRole(actor)),
      },
      answerWorkingDays: days,
      timeModel: ctx.config.timeModel,
    },
    requestId,
  )) as TopicState;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `GET /v1/topics`: newest first; `q` finds text in the title or the body. */
export async function listTopics(ctx: AppContext, actor: Actor, query: ListTopicsQuery) {
  mustRead(actor);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const where: Record<string, unknown> = {};
  if (query.status) where.status = query.status;
  if (query.kind) where.kind = query.kind;
  if (query.q) {
    const pattern = { $regex: escapeRegex(query.q) };
    where.$or = [{ title: pattern }, { body: pattern }];
  }
  const { page, nextCursor } = await newestFirst<TopicDoc>({
    model: ctx.models.Topic,
    anyOf: [{}],
    where: allOf(where),
    sortBy: { field: 'createdAt', isDate: false },
    limit: query.limit,
    cursor,
  });
  return { items: page.map(topicFromDoc), nextCursor };
}

export async function readTopic(ctx: AppContext, actor: Actor, id: string): Promise<TopicState> {
  mustRead(actor);
  const doc = await ctx.models.Topic.findById(id).lean<TopicDoc>();
  if (!doc) throw AppError.notFound('topic');
  return topicFromDoc(doc);
}

/** `POST /v1/topics/:id/replies` and `POST /v1/topics/:id/close`: sent to the topic's workflow. */
export async function actOnTopic(
  ctx: AppContext,
  actor: Actor,
  id: string,
  action: { action: 'reply'; body: string; basis?: string[] } | { action: 'close'; summary: string },
  requestId: string,
): Promise<TopicState> {
  mustTakePart(actor);
  const topic = await readTopic(ctx, actor, id);
  if (action.action === 'close' && topic.region !== actor.region)
    throw AppError.forbidden('只有提出议题的地区可以关闭议题');
  if (topic.status !== 'open') throw AppError.conflict('该议题已关闭');
  const { state } = await sendToCase(ctx, id, { ...action, actor }, requestId);
  return state as TopicState;
}

// ---- guidelines

/** `POST /v1/guidelines`: a proposal; each region's signer gets a `guideline_adoption` task. */
export async function proposeGuideline(ctx: AppContext, actor: Actor, body: ProposeGuidelineBody, requestId: string) {
  mustTakePart(actor);
  let version = 1;
  if (body.supersedes !== undefined) {
    const older = await ctx.models.Guideline.findById(body.supersedes).lean<GuidelineDoc>();
    if (!older) throw AppError.invalid('supersedes', '要替代的指引不存在');
    if (older.status !== 'adopted') throw AppError.invalid('supersedes', '只能替代现行有效的指引');
    version = older.version + 1;
  }
  if (body.topicId !== undefined && !(await ctx.models.Topic.exists({ _id: body.topicId })))
    throw AppError.invalid('topicId', '该议题不存在');
  const id = `guideline-${randomUUID()}`;
  const days = ctx.config.env.GUIDELINE_ADOPTION_WORKING_DAYS ?? GUIDELINE_ADOPTION_WORKING_DAYS;
  return (await startCase(
    ctx,
    'guideline',
    id,
    {
      guideline: {
        id,
        title: body.title,
        text: body.text,
        scope: body.scope,
        basis: body.basis,
        ...(body.topicId !== undefined && { topicId: body.topicId }),
        ...(body.supersedes !== undefined && { supersedes: body.supersedes }),
        rules: body.rules ?? [],
        version,
        region: actor.region,
        proposedBy: refOf(actor, exchangeRole(actor)),
      },
      adoptionWorkingDays: days,
      timeModel: ctx.config.timeModel,
    },
    requestId,
  )) as GuidelineState;
}

export async function listGuidelines(
  ctx: AppContext,
  actor: Actor,
  query: { status?: string; limit: number; cursor?: string },
) {
  mustRead(actor);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const { page, nextCursor } = await newestFirst<GuidelineDoc>({
    model: ctx.models.Guideline,
    anyOf: [{}],
    where: query.status ? { status: query.status } : {},
    sortBy: { field: 'createdAt', isDate: false },
    limit: query.limit,
    cursor,
  });
  return { items: page.map(guidelineFromDoc), nextCursor };
}

export async function readGuideline(ctx: AppContext, actor: Actor, id: string): Promise<GuidelineState> {
  mustRead(actor);
  const doc = await ctx.models.Guideline.findById(id).lean<GuidelineDoc>();
  if (!doc) throw AppError.notFound('guideline');
  return guidelineFromDoc(doc);
}

// ---- their tasks

/** Whether a stored task belongs to the exchange (its subject is a topic or a guideline). */
export function isExchangeTask(task: Pick<TaskDoc, 'subject'>): boolean {
  return task.subject?.type === 'topic' || task.subject?.type === 'guideline';
}

/**
 * `POST /v1/tasks/:taskId/complete` on an exchange task: `answer` (topic_answer: `opinion`, and
 * `basis`, `comments` optional), `adopt` or `decline` (guideline_adoption; decline needs
 * `opinion`). The workflow decides; a retry with the same Idempotency-Key gets the first answer.
 */
export async function decideExchangeTask(
  ctx: AppContext,
  actor: Actor,
  task: TaskDoc,
  body: {
    decision: string;
    opinion?: string;
    basis?: string[];
    comments?: { article?: string; text: string }[];
  },
  requestId: string,
  idempotencyKey: string | undefined,
): Promise<Answer> {
  if (!canSeeTask(actor, task)) throw AppError.notFound('task');
  if (actor.region !== task.region || !actor.roles.includes(task.role))
    throw AppError.forbidden(`该任务由${task.region}的${task.role === 'signer' ? '签发人' : '审核人员'}办理`);
  const request = exchangeRequestOf(task, body);
  return onceForKey(ctx, { scope: `complete:${task._id}`, actor, key: idempotencyKey, body }, async () => {
    if (task.status !== 'open') {
      const fresh = await ctx.models.Task.findById(task._id).lean<TaskDoc>();
      if (fresh?.status !== 'open') throw AppError.conflict(`任务 ${task._id} 已办结`);
    }
    const answer = await sendToCase(ctx, task.subject!.id, { ...request, actor }, requestId, idempotencyKey);
    const { state } = answer;
    return {
      status: 200,
      body: {
        task: answer.task ? { ...answer.task } : taskFromDoc(task),
        [task.subject!.type]: {
          id: state.id,
          status: state.status,
          ...('number' in state && state.number && { number: state.number }),
        },
      },
    };
  });
}

function exchangeRequestOf(
  task: TaskDoc,
  body: { decision: string; opinion?: string; basis?: string[]; comments?: { article?: string; text: string }[] },
): ExchangeAction {
  const opinion = body.opinion?.trim();
  if (task.kind === 'topic_answer') {
    if (body.decision !== 'answer') throw AppError.invalid('decision', '研讨答复任务只接受 answer');
    if (!opinion) throw AppError.invalid('opinion', '答复须填写意见');
    return {
      action: 'answer',
      taskId: task._id,
      opinion,
      ...(body.basis && { basis: body.basis }),
      ...(body.comments && {
        comments: body.comments.map((c) => ({ ...(c.article && { article: c.article }), text: c.text })),
      }),
    };
  }
  if (body.decision === 'adopt') return { action: 'adopt', taskId: task._id, ...(opinion && { opinion }) };
  if (body.decision === 'decline') {
    if (!opinion) throw AppError.invalid('opinion', '不同意须说明理由');
    return { action: 'decline', taskId: task._id, opinion };
  }
  throw AppError.invalid('decision', '指引审议任务只接受 adopt 或 decline');
}

// ---- precedents

/** One searcher per process and store (tests run several stores in one process). */
const searchers = new WeakMap<object, PrecedentSearcher>();
export function searcherFor(ctx: AppContext): PrecedentSearcher {
  let searcher = searchers.get(ctx.models.Precedent);
  if (!searcher) {
    searcher = new PrecedentSearcher(ctx.models);
    searchers.set(ctx.models.Precedent, searcher);
  }
  return searcher;
}

/** `GET /v1/precedents` (reviewers, signers, supervisors). */
export async function findPrecedents(ctx: AppContext, actor: Actor, query: PrecedentQuery): Promise<PrecedentPage> {
  mustRead(actor);
  return searchPrecedents(searcherFor(ctx), query);
}

/** `GET /v1/tasks/:taskId/precedents?article=`: the 5 past comments most like that article. */
export async function taskPrecedents(ctx: AppContext, actor: Actor, taskId: string, article: string) {
  mustRead(actor);
  const task = await ctx.models.Task.findById(taskId).lean<TaskDoc>();
  if (!task || !canSeeTask(actor, task) || isExchangeTask(task) || !task.documentId) throw AppError.notFound('task');
  const version = await ctx.models.Version.findById(versionId(task.documentId, task.version)).lean<VersionDoc>();
  const found = version?.articles.find((a) => a.number === article);
  if (!found) throw AppError.invalid('query.article', `送审版本没有第${article}条`);
  const items = await similarForArticle(searcherFor(ctx), found.text, 5);
  // The task's own review is not closed, so never among them.
  return { article, items };
}
