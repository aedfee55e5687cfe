/**
 * The release-1 review state machine, frozen for the reviews it started (see domain/legacy.ts).
 * Deterministic and free of Temporal APIs.
 */
import {
  addWorkingDays,
  clockView,
  describeInstant,
  subtractWorkingMs,
  runDueAt,
  taskLimit,
  workingDayLength,
  workingMsBetween,
} from '../../domain/clock';
import type { LegacyReviewInput as ReviewInput, LegacyReviewState as ReviewState } from '../../domain/legacy';
import type { StageRef } from '../../domain/messages';
import {
  ROLE_BY_KIND,
  otherRegions,
  type Actor,
  type ActorRef,
  type CommentRecord,
  type Conclusion,
  type DecisionInput,
  type Disposition,
  type HistoryEntry,
  type NotificationRecord,
  type NotificationType,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from '../../domain/model';
import { Refusal } from '../../domain/rules';
import { checkDecision } from './rules';

/** What a transition changed that is not part of the review snapshot itself. */
export interface PendingWrites {
  comments: CommentRecord[];
  dispositions: ({ commentId: string } & Disposition)[];
  notifications: NotificationRecord[];
}

const NO_PENDING_WRITES = (): PendingWrites => ({ comments: [], dispositions: [], notifications: [] });

const KIND_NAMES: Partial<Record<TaskKind, string>> = {
  origin_review: 'origin review',
  revision: 'revision',
  consultation: 'consultation',
  consolidation: 'consolidation',
  signoff: 'sign-off',
};

export interface VersionFacts {
  articleNumbers: string[];
}

export class ReviewMachine {
  readonly state: ReviewState;
  private pending: PendingWrites = NO_PENDING_WRITES();
  private taskSeq = 0;

  constructor(
    private readonly input: ReviewInput,
    private readonly newId: () => string,
  ) {
    const at = input.submittedAt;
    this.state = {
      reviewId: input.reviewId,
      documentId: input.documentId,
      originRegion: input.originRegion,
      org: input.org,
      drafter: { ...input.drafter, region: input.originRegion, role: 'drafter' },
      version: input.version,
      urgent: input.urgent,
      status: 'in_review',
      stage: 'origin_review',
      submittedAt: at,
      tasks: [],
      consultations: {},
      articleNumbers: input.articleNumbers,
      commentIndex: [],
      revisions: 0,
      clock: { startedAt: at, limitWorkingDays: input.policy.reviewWorkingDays, usedMsBeforeRun: 0 },
      history: [],
      stateVersion: 1,
    };
    this.record({ at, type: 'submitted', actor: this.state.drafter, version: input.version });
    this.startClock(at);
    this.record({ at, type: 'clock_started' });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  /** Takes the writes accumulated since the last call, for the persistence activity. */
  drainPending(): PendingWrites {
    const pending = this.pending;
    this.pending = NO_PENDING_WRITES();
    return pending;
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
   * and escalates it to the supervisors. Returns whether anything changed.
   */
  fireDeadlines(at: string): boolean {
    const now = Date.parse(at);
    let changed = false;
    for (const task of [...this.state.tasks]) {
      if (task.status !== 'open' || task.dueAt === null || task.overdueAt) continue;
      if (Date.parse(task.dueAt) <= now) {
        if (task.kind === 'consultation') this.expireConsultation(task, at);
        else this.markOverdue(task, at);
        changed = true;
      } else if (task.remindAt && !task.remindedAt && Date.parse(task.remindAt) <= now) {
        task.remindedAt = at;
        this.notify('reminder', task, at, `falls due at ${describeInstant(task.dueAt)}, within one working day`);
        this.record({ at, type: 'reminder_sent', taskId: task.id, kind: task.kind, region: task.region });
        changed = true;
      }
    }
    const reviewDue = this.runningReviewDue();
    if (reviewDue && !this.state.overdueAt && Date.parse(reviewDue) <= now) {
      this.markReviewOverdue(reviewDue, at);
      changed = true;
    }
    if (changed) this.state.stateVersion++;
    return changed;
  }

  stageRef(): StageRef {
    return { status: this.state.status, stage: this.state.stage };
  }

  /**
   * Records `actor`'s decision on a task and moves the review on. Throws a {@link Refusal} (and
   * changes nothing) when the decision breaks a rule. `facts` describe the resubmitted version.
   */
  complete(taskId: string, actor: Actor, input: DecisionInput, at: string, facts?: VersionFacts): TaskRecord {
    const task = checkDecision(this.state, taskId, actor, input);
    if (input.decision === 'resubmit' && !facts)
      throw new Refusal('validation_failed', 'the resubmitted version is unknown');
    const by: ActorRef = { sub: actor.sub, name: actor.name, region: actor.region, role: task.role };
    Object.assign(task, { status: 'completed', completedAt: at, decision: input.decision, completedBy: by });
    if (input.opinion !== undefined) task.opinion = input.opinion;
    this.record({ at, type: 'task_completed', actor: by, taskId, kind: task.kind, decision: input.decision });
    this.addComments(task, by, input, at);

    switch (input.decision) {
      case 'approve':
        this.state.checklist = input.checklist;
        this.openConsultations(at);
        break;
      case 'reject':
        this.state.checklist = input.checklist;
        this.close('rejected', at, by, 'illegal', input.opinion);
        break;
      case 'request_changes':
        this.openRevision(at);
        break;
      case 'resubmit':
        this.resubmit(input, at, facts);
        break;
      case 'concur':
      case 'concur_with_comments':
      case 'object':
        this.answerConsultation(task, input, by, at);
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
    this.state.stateVersion++;
    return { ...task };
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
    const by: ActorRef = { sub: actor.sub, name: actor.name, region: actor.region, role: 'drafter' };
    this.close('withdrawn', at, by, undefined, reason);
    this.state.stateVersion++;
  }

  private addComments(task: TaskRecord, author: ActorRef, input: DecisionInput, at: string): void {
    for (const c of input.comments ?? []) {
      const comment: CommentRecord = {
        id: this.newId(),
        reviewId: this.state.reviewId,
        documentId: this.state.documentId,
        taskId: task.id,
        version: this.state.version,
        stage: task.kind,
        text: c.text,
        severity: c.severity ?? 'advisory',
        author,
        createdAt: at,
        ...(c.article !== undefined && { article: c.article }),
        ...(c.basis !== undefined && { basis: c.basis }),
      };
      this.state.commentIndex.push({ id: comment.id, version: comment.version, severity: comment.severity });
      this.pending.comments.push(comment);
    }
  }

  private openConsultations(at: string): void {
    for (const region of otherRegions(this.state.originRegion)) {
      const task = this.openTask('consultation', region, at);
      this.state.consultations[region] = { status: 'pending', taskId: task.id };
    }
  }

  private answerConsultation(task: TaskRecord, input: DecisionInput, by: ActorRef, at: string): void {
    this.state.consultations[task.region] = {
      status: 'responded',
      taskId: task.id,
      decision: input.decision,
      respondedAt: at,
      respondedBy: by,
      ...(input.opinion !== undefined && { opinion: input.opinion }),
    };
    this.settleConsultations(at);
  }

  /** Silence past the deadline is recorded as no response, which counts as no objection. */
  private expireConsultation(task: TaskRecord, at: string): void {
    task.status = 'expired';
    task.completedAt = at;
    this.state.consultations[task.region] = { status: 'no_response', taskId: task.id };
    this.record({
      at,
      type: 'consultation_expired',
      taskId: task.id,
      kind: task.kind,
      region: task.region,
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
    task.overdueAt = at;
    const due = describeInstant(task.dueAt as string);
    this.notify('overdue', task, at, `passed its due date, ${due}`);
    this.notify('escalation', task, at, `is overdue: it was due at ${due}`);
    this.record({ at, type: 'task_overdue', taskId: task.id, kind: task.kind, region: task.region });
    this.record({ at, type: 'escalated', taskId: task.id, kind: task.kind, note: 'to the supervisors' });
  }

  /**
   * The whole review passed its working-day limit. Supervisors hear of it here only when no open
   * task's own escalation already told them (the origin body's tasks are due with the review; a
   * pending consultation is not).
   */
  private markReviewOverdue(reviewDue: string, at: string): void {
    this.state.overdueAt = at;
    this.record({ at, type: 'review_overdue', note: `the review was due at ${reviewDue}` });
    if (this.state.tasks.some((t) => t.status === 'open' && t.overdueAt)) return;
    this.pending.notifications.push({
      id: `${this.state.reviewId}:escalation`,
      type: 'escalation',
      audience: { role: 'supervisor' },
      reviewId: this.state.reviewId,
      dueAt: reviewDue,
      message: `Review ${this.state.reviewId} passed its limit of ${this.state.clock.limitWorkingDays} working days at ${describeInstant(reviewDue)}.`,
      createdAt: at,
    });
    this.record({ at, type: 'escalated', note: 'to the supervisors: the review is overdue' });
  }

  /** Reminders and overdue notices go to whoever can act on the task; escalations to supervisors. */
  private notify(type: NotificationType, task: TaskRecord, at: string, what: string): void {
    const audience =
      type === 'escalation'
        ? { role: 'supervisor' as const }
        : { role: task.role, region: task.region, ...(task.org !== undefined && { org: task.org }) };
    const subject = `The ${KIND_NAMES[task.kind]} task of review ${this.state.reviewId} (${task.region})`;
    this.pending.notifications.push({
      id: `${task.id}:${type}`,
      type,
      audience,
      reviewId: this.state.reviewId,
      taskId: task.id,
      ...(task.dueAt !== null && { dueAt: task.dueAt }),
      message: `${subject} ${what}.`,
      createdAt: at,
    });
  }

  private openRevision(at: string): void {
    if (this.stopClock(at)) this.record({ at, type: 'clock_stopped', note: 'a revision task is open' });
    this.openTask('revision', this.state.originRegion, at);
  }

  private resubmit(input: DecisionInput, at: string, facts: VersionFacts | undefined): void {
    for (const d of input.dispositions ?? []) {
      this.pending.dispositions.push({
        commentId: d.commentId,
        status: d.status,
        at,
        ...(d.reason !== undefined && { reason: d.reason }),
      });
    }
    this.state.version = input.version as number; // checked by checkDecision
    this.state.articleNumbers = (facts as VersionFacts).articleNumbers; // checked in complete()
    this.state.revisions++;
    this.startClock(at);
    this.record({ at, type: 'resubmitted', actor: this.state.drafter, version: input.version });
    const { workingDaysLeft } = clockView(this.state.clock, new Date(at), this.input.timeModel);
    this.record({ at, type: 'clock_resumed', note: `${workingDaysLeft} working days left` });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  private close(
    status: Exclude<ReviewStatus, 'in_review'>,
    at: string,
    by: ActorRef,
    conclusion?: Conclusion,
    opinion?: string,
  ): void {
    for (const task of this.state.tasks) {
      if (task.status === 'open') {
        task.status = 'cancelled';
        task.completedAt = at;
      }
    }
    this.stopClock(at);
    this.state.status = status;
    this.state.closedAt = at;
    this.state.outcome = { at, by, ...(conclusion && { conclusion }), ...(opinion !== undefined && { opinion }) };
    this.moveTo('closed', at);
    this.record({ at, type: status, actor: by, ...(opinion !== undefined && { note: opinion }) });
  }

  private openTask(kind: TaskKind, region: TaskRecord['region'], at: string): TaskRecord {
    const dueAt = this.dueAt(kind, at);
    const task: TaskRecord = {
      id: `${this.state.reviewId}:t${++this.taskSeq}`,
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
    this.state.tasks.push(task);
    this.record({ at, type: 'task_opened', taskId: task.id, kind });
    // Release 1 had only task kinds that are stages too.
    if (kind !== 'consultation' || this.state.stage !== 'consultation') this.moveTo(kind as Stage, at);
    return task;
  }

  /**
   * A task's own limit. The origin body's tasks are never due later than the whole review (origin
   * review runs on the review's clock); a consulted region always gets its full limit, because
   * silence past it is recorded as no objection.
   */
  private dueAt(kind: TaskKind, at: string): string | null {
    if (kind === 'revision') return null;
    const model = this.input.timeModel;
    const limit = taskLimit(kind, this.input.policy, this.state.urgent);
    const own = limit === null ? undefined : addWorkingDays(new Date(at), limit, model);
    if (kind === 'consultation' && own) return own.toISOString();
    const reviewDue = new Date(clockView(this.state.clock, new Date(at), model).reviewDueAt);
    return new Date(Math.min(own?.getTime() ?? Infinity, reviewDue.getTime())).toISOString();
  }

  private startClock(at: string): void {
    const clock = this.state.clock;
    clock.runningSince = at;
    clock.dueAt = runDueAt(at, clock, this.input.timeModel);
  }

  /** The review's own due date while its clock runs; a stopped clock cannot fall due. */
  private runningReviewDue(): string | undefined {
    return this.state.clock.runningSince ? this.state.clock.dueAt : undefined;
  }

  /** Banks the working time of the current run; returns whether the clock was running. */
  private stopClock(at: string): boolean {
    const clock = this.state.clock;
    if (!clock.runningSince) return false;
    clock.usedMsBeforeRun += workingMsBetween(new Date(clock.runningSince), new Date(at), this.input.timeModel);
    delete clock.runningSince;
    return true;
  }

  /** One working day before `dueAt`, or at once when less than that is left. */
  private remindAt(dueAt: string, at: string): string {
    const model = this.input.timeModel;
    const dayBefore = subtractWorkingMs(new Date(dueAt), workingDayLength(model), model);
    return new Date(Math.max(dayBefore.getTime(), Date.parse(at))).toISOString();
  }

  private moveTo(stage: Stage, at: string): void {
    if (this.state.stage === stage) return;
    this.state.stage = stage;
    this.record({ at, type: 'stage_changed', stage });
  }

  private record(entry: HistoryEntry): void {
    this.state.history.push(entry);
  }
}
