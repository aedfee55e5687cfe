/**
 * The vocabulary of the legality review: regions, roles, stages, task kinds and the decisions each
 * kind accepts. Pure data shared by the API, the worker and the workflow (no I/O, no Node APIs).
 */

export const REGIONS = ['beijing', 'tianjin', 'hebei'] as const;
export type Region = (typeof REGIONS)[number];

export const ROLES = ['drafter', 'reviewer', 'signer', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export const TASK_KINDS = ['origin_review', 'revision', 'consultation', 'consolidation', 'signoff'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const STAGES = ['origin_review', 'revision', 'consultation', 'consolidation', 'signoff', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const REVIEW_STATUSES = ['in_review', 'approved', 'rejected', 'withdrawn'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const TASK_STATUSES = ['open', 'completed', 'expired', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const CONSULTATION_STATUSES = ['pending', 'responded', 'no_response'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export const CONCLUSIONS = ['legal', 'legal_after_revision', 'illegal'] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];

export const SEVERITIES = ['blocking', 'amend', 'advisory'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The seven checklist items of the origin review; `approve` and `reject` need every one. */
export const CHECK_ITEMS = [
  'authority',
  'competence',
  'content',
  'procedure',
  'form',
  'fair_competition',
  'regional_consistency',
] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];

export const CHECK_RESULTS = ['pass', 'fail', 'not_applicable'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export const DISPOSITION_STATUSES = ['adopted', 'partly_adopted', 'not_adopted'] as const;
export type DispositionStatus = (typeof DISPOSITION_STATUSES)[number];

/** Which decisions each task kind accepts (the task table of API.md). */
export const DECISIONS_BY_KIND = {
  origin_review: ['approve', 'request_changes', 'reject'],
  revision: ['resubmit'],
  consultation: ['concur', 'concur_with_comments', 'object'],
  consolidation: ['proceed', 'request_changes'],
  signoff: ['sign', 'return'],
} as const satisfies Record<TaskKind, readonly string[]>;

export type Decision = (typeof DECISIONS_BY_KIND)[TaskKind][number];
export const DECISIONS = [...new Set(Object.values(DECISIONS_BY_KIND).flat())] as Decision[];

/** The role that acts on each task kind. */
export const ROLE_BY_KIND: Record<TaskKind, Role> = {
  origin_review: 'reviewer',
  revision: 'drafter',
  consultation: 'reviewer',
  consolidation: 'reviewer',
  signoff: 'signer',
};

/** The authenticated caller, as the API derives it from the bearer token. */
export interface Actor {
  sub: string;
  name?: string;
  region: Region;
  roles: Role[];
  org?: string;
}

/** Who did something, as recorded on tasks, comments and history. */
export interface ActorRef {
  sub: string;
  name?: string;
  region: Region;
  role: Role;
}

export interface CommentInput {
  article?: string;
  text: string;
  severity?: Severity;
  basis?: string;
}

export interface CheckInput {
  item: CheckItem;
  result: CheckResult;
  note?: string;
}

export interface DispositionInput {
  commentId: string;
  status: DispositionStatus;
  reason?: string;
}

/** The body of `POST /v1/tasks/:taskId/complete`, after validation. */
export interface DecisionInput {
  decision: Decision;
  opinion?: string;
  comments?: CommentInput[];
  checklist?: CheckInput[];
  dispositions?: DispositionInput[];
  /** For `resubmit`: the revised version; the API fills in the document's current version. */
  version?: number;
}

export interface TaskRecord {
  id: string;
  reviewId: string;
  documentId: string;
  kind: TaskKind;
  region: Region;
  role: Role;
  /** Only on `revision` tasks: the drafting organisation that owns the document. */
  org?: string;
  status: TaskStatus;
  version: number;
  dueAt: string | null;
  /** When the people who can act on it are reminded: one working day before `dueAt`. */
  remindAt?: string;
  /** Set when the reminder went out. */
  remindedAt?: string;
  /** Set when `dueAt` passed with the task still open (consultations expire instead). */
  overdueAt?: string;
  createdAt: string;
  completedAt?: string;
  decision?: Decision;
  completedBy?: ActorRef;
  opinion?: string;
}

export interface Disposition {
  status: DispositionStatus;
  reason?: string;
  at: string;
}

export interface CommentRecord {
  id: string;
  reviewId: string;
  documentId: string;
  taskId: string;
  version: number;
  stage: TaskKind;
  article?: string;
  text: string;
  severity: Severity;
  basis?: string;
  author: ActorRef;
  disposition?: Disposition;
  createdAt: string;
}

export interface ConsultationState {
  status: ConsultationStatus;
  taskId?: string;
  decision?: Decision;
  opinion?: string;
  respondedAt?: string;
  respondedBy?: ActorRef;
}

export interface HistoryEntry {
  at: string;
  type: string;
  actor?: ActorRef;
  taskId?: string;
  kind?: TaskKind;
  region?: Region;
  decision?: Decision;
  version?: number;
  stage?: Stage;
  note?: string;
}

export const NOTIFICATION_TYPES = ['reminder', 'overdue', 'escalation'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Who a notification is for: everyone with this role (in this region, and organisation for drafters). */
export interface NotificationAudience {
  role: Role;
  region?: Region;
  org?: string;
}

/** A reminder, overdue notice or escalation, raised by the workflow when a deadline comes. */
export interface NotificationRecord {
  /** Derived from the task and the type, so a retried write never duplicates it. */
  id: string;
  type: NotificationType;
  audience: NotificationAudience;
  reviewId: string;
  taskId?: string;
  dueAt?: string;
  message: string;
  createdAt: string;
}

export interface Outcome {
  conclusion?: Conclusion;
  at: string;
  by?: ActorRef;
  opinion?: string;
}

/** The pieces of the review clock that the deadlines view is computed from. */
export interface ClockState {
  /** When the materials were complete and the clock first started. */
  startedAt: string;
  /** Working-day budget of the whole review. */
  limitWorkingDays: number;
  /** Elapsed working time banked before the current run, in milliseconds of working time. */
  usedMsBeforeRun: number;
  /** When the current run started; absent while the clock is stopped. */
  runningSince?: string;
  /** When the current run (or, once stopped, the last run) reaches the review's working-day limit. */
  dueAt?: string;
}

/**
 * The review as the workflow keeps it: a fold of its event log (`domain/review-log.ts`). Every
 * change is an event, so the state can be rebuilt from the log that MongoDB keeps for good.
 */
export interface ReviewState {
  reviewId: string;
  documentId: string;
  originRegion: Region;
  org: string;
  drafter: ActorRef;
  version: number;
  urgent: boolean;
  status: ReviewStatus;
  stage: Stage;
  outcome?: Outcome;
  submittedAt: string;
  closedAt?: string;
  tasks: TaskRecord[];
  consultations: Partial<Record<Region, ConsultationState>>;
  /** Article numbers of the version under review, so decisions can be checked against them. */
  articleNumbers: string[];
  /** Ids and severities of the comments made on each version, for the disposition rule. */
  commentIndex: { id: string; version: number; severity: Severity }[];
  /** The checklist of the last origin-review decision, for the opinion. */
  checklist?: CheckInput[];
  revisions: number;
  clock: ClockState;
  /** Set when the clock passed the review's working-day limit; stays set once it has. */
  overdueAt?: string;
  /** The sequence number of the last event applied: the log's length. */
  lastSeq: number;
}

export function otherRegions(region: Region): Region[] {
  return REGIONS.filter((r) => r !== region);
}
