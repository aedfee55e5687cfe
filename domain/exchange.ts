/**
 * The three regions' exchange (研讨交流): topics raised for the other two regions to answer, and
 * shared review guidelines (协同审核指引) the three signers adopt together. Pure: the vocabulary,
 * the state each workflow keeps (workflows/topic.ts, workflows/guideline.ts), the rules of who may
 * do what, the tasks' deadlines and notices, and the messages between the API and the workflows.
 *
 * Each topic and each guideline has a hash-chained log of its own, stored like a review's (the
 * `events` collection, under the topic's or guideline's id), so the same verification applies.
 */
import { defineUpdate } from '@temporalio/workflow';
import { addWorkingDays, subtractWorkingMs, workingDayLength, type TimeModel } from './clock';
import { lastDayZh, regionZh } from './messages-zh';
import type { Actor, ActorRef, NotificationRecord, Region, Role } from './model';
import { REGIONS, otherRegions } from './model';
import { Refusal } from './rules';
import type { Signed } from './messages';

export const TOPIC_KINDS = ['common_issue', 'practice_question'] as const;
export type TopicKind = (typeof TOPIC_KINDS)[number];
export const TOPIC_STATUSES = ['open', 'closed'] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];
export const GUIDELINE_STATUSES = ['proposed', 'adopted', 'declined', 'superseded'] as const;
export type GuidelineStatus = (typeof GUIDELINE_STATUSES)[number];

