/**
 * The review log: what happened to a review, as typed events numbered per review. The workflow
 * decides and emits events; {@link applyEvent} folds them into the review state; MongoDB keeps the
 * log for good (append-only, hash-chained) and the read models are projections of it. Pure code,
 * shared by the workflow, the activities and the API.
 */
import {
  type ActorRef,
  type CheckInput,
  type CommentRecord,
  type Conclusion,
  type Decision,
  type DismissedFlagInput,
  type DispositionStatus,
  type HistoryEntry,
  type MaterialKey,
  type MaterialKind,
  type NotificationRecord,
  type PersonRef,
  type Region,
  type ReturnGrounds,
  type ReviewState,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from './model';
import { NOTICE_ZH } from './messages-zh';

/** A comment as a decision event carries it (the review and document are the event's own). */
export type LoggedComment = Omit<CommentRecord, 'reviewId' | 'documentId' | 'disposition'>;

export interface LoggedDisposition {
  commentId: string;
  status: DispositionStatus;
  reason?: string;
}

/** A notification as a deadline event carries it (created at the event's time, for its review). */
export type LoggedNotification = Omit<NotificationRecord, 'reviewId' | 'createdAt'>;

/** What each type of event records besides who did it and when. */
export interface EventData {
  submitted: {
    reviewId: string;
    documentId: string;
    originRegion: Region;
    org: string;
    version: number;
    urgent: boolean;
    articleNumbers: string[];
    limitWorkingDays: number;
  };
  /** The materials are complete (受理): the review is registered and its clock starts. */
  accepted: { number?: string; limitWorkingDays: number; warning?: string };
  /** `runningSince`: where the run starts counting (the day after, on the real calendar). */
  clock_started: { runningSince: string; dueAt: string };
  clock_stopped: { usedMs: number; note: string };
  clock_resumed: { runningSince: string; dueAt: string; note: string };
  task_opened: { taskId: string; kind: TaskKind; region: Region; task: TaskRecord };
  stage_changed: { stage: Stage };
  task_completed: {
    taskId: string;
    kind: TaskKind;
    region: Region;
    decision: Decision;
    opinion?: string;
    checklist?: CheckInput[];
    comments?: LoggedComment[];
    dispositions?: LoggedDisposition[];
    missing?: MaterialKind[];
    grounds?: ReturnGrounds;
    materials?: Partial<Record<MaterialKey, string>>;
    /** Assistive-review flags set aside with this decision. */
    dismissedFlags?: DismissedFlagInput[];
  };
  resubmitted: { version: number; articleNumbers: string[] };
  /** A 修改意见书 goes to the drafting office with a revision request. */
  /** `recordSha256`: the SHA-256 of the letter's page as frozen (absent in events logged before release 3). */
  revision_letter: { round: number; number?: string; recordSha256?: string };
  extension_requested: { taskId: string; workingDays: number; reason: string };
  /**
   * An approved extension: the review's limit grows, and with it its due date while the clock runs
   * and the due dates of the origin body's open tasks that the old one capped (`retimed`).
   */
  limit_extended: {
    taskId: string;
    workingDays: number;
    limitWorkingDays: number;
    dueAt?: string;
    retimed?: { taskId: string; dueAt: string; remindAt: string }[];
  };
  /**
   * A year's calendar was loaded (`PUT /v1/calendar/:year`): the running clock's due date and the
   * open tasks' due dates, re-dated on it. Recorded only in the logs of the reviews it moved.
   */
  calendar_updated: {
    year: number;
    source: string;
    dueAt?: string;
    retimed?: { taskId: string; dueAt: string; remindAt: string }[];
    note: string;
  };
  consultation_expired: { taskId: string; kind: TaskKind; region: Region; note: string };
  reminder_sent: { taskId: string; kind: TaskKind; region: Region; notification: LoggedNotification };
  task_overdue: { taskId: string; kind: TaskKind; region: Region; notification: LoggedNotification };
  escalated: { taskId?: string; kind?: TaskKind; note: string; notification: LoggedNotification };
  review_overdue: { dueAt: string; note: string };
  /** The head (signer) assigned or reassigned (转办) the task to a person; `from` is the previous assignee. */
  task_assigned: AssignmentData & { assignee: PersonRef };
  /** A person who may act on the task took it from the pool for themselves. */
  task_claimed: AssignmentData & { assignee: PersonRef };
  /** The task went back to its region's pool. */
  task_released: AssignmentData;
  approved: Closing;
  rejected: Closing;
  returned: Closing;
  withdrawn: Closing;
  /**
   * The review's workflow was ended from outside the review (an operator's terminate or reset; a reset
   * run is terminated by the reconciler), as the reconciler found it: the review is closed `failed`, its tasks cancelled, supervisors notified.
   */
  terminated_externally: Closing & {
    /** Temporal's status of the run, or RESET / REPLACED for a running run that is not the recorded one. */
    runStatus: string;
    /** The registered run (first run of the chain the log was recorded by) and the stray latest run. */
    run?: string;
    latestRun?: string;
    notification: LoggedNotification;
  };
}

/** What every assignment event says: which task, who held it before, and why it changed hands. */
export type AssignmentData = {
  taskId: string;
  kind: TaskKind;
  region: Region;
  from?: PersonRef;
  reason?: string;
  note?: string;
};

/**
 * How a review closed: the outcome, and the working time used when its clock stopped for good.
 * A type rather than an interface: an event's data is a plain record, as api/responses.ts documents it.
 */
export type Closing = {
  conclusion?: Conclusion;
  /** The SHA-256 of the opinion's page as frozen, when the closing issues one (absent in events logged before release 3). */
  recordSha256?: string;
  /** The closing opinion (a rejection's, a signer's) or the withdrawal's reason; also the history note. */
  opinion?: string;
  note?: string;
  /** For a return without a verdict. */
  grounds?: ReturnGrounds;
  clockUsedMs: number;
  /** Whole working days used, as the opinion states them. */
  workingDaysUsed?: number;
  /** The opinion's number; assigned when the closing is recorded (not for a withdrawal). */
  number?: string;
};

/**
 * The events that carry a number from a gap-free series (per region and year). The workflow emits
 * them without it; the recording activity assigns it, after checking the request's signature and
 * before hashing, so a number is taken exactly when the transition is recorded.
 */
export const NUMBERED_EVENTS = {
  accepted: 'registration',
  revision_letter: 'revision',
  approved: 'opinion',
  rejected: 'opinion',
  returned: 'opinion',
} as const satisfies Partial<Record<EventType, string>>;
export type NumberSeries = (typeof NUMBERED_EVENTS)[keyof typeof NUMBERED_EVENTS];

export type EventType = keyof EventData;

/**
 * Every event type, for the API's documentation and the console's labels. Listed as the keys of a
 * record over EventType, so that a type added to EventData and not here fails to compile.
 */
const EVENT_TYPE_KEYS: Record<EventType, true> = {
  submitted: true,
  accepted: true,
  clock_started: true,
  clock_stopped: true,
  clock_resumed: true,
  task_opened: true,
  stage_changed: true,
  task_completed: true,
  resubmitted: true,
  revision_letter: true,
  extension_requested: true,
  limit_extended: true,
  calendar_updated: true,
  consultation_expired: true,
  reminder_sent: true,
  task_overdue: true,
  escalated: true,
  review_overdue: true,
  task_assigned: true,
  task_claimed: true,
  task_released: true,
  approved: true,
  rejected: true,
  returned: true,
  withdrawn: true,
  terminated_externally: true,
};
export const EVENT_TYPES = Object.keys(EVENT_TYPE_KEYS) as [EventType, ...EventType[]];

/** One event before it is chained: the workflow emits these. */
export type NewEvent = {
  [T in EventType]: { seq: number; type: T; at: string; actor?: ActorRef; requestId?: string; data: EventData[T] };
}[EventType];

/** An event as the log stores and serves it (`GET /v1/reviews/:id/events`). */
export type LoggedEvent = NewEvent & { prevHash: string; hash: string };

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical JSON an event is hashed over: keys sorted at every level, no whitespace, absent
 * values left out (API.md: `hash = sha256(prevHash + canonicalJson)`, without `hash` itself).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The text whose SHA-256 is an event's hash. */
export function hashInput(event: Omit<LoggedEvent, 'hash'>): string {
  return event.prevHash + canonicalJson(event);
}

/** A fresh state for a review whose `submitted` event is `e`. */
function initialState(e: Extract<NewEvent, { type: 'submitted' }>): ReviewState {
  const d = e.data;
  return {
    reviewId: d.reviewId,
    documentId: d.documentId,
    originRegion: d.originRegion,
    org: d.org,
    drafter: e.actor ?? { sub: 'unknown', region: d.originRegion, role: 'drafter' },
    version: d.version,
    urgent: d.urgent,
    status: 'in_review',
    stage: 'intake',
    submittedAt: e.at,
    tasks: [],
    consultations: {},
    articleNumbers: d.articleNumbers,
    commentIndex: [],
    revisions: 0,
    clock: { limitWorkingDays: d.limitWorkingDays, usedMsBeforeRun: 0 },
    revisionLetters: [],
    extensions: [],
    warnings: [],
    lastSeq: e.seq,
  };
}

function taskOf(state: ReviewState, taskId: string): TaskRecord {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new Error(`event refers to unknown task ${taskId} of review ${state.reviewId}`);
  return task;
}

/**
 * Applies one event to the state (in place) and returns it; `state` is undefined only for the first
 * event, `submitted`. Events must come in sequence: a gap or a repeat is an error.
 */
export function applyEvent(state: ReviewState | undefined, event: NewEvent): ReviewState {
  if (event.type === 'submitted') {
    if (state) throw new Error(`review ${state.reviewId} was already submitted`);
    return initialState(event);
  }
  if (!state) throw new Error(`the first event of a review must be submitted, not ${event.type}`);
  if (event.seq !== state.lastSeq + 1) {
    throw new Error(`event ${event.seq} of review ${state.reviewId} does not follow ${state.lastSeq}`);
  }
  const { at } = event;
  switch (event.type) {
    case 'accepted':
      state.acceptedAt = at;
      state.clock.limitWorkingDays = event.data.limitWorkingDays;
      if (event.data.warning) state.warnings.push(event.data.warning);
      recordNumber(state, event);
      break;
    case 'clock_started':
    case 'clock_resumed':
      state.clock.startedAt ??= at;
      state.clock.runningSince = event.data.runningSince;
      state.clock.dueAt = event.data.dueAt;
      break;
    case 'clock_stopped':
      state.clock.usedMsBeforeRun = event.data.usedMs;
      delete state.clock.runningSince;
      break;
    case 'task_opened':
      state.tasks.push(structuredCloneJson(event.data.task));
      if (event.data.kind === 'consultation') {
        state.consultations[event.data.region] = { status: 'pending', taskId: event.data.taskId };
      }
      break;
    case 'stage_changed':
      state.stage = event.data.stage;
      break;
    case 'task_completed':
      completeTask(state, event);
      break;
    case 'resubmitted':
      state.version = event.data.version;
      state.articleNumbers = [...event.data.articleNumbers];
      state.revisions++;
      break;
    case 'revision_letter':
      state.revisionLetters.push({ round: event.data.round, at });
      recordNumber(state, event);
      break;
    case 'extension_requested':
      state.extensions.push({
        taskId: event.data.taskId,
        workingDays: event.data.workingDays,
        reason: event.data.reason,
        status: 'requested',
        requestedBy: event.actor ?? state.drafter,
        at,
      });
      break;
    case 'calendar_updated':
      if (event.data.dueAt) state.clock.dueAt = event.data.dueAt;
      for (const { taskId, dueAt, remindAt } of event.data.retimed ?? []) {
        const task = taskOf(state, taskId);
        task.dueAt = dueAt;
        task.remindAt = remindAt;
      }
      break;
    case 'limit_extended':
      state.clock.limitWorkingDays = event.data.limitWorkingDays;
      if (event.data.dueAt) state.clock.dueAt = event.data.dueAt;
      for (const { taskId, dueAt, remindAt } of event.data.retimed ?? []) {
        const task = taskOf(state, taskId);
        task.dueAt = dueAt;
        task.remindAt = remindAt;
      }
      break;
    case 'consultation_expired': {
      const task = taskOf(state, event.data.taskId);
      task.status = 'expired';
      task.completedAt = at;
      state.consultations[task.region] = { status: 'no_response', taskId: task.id };
      break;
    }
    case 'reminder_sent':
      taskOf(state, event.data.taskId).remindedAt = at;
      break;
    case 'task_overdue':
      taskOf(state, event.data.taskId).overdueAt = at;
      break;
    case 'escalated':
      break; // a notification only
    case 'review_overdue':
      state.overdueAt = at;
      break;
    case 'task_assigned':
    case 'task_claimed':
    case 'task_released': {
      const task = taskOf(state, event.data.taskId);
      const by = event.actor && { sub: event.actor.sub, ...(event.actor.name && { name: event.actor.name }) };
      task.assignee = event.type === 'task_released' ? null : structuredCloneJson(event.data.assignee);
      task.assignedBy = event.type === 'task_released' ? null : (by ?? null);
      task.assignedAt = event.type === 'task_released' ? null : at;
      break;
    }
    case 'approved':
    case 'rejected':
    case 'returned':
    case 'withdrawn':
      close(state, event.type, event.at, event.actor, event.data);
      recordNumber(state, event);
      break;
    case 'terminated_externally':
      close(state, 'failed', event.at, event.actor, event.data);
      state.stage = 'closed';
      break;
  }
  state.lastSeq = event.seq;
  return state;
}

function completeTask(state: ReviewState, event: Extract<NewEvent, { type: 'task_completed' }>): void {
  const { data, at, actor } = event;
  const task = taskOf(state, data.taskId);
  Object.assign(task, { status: 'completed', completedAt: at, decision: data.decision });
  if (actor) task.completedBy = actor;
  if (data.opinion !== undefined) task.opinion = data.opinion;
  // The opinion cites the checklist of the approval or rejection (a request for changes may carry one too).
  if (data.checklist && (data.decision === 'approve' || data.decision === 'reject')) state.checklist = data.checklist;
  for (const c of data.comments ?? []) {
    state.commentIndex.push({ id: c.id, version: c.version, severity: c.severity, stage: c.stage });
  }
  if (task.kind === 'extension') {
    const extension = state.extensions.find((x) => x.taskId === task.id);
    if (extension) {
      extension.status = data.decision === 'approve' ? 'approved' : 'refused';
      extension.decidedAt = at;
      if (actor) extension.decidedBy = actor;
      if (data.opinion !== undefined) extension.opinion = data.opinion;
    }
  }
  if (task.kind === 'consultation') {
    state.consultations[task.region] = {
      status: 'responded',
      taskId: task.id,
      decision: data.decision,
      respondedAt: at,
      ...(actor && { respondedBy: actor }),
      ...(data.opinion !== undefined && { opinion: data.opinion }),
    };
  }
}

function close(state: ReviewState, status: ReviewStatus, at: string, by: ActorRef | undefined, data: Closing): void {
  for (const task of state.tasks) {
    if (task.status === 'open') {
      task.status = 'cancelled';
      task.completedAt = at;
    }
  }
  state.clock.usedMsBeforeRun = data.clockUsedMs;
  delete state.clock.runningSince;
  state.status = status;
  state.closedAt = at;
  state.outcome = {
    at,
    ...(by && { by }),
    ...(data.conclusion && { conclusion: data.conclusion }),
    ...(data.opinion !== undefined && { opinion: data.opinion }),
  };
}

/**
 * Sets the number a numbered event carries (see {@link NUMBERED_EVENTS}) on the review: the
 * reducer does it for logged events, the workflow once the recording has assigned the number.
 */
export function recordNumber(
  review: Pick<ReviewState, 'registrationNumber' | 'opinionNumber' | 'revisionLetters'>,
  event: NewEvent,
): void {
  const number = (event.data as { number?: string }).number;
  if (number === undefined) return;
  if (event.type === 'accepted') review.registrationNumber = number;
  else if (event.type === 'revision_letter') {
    const letter = review.revisionLetters.find((l) => l.round === event.data.round);
    if (letter) letter.number = number;
  } else if (event.type in NUMBERED_EVENTS) review.opinionNumber = number;
}

/** Folds a whole log into the state it describes. */
export function foldEvents(events: readonly NewEvent[]): ReviewState | undefined {
  let state: ReviewState | undefined;
  for (const event of events) state = applyEvent(state, event);
  return state;
}

/** A deep copy of plain JSON data (the workflow sandbox has no structuredClone guarantee). */
export function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The entry `GET /v1/reviews/:id` shows in `history` for an event: what happened, to what. */
export function historyEntry(event: NewEvent): HistoryEntry {
  const d = event.data as Partial<Record<keyof HistoryEntry, unknown>>;
  const entry: HistoryEntry = { at: event.at, type: event.type };
  if (event.actor) entry.actor = event.actor;
  for (const key of ['taskId', 'kind', 'region', 'decision', 'version', 'stage', 'note'] as const) {
    if (d[key] !== undefined) (entry as unknown as Record<string, unknown>)[key] = d[key];
  }
  return entry;
}

/** What a log adds besides the review and its tasks: comments, dispositions, notifications, materials. */
export interface SideRecords {
  comments: CommentRecord[];
  /** The drafter's answers to comments (a consolidation's stay in its event and the opinion). */
  dispositions: (LoggedDisposition & { at: string })[];
  notifications: NotificationRecord[];
  /** Materials supplied at intake (补正), merged into the version under review. */
  materials: { documentId: string; version: number; materials: Partial<Record<MaterialKey, string>> }[];
}

/**
 * The comments, dispositions, notifications and supplied materials that `events` of `review` carry
 * (`review` as it stands after them: a supplement is merged into the version under review).
 */
export function sideRecords(
  review: Pick<ReviewState, 'reviewId' | 'documentId' | 'version' | 'originRegion' | 'org'>,
  events: readonly NewEvent[],
): SideRecords {
  const { reviewId, documentId, version } = review;
  const records: SideRecords = { comments: [], dispositions: [], notifications: [], materials: [] };
  records.notifications.push(...nextStepNotices(review, events));
  for (const event of events) {
    if (event.type === 'task_completed') {
      for (const c of event.data.comments ?? []) records.comments.push({ ...c, reviewId, documentId });
      if (event.data.decision === 'resubmit') {
        for (const d of event.data.dispositions ?? []) records.dispositions.push({ ...d, at: event.at });
      }
      if (event.data.materials) records.materials.push({ documentId, version, materials: event.data.materials });
    } else if ('notification' in event.data) {
      records.notifications.push({ ...event.data.notification, reviewId, createdAt: event.at });
    }
  }
  return records;
}

/**
 * The notifications that tell people what to do next, read off the events: a task arrived for a
 * pool (`task`), the drafting office's document came back for 补正 or revision (`sent_back`, naming
 * what is missing or the comments, in place of a `task` notice), and the review closed with a
 * conclusion (`closed`). Ids derive from the task or review, so a retried write never duplicates one.
 */
function nextStepNotices(
  review: Pick<ReviewState, 'reviewId' | 'originRegion' | 'org'>,
  events: readonly NewEvent[],
): NotificationRecord[] {
  const { reviewId } = review;
  const notices: NotificationRecord[] = [];
  let lastDecision: EventData['task_completed'] | undefined;
  for (const event of events) {
    if (event.type === 'task_completed') lastDecision = event.data;
    if (event.type === 'task_opened') {
      const { task } = event.data;
      const audience = { role: task.role, region: task.region, ...(task.org !== undefined && { org: task.org }) };
      const due = task.dueAt !== null ? { dueAt: task.dueAt } : {};
      const sentBack =
        task.kind === 'supplement' && lastDecision?.decision === 'request_materials'
          ? NOTICE_ZH.materialsMissing(lastDecision.missing ?? [], lastDecision.opinion, task.dueAt)
          : task.kind === 'revision' && lastDecision?.decision === 'request_changes'
            ? NOTICE_ZH.changesRequested(lastDecision.comments ?? [], lastDecision.opinion)
            : undefined;
      notices.push({
        id: `${task.id}:${sentBack ? 'sent_back' : 'task'}`,
        type: sentBack ? 'sent_back' : 'task',
        audience,
        reviewId,
        taskId: task.id,
        ...due,
        message: sentBack ?? NOTICE_ZH.task(task.kind, task.dueAt),
        createdAt: event.at,
      });
    } else if (event.type === 'approved' || event.type === 'rejected' || event.type === 'returned') {
      notices.push({
        id: `${reviewId}:closed`,
        type: 'closed',
        audience: { role: 'drafter', region: review.originRegion, org: review.org },
        reviewId,
        message: NOTICE_ZH.closed(event.data.conclusion, event.data.number),
        createdAt: event.at,
      });
    }
  }
  return notices;
}
