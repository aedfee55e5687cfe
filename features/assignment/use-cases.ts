/**
 * Who handles a case (承办): claiming a task from the pool, the head assigning or reassigning it,
 * releasing it; the directory of people and their delegations. Every change of assignee goes
 * through the review's workflow, which records it in the review's log in order with its other
 * events; this module checks what it can early, and what only the store knows (the directory).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Actor, PersonRef, Role, TaskRecord } from '../../domain/model';
import { canActOn, checkAssignment, headsRegion, type AssignmentAction } from '../../domain/rules';
import type { DelegationDoc } from '../../store/delegations';
import type { TaskDoc } from '../../store/models';
import type { PersonDoc } from '../../store/people';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError, toAppError } from '../errors';
import { oneDecisionAtATime } from '../once';
import { assignTask as sendAssignment } from '../reviews/engine';
import type { AssignBody, CreateDelegationBody } from './schemas';

// ---------------------------------------------------------------------------------------------
// The directory

/**
 * The claims this process has written to the directory, or is writing: a person's requests share
 * one write, however many arrive at once.
 */
const notedIn = new WeakMap<AppContext['models'], Map<string, Promise<void>>>();

/**
 * Puts the caller into the directory, or updates them when their token says something new (name,
 * roles, organisation). Cheap: once per process for each person and set of claims.
 */
export async function notePerson(ctx: AppContext, actor: Actor): Promise<void> {
  const claims = {
    sub: actor.sub,
    name: actor.name,
    region: actor.region,
    roles: [...actor.roles].sort(),
    org: actor.org,
  };
  const claimsHash = createHash('sha256').update(JSON.stringify(claims)).digest('hex');
  const key = `${actor.sub}|${claimsHash}`;
  const noted = notedIn.get(ctx.models) ?? new Map<string, Promise<void>>();
  notedIn.set(ctx.models, noted);
  const written = noted.get(key) ?? writePerson(ctx, actor, claims.roles, claimsHash);
  noted.set(key, written);
  // A failed write is forgotten, so that the person's next request tries again.
  await written.catch((err: unknown) => {
    noted.delete(key);
    throw err;
  });
}

async function writePerson(ctx: AppContext, actor: Actor, roles: Role[], claimsHash: string): Promise<void> {
  const now = ctx.now();
  const set: Partial<PersonDoc> = { region: actor.region, roles, claimsHash, updatedAt: now };
  const unset: Record<string, 1> = {};
  if (actor.name !== undefined) set.name = actor.name;
  else unset.name = 1;
  if (actor.org !== undefined) set.org = actor.org;
  else unset.org = 1;
  const update = { $set: set, ...(Object.keys(unset).length > 0 && { $unset: unset }) };
  try {
    await ctx.models.Person.updateOne(
      { _id: actor.sub },
      { ...update, $setOnInsert: { active: true, firstSeenAt: now } },
      { upsert: true },
    );
  } catch {
    // Two first requests at once: the other inserted them; write the claims over it.
    await ctx.models.Person.updateOne({ _id: actor.sub }, update);
  }
}

/** A person as `GET /v1/people` lists them. */
export interface PersonEntry {
  sub: string;
  name: string;
  region: PersonDoc['region'];
  roles: Role[];
  org?: string;
  active: boolean;
  openTasks: number;
  overdueTasks: number;
  absent?: { from: string; to: string; delegate: PersonRef };
}

const DIRECTORY_ROLES: readonly Role[] = ['reviewer', 'signer', 'supervisor', 'admin'];

/**
 * `GET /v1/people`: a region's people with their open and overdue tasks and their absence (a
 * delegation running or ahead). Reviewers, signers and admins see their own region; supervisors any.
 */
