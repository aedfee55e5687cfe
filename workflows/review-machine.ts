/**
 * The review's decisions: one method per message, each checking the rules and emitting the events
 * that record what happened (`domain/review-log.ts`); the state changes only by applying them.
 * Deterministic and free of Temporal APIs: the workflow supplies the time and the id source, so
 * this class is unit-testable on its own and replays identically.
 */
import {
  addWorkingDays,
  clockView,
  describeInstant,
  runDueAt,
  subtractWorkingMs,
  taskLimit,
  workingDayLength,
  workingMsBetween,
  type ReviewPolicy,
  type TimeModel,
} from '../domain/clock';
import type { ReviewInput, StageRef } from '../domain/messages';
import {
  ROLE_BY_KIND,
  otherRegions,
  type Actor,
  type ActorRef,
  type Conclusion,
  type DecisionInput,
  type NotificationType,
  type Region,
  type ReviewState,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from '../domain/model';
import {
  applyEvent,
  structuredCloneJson,
  type EventData,
  type EventType,
  type LoggedNotification,
  type NewEvent,
} from '../domain/review-log';
import { Refusal, checkDecision } from '../domain/rules';

const KIND_NAMES: Record<TaskKind, string> = {
  origin_review: 'origin review',
  revision: 'revision',
  consultation: 'consultation',
  consolidation: 'consolidation',
  signoff: 'sign-off',
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

export class ReviewMachine {
  private emitted: NewEvent[] = [];

  private constructor(
    private current: ReviewState | undefined,
    private readonly settings: MachineSettings,
    private readonly newId: () => string,
  ) {}

  /** A new review: submitted, its clock started, and the first task open. */
  static submit(input: ReviewInput, newId: () => string): ReviewMachine {
    const machine = new ReviewMachine(undefined, input, newId);
    const at = input.submittedAt;
    const drafter: ActorRef = { ...input.drafter, region: input.originRegion, role: 'drafter' };
    machine.emit(at, 'submitted', drafter, {
      reviewId: input.reviewId,
      documentId: input.documentId,
      originRegion: input.originRegion,
      org: input.org,
      version: input.version,
      urgent: input.urgent,
      articleNumbers: input.articleNumbers,
      limitWorkingDays: input.policy.reviewWorkingDays,
    });
    machine.emit(at, 'clock_started', undefined, { dueAt: machine.runDueAt(at) });
    machine.openTask('origin_review', input.originRegion, at);
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

  /** Takes the events emitted since the last call, in order. */
  drainEvents(): NewEvent[] {
    const events = this.emitted;
    this.emitted = [];
    return events;
  }

  stageRef(): StageRef {
    return { status: this.state.status, stage: this.state.stage };
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
            `falls due at ${describeInstant(task.dueAt)}, within one working day`,
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
  complete(taskId: string, actor: Actor, input: DecisionInput, at: string, facts?: VersionFacts): TaskRecord {
    const task = checkDecision(this.state, taskId, actor, input);
    if (input.decision === 'resubmit' && !facts)
      throw new Refusal('validation_failed', 'the resubmitted version is unknown');
    const by: ActorRef = {
      sub: actor.sub,
      ...(actor.name && { name: actor.name }),
      region: actor.region,
      role: task.role,
    };
    this.emit(at, 'task_completed', by, {
      ...this.about(task),
      decision: input.decision,
      ...(input.opinion !== undefined && { opinion: input.opinion }),
      ...(input.checklist && task.kind === 'origin_review' && { checklist: input.checklist }),
      ...((input.comments?.length ?? 0) > 0 && { comments: this.newComments(task, by, input, at) }),
      ...(input.dispositions && { dispositions: input.dispositions }),
    });

    switch (input.decision) {
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
        this.close('approved', at, by, this.state.revisions > 0 ? 'legal_after_revision' : 'legal', input.opinion);
        break;
      case 'return':
        this.openTask('origin_review', this.state.originRegion, at);
        break;
    }
    return { ...this.state.tasks.find((t) => t.id === taskId)! };
  }

  /** Throws a {@link Refusal} unless `actor` may withdraw the review now. */
  checkWithdraw(actor: Actor): void {
    const ownsIt =
      actor.roles.includes('drafter') && actor.region === this.state.originRegion && actor.org === this.state.org;
    if (!ownsIt) throw new Refusal('forbidden', 'only the drafting organisation can withdraw its review');
    if (this.state.status !== 'in_review') throw new Refusal('conflict', `the review is already ${this.state.status}`);
  }

  withdraw(actor: Actor, at: string, reason?: string): void {
    this.checkWithdraw(actor);
    const by: ActorRef = {
      sub: actor.sub,
      ...(actor.name && { name: actor.name }),
      region: actor.region,
      role: 'drafter',
    };
    this.close('withdrawn', at, by, undefined, reason);
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
    const due = describeInstant(task.dueAt as string);
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
        message: `Review ${reviewId} passed its limit of ${clock.limitWorkingDays} working days at ${describeInstant(reviewDue)}.`,
      },
    });
  }

  /** Reminders and overdue notices go to whoever can act on the task; escalations to supervisors. */
  private notice(type: NotificationType, task: TaskRecord, what: string): LoggedNotification {
    const audience =
      type === 'escalation'
        ? { role: 'supervisor' as const }
        : { role: task.role, region: task.region, ...(task.org !== undefined && { org: task.org }) };
    const subject = `The ${KIND_NAMES[task.kind]} task of review ${this.state.reviewId} (${task.region})`;
    return {
      id: `${task.id}:${type}`,
      type,
      audience,
      taskId: task.id,
      ...(task.dueAt !== null && { dueAt: task.dueAt }),
      message: `${subject} ${what}.`,
    };
  }

  private openRevision(at: string): void {
    const usedMs = this.usedMsAt(at);
    if (usedMs !== undefined) this.emit(at, 'clock_stopped', undefined, { usedMs, note: 'a revision task is open' });
    this.openTask('revision', this.state.originRegion, at);
  }

  private resubmit(version: number, articleNumbers: string[], at: string): void {
    this.emit(at, 'resubmitted', this.state.drafter, { version, articleNumbers });
    const resumed = { ...this.state.clock, runningSince: at };
    const { workingDaysLeft } = clockView(resumed, new Date(at), this.settings.timeModel);
    this.emit(at, 'clock_resumed', undefined, {
      dueAt: this.runDueAt(at),
      note: `${workingDaysLeft} working days left`,
    });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  private close(status: ReviewStatus, at: string, by: ActorRef, conclusion?: Conclusion, opinion?: string): void {
    const clockUsedMs = this.usedMsAt(at) ?? this.state.clock.usedMsBeforeRun;
    this.moveTo('closed', at);
    this.emit(at, status as 'approved' | 'rejected' | 'withdrawn', by, {
      clockUsedMs,
      ...(conclusion && { conclusion }),
      ...(opinion !== undefined && { opinion, note: opinion }),
    });
  }

  private openTask(kind: TaskKind, region: Region, at: string): void {
    const dueAt = this.dueAt(kind, at);
    const task: TaskRecord = {
      id: `${this.state.reviewId}:t${this.state.tasks.length + 1}`,
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
      ...(kind === 'revision' && { org: this.state.org }),
    };
    this.emit(at, 'task_opened', undefined, { taskId: task.id, kind, region, task });
    if (kind !== 'consultation' || this.state.stage !== 'consultation') this.moveTo(kind, at);
  }

  /**
   * A task's own limit. The origin body's tasks are never due later than the whole review (origin
   * review runs on the review's clock); a consulted region always gets its full limit, because
   * silence past it is recorded as no objection.
   */
  private dueAt(kind: TaskKind, at: string): string | null {
    if (kind === 'revision') return null;
    const model = this.settings.timeModel;
    const limit = taskLimit(kind, this.settings.policy, this.state.urgent);
    const own = limit === null ? undefined : addWorkingDays(new Date(at), limit, model);
    if (kind === 'consultation' && own) return own.toISOString();
    const reviewDue = new Date(clockView(this.state.clock, new Date(at), model).reviewDueAt);
    return new Date(Math.min(own?.getTime() ?? Infinity, reviewDue.getTime())).toISOString();
  }

  /** When a run of the clock that starts at `at` reaches the review's limit. */
  private runDueAt(at: string): string {
    return runDueAt(at, this.state.clock, this.settings.timeModel);
  }

  /** The review's own due date while its clock runs; a stopped clock cannot fall due. */
  private runningReviewDue(): string | undefined {
    return this.state.clock.runningSince ? this.state.clock.dueAt : undefined;
  }

  /** The working time used by `at`, banked with the current run; undefined while the clock is stopped. */
  private usedMsAt(at: string): number | undefined {
    const clock = this.state.clock;
    if (!clock.runningSince) return undefined;
    return (
      clock.usedMsBeforeRun + workingMsBetween(new Date(clock.runningSince), new Date(at), this.settings.timeModel)
    );
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
