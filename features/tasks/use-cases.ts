/**
 * Tasks: the caller's work list, one task, and deciding one. A decision is answered only once the
 * review's workflow has accepted it and it is stored.
 */
import type { Flag } from '../../domain/assist';
import type { CompleteTaskRequest } from '../../domain/messages';
import type { Actor, TaskRecord } from '../../domain/model';
import { headsRegion, refusalToDecide } from '../../domain/rules';
import { taskFromDoc, versionId, type TaskDoc } from '../../store/models';
import { canSeeTask, taskFilterFor } from '../access';
import { decideCourseTask, isCourseTask, suggestionForTask } from '../after-review/use-cases';
import { delegatorsFor } from '../assignment/queries';
import { versionFlags } from '../assist/flags';
import type { AppContext } from '../context';
import { latestVersion, versionOf, versionTitles } from '../documents/queries';
import { AppError, STATUS_BY_CODE, toAppError } from '../errors';
import { decideExchangeTask, isExchangeTask } from '../exchange/use-cases';
import { onceForKey, oneDecisionAtATime, type Answer } from '../once';
import { allOf, decodeCursor, newestFirst } from '../paging';
import { decideTask as sendDecision } from '../reviews/engine';
import { firstMonth } from '../reviews/queries';
import type { CompleteTaskBody } from './schemas';
import { decodeUrgencyCursor, urgentFirst } from './urgency';

/**
 * A task with the title of the version it concerns, its review's 加急 flag and 受理编号, so that one
 * request fills a work list.
 */
export type TitledTask = TaskRecord & { documentTitle?: string; urgent: boolean; registrationNumber?: string };

/** A page of tasks, as of `at`. */
export interface TaskPage {
  items: TitledTask[];
  nextCursor: string | null;
  at: Date;
}

/** `GET /v1/tasks`: the tasks the caller may act on (supervisors: all), newest first. */
export async function listTasks(
  ctx: AppContext,
  actor: Actor,
  query: {
    status?: string;
    kind?: string;
    region?: string;
    reviewId?: string;
    overdue?: boolean;
    sort?: 'urgency';
    assignee?: string;
    team?: boolean;
    limit: number;
    cursor?: string;
  },
): Promise<TaskPage> {
  if (query.sort === 'urgency') return listByUrgency(ctx, actor, query);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const filter: Record<string, unknown> = {};
  if (query.status) filter.status = query.status;
  if (query.kind) filter.kind = query.kind;
  if (query.region) filter.region = query.region;
  if (query.reviewId) filter.reviewId = query.reviewId;
  const at = ctx.now();
  const nowIso = at.toISOString();
  const late = { status: 'open', dueAt: { $lt: nowIso } };
  const notLate = { $or: [{ status: { $ne: 'open' } }, { dueAt: null }, { dueAt: { $gte: nowIso } }] };
  const lateness = query.overdue === undefined ? {} : query.overdue ? late : notLate;
  // Open work is a small set by its filter; everything else is read a month at a time.
  const small = query.status === 'open' || query.overdue === true || query.reviewId !== undefined;
  const { page, nextCursor } = await newestFirst({
    model: ctx.models.Task,
    anyOf: await byAssignee(ctx, actor, query.assignee, query.team ?? false),
    where: allOf(filter, lateness),
    sortBy: { field: 'createdAt', isDate: false },
    limit: query.limit,
    cursor,
    ...(!small && { byMonth: { now: at, firstMonth: await firstMonth(ctx) } }),
  });
  return { items: await withTitles(ctx, page), nextCursor, at };
}

/**
 * `GET /v1/tasks?sort=urgency`: the work list most urgent first (features/tasks/urgency.ts); open
 * tasks unless `status` says otherwise.
 */