/** What a task is about (API.md, Release 3: tasks gain `subject`). */
export const SUBJECT_TYPES = ['review', 'topic', 'guideline', 'document', 'filing', 'suggestion'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export interface Subject {
  type: SubjectType;
  id: string;
}

export const EXCHANGE_TASK_KINDS = ['topic_answer', 'guideline_adoption'] as const;
export type ExchangeTaskKind = (typeof EXCHANGE_TASK_KINDS)[number];

/** Defaults of TOPIC_ANSWER_WORKING_DAYS and GUIDELINE_ADOPTION_WORKING_DAYS. */
export const TOPIC_ANSWER_WORKING_DAYS = 5;
export const GUIDELINE_ADOPTION_WORKING_DAYS = 10;

/** A task of the exchange, as the work list stores it beside the review tasks. */
export interface ExchangeTask {
  id: string;
  subject: Subject;
  kind: ExchangeTaskKind;
  region: Region;
  role: Role;
  status: 'open' | 'completed' | 'cancelled';
  dueAt: string;
  remindAt: string;
  remindedAt?: string;
  overdueAt?: string;
  createdAt: string;
  completedAt?: string;
  decision?: string;
  completedBy?: ActorRef;
  opinion?: string;
}

/** One event of a topic's or guideline's log, before it is chained. */
export interface ExchangeEvent {
  seq: number;
  type: string;
  at: string;
  actor?: ActorRef;
  requestId?: string;
  data: Record<string, unknown>;
}

export interface TopicLink {
  reviewId: string;
  article?: string;
}

export interface TopicReply {
  id: string;
  body: string;
  basis?: string[];
  by: ActorRef;
  at: string;
}

export interface RegionAnswer {
  status: 'pending' | 'answered';
  taskId: string;
  dueAt: string;
  overdueAt?: string;
  opinion?: string;
  basis?: string[];
  comments?: { article?: string; text: string }[];
  answeredAt?: string;
  answeredBy?: ActorRef;
}

export interface TopicState {
  id: string;
  title: string;
  body: string;
  kind: TopicKind;
  links: TopicLink[];
  region: Region;
  raisedBy: ActorRef;
  status: TopicStatus;
  answers: Partial<Record<Region, RegionAnswer>>;
  replies: TopicReply[];
  summary?: string;
  closedAt?: string;
  closedBy?: ActorRef;
  createdAt: string;
  lastSeq: number;
}

export interface RegionAdoption {
  status: 'pending' | 'adopted' | 'declined';
  taskId: string;
  dueAt: string;
  overdueAt?: string;
  opinion?: string;
  decidedAt?: string;
  decidedBy?: ActorRef;
}

export interface GuidelineState {
  id: string;
  title: string;
  text: string;
  scope: string;
  basis: string[];
  topicId?: string;
  supersedes?: string;
  /** Machine rules for the assistive checker, as validated at the edge (features/assist/schemas.ts). */
  rules: unknown[];
  version: number;
  region: Region;
  proposedBy: ActorRef;
  status: GuidelineStatus;
  adoptions: Record<Region, RegionAdoption>;
  number?: string;
  adoptedAt?: string;
  declinedAt?: string;
  supersededBy?: string;
  createdAt: string;
  lastSeq: number;
}

/** What the API starts a topic's workflow with. */
export interface TopicStart {
  topic: Pick<TopicState, 'id' | 'title' | 'body' | 'kind' | 'links' | 'region' | 'raisedBy'>;
  answerWorkingDays: number;
  timeModel: TimeModel;
}

export interface GuidelineStart {
  guideline: Pick<
    GuidelineState,
    | 'id'
    | 'title'
    | 'text'
    | 'scope'
    | 'basis'
    | 'topicId'
    | 'supersedes'
    | 'rules'
    | 'version'
    | 'region'
    | 'proposedBy'
  >;
  adoptionWorkingDays: number;
  timeModel: TimeModel;
}

/** A request to a topic's or guideline's workflow, vouched for by the API's signature. */
export type ExchangeAction =
  | {
      action: 'answer';
      taskId: string;
      opinion: string;
      basis?: string[];
      comments?: { article?: string; text: string }[];
    }
  | { action: 'reply'; body: string; basis?: string[] }
  | { action: 'close'; summary: string }
  | { action: 'adopt'; taskId: string; opinion?: string }
  | { action: 'decline'; taskId: string; opinion: string };
export type ExchangeRequest = ExchangeAction & { actor: Actor };

export type ExchangeSubjectState = TopicState | GuidelineState;
export interface ExchangeAnswer {
  task?: ExchangeTask;
  /** The topic or guideline as it stands after the request. */
  state: ExchangeSubjectState;
}

export const TOPIC_WORKFLOW_TYPE = 'exchangeTopic';
export const GUIDELINE_WORKFLOW_TYPE = 'sharedGuideline';
/** Answers once the workflow's first transition is stored (update-with-start). */
export const exchangeStartedUpdate = defineUpdate<ExchangeSubjectState, []>('exchangeStarted');
export const exchangeActionUpdate = defineUpdate<ExchangeAnswer, [Signed<ExchangeRequest>]>('exchangeAction');

/** Whether `actor` may take part in the exchange at all (a drafter sees none of it). */
export function takesPartInExchange(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.includes('reviewer') || actor.roles.includes('signer');
}
export function readsExchange(actor: Pick<Actor, 'roles'>): boolean {
  return takesPartInExchange(actor) || actor.roles.includes('supervisor');
}

export function refOf(actor: Actor, role: Role): ActorRef {
  return { sub: actor.sub, ...(actor.name !== undefined && { name: actor.name }), region: actor.region, role };
}

/** The role an actor acts in on the exchange: signer when they are one, else reviewer. */
export function exchangeRole(actor: Actor): Role {
  return actor.roles.includes('signer') ? 'signer' : 'reviewer';
}

/** An open task of the case that `actor` may decide with `decision`, or a Refusal. */
export function taskToDecide(
  tasks: readonly ExchangeTask[],
  taskId: string,
  actor: Actor,
  kind: ExchangeTaskKind,
): ExchangeTask {
  const task = tasks.find((t) => t.id === taskId);
  if (!task || task.kind !== kind) throw new Refusal('not_found', `任务 ${taskId} 不存在`);
  if (actor.region !== task.region || !actor.roles.includes(task.role)) {
    throw new Refusal('forbidden', `该任务由${task.region}的${task.role === 'signer' ? '签发人' : '审核人员'}办理`);
  }
  if (task.status !== 'open')
    throw new Refusal('conflict', `任务 ${taskId} 已${task.status === 'completed' ? '办结' : '取消'}`);
  return task;
}

/** Due date and reminder of a task opened at `at` with `days` working days. */
export function taskClock(at: string, days: number, model: TimeModel): { dueAt: string; remindAt: string } {
  const due = addWorkingDays(new Date(at), days, model);
  const dayBefore = subtractWorkingMs(due, workingDayLength(model), model);
  return {
    dueAt: due.toISOString(),
    remindAt: new Date(Math.max(dayBefore.getTime(), Date.parse(at))).toISOString(),
  };
}

/** The earliest instant a reminder or an overdue mark of an open task falls due. */
export function nextExchangeDeadline(tasks: readonly ExchangeTask[]): number | undefined {
  let next: number | undefined;
  for (const t of tasks) {
    if (t.status !== 'open' || t.overdueAt) continue;
    const at = t.remindedAt ? Date.parse(t.dueAt) : Math.min(Date.parse(t.remindAt), Date.parse(t.dueAt));
    next = next === undefined ? at : Math.min(next, at);
  }
  return next;
}

const KIND_NAMES: Record<ExchangeTaskKind, string> = { topic_answer: '研讨答复', guideline_adoption: '指引审议' };

/** A reminder, overdue notice or escalation of an exchange task. */
export function exchangeNotice(
  type: 'reminder' | 'overdue' | 'escalation',
  task: ExchangeTask,
  title: string,
): Omit<NotificationRecord, 'createdAt'> {
  const due = `${lastDayZh(task.dueAt)}前`;
  const what = {
    reminder: `将于${due}到期（不足一个工作日）`,
    overdue: `已超过办理期限（${due}）`,
    escalation: `已逾期（期限${due}），报督办`,
  }[type];
  return {
    id: `${task.id}:${type}`,
    type,
    audience: type === 'escalation' ? { role: 'supervisor' } : { role: task.role, region: task.region },
    reviewId: task.subject.id,
    taskId: task.id,
    dueAt: task.dueAt,
    message: `“${title}”的${KIND_NAMES[task.kind]}任务（${regionZh(task.region)}）${what}。`,
  };
}

/**
 * A case's log in the making: events are numbered on from the last one stored, and the workflow
 * drains them into one recording.
 */
export class ExchangeLog {
  private pending: ExchangeEvent[] = [];
  constructor(public lastSeq: number) {}
  emit(at: string, type: string, actor: ActorRef | undefined, data: Record<string, unknown>): void {
    this.pending.push({ seq: ++this.lastSeq, type, at, ...(actor && { actor }), data });
  }
  drain(): ExchangeEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}

/**
 * Fires the reminders and overdue marks that have fallen due by `at` on `tasks` (changed in
 * place), emitting one event each, with the notification it sends. An overdue task stays open:
 * a late answer is still an answer. Returns whether anything fired.
 */
export function fireExchangeDeadlines(
  tasks: ExchangeTask[],
  log: ExchangeLog,
  at: string,
  title: string,
): ExchangeTask[] {
  const now = Date.parse(at);
  const fired: ExchangeTask[] = [];
  for (const task of tasks) {
    if (task.status !== 'open' || task.overdueAt) continue;
    if (Date.parse(task.dueAt) <= now) {
      task.overdueAt = at;
      const about = { taskId: task.id, kind: task.kind, region: task.region };
      log.emit(at, 'task_overdue', undefined, { ...about, notification: exchangeNotice('overdue', task, title) });
      log.emit(at, 'escalated', undefined, {
        ...about,
        note: 'to the supervisors',
        notification: exchangeNotice('escalation', task, title),
      });
      fired.push(task);
    } else if (!task.remindedAt && Date.parse(task.remindAt) <= now) {
      task.remindedAt = at;
      log.emit(at, 'reminder_sent', undefined, {
        taskId: task.id,
        kind: task.kind,
        region: task.region,
        notification: exchangeNotice('reminder', task, title),
      });
      fired.push(task);
    }
  }
  return fired;
}

/** The regions a topic raised in `region` asks. */
export const answeringRegions = (region: Region): Region[] => otherRegions(region);
export const ALL_REGIONS: readonly Region[] = REGIONS;

/** The number of an adopted guideline: 京津冀合审指引〔YYYY〕n号. */
export function guidelineNumber(year: number, n: number): string {
  return `京津冀合审指引〔${year}〕${n}号`;
}
