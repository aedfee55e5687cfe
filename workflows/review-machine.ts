/**
 * The review's state and its transitions, one method per message. Deterministic and free of
 * Temporal APIs: the workflow supplies the time and the id source, so this class is unit-testable
 * on its own and replays identically.
 */
import { addWorkingDays, clockView, taskLimit, workingMsBetween } from '../domain/clock';
import type { ReviewInput, StageRef } from '../domain/messages';
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
  type ReviewState,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from '../domain/model';
import { Refusal, checkDecision } from '../domain/rules';

/** What a transition changed that is not part of the review snapshot itself. */
export interface PendingWrites {
  comments: CommentRecord[];
  dispositions: ({ commentId: string } & Disposition)[];
}

export interface VersionFacts {
  articleNumbers: string[];
}

export class ReviewMachine {
  readonly state: ReviewState;
  private pending: PendingWrites = { comments: [], dispositions: [] };
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
      clock: { startedAt: at, limitWorkingDays: input.policy.reviewWorkingDays, usedMsBeforeRun: 0, runningSince: at },
      history: [],
      stateVersion: 1,
    };
    this.record({ at, type: 'submitted', actor: this.state.drafter, version: input.version });
    this.record({ at, type: 'clock_started' });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  /** Takes the writes accumulated since the last call, for the persistence activity. */
  drainPending(): PendingWrites {
    const pending = this.pending;
    this.pending = { comments: [], dispositions: [] };
    return pending;
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
    const answers = Object.values(this.state.consultations);
    if (answers.some((c) => c.status === 'pending')) return;
    const dissent = answers.some((c) => c.decision === 'concur_with_comments' || c.decision === 'object');
    this.openTask(dissent ? 'consolidation' : 'signoff', this.state.originRegion, at);
  }

  private openRevision(at: string): void {
    const clock = this.state.clock;
    if (clock.runningSince) {
      clock.usedMsBeforeRun += workingMsBetween(new Date(clock.runningSince), new Date(at), this.input.timeModel);
      delete clock.runningSince;
      this.record({ at, type: 'clock_stopped', note: 'a revision task is open' });
    }
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
    this.state.clock.runningSince = at;
    this.record({ at, type: 'resubmitted', actor: this.state.drafter, version: input.version });
    this.record({ at, type: 'clock_resumed' });
    this.openTask('origin_review', this.state.originRegion, at);
  }

  private close(status: ReviewStatus, at: string, by: ActorRef, conclusion?: Conclusion, opinion?: string): void {
    for (const task of this.state.tasks) {
      if (task.status === 'open') {
        task.status = 'cancelled';
        task.completedAt = at;
      }
    }
    const clock = this.state.clock;
    if (clock.runningSince) {
      clock.usedMsBeforeRun += workingMsBetween(new Date(clock.runningSince), new Date(at), this.input.timeModel);
      delete clock.runningSince;
    }
    this.state.status = status;
    this.state.closedAt = at;
    this.state.outcome = { at, by, ...(conclusion && { conclusion }), ...(opinion !== undefined && { opinion }) };
    this.moveTo('closed', at);
    this.record({ at, type: status, actor: by, ...(opinion !== undefined && { note: opinion }) });
  }

  private openTask(kind: TaskKind, region: TaskRecord['region'], at: string): TaskRecord {
    const task: TaskRecord = {
      id: `${this.state.reviewId}:t${++this.taskSeq}`,
      reviewId: this.state.reviewId,
      documentId: this.state.documentId,
      kind,
      region,
      role: ROLE_BY_KIND[kind],
      status: 'open',
      version: this.state.version,
      dueAt: this.dueAt(kind, at),
      createdAt: at,
      ...(kind === 'revision' && { org: this.state.org }),
    };
    this.state.tasks.push(task);
    this.record({ at, type: 'task_opened', taskId: task.id, kind });
    if (kind !== 'consultation' || this.state.stage !== 'consultation') this.moveTo(kind, at);
    return task;
  }

  /** A task's own limit, never later than the whole review's; origin review runs on the review's clock. */
  private dueAt(kind: TaskKind, at: string): string | null {
    if (kind === 'revision') return null;
    const model = this.input.timeModel;
    const reviewDue = new Date(clockView(this.state.clock, new Date(at), model).reviewDueAt);
    const limit = taskLimit(kind, this.input.policy, this.state.urgent);
    const own = limit === null ? reviewDue : addWorkingDays(new Date(at), limit, model);
    return new Date(Math.min(own.getTime(), reviewDue.getTime())).toISOString();
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