export async function listPeople(
  ctx: AppContext,
  actor: Actor,
  query: { region?: PersonDoc['region']; role?: Role; active?: boolean; limit: number; cursor?: string },
): Promise<{ items: PersonEntry[]; nextCursor: string | null }> {
  if (!actor.roles.some((r) => DIRECTORY_ROLES.includes(r))) throw AppError.forbidden('无权查看人员名录');
  const region = query.region ?? actor.region;
  if (region !== actor.region && !isSupervisor(actor)) throw AppError.forbidden('只能查看本地区的人员名录');
  const filter: Record<string, unknown> = { region };
  if (query.role) filter.roles = query.role;
  if (query.active !== undefined) filter.active = query.active;
  if (query.cursor) filter._id = { $gt: query.cursor };
  const found = await ctx.models.Person.find(filter)
    .sort({ _id: 1 })
    .limit(query.limit + 1)
    .lean<PersonDoc[]>();
  const page = found.slice(0, query.limit);
  const items = await withWorkload(ctx, page);
  return { items, nextCursor: found.length > query.limit ? page[page.length - 1]._id : null };
}

/** The people with their open and overdue task counts and their absence. */
async function withWorkload(ctx: AppContext, people: PersonDoc[]): Promise<PersonEntry[]> {
  const now = ctx.now();
  const subs = people.map((p) => p._id);
  const [open, delegations] = await Promise.all([
    ctx.models.Task.find({ assigneeSub: { $in: subs }, status: 'open' }, { assigneeSub: 1, dueAt: 1 }).lean<
      Pick<TaskDoc, 'assigneeSub' | 'dueAt'>[]
    >(),
    ctx.models.Delegation.find({ delegatorSub: { $in: subs }, to: { $gt: now } }).lean<DelegationDoc[]>(),
  ]);
  const counts = new Map<string, { open: number; overdue: number }>();
  for (const t of open) {
    const c = counts.get(t.assigneeSub!) ?? { open: 0, overdue: 0 };
    c.open++;
    if (t.dueAt !== null && t.dueAt < now.toISOString()) c.overdue++;
    counts.set(t.assigneeSub!, c);
  }
  const absence = new Map<string, DelegationDoc>();
  for (const d of delegations.filter((x) => !x.endedAt).sort((a, b) => +a.from - +b.from)) {
    if (!absence.has(d.delegatorSub)) absence.set(d.delegatorSub, d);
  }
  return people.map((p) => {
    const away = absence.get(p._id);
    return {
      sub: p._id,
      name: p.name ?? p._id,
      region: p.region,
      roles: p.roles,
      ...(p.org !== undefined && { org: p.org }),
      active: p.active,
      openTasks: counts.get(p._id)?.open ?? 0,
      overdueTasks: counts.get(p._id)?.overdue ?? 0,
      ...(away && {
        absent: {
          from: away.from.toISOString(),
          to: away.to.toISOString(),
          delegate: { sub: away.delegateSub, ...(away.delegateName && { name: away.delegateName }) },
        },
      }),
    };
  });
}