async function listByUrgency(ctx: AppContext, actor: Actor, query: Parameters<typeof listTasks>[2]): Promise<TaskPage> {
  const cursor = query.cursor === undefined ? undefined : decodeUrgencyCursor(query.cursor);
  const at = ctx.now();
  const filter: Record<string, unknown> = { status: query.status ?? 'open' };
  if (query.kind) filter.kind = query.kind;
  if (query.region) filter.region = query.region;
  if (query.reviewId) filter.reviewId = query.reviewId;
  if (query.overdue !== undefined) {
    const nowIso = at.toISOString();
    Object.assign(
      filter,
      query.overdue ? { dueAt: { $lt: nowIso } } : { $or: [{ dueAt: null }, { dueAt: { $gte: nowIso } }] },
    );
  }
  const { page, nextCursor } = await urgentFirst(
    (where, limit) => ctx.models.Task.find(where).sort({ urgencyKey: 1 }).limit(limit).lean<TaskDoc[]>(),
    await byAssignee(ctx, actor, query.assignee, query.team ?? false),
    filter,
    query.limit,
    cursor,
  );
  return { items: await withTitles(ctx, page), nextCursor, at };
}

/**
 * The caller's alternatives (taskFilterFor), narrowed to an assignee: `me` (and whoever the caller
 * stands in for while a delegation runs), `none` (the pool) or a person's sub. Each alternative is
 * an equality on the flat `assigneeSub`, which an index answers. `team`: the head of a review body
 * also sees its reviewers' tasks, which they assign.
 */
async function byAssignee(
  ctx: AppContext,
  actor: Actor,
  assignee: string | undefined,
  team: boolean,
): Promise<Record<string, unknown>[]> {
  const own = taskFilterFor(actor);
  const alternatives =
    team && headsRegion(actor, actor.region) && !own.some((c) => c.role === 'reviewer')
      ? [...own, { region: actor.region, role: 'reviewer' }]
      : own;
  if (assignee === undefined) return alternatives;
  if (assignee === 'none') return alternatives.map((c) => ({ ...c, assigneeSub: null }));
  const subs = assignee === 'me' ? [actor.sub, ...(await delegatorsFor(ctx, actor.sub, ctx.now()))] : [assignee];
  return alternatives.flatMap((c) => subs.map((sub) => ({ ...c, assigneeSub: sub })));
}

/** The tasks with their versions' titles (one read by unique id per version). */
async function withTitles(ctx: AppContext, tasks: TaskDoc[]): Promise<TitledTask[]> {
  const titles = await versionTitles(ctx, tasks);
  return tasks.map((doc) => {
    const documentTitle = titles.get(versionId(doc.documentId, doc.version));
    return {
      ...taskFromDoc(doc),
      urgent: doc.urgent ?? false,
      ...(doc.registrationNumber !== undefined && { registrationNumber: doc.registrationNumber }),
      ...(documentTitle !== undefined && { documentTitle }),
    };
  });
}

/** A task the caller may see; 404 otherwise (guessed ids reveal nothing). */
export async function visibleTask(ctx: AppContext, actor: Actor, id: string): Promise<TaskDoc> {
  const task = await ctx.models.Task.findById(id).lean<TaskDoc>();
  if (!task || !canSeeTask(actor, task)) throw AppError.notFound('task');
  return task;
}

/** `GET /v1/tasks/:taskId`: the task, with the assistive-review flags of the version it concerns. */
export async function readTask(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ task: TitledTask; flags: Flag[]; at: Date; suggestion?: Awaited<ReturnType<typeof suggestionForTask>> }> {
  const doc = await visibleTask(ctx, actor, id);
  // A topic's or guideline's task concerns no version: no flags.
  const flagsOf = isExchangeTask(doc) ? Promise.resolve({ flags: [] as Flag[] }) : versionFlags(ctx, doc);
  const [[task], { flags }, suggestion] = await Promise.all([
    withTitles(ctx, [doc]),
    flagsOf,
    suggestionForTask(ctx, doc),
  ]);
  return { task, flags, at: ctx.now(), ...(suggestion && { suggestion }) };
}

/**
 * Refuses a dismissal of a flag that the version under review does not have (the console sends
 * back the flags the task view showed). Read only when a decision dismisses some.
 */
