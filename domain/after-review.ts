/**
 * After the review (DOMAIN.md "After the review"): an issued document's course on the platform.
 * Filing for the record (备案) with its registration and review, the public's review suggestions,
 * and the validity clock. Pure code: the workflow (`workflows/filing.ts`) keeps an
 * {@link AfterReviewCourse} and records the events it emits; the API reads the projections.
 *
 * Limits here are calendar days, not working days. With compressed time (`CALENDAR_DAY_DURATION`)
 * a day lasts `dayMs` and counts from the instant of the step; on real time a limit of N days from
 * a date ends at the end of the N-th day after it, China time.
 */
import {
  DECISIONS_BY_KIND,
  ROLE_BY_KIND,
  type ActorRef,
  type FilingMaterial,
  type Region,
  type Role,
  type TaskKind,
} from './model';
import { Refusal } from './rules';
import { lastDayZh } from './messages-zh';

const DAY_MS = 24 * 60 * 60 * 1000;
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The kinds of task after the review (their roles and decisions are in domain/model.ts). */
export const AFTER_REVIEW_TASK_KINDS = [
  'filing',
  'filing_registration',
  'filing_supplement',
  'filing_review',
  'filing_correction',
  'suggestion',
] as const satisfies readonly TaskKind[];
export type AfterReviewTaskKind = (typeof AFTER_REVIEW_TASK_KINDS)[number];

export function isAfterReviewKind(kind: TaskKind): kind is AfterReviewTaskKind {
  return (AFTER_REVIEW_TASK_KINDS as readonly string[]).includes(kind);
}

export const FILING_STATUSES = [
  'due',
  'submitted',
  'deferred',
  'registered',
  'refused',
  'no_issue',
  'correction_advised',
  'corrected',
] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

export const ISSUED_STATUSES = ['issued', 'expired', 'repealed'] as const;
export type IssuedStatus = (typeof ISSUED_STATUSES)[number];

/** The calendar-day limits after the review; their sources are in docs/after-review.md. */
export interface AfterReviewLimits {
  /** Filing within this many days of publication, per region (FILING_DAYS). */
  filingDays: Record<Region, number>;
  /** The filing body's review (FILING_REVIEW_DAYS). */
  filingReviewDays: number;
  /** Materials asked for when registration is deferred (FILING_SUPPLEMENT_DAYS). */
  supplementDays: number;
  /** The issuing unit's report on a correction advised (CORRECTION_REPORT_DAYS). */
  correctionReportDays: number;
  /** The answer to a review suggestion (SUGGESTION_REPLY_DAYS). */
  suggestionReplyDays: number;
  /** The evaluation reminder before a document expires (VALIDITY_REMINDER_MONTHS). */
  validityReminderMonths: number;
}

export const DEFAULT_AFTER_REVIEW_LIMITS: AfterReviewLimits = {
  filingDays: { beijing: 30, tianjin: 20, hebei: 15 },
  filingReviewDays: 60,
  supplementDays: 15,
  correctionReportDays: 30,
  suggestionReplyDays: 15,
  validityReminderMonths: 6,
};

/** Validity when the document says nothing else (Hebei's rules: 5 years). */
export const DEFAULT_VALIDITY_YEARS = 5;

// ---------------------------------------------------------------------------------------------
// Dates

