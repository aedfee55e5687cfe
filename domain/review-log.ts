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
  type DispositionStatus,
  type HistoryEntry,
  type NotificationRecord,
  type Region,
  type ReviewState,
  type ReviewStatus,
  type Stage,
  type TaskKind,
  type TaskRecord,
} from './model';

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
  clock_started: { dueAt: string };
  clock_stopped: { usedMs: number; note: string };
  clock_resumed: { dueAt: string; note: string };
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
  };
  resubmitted: { version: number; articleNumbers: string[] };
  consultation_expired: { taskId: string; kind: TaskKind; region: Region; note: string };
  reminder_sent: { taskId: string; kind: TaskKind; region: Region; notification: LoggedNotification };
  task_overdue: { taskId: string; kind: TaskKind; region: Region; notification: LoggedNotification };
  escalated: { taskId?: string; kind?: TaskKind; note: string; notification: LoggedNotification };
  review_overdue: { dueAt: string; note: string };
  approved: Closing;
  rejected: Closing;
  withdrawn: Closing;
}

/** How a review closed: the outcome, and the working time used when its clock stopped for good. */
export interface Closing {
  conclusion?: Conclusion;
  /** The closing opinion (a rejection's, a signer's) or the withdrawal's reason; also the history note. */
  opinion?: string;
  note?: string;
  clockUsedMs: number;
}

export type EventType = keyof EventData;

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
    stage: 'origin_review',
    submittedAt: e.at,
    tasks: [],
    consultations: {},
    articleNumbers: d.articleNumbers,
    commentIndex: [],
    revisions: 0,
    clock: { startedAt: e.at, limitWorkingDays: d.limitWorkingDays, usedMsBeforeRun: 0 },
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
    case 'clock_started':
    case 'clock_resumed':
      state.clock.runningSince = at;
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
    case 'approved':
    case 'rejected':
    case 'withdrawn':
      close(state, event.type, event.at, event.actor, event.data);
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
  for (const c of data.comments ?? []) state.commentIndex.push({ id: c.id, version: c.version, severity: c.severity });
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

/** What a log adds besides the review and its tasks: comments, dispositions and notifications. */
export interface SideRecords {
  comments: CommentRecord[];
  dispositions: (LoggedDisposition & { at: string })[];
  notifications: NotificationRecord[];
}

/** The comments, dispositions and notifications that `events` of review `reviewId` carry. */
export function sideRecords(reviewId: string, documentId: string, events: readonly NewEvent[]): SideRecords {
  const records: SideRecords = { comments: [], dispositions: [], notifications: [] };
  for (const event of events) {
    if (event.type === 'task_completed') {
      for (const c of event.data.comments ?? []) records.comments.push({ ...c, reviewId, documentId });
      for (const d of event.data.dispositions ?? []) records.dispositions.push({ ...d, at: event.at });
    } else if ('notification' in event.data) {
      records.notifications.push({ ...event.data.notification, reviewId, createdAt: event.at });
    }
  }
  return records;
}