async function checkDismissals(ctx: AppContext, task: TaskDoc, body: CompleteTaskBody): Promise<void> {
  const dismissed = body.dismissedFlags ?? [];
  if (dismissed.length === 0) return;
  const { flags } = await versionFlags(ctx, task);
  const problems = dismissed.flatMap((d, i) =>
    flags.some((f) => f.ruleId === d.ruleId && f.article === d.article)
      ? []
      : [{ path: `dismissedFlags.${i}`, message: `第${d.article}条没有规则 ${d.ruleId} 的提示` }],
  );
  if (problems.length > 0) throw new AppError('validation_failed', '要忽略的提示不在送审版本的预检结果中', problems);
}

/**
 * `POST /v1/tasks/:taskId/complete`: decides a task. Visibility is checked here (404); whether
 * this caller may take this decision now is `refusalToDecide` (domain/rules.ts), asked here of the
 * stored task to refuse at once, and by the workflow's validator of its own state, which decides.
 * With an `Idempotency-Key`, a retry gets the first answer.
 */
export async function decideTask(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: CompleteTaskBody,
  requestId: string,
  idempotencyKey: string | undefined,
): Promise<Answer> {
  const task = await visibleTask(ctx, actor, id);
  // The tasks after the review belong to the document's workflow (features/after-review).
  if (isCourseTask(task)) return { status: 200, body: await decideCourseTask(ctx, actor, task, body, requestId) };
  let status = 500;
  try {
    // A topic's or a guideline's task goes to its own workflow (features/exchange).
    if (isExchangeTask(task)) {
      const answer = await decideExchangeTask(ctx, actor, task, body, requestId, idempotencyKey);
      status = answer.status;
      return answer;
    }
    const onBehalfOf = await standingInFor(ctx, actor, task);
    const refused = refusalToDecide(actor, { ...task, id: task._id }, onBehalfOf);
    const refusal = refused && new AppError(refused.code, refused.message, refused.details);
    // Seen but not theirs to decide (a supervisor's view): 403, whatever state the task is in.
    if (refusal?.code === 'forbidden') throw refusal;
    await checkDismissals(ctx, task, body);
    const answer = await onceForKey(
      ctx,
      { scope: `complete:${task._id}`, actor, key: idempotencyKey, body },
      async (joining) => {
        // Already decided, expired or cancelled: no need to ask the workflow, unless this is a
        // retry joining the decision that closed it.
        if (refusal && !joining) throw refusal;
        const request: CompleteTaskRequest = {
          taskId: task._id,
          actor,
          input: { ...body },
          ...(onBehalfOf && { onBehalfOf }),
        };
        if (body.decision === 'resubmit') await describeResubmission(ctx, task, request);
        const idempotent = idempotencyKey && `${actor.sub}:${idempotencyKey}`;
        const result = await oneDecisionAtATime(ctx, { taskId: task._id, requestId, idempotent }, () =>
          sendDecision(ctx, { _id: task.reviewId }, request, requestId, idempotencyKey),
        );
        return { status: 200, body: result };
      },
    );
    status = answer.status;
    return answer;
  } catch (err) {
    status = STATUS_BY_CODE[toAppError(err)?.code ?? 'internal'];
    throw err;
  } finally {
    ctx.onDecision?.({ kind: task.kind, decision: body.decision, status });
  }
}

/**
 * The assignee the caller decides for as their delegate: set only when the task is assigned to
 * someone else and a delegation from them to the caller runs now. The signed request carries it
 * to the workflow, whose rule (domain/rules.ts `refusalToDecide`) lets the delegate decide.
 */
export async function standingInFor(ctx: AppContext, actor: Actor, task: TaskDoc): Promise<string | undefined> {
  const assignee = task.assignee?.sub;
  if (assignee === undefined || assignee === actor.sub || task.status !== 'open') return undefined;
  return (await delegatorsFor(ctx, actor.sub, ctx.now())).includes(assignee) ? assignee : undefined;
}

/** The version a resubmission names (the current one by default) and its articles, for the workflow. */
async function describeResubmission(ctx: AppContext, task: TaskDoc, request: CompleteTaskRequest): Promise<void> {
  request.input.version ??= (await latestVersion(ctx, task.documentId)).version;
  // An unknown version is refused by the workflow, which names the field.
  const version = await versionOf(ctx, task.documentId, request.input.version).catch(() => undefined);
  if (version) request.articleNumbers = version.articles.map((a) => a.number);
}