/** `PATCH /v1/people/:sub`: an admin of the person's region (de)activates them. */
export async function setPersonActive(
  ctx: AppContext,
  actor: Actor,
  sub: string,
  active: boolean,
): Promise<PersonEntry> {
  if (!actor.roles.includes('admin')) throw AppError.forbidden('只有管理员可以停用或启用人员');
  const person = await ctx.models.Person.findById(sub).lean<PersonDoc>();
  if (!person || person.region !== actor.region) throw new AppError('not_found', '人员不存在');
  await ctx.models.Person.updateOne({ _id: sub }, { $set: { active } });
  const [entry] = await withWorkload(ctx, [{ ...person, active }]);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Claims, assignments, releases

/**
 * A task the caller may change the assignee of: one they could act on, or, for the head of the
 * region's review body, any of its reviewers' and signers' tasks. 404 otherwise.
 */
async function assignableTask(ctx: AppContext, actor: Actor, id: string): Promise<TaskDoc> {
  const task = await ctx.models.Task.findById(id).lean<TaskDoc>();
  const heads = task && headsRegion(actor, task.region) && task.role !== 'drafter';
  if (!task || !(heads || canActOn(actor, task) || isSupervisor(actor))) throw AppError.notFound('task');
  return task;
}

/** A task after a change of assignee, with the review's 加急 flag and 受理编号 the work list shows. */
type AssignedTask = TaskRecord & { urgent: boolean; registrationNumber?: string };

/** `POST /v1/tasks/:taskId/claim`. Of concurrent claims one wins; the others are 409. */
export function claimTask(ctx: AppContext, actor: Actor, id: string, requestId: string): Promise<AssignedTask> {
  return changeAssignee(ctx, actor, id, 'claim', requestId);
}

/** `POST /v1/tasks/:taskId/assign`: the head names a person of the directory (分办, or 转办 with a reason). */
export async function assignTaskTo(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: AssignBody,
  requestId: string,
): Promise<AssignedTask> {
  return changeAssignee(ctx, actor, id, 'assign', requestId, body);
}

/** `POST /v1/tasks/:taskId/release`: back to the pool (the assignee, or the head). */
export function releaseTask(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: string | undefined,
  requestId: string,
): Promise<AssignedTask> {
  return changeAssignee(ctx, actor, id, 'release', requestId, { reason });
}

async function changeAssignee(
  ctx: AppContext,
  actor: Actor,
  id: string,
  action: AssignmentAction,
  requestId: string,
  body: { assignee?: string; reason?: string } = {},
): Promise<AssignedTask> {
  const task = await assignableTask(ctx, actor, id);
  const assignee = body.assignee === undefined ? undefined : await assignablePerson(ctx, task, body.assignee);
  // Refused at once on the stored task; the workflow checks again on its own state, which decides.
  try {
    checkAssignment({ ...task, id: task._id }, actor, action, assignee);
  } catch (err) {
    throw await withAssignee(ctx, task._id, toAppError(err) ?? err);
  }
  const request = {
    taskId: task._id,
    actor,
    action,
    ...(assignee && { assignee }),
    ...(body.reason !== undefined && body.reason !== '' && { reason: body.reason }),
  };
  // One change or decision per task on its way to the workflow: of fifty claims at once, the other
  // forty-nine are a fast 409 rather than Updates beyond Temporal's ten in flight per workflow.
  return oneDecisionAtATime(ctx, { taskId: task._id, requestId }, () =>
    sendAssignment(ctx, task.reviewId, request, requestId),
  )
    .then(
      // The review's 加急 flag and 受理编号 the work list shows, as stored beside the task.
      (changed) => ({
        ...changed,
        urgent: task.urgent ?? false,
        ...(task.registrationNumber !== undefined && { registrationNumber: task.registrationNumber }),
      }),
    )
    .catch(async (err: unknown) => {
      throw await withAssignee(ctx, task._id, toAppError(err) ?? err);
    });
}

/** A 409 says who holds the task now (`details.assignee`), when someone does. */
async function withAssignee(ctx: AppContext, taskId: string, err: unknown): Promise<unknown> {
  if (!(err instanceof AppError) || err.code !== 'conflict') return err;
  const now = await ctx.models.Task.findById(taskId, { assignee: 1 }).lean<Pick<TaskDoc, 'assignee'>>();
  return now?.assignee ? new AppError('conflict', err.message, { assignee: now.assignee }) : err;
}

/** The person of the directory named as assignee: active, of the task's region and role; 400 otherwise. */
async function assignablePerson(ctx: AppContext, task: TaskDoc, sub: string): Promise<PersonRef> {
  const person = await ctx.models.Person.findById(sub).lean<PersonDoc>();
  if (!person || !person.active || person.region !== task.region || !person.roles.includes(task.role)) {
    throw AppError.invalid('assignee', `人员名录中没有${task.region}可承办此任务（${task.role}）的在岗人员 ${sub}`);
  }
  return { sub: person._id, ...(person.name && { name: person.name }) };
}

// ---------------------------------------------------------------------------------------------
// Delegations

/** A delegation as the API shows it. */
export function delegationView(d: DelegationDoc) {
  return {
    id: d._id,
    delegator: { sub: d.delegatorSub, ...(d.delegatorName && { name: d.delegatorName }) },
    delegate: { sub: d.delegateSub, ...(d.delegateName && { name: d.delegateName }) },
    region: d.region,
    roles: d.roles,
    from: d.from.toISOString(),
    to: d.to.toISOString(),
    ...(d.reason && { reason: d.reason }),
    createdAt: d.createdAt.toISOString(),
    ...(d.endedAt && { endedAt: d.endedAt.toISOString() }),
  };
}

const DELEGABLE: readonly Role[] = ['reviewer', 'signer'];

/**
 * `POST /v1/delegations`: a reviewer or signer, for themselves, names a colleague of the same region
 * who holds the same role to stand in for them from `from` to `to`.
 */
export async function createDelegation(
  ctx: AppContext,
  actor: Actor,
  body: CreateDelegationBody,
): Promise<DelegationDoc> {
  const own = actor.roles.filter((r) => DELEGABLE.includes(r));
  if (own.length === 0) throw AppError.forbidden('只有审核人员或负责人可以委托代理');
  if (body.to <= body.from) throw AppError.invalid('to', '结束时间须晚于开始时间');
  if (body.delegate === actor.sub) throw AppError.invalid('delegate', '不能委托给自己');
  const delegate = await ctx.models.Person.findById(body.delegate).lean<PersonDoc>();
  const shared = own.filter((r) => delegate?.roles.includes(r));
  if (!delegate || !delegate.active || delegate.region !== actor.region || shared.length === 0) {
    throw AppError.invalid('delegate', `人员名录中没有与您同地区、同角色的在岗人员 ${body.delegate}`);
  }
  const doc: DelegationDoc = {
    _id: randomUUID(),
    delegatorSub: actor.sub,
    ...(actor.name && { delegatorName: actor.name }),
    delegateSub: delegate._id,
    ...(delegate.name && { delegateName: delegate.name }),
    region: actor.region,
    roles: shared,
    from: body.from,
    to: body.to,
    ...(body.reason && { reason: body.reason }),
    createdAt: ctx.now(),
  };
  await ctx.models.Delegation.create(doc);
  return doc;
}

/** `DELETE /v1/delegations/:id`: the delegator (or the head of their region) ends it now. */
export async function endDelegation(ctx: AppContext, actor: Actor, id: string): Promise<DelegationDoc> {
  const d = await ctx.models.Delegation.findById(id).lean<DelegationDoc>();
  if (!d || (d.delegatorSub !== actor.sub && !headsRegion(actor, d.region))) throw AppError.notFound('delegation');
  if (d.endedAt) return d;
  const endedAt = ctx.now();
  await ctx.models.Delegation.updateOne({ _id: id, endedAt: { $exists: false } }, { $set: { endedAt } });
  return { ...d, endedAt };
}

/** `GET /v1/delegations`: the caller's delegations, given and received, newest first. */
export async function listDelegations(
  ctx: AppContext,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<{ items: DelegationDoc[]; nextCursor: string | null }> {
  const after = query.cursor ? { _id: { $lt: query.cursor } } : {};
  const [given, received] = await Promise.all([
    ctx.models.Delegation.find({ delegatorSub: actor.sub, ...after })
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean<DelegationDoc[]>(),
    ctx.models.Delegation.find({ delegateSub: actor.sub, ...after })
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean<DelegationDoc[]>(),
  ]);
  const all = [...given, ...received].sort((a, b) => (a._id < b._id ? 1 : -1));
  const page = all.slice(0, query.limit);
  return { items: page, nextCursor: all.length > query.limit ? page[page.length - 1]._id : null };
}