/** The date (YYYY-MM-DD) an instant falls on in China. */
export function chinaDateOf(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus whole months; a day the target month lacks becomes its last (02-29 + 1 year → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The instant a day ends in China (the next day's midnight, CST). */
function endOfChinaDay(date: string): string {
  return new Date(Date.parse(`${addDays(date, 1)}T00:00:00Z`) - CST_OFFSET_MS).toISOString();
}

/**
 * Where a limit of `days` calendar days counted from a step ends. `from.date` is the day the limit
 * counts from (publication for filing, the step's own day otherwise); with compressed time the
 * limit counts from the step's instant `from.at`.
 */
export function calendarDue(from: { at: string; date: string }, days: number, dayMs?: number): string {
  if (dayMs !== undefined) return new Date(Date.parse(from.at) + days * dayMs).toISOString();
  return endOfChinaDay(addDays(from.date, days));
}

/** When the people who may act on a task are reminded: one calendar day before it is due. */
/** A task's limit as people say it: its last working day (12月25日（星期五）前). */
const limitZh = (dueAt: string | null): string => (dueAt ? `${lastDayZh(dueAt)}前` : '期限届满');

function reminderBefore(dueAt: string, createdAt: string, dayMs?: number): string | undefined {
  const at = Date.parse(dueAt) - (dayMs ?? DAY_MS);
  return at > Date.parse(createdAt) ? new Date(at).toISOString() : undefined;
}

/** `validUntil`: publication plus the validity period. */
export function validUntilOf(publishedOn: string, validityYears: number): string {
  return addMonths(publishedOn, 12 * validityYears);
}

// ---------------------------------------------------------------------------------------------
// The course

export interface Issuance {
  documentId: string;
  region: Region;
  org: string;
  reviewId: string;
  version: number;
  title: string;
  documentNumber: string;
  issuedOn: string;
  publishedOn: string;
  publishedIn: string;
  validityYears: number;
  validUntil: string;
  issuedAt: string;
  issuedBy: ActorRef;
}

/** What starts the course of an issued document. */
export interface AfterReviewInput {
  issuance: Issuance;
  limits: AfterReviewLimits;
  /** Compressed time: the length of one calendar day. */
  dayMs?: number;
}

export interface CourseTask {
  id: string;
  kind: AfterReviewTaskKind;
  subject: { type: 'document' | 'filing' | 'suggestion'; id: string };
  documentId: string;
  region: Region;
  role: Role;
  org?: string;
  status: 'open' | 'completed' | 'cancelled';
  version: number;
  dueAt: string | null;
  remindAt?: string;
  remindedAt?: string;
  overdueAt?: string;
  createdAt: string;
  completedAt?: string;
  decision?: string;
  completedBy?: ActorRef;
  opinion?: string;
}

export interface FilingReport {
  basis: string;
  purpose: string;
  mainContent: string;
  review: string;
}

export interface FilingState {
  filingId: string;
  status: FilingStatus;
  /** The statutory date the filing was due by. */
  dueAt: string;
  submittedAt?: string;
  /** Whether it was submitted by `dueAt`. */
  onTime?: boolean;
  report?: FilingReport;
  attachments?: string[];
  missing?: FilingMaterial[];
  registeredAt?: string;
  outcome?: { decision: string; opinion?: string; at: string; by?: ActorRef };
  supplements: { text: string; attachments?: string[]; at: string }[];
  correctionReport?: { text: string; at: string };
}

export interface SuggestionState {
  suggestionId: string;
  taskId: string;
  status: 'received' | 'answered';
  receivedAt: string;
  reply?: string;
  answeredAt?: string;
}

export interface CourseState {
  issuance: Issuance;
  status: IssuedStatus;
  filing: FilingState;
  tasks: CourseTask[];
  suggestions: SuggestionState[];
  validityReminderAt: string;
  validityRemindedAt?: string;
  expiresAt: string;
  expiredAt?: string;
  repealedAt?: string;
  repealReason?: string;
  lastSeq: number;
}

export type AfterReviewEventType =
  | 'issued'
  | 'task_opened'
  | 'task_completed'
  | 'task_cancelled'
  | 'reminder_sent'
  | 'task_overdue'
  | 'escalated'
  | 'filing_submitted'
  | 'filing_registered'
  | 'filing_deferred'
  | 'filing_refused'
  | 'filing_supplemented'
  | 'filing_reviewed'
  | 'correction_reported'
  | 'suggestion_received'
  | 'suggestion_answered'
  | 'validity_reminder'
  | 'expired'
  | 'repealed';

/** A notification a step raises (same shape as a review's; `id` derived, so a retry never repeats it). */
export interface CourseNotification {
  id: string;
  type: 'reminder' | 'overdue' | 'escalation';
  audience: { role: Role; region?: Region; org?: string };
  taskId?: string;
  dueAt?: string;
  message: string;
}

/** One event of the course's log before it is chained (seq, hash: `platform/log-chain.ts` rules). */
export interface CourseEvent {
  seq: number;
  type: AfterReviewEventType;
  at: string;
  actor?: ActorRef;
  requestId?: string;
  data: Record<string, unknown> & { notification?: CourseNotification };
}

/** The ids of things after the review, derived from the document's. */
export const filingIdOf = (documentId: string): string => `${documentId}:filing`;
export const documentIdOfFiling = (filingId: string): string | undefined =>
  filingId.endsWith(':filing') ? filingId.slice(0, -':filing'.length) : undefined;

const KIND_NAMES: Record<AfterReviewTaskKind, string> = {
  filing: '报送备案',
  filing_registration: '备案登记',
  filing_supplement: '补充备案材料',
  filing_review: '备案审查',
  filing_correction: '报告纠正情况',
  suggestion: '答复审查建议',
};

/**
 * An issued document's course: every change is planned on a copy (`fork`), emits events, and is
 * adopted only once they are recorded (as a review's machine). Refusals are {@link Refusal}s.
 */
export class AfterReviewCourse {
  private events: CourseEvent[] = [];

  private constructor(
    public state: CourseState,
    private readonly settings: Pick<AfterReviewInput, 'limits' | 'dayMs'>,
  ) {}

  static issue(input: AfterReviewInput): AfterReviewCourse {
    const { issuance, limits, dayMs } = input;
    const at = issuance.issuedAt;
    const published = { at, date: issuance.publishedOn };
    const validityDays = daysBetween(issuance.publishedOn, issuance.validUntil);
    const reminderDate = addMonths(issuance.validUntil, -limits.validityReminderMonths);
    const course = new AfterReviewCourse(
      {
        issuance,
        status: 'issued',
        filing: {
          filingId: filingIdOf(issuance.documentId),
          status: 'due',
          dueAt: calendarDue(published, limits.filingDays[issuance.region], dayMs),
          supplements: [],
        },
        tasks: [],
        suggestions: [],
        // The document is in force through validUntil; the reminder comes on the day six months before.
        expiresAt: calendarDue(published, validityDays, dayMs),
        validityReminderAt: calendarDue(published, daysBetween(issuance.publishedOn, reminderDate) - 1, dayMs),
        lastSeq: 0,
      },
      { limits, dayMs },
    );
    course.emit(at, 'issued', issuance.issuedBy, { ...issuance });
    course.openTask(at, 'filing', { type: 'document', id: issuance.documentId }, course.state.filing.dueAt);
    return course;
  }

  static resume(state: CourseState, settings: Pick<AfterReviewInput, 'limits' | 'dayMs'>): AfterReviewCourse {
    return new AfterReviewCourse(state, settings);
  }

  /** A copy to plan a change on. */
  fork(): AfterReviewCourse {
    return new AfterReviewCourse(JSON.parse(JSON.stringify(this.state)) as CourseState, this.settings);
  }

  /** The events emitted since the last call, in order. */
  takeEvents(): CourseEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  get settingsForContinue(): Pick<AfterReviewInput, 'limits' | 'dayMs'> {
    return this.settings;
  }

  /** Whether the course is over: the document expired or was repealed. */
  get ended(): boolean {
    return this.state.status !== 'issued';
  }

  // --- the drafter's steps --------------------------------------------------------------------

  checkDrafter(actor: ActorRefWithOrg): void {
    const { region, org } = this.state.issuance;
    if (actor.region !== region || actor.role !== 'drafter' || actor.org !== org) {
      throw new Refusal('forbidden', '只有制定机关（起草单位）可以办理');
    }
    if (this.ended) throw new Refusal('conflict', `文件已${this.state.status === 'expired' ? '失效' : '废止'}`);
  }

  checkFile(actor: ActorRefWithOrg): void {
    this.checkDrafter(actor);
    if (this.state.filing.status !== 'due') throw new Refusal('conflict', '该文件已报送备案');
  }

  file(actor: ActorRefWithOrg, report: FilingReport, attachments: string[] | undefined, at: string): FilingState {
    this.checkFile(actor);
    const filing = this.state.filing;
    filing.status = 'submitted';
    filing.submittedAt = at;
    filing.onTime = Date.parse(at) <= Date.parse(filing.dueAt);
    filing.report = report;
    if (attachments?.length) filing.attachments = attachments;
    this.completeOpen('filing', at, plain(actor), 'file');
    this.emit(at, 'filing_submitted', plain(actor), {
      filingId: filing.filingId,
      onTime: filing.onTime,
      dueAt: filing.dueAt,
      report,
      ...(attachments?.length && { attachments }),
    });
    this.openTask(at, 'filing_registration', { type: 'filing', id: filing.filingId }, null);
    return filing;
  }

  checkSupplement(actor: ActorRefWithOrg): void {
    this.checkDrafter(actor);
    if (this.state.filing.status !== 'deferred') throw new Refusal('conflict', '备案登记未要求补充材料');
  }

  supplement(actor: ActorRefWithOrg, text: string, attachments: string[] | undefined, at: string): FilingState {
    this.checkSupplement(actor);
    const filing = this.state.filing;
    filing.status = 'submitted';
    filing.supplements.push({ text, ...(attachments?.length && { attachments }), at });
    this.completeOpen('filing_supplement', at, plain(actor), 'supplement');
    this.emit(at, 'filing_supplemented', plain(actor), {
      filingId: filing.filingId,
      text,
      ...(attachments?.length && { attachments }),
    });
    this.openTask(at, 'filing_registration', { type: 'filing', id: filing.filingId }, null);
    return filing;
  }

  checkCorrectionReport(actor: ActorRefWithOrg): void {
    this.checkDrafter(actor);
    if (this.state.filing.status !== 'correction_advised') throw new Refusal('conflict', '备案审查未提出纠正意见');
  }

  reportCorrection(actor: ActorRefWithOrg, text: string, at: string): FilingState {
    this.checkCorrectionReport(actor);
    const filing = this.state.filing;
    filing.status = 'corrected';
    filing.correctionReport = { text, at };
    this.completeOpen('filing_correction', at, plain(actor), 'report');
    this.emit(at, 'correction_reported', plain(actor), { filingId: filing.filingId, text });
    return filing;
  }

  checkRepeal(actor: ActorRefWithOrg): void {
    this.checkDrafter(actor);
  }

  repeal(actor: ActorRefWithOrg, reason: string, at: string): void {
    this.checkRepeal(actor);
    this.state.status = 'repealed';
    this.state.repealedAt = at;
    this.state.repealReason = reason;
    this.emit(at, 'repealed', plain(actor), { reason });
    this.cancelOpenTasks(at, '文件已废止');
  }

  // --- the review body's decisions ------------------------------------------------------------

  /** Throws unless `actor` may take `input` on task `taskId` now; returns the task. */
  checkDecision(taskId: string, actor: ActorRefWithOrg, input: TaskDecisionInput): CourseTask {
    const task = this.state.tasks.find((t) => t.id === taskId);
    if (!task) throw new Refusal('not_found', `task ${taskId} is not part of this document's course`);
    if (actor.region !== task.region || actor.role !== task.role) {
      throw new Refusal('forbidden', `this task is for a ${task.role} of ${task.region}`);
    }
    if (task.status !== 'open') throw new Refusal('conflict', `task ${taskId} is ${task.status}, not open`);
    const allowed: readonly string[] = DECISIONS_BY_KIND[task.kind];
    if (allowed.length === 0) {
      throw new Refusal('conflict', `“${KIND_NAMES[task.kind]}”任务通过其专门的接口办理`);
    }
    if (!allowed.includes(input.decision)) {
      throw new Refusal('validation_failed', `该任务只接受：${allowed.join('、')}`, [
        { path: 'decision', message: `a ${task.kind} task takes one of: ${allowed.join(', ')}` },
      ]);
    }
    const needsOpinion = ['refuse', 'correction_advised', 'reply'].includes(input.decision);
    if (needsOpinion && !input.opinion) {
      throw new Refusal('validation_failed', '此决定需要填写意见', [{ path: 'opinion', message: '必填' }]);
    }
    if (input.decision === 'defer' && !(input.missing?.length ?? 0)) {
      throw new Refusal('validation_failed', '暂缓登记需要写明缺少的材料', [{ path: 'missing', message: '必填' }]);
    }
    if (input.decision !== 'defer' && input.missing !== undefined) {
      throw new Refusal('validation_failed', '只有暂缓登记列出缺少的材料', [{ path: 'missing', message: '不适用' }]);
    }
    return task;
  }

  decide(taskId: string, actor: ActorRefWithOrg, input: TaskDecisionInput, at: string): CourseTask {
    const task = this.checkDecision(taskId, actor, input);
    const by = plain(actor);
    this.complete(task, at, by, input.decision, input.opinion);
    const filing = this.state.filing;
    const outcome = { decision: input.decision, ...(input.opinion && { opinion: input.opinion }), at, by };
    const dayMs = this.settings.dayMs;
    const from = { at, date: chinaDateOf(at) };
    switch (input.decision) {
      case 'register':
        filing.status = 'registered';
        filing.registeredAt = at;
        this.emit(at, 'filing_registered', by, { filingId: filing.filingId });
        this.openTask(
          at,
          'filing_review',
          { type: 'filing', id: filing.filingId },
          calendarDue(from, this.settings.limits.filingReviewDays, dayMs),
        );
        break;
      case 'defer':
        filing.status = 'deferred';
        filing.missing = input.missing;
        this.emit(at, 'filing_deferred', by, { filingId: filing.filingId, missing: input.missing });
        this.openTask(
          at,
          'filing_supplement',
          { type: 'filing', id: filing.filingId },
          calendarDue(from, this.settings.limits.supplementDays, dayMs),
        );
        break;
      case 'refuse':
        filing.status = 'refused';
        filing.outcome = outcome;
        this.emit(at, 'filing_refused', by, { filingId: filing.filingId, opinion: input.opinion });
        break;
      case 'no_issue':
      case 'correction_advised':
        filing.status = input.decision;
        filing.outcome = outcome;
        this.emit(at, 'filing_reviewed', by, {
          filingId: filing.filingId,
          decision: input.decision,
          opinion: input.opinion,
        });
        if (input.decision === 'correction_advised') {
          this.openTask(
            at,
            'filing_correction',
            { type: 'filing', id: filing.filingId },
            calendarDue(from, this.settings.limits.correctionReportDays, dayMs),
          );
        }
        break;
      case 'reply': {
        const suggestion = this.state.suggestions.find((s) => s.taskId === task.id)!;
        suggestion.status = 'answered';
        suggestion.reply = input.opinion;
        suggestion.answeredAt = at;
        this.emit(at, 'suggestion_answered', by, { suggestionId: suggestion.suggestionId, reply: input.opinion });
        break;
      }
    }
    return task;
  }

  // --- the public ----------------------------------------------------------------------------

  checkSuggestion(suggestionId: string): void {
    if (this.ended) throw new Refusal('conflict', '该文件已失效或废止');
    if (this.state.suggestions.some((s) => s.suggestionId === suggestionId)) {
      throw new Refusal('conflict', 'this suggestion is already recorded');
    }
  }

  receiveSuggestion(suggestionId: string, at: string): SuggestionState {
    this.checkSuggestion(suggestionId);
    const dueAt = calendarDue(
      { at, date: chinaDateOf(at) },
      this.settings.limits.suggestionReplyDays,
      this.settings.dayMs,
    );
    // The text and contact stay in the suggestions store: the log records only that one arrived.
    this.emit(at, 'suggestion_received', undefined, { suggestionId });
    const task = this.openTask(at, 'suggestion', { type: 'suggestion', id: suggestionId }, dueAt);
    const suggestion: SuggestionState = { suggestionId, taskId: task.id, status: 'received', receivedAt: at };
    this.state.suggestions.push(suggestion);
    return suggestion;
  }

  // --- time ----------------------------------------------------------------------------------

  /** The next instant something falls due (a reminder, a deadline, the validity clock). */
  nextDeadline(): number | undefined {
    if (this.ended) return undefined;
    const instants: number[] = [Date.parse(this.state.expiresAt)];
    if (!this.state.validityRemindedAt) instants.push(Date.parse(this.state.validityReminderAt));
    for (const task of this.state.tasks) {
      if (task.status !== 'open') continue;
      if (task.remindAt && !task.remindedAt) instants.push(Date.parse(task.remindAt));
      if (task.dueAt && !task.overdueAt) instants.push(Date.parse(task.dueAt));
    }
    return Math.min(...instants);
  }

  /** Everything due by `at`: reminders, overdue tasks (with escalation), the validity clock. */
  fireDeadlines(at: string): void {
    if (this.ended) return;
    const now = Date.parse(at);
    const { issuance } = this.state;
    for (const task of this.state.tasks) {
      if (task.status !== 'open') continue;
      if (task.remindAt && !task.remindedAt && Date.parse(task.remindAt) <= now) {
        task.remindedAt = at;
        this.emit(at, 'reminder_sent', undefined, {
          taskId: task.id,
          kind: task.kind,
          notification: this.notice('reminder', task, `将于${limitZh(task.dueAt)}到期`),
        });
      }
      if (task.dueAt && !task.overdueAt && Date.parse(task.dueAt) <= now) {
        task.overdueAt = at;
        this.emit(at, 'task_overdue', undefined, {
          taskId: task.id,
          kind: task.kind,
          notification: this.notice('overdue', task, `已逾期，期限为${limitZh(task.dueAt)}`),
        });
        this.emit(at, 'escalated', undefined, {
          taskId: task.id,
          kind: task.kind,
          note: 'to the supervisors',
          notification: this.notice('escalation', task, `已逾期（期限为${limitZh(task.dueAt)}），报督办`),
        });
      }
    }
    if (!this.state.validityRemindedAt && Date.parse(this.state.validityReminderAt) <= now) {
      this.state.validityRemindedAt = at;
      this.emit(at, 'validity_reminder', undefined, {
        validUntil: issuance.validUntil,
        notification: {
          id: `${issuance.documentId}:validity:reminder`,
          type: 'reminder',
          audience: { role: 'drafter', region: issuance.region, org: issuance.org },
          dueAt: this.state.expiresAt,
          message: `${issuance.documentNumber}《${issuance.title}》有效期至 ${issuance.validUntil}，请在届满前进行评估，决定继续施行、修改或废止。`,
        },
      });
    }
    if (Date.parse(this.state.expiresAt) <= now) {
      this.state.status = 'expired';
      this.state.expiredAt = at;
      this.emit(at, 'expired', undefined, { validUntil: issuance.validUntil });
      this.cancelOpenTasks(at, '文件有效期届满');
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private openTask(
    at: string,
    kind: AfterReviewTaskKind,
    subject: CourseTask['subject'],
    dueAt: string | null,
  ): CourseTask {
    const { issuance } = this.state;
    const role = ROLE_BY_KIND[kind];
    const remindAt = dueAt === null ? undefined : reminderBefore(dueAt, at, this.settings.dayMs);
    const task: CourseTask = {
      id: `${issuance.documentId}:after:${this.state.tasks.length + 1}`,
      kind,
      subject,
      documentId: issuance.documentId,
      region: issuance.region,
      role,
      ...(role === 'drafter' && { org: issuance.org }),
      status: 'open',
      version: issuance.version,
      dueAt,
      ...(remindAt && { remindAt }),
      createdAt: at,
    };
    this.state.tasks.push(task);
    this.emit(at, 'task_opened', undefined, { taskId: task.id, kind, dueAt, subject });
    return task;
  }

  private completeOpen(kind: AfterReviewTaskKind, at: string, by: ActorRef, decision: string): void {
    const task = this.state.tasks.find((t) => t.kind === kind && t.status === 'open');
    if (task) this.complete(task, at, by, decision);
  }

  private complete(task: CourseTask, at: string, by: ActorRef, decision: string, opinion?: string): void {
    task.status = 'completed';
    task.completedAt = at;
    task.completedBy = by;
    task.decision = decision;
    if (opinion) task.opinion = opinion;
    this.emit(at, 'task_completed', by, { taskId: task.id, kind: task.kind, decision, ...(opinion && { opinion }) });
  }

  private cancelOpenTasks(at: string, note: string): void {
    for (const task of this.state.tasks) {
      if (task.status !== 'open') continue;
      task.status = 'cancelled';
      this.emit(at, 'task_cancelled', undefined, { taskId: task.id, kind: task.kind, note });
    }
  }

  private notice(type: CourseNotification['type'], task: CourseTask, what: string): CourseNotification {
    const { issuance } = this.state;
    const audience =
      type === 'escalation'
        ? { role: 'supervisor' as const }
        : { role: task.role, region: task.region, ...(task.org !== undefined && { org: task.org }) };
    return {
      id: `${task.id}:${type}`,
      type,
      audience,
      taskId: task.id,
      ...(task.dueAt !== null && { dueAt: task.dueAt }),
      message: `${issuance.documentNumber}《${issuance.title}》的“${KIND_NAMES[task.kind]}”任务${what}。`,
    };
  }

  private emit(at: string, type: AfterReviewEventType, actor: ActorRef | undefined, data: CourseEvent['data']): void {
    this.state.lastSeq += 1;
    this.events.push({ seq: this.state.lastSeq, type, at, ...(actor && { actor }), data });
  }
}

/** Who acts, as the workflow is told: an actor reference with the drafter's organisation. */
export type ActorRefWithOrg = ActorRef & { org?: string };

export interface TaskDecisionInput {
  decision: string;
  opinion?: string;
  missing?: FilingMaterial[];
}

function plain(actor: ActorRefWithOrg): ActorRef {
  return {
    sub: actor.sub,
    ...(actor.name !== undefined && { name: actor.name }),
    region: actor.region,
    role: actor.role,
  };
}
