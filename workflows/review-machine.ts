/**
 * The review's decisions: one method per message, each checking the rules and emitting the events
 * that record what happened (`domain/review-log.ts`); the state changes only by applying them.
 * Deterministic and free of Temporal APIs: the workflow supplies the time and the id source, so
 * this class is unit-testable on its own and replays identically.
 */
import {
  NORMAL_MINIMUM_WORKING_DAYS,
  addWorkingDays,
  clockRunStart,
  clockUsedMsAtStop,
  clockView,
  describeInstant,
  runDueAt,
  subtractWorkingMs,
  taskLimit,
  workingDayLength,
  type ReviewPolicy,
  type TimeModel,
} from '../domain/clock';
import type { AssignTaskRequest, ReviewInput, StageRef } from '../domain/messages';
import type { YearSchedule } from '../domain/calendar-data';
import {
  DRAFTER_KINDS,
  ROLE_BY_KIND,
  conclusionOnSigning,
  otherRegions,
  type Actor,
  type ActorRef,
  type Conclusion,
  type DecisionInput,
  type MaterialKind,
  type NotificationType,
  type Region,
  type ReturnGrounds,
  type Role,
  type ReviewState,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from '../domain/model';
import {
  applyEvent,
  recordNumber,
  structuredCloneJson,
  type EventData,
  type EventType,
  type LoggedNotification,
  type NewEvent,
} from '../domain/review-log';
import { Refusal, checkAssignment, checkDecision, checkExtension, checkWithdraw } from '../domain/rules';

const KIND_NAMES: Record<TaskKind, string> = {
  intake: 'intake',
  supplement: 'supplement',
  origin_review: 'origin review',
  revision: 'revision',
  consultation: 'consultation',
  consolidation: 'consolidation',
  signoff: 'sign-off',
  extension: 'extension',
  // Never a review's tasks (workflows/filing.ts runs them); named for completeness.
  filing: 'filing',
  filing_registration: 'filing registration',
  filing_supplement: 'filing supplement',
  filing_review: 'filing review',
  filing_correction: 'correction report',
  suggestion: 'review suggestion',
  topic_answer: 'topic answer',
  guideline_adoption: 'guideline adoption',
};

/** Task kinds that are stages of the review too; a supplement stays in intake, an extension in its stage. */
const STAGE_OF_KIND: Partial<Record<TaskKind, Stage>> = {
  intake: 'intake',
  origin_review: 'origin_review',
  revision: 'revision',
  consultation: 'consultation',
  consolidation: 'consolidation',
  signoff: 'signoff',
};

/** What the machine needs besides the state: the time limits and how time passes. */
export interface MachineSettings {
  policy: ReviewPolicy;
  timeModel: TimeModel;
}

/** Facts about a resubmitted version, supplied (and signed) by the API. */
export interface VersionFacts {
  articleNumbers: string[];
}

/** Who did something, as the log records them: in the role the task asked for. */
function actorRef(actor: Actor, role: Role): ActorRef {
  return { sub: actor.sub, ...(actor.name && { name: actor.name }), region: actor.region, role };
}

export class ReviewMachine {
  private emitted: NewEvent[] = [];

  private constructor(
    private current: ReviewState | undefined,
    private settings: MachineSettings,
    private readonly newId: () => string,
  ) {}

  /**
   * A new review: submitted, and an intake task open for the origin review body (受理). Its clock
   * starts only when the materials are accepted as complete.
   */
  static submit(input: ReviewInput, newId: () => string): ReviewMachine {
    const machine = new ReviewMachine(undefined, input, newId);
    const at = input.submittedAt;
    const drafter: ActorRef = { ...input.drafter, region: input.originRegion, role: 'drafter' };
    const { policy } = input;
    machine.emit(at, 'submitted', drafter, {
      reviewId: input.reviewId,
      documentId: input.documentId,
      originRegion: input.originRegion,
      org: input.org,
      version: input.version,
      urgent: input.urgent,
      articleNumbers: input.articleNumbers,
      limitWorkingDays: input.urgent
        ? (policy.urgentReviewWorkingDays ?? policy.reviewWorkingDays)
        : policy.reviewWorkingDays,
    });
    machine.openTask('intake', input.originRegion, at);
    return machine;
  }

  /** A machine over a state built earlier (a continued run, or a rebuilt log). */
  static resume(state: ReviewState, settings: MachineSettings, newId: () => string): ReviewMachine {
    return new ReviewMachine(structuredCloneJson(state), settings, newId);
  }

  get state(): ReviewState {
    if (!this.current) throw new Error('the review has not been submitted');
    return this.current;
  }

  /** A copy to plan a transition on: its events are recorded first, then it replaces this one. */
  fork(): ReviewMachine {
    return ReviewMachine.resume(this.state, this.settings, this.newId);
  }

  /** Sets on the review a number the recording assigned to one of its events (domain/review-log.ts). */
  numbered(event: NewEvent): void {
    recordNumber(this.state, event);
  }

  /** Takes the events emitted since the last call, in order. */
  drainEvents(): NewEvent[] {
    const events = this.emitted;
    this.emitted = [];
    return events;
  }

  stageRef(): StageRef {
    return { status: this.state.status, stage: this.state.stage };
  }

  /** The time model deadlines are computed on now (with the calendars loaded since the start). */
  get timeModel(): TimeModel {
    return this.settings.timeModel;
  }

  /**
   * A year's calendar was loaded: deadlines are computed on it from now on, and the running clock's
   * due date and the open tasks' due dates are re-dated on it. Emits `calendar_updated` when any of
   * them moved; returns whether one did. Compressed time (`workingDayMs`) uses no calendar: nothing
   * moves; a simulated clock follows it and is re-dated like real time.
   */
  useCalendar(schedule: YearSchedule, at: string): boolean {
    const before = this.settings.timeModel;
    const calendar = [...(before.calendar ?? []).filter((s) => s.year !== schedule.year), schedule];
    const model: TimeModel = { ...before, calendar };
    this.settings = { ...this.settings, timeModel: model };
    if (model.workingDayMs !== undefined || this.state.status !== 'in_review') return false;
    const { runningSince, dueAt: oldDue } = this.state.clock;
    const reviewDue = runningSince && !this.state.overdueAt ? this.runDueAt(runningSince) : undefined;
    const retimed = this.state.tasks
      .filter((t) => t.status === 'open' && t.dueAt !== null && !t.overdueAt)
      .map((t) => {
        const own = taskLimit(t.kind, this.settings.policy, this.state.urgent);
        const ownDue = own === null ? Infinity : addWorkingDays(new Date(t.createdAt), own, model).getTime();
        // As when it opened: a consulted region keeps its own limit; the origin body's tasks end with the review.
        const cap = t.kind === 'consultation' || !runningSince ? Infinity : Date.parse(reviewDue ?? oldDue ?? '');
        const due = Math.min(ownDue, Number.isNaN(cap) ? Infinity : cap);
        return Number.isFinite(due) ? { taskId: t.id, dueAt: new Date(due).toISOString() } : undefined;
      })
      .filter((t): t is { taskId: string; dueAt: string } => t !== undefined)
      .filter((t) => t.dueAt !== this.state.tasks.find((x) => x.id === t.taskId)?.dueAt)
      .map((t) => ({ ...t, remindAt: this.remindAt(t.dueAt, at) }));
    const clockMoved = reviewDue !== undefined && reviewDue !== oldDue;
    if (!clockMoved && retimed.length === 0) return false;
    this.emit(at, 'calendar_updated', undefined, {
      year: schedule.year,
      source: schedule.source,
      ...(clockMoved && { dueAt: reviewDue }),
      ...(retimed.length > 0 && { retimed }),
      note: `the ${schedule.year} calendar was loaded (${schedule.source}): deadlines re-dated on it`,
    });
    return true;
  }

  /**
   * The next instant (ms since the epoch) at which a deadline needs attention: an open task's
   * reminder or due date, or the running review's own limit. Undefined when none is left to act on.
   */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const task of this.state.tasks) {
      if (task.status !== 'open' || task.dueAt === null || task.overdueAt) continue;
      const due = Date.parse(task.dueAt);
      const remind = task.remindAt && !task.remindedAt ? Math.min(Date.parse(task.remindAt), due) : due;
      next = next === undefined ? remind : Math.min(next, remind);
    }
    const reviewDue = this.runningReviewDue();
    if (reviewDue && !this.state.overdueAt) next = Math.min(next ?? Infinity, Date.parse(reviewDue));
    return next;
  }

  /**
   * Acts on every deadline that has come by `at`: reminds before a task falls due; once it is due,
   * expires an unanswered consultation (no response, no objection) or marks any other task overdue
   * and escalates it to the supervisors. Returns whether anything happened.
   */
  fireDeadlines(at: string): boolean {
    const now = Date.parse(at);
    const before = this.state.lastSeq;
    for (const task of [...this.state.tasks]) {
      if (task.status !== 'open' || task.dueAt === null || task.overdueAt) continue;
      if (Date.parse(task.dueAt) <= now) {
        if (task.kind === 'consultation') this.expireConsultation(task, at);
        else this.markOverdue(task, at);
      } else if (task.remindAt && !task.remindedAt && Date.parse(task.remindAt) <= now) {
        this.emit(at, 'reminder_sent', undefined, {
          ...this.about(task),
          notification: this.notice(
            'reminder',
            task,
            `falls due at ${describeInstant(task.dueAt, this.settings.timeModel)}, within one working day`,
          ),
        });
      }
    }
    const reviewDue = this.runningReviewDue();
    if (reviewDue && !this.state.overdueAt && Date.parse(reviewDue) <= now) this.markReviewOverdue(reviewDue, at);
    return this.state.lastSeq !== before;
  }

  /**
   * Records `actor`'s decision on a task and moves the review on. Throws a {@link Refusal} (and
   * emits nothing) when the decision breaks a rule. `facts` describe a resubmitted version.
   */
  complete(
    taskId: string,
    actor: Actor,
    input: DecisionInput,
    at: string,
    facts?: VersionFacts,
    onBehalfOf?: string,
  ): TaskRecord {
    const task = checkDecision(this.state, taskId, actor, input, onBehalfOf);
    if (input.decision === 'resubmit' && !facts)
      throw new Refusal('validation_failed', 'the resubmitted version is unknown', [
        { path: 'version', message: `the document has no version ${input.version}` },
      ]);
    const by = actorRef(actor, task.role);
    this.emit(at, 'task_completed', by, {
      ...this.about(task),
      decision: input.decision,
      ...(input.opinion !== undefined && { opinion: input.opinion }),
      ...(input.checklist && task.kind === 'origin_review' && { checklist: input.checklist }),
      ...((input.comments?.length ?? 0) > 0 && { comments: this.newComments(task, by, input, at) }),
      ...(input.dispositions && { dispositions: input.dispositions }),
      ...(input.missing && { missing: input.missing as MaterialKind[] }), // only material kinds pass checkDecision
      ...(input.grounds && { grounds: input.grounds }),
      ...(input.materials && { materials: input.materials }),
      ...((input.dismissedFlags?.length ?? 0) > 0 && { dismissedFlags: input.dismissedFlags }),
    });

    if (task.kind === 'extension') {
      if (input.decision === 'approve') this.extendLimit(task, at);
      return this.taskNow(taskId);
    }
    switch (input.decision) {
      case 'accept':
        this.accept(at);
        break;
      case 'request_materials':
        this.openTask('supplement', this.state.originRegion, at);
        break;
      case 'supplement':
        this.openTask('intake', this.state.originRegion, at);
        break;
      case 'approve':
        this.openConsultations(at);
        break;
      case 'reject':
        this.close('rejected', at, by, 'illegal', input.opinion);
        break;
      case 'request_changes':
        this.openRevision(at);
        break;
      case 'resubmit':
        this.resubmit(input.version as number, (facts as VersionFacts).articleNumbers, at); // both checked above
        break;
      case 'concur':
      case 'concur_with_comments':
      case 'object':
        this.settleConsultations(at);
        break;
      case 'proceed':
        this.openTask('signoff', this.state.originRegion, at);
        break;
      case 'sign':
        this.close('approved', at, by, conclusionOnSigning(this.state.revisions), input.opinion);
        break;
      case 'return':
        // At sign-off: back to the origin body. At intake or origin review: 退回, without a verdict.
        if (task.kind === 'signoff') this.openTask('origin_review', this.state.originRegion, at);
        else this.close('returned', at, by, 'returned', input.opinion, input.grounds);
        break;
    }
    return this.taskNow(taskId);
  }

  /** Throws a {@link Refusal} unless the assignment change may happen now; false when it changes nothing. */
  checkAssignment(request: AssignTaskRequest): boolean {
    const task = this.state.tasks.find((t) => t.id === request.taskId);
    if (!task) throw new Refusal('not_found', `task ${request.taskId} is not part of review ${this.state.reviewId}`);
    return checkAssignment(task, request.actor, request.action, request.assignee);
  }

  /**
   * Claims, assigns or releases a task (认领, 分办/转办, 退回待分办): one event naming who did it,
   * the new assignee, the previous one and the reason. A change that changes nothing emits nothing.
   */
  assign(request: AssignTaskRequest, at: string): TaskRecord {
    const { taskId, actor, action, assignee, reason } = request;
    if (!this.checkAssignment(request)) return this.taskNow(taskId);
    const task = this.taskNow(taskId);
    const by = actorRef(actor, action === 'assign' ? 'signer' : actor.roles.includes(task.role) ? task.role : 'signer');
    const base = {
      ...this.about(task),
      ...(task.assignee && { from: task.assignee }),
      ...(reason !== undefined && { reason, note: reason }),
    };
    const self = { sub: actor.sub, ...(actor.name && { name: actor.name }) };
    if (action === 'release') this.emit(at, 'task_released', by, base);
    else if (action === 'claim') this.emit(at, 'task_claimed', by, { ...base, assignee: self });
    else this.emit(at, 'task_assigned', by, { ...base, assignee: assignee! }); // checked: assign names one
    return this.taskNow(taskId);
  }

  /** Throws a {@link Refusal} unless `actor` may ask for `workingDays` more now (domain/rules.ts). */
  checkExtension(actor: Actor, workingDays: number): void {
    checkExtension(this.state, actor, workingDays, this.settings.policy.maxExtensionWorkingDays);
  }

  /** The origin reviewer asks for more time (延期); the head of the review body decides. */
  requestExtension(actor: Actor, workingDays: number, reason: string, at: string): TaskRecord {
    this.checkExtension(actor, workingDays);
    const by = actorRef(actor, 'reviewer');
    const taskId = this.nextTaskId();
    this.emit(at, 'extension_requested', by, { taskId, workingDays, reason });
    this.openTask('extension', this.state.originRegion, at);
    return this.taskNow(taskId);
  }

  /** Throws a {@link Refusal} unless `actor` may withdraw the review now (domain/rules.ts). */
  checkWithdraw(actor: Actor): void {
    checkWithdraw(this.state, actor);
  }

  withdraw(actor: Actor, at: string, reason?: string): void {
    this.checkWithdraw(actor);
    this.close('withdrawn', at, actorRef(actor, 'drafter'), undefined, reason);
  }

  private taskNow(taskId: string): TaskRecord {
    return { ...this.state.tasks.find((t) => t.id === taskId)! };
  }

  private nextTaskId(): string {
    return `${this.state.reviewId}:t${this.state.tasks.length + 1}`;
  }

  /** 受理: the materials are complete; the review is registered and its clock starts. */
  private accept(at: string): void {
    const limit = this.state.clock.limitWorkingDays;
    this.emit(at, 'accepted', undefined, {
      limitWorkingDays: limit,
      ...(limit < NORMAL_MINIMUM_WORKING_DAYS && {
        warning: `the review has ${limit} working days, fewer than the ${NORMAL_MINIMUM_WORKING_DAYS} that 国办发〔2018〕115号 sets as the normal minimum`,
      }),
    });
    const runningSince = clockRunStart(new Date(at), this.settings.timeModel).toISOString();
    this.emit(at, 'clock_started', undefined, { runningSince, dueAt: this.runDueAt(runningSince) });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  /**
   * An approved extension: the limit grows by its days, and the due date with it while the clock
   * runs; the origin body's open tasks that the old due date capped move with it.
   */
  private extendLimit(task: TaskRecord, at: string): void {
    const extension = this.state.extensions.find((x) => x.taskId === task.id);
    if (!extension) return;
    const model = this.settings.timeModel;
    const limitWorkingDays = this.state.clock.limitWorkingDays + extension.workingDays;
    const { runningSince, dueAt: oldDue } = this.state.clock;
    const dueAt = runningSince && runDueAt(runningSince, { ...this.state.clock, limitWorkingDays }, model);
    const retimed = this.state.tasks
      .filter((t) => t.status === 'open' && t.dueAt !== null && t.dueAt === oldDue && dueAt && !t.overdueAt)
      .map((t) => {
        const own = taskLimit(t.kind, this.settings.policy, this.state.urgent);
        const ownDue = own === null ? Infinity : addWorkingDays(new Date(t.createdAt), own, model).getTime();
        const moved = new Date(Math.min(ownDue, Date.parse(dueAt as string))).toISOString();
        return { taskId: t.id, dueAt: moved, remindAt: this.remindAt(moved, at) };
      })
      .filter((t) => t.dueAt !== oldDue);
    this.emit(at, 'limit_extended', undefined, {
      taskId: task.id,
      workingDays: extension.workingDays,
      limitWorkingDays,
      ...(dueAt && { dueAt }),
      ...(retimed.length > 0 && { retimed }),
    });
  }

  private emit<T extends EventType>(at: string, type: T, actor: ActorRef | undefined, data: EventData[T]): void {
    const event = { seq: (this.current?.lastSeq ?? 0) + 1, type, at, ...(actor && { actor }), data } as NewEvent;
    this.current = applyEvent(this.current, event);
    this.emitted.push(event);
  }

  private about(task: TaskRecord): { taskId: string; kind: TaskKind; region: Region } {
    return { taskId: task.id, kind: task.kind, region: task.region };
  }

  private newComments(task: TaskRecord, author: ActorRef, input: DecisionInput, at: string) {
    return (input.comments ?? []).map((c) => ({
      id: this.newId(),
      taskId: task.id,
      version: this.state.version,
      stage: task.kind,
      text: c.text,
      severity: c.severity ?? 'advisory',
      author,
      createdAt: at,
      ...(c.article !== undefined && { article: c.article }),
      ...(c.basis !== undefined && { basis: c.basis }),
    }));
  }

  private openConsultations(at: string): void {
    for (const region of otherRegions(this.state.originRegion)) this.openTask('consultation', region, at);
  }

  /** Silence past the deadline is recorded as no response, which counts as no objection. */
  private expireConsultation(task: TaskRecord, at: string): void {
    this.emit(at, 'consultation_expired', undefined, {
      ...this.about(task),
      note: 'no answer by the consultation deadline: counted as no objection',
    });
    this.settleConsultations(at);
  }

  /** Once no region is pending: sign-off if nobody commented or objected, else consolidation. */
  private settleConsultations(at: string): void {
    const answers = Object.values(this.state.consultations);
    if (answers.some((c) => c.status === 'pending')) return;
    const dissent = answers.some((c) => c.decision === 'concur_with_comments' || c.decision === 'object');
    this.openTask(dissent ? 'consolidation' : 'signoff', this.state.originRegion, at);
  }

  private markOverdue(task: TaskRecord, at: string): void {
    const due = describeInstant(task.dueAt as string, this.settings.timeModel);
    this.emit(at, 'task_overdue', undefined, {
      ...this.about(task),
      notification: this.notice('overdue', task, `passed its due date, ${due}`),
    });
    this.emit(at, 'escalated', undefined, {
      taskId: task.id,
      kind: task.kind,
      note: 'to the supervisors',
      notification: this.notice('escalation', task, `is overdue: it was due at ${due}`),
    });
  }

  /**
   * The whole review passed its working-day limit. Supervisors hear of it here only when no open
   * task's own escalation already told them (the origin body's tasks are due with the review; a
   * pending consultation is not).
   */
  private markReviewOverdue(reviewDue: string, at: string): void {
    this.emit(at, 'review_overdue', undefined, { dueAt: reviewDue, note: `the review was due at ${reviewDue}` });
    if (this.state.tasks.some((t) => t.status === 'open' && t.overdueAt)) return;
    const { reviewId, clock } = this.state;
    this.emit(at, 'escalated', undefined, {
      note: 'to the supervisors: the review is overdue',
      notification: {
        id: `${reviewId}:escalation`,
        type: 'escalation',
        audience: { role: 'supervisor' },
        dueAt: reviewDue,
        message: `Review ${reviewId} passed its limit of ${clock.limitWorkingDays} working days at ${describeInstant(reviewDue, this.settings.timeModel)}.`,
      },
    });
  }

  /**
   * Reminders and overdue notices go to the task's assignee when it has one (and, at reading, to
   * their delegate while a delegation runs), else to whoever can act on it; escalations go to the
   * supervisors and name the assignee.
   */
  private notice(type: NotificationType, task: TaskRecord, what: string): LoggedNotification {
    const assignee = task.assignee ?? undefined;
    const audience =
      type === 'escalation'
        ? { role: 'supervisor' as const }
        : {
            role: task.role,
            region: task.region,
            ...(task.org !== undefined && { org: task.org }),
            ...(assignee && { subs: [assignee.sub] }),
          };
    const officer = assignee && type === 'escalation' ? `, assigned to ${assignee.name ?? assignee.sub} (承办人)` : '';
    const subject = `The ${KIND_NAMES[task.kind]} task of review ${this.state.reviewId} (${task.region})${officer}`;
    return {
      id: `${task.id}:${type}`,
      type,
      audience,
      taskId: task.id,
      ...(task.dueAt !== null && { dueAt: task.dueAt }),
      message: `${subject} ${what}.`,
    };
  }

  /** Changes requested: a numbered 修改意见书 goes out, and the clock stops while the drafter revises. */
  private openRevision(at: string): void {
    this.emit(at, 'revision_letter', undefined, { round: this.state.revisionLetters.length + 1 });
    const usedMs = this.usedMsAt(at);
    if (usedMs !== undefined) this.emit(at, 'clock_stopped', undefined, { usedMs, note: 'a revision task is open' });
    this.openTask('revision', this.state.originRegion, at);
  }

  private resubmit(version: number, articleNumbers: string[], at: string): void {
    this.emit(at, 'resubmitted', this.state.drafter, { version, articleNumbers });
    const runningSince = clockRunStart(new Date(at), this.settings.timeModel).toISOString();
    const { workingDaysLeft } = clockView({ ...this.state.clock, runningSince }, new Date(at), this.settings.timeModel);
    this.emit(at, 'clock_resumed', undefined, {
      runningSince,
      dueAt: this.runDueAt(runningSince),
      note: `${workingDaysLeft} working days left`,
    });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  private close(
    status: Exclude<ReviewStatus, 'in_review' | 'failed'>,
    at: string,
    by: ActorRef,
    conclusion?: Conclusion,
    opinion?: string,
    grounds?: ReturnGrounds,
  ): void {
    const clockUsedMs = this.usedMsAt(at) ?? this.state.clock.usedMsBeforeRun;
    this.moveTo('closed', at);
    this.emit(at, status, by, {
      clockUsedMs,
      workingDaysUsed: Math.floor(clockUsedMs / workingDayLength(this.settings.timeModel)),
      ...(conclusion && { conclusion }),
      ...(grounds && { grounds }),
      ...(opinion !== undefined && { opinion, note: opinion }),
    });
  }

  private openTask(kind: TaskKind, region: Region, at: string): void {
    const dueAt = this.dueAt(kind, at);
    const task: TaskRecord = {
      id: this.nextTaskId(),
      reviewId: this.state.reviewId,
      documentId: this.state.documentId,
      kind,
      region,
      role: ROLE_BY_KIND[kind],
      status: 'open',
      version: this.state.version,
      dueAt,
      ...(dueAt !== null && { remindAt: this.remindAt(dueAt, at) }),
      createdAt: at,
      ...(DRAFTER_KINDS.includes(kind) && { org: this.state.org }),
    };
    this.emit(at, 'task_opened', undefined, { taskId: task.id, kind, region, task });
    const stage = STAGE_OF_KIND[kind];
    if (stage) this.moveTo(stage, at);
  }

  /**
   * A task's own limit. The origin body's tasks are never due later than the whole review (origin
   * review runs on the review's clock); a consulted region always gets its full limit, because
   * silence past it is recorded as no objection.
   */
  private dueAt(kind: TaskKind, at: string): string | null {
    const model = this.settings.timeModel;
    const limit = taskLimit(kind, this.settings.policy, this.state.urgent);
    // Intake and supplements come before any clock; a revision stops it.
    if (limit === null && kind !== 'origin_review') return null;
    const own = limit === null ? undefined : addWorkingDays(new Date(at), limit, model);
    if (kind === 'consultation' && own) return own.toISOString();
    const reviewDue = new Date(clockView(this.state.clock, new Date(at), model).reviewDueAt);
    return new Date(Math.min(own?.getTime() ?? Infinity, reviewDue.getTime())).toISOString();
  }

  /** When a run of the clock that counts from `runningSince` reaches the review's limit. */
  private runDueAt(runningSince: string): string {
    return runDueAt(runningSince, this.state.clock, this.settings.timeModel);
  }

  /** The review's own due date while its clock runs; a stopped clock cannot fall due. */
  private runningReviewDue(): string | undefined {
    return this.state.clock.runningSince ? this.state.clock.dueAt : undefined;
  }

  /**
   * The working time used by `at`, banked with the current run (the day of `at` counts to its
   * end); undefined while the clock is stopped.
   */
  private usedMsAt(at: string): number | undefined {
    return clockUsedMsAtStop(this.state.clock, new Date(at), this.settings.timeModel);
  }

  /** One working day before `dueAt`, or at once when less than that is left. */
  private remindAt(dueAt: string, at: string): string {
    const model = this.settings.timeModel;
    const dayBefore = subtractWorkingMs(new Date(dueAt), workingDayLength(model), model);
    return new Date(Math.max(dayBefore.getTime(), Date.parse(at))).toISOString();
  }

  private moveTo(stage: Stage, at: string): void {
    if (this.state.stage === stage) return;
    this.emit(at, 'stage_changed', undefined, { stage });
  }
}
