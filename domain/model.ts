/**
 * The vocabulary of the legality review: regions, roles, stages, task kinds and the decisions each
 * kind accepts. Pure data shared by the API, the worker and the workflow (no I/O, no Node APIs).
 */
import type { EventType } from './review-log';

export const REGIONS = ['beijing', 'tianjin', 'hebei'] as const;
export type Region = (typeof REGIONS)[number];

export const ROLES = ['drafter', 'reviewer', 'signer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const TASK_KINDS = [
  'intake',
  'supplement',
  'origin_review',
  'revision',
  'consultation',
  'consolidation',
  'signoff',
  'extension',
  // After the review (domain/after-review.ts): filing for the record and the public's suggestions.
  'filing',
  'filing_registration',
  'filing_supplement',
  'filing_review',
  'filing_correction',
  'suggestion',
  // The exchange (domain/exchange.ts): tasks about a topic or a shared guideline, not a review.
  'topic_answer',
  'guideline_adoption',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const STAGES = [
  'intake',
  'origin_review',
  'revision',
  'consultation',
  'consolidation',
  'signoff',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

/** `failed`: the review's workflow was ended from outside (terminated, reset) and the record says so. */
export const REVIEW_STATUSES = ['in_review', 'approved', 'rejected', 'returned', 'withdrawn', 'failed'] as const;

/** A document's status: a draft until first submitted, then its newest review's; once issued, its validity's. */
export const DOCUMENT_STATUSES = ['draft', ...REVIEW_STATUSES, 'issued', 'expired', 'repealed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * The materials of a submission (国办发〔2018〕115号): 起草说明 (required), 制定依据说明, 征求意见及采纳情况,
 * 公平竞争审查结论, the drafting unit's own legality opinion, other; `attachment` names a file.
 */
export const MATERIAL_KEYS = [
  'draftingExplanation',
  'legalBasisNote',
  'consultationRecord',
  'fairCompetitionConclusion',
  'draftingUnitLegalOpinion',
  'other',
] as const;
export type MaterialKey = (typeof MATERIAL_KEYS)[number];
export const MATERIAL_KINDS = [...MATERIAL_KEYS, 'attachment'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/** Why a draft is returned (退回) without a legality verdict. */
export const RETURN_GROUNDS = ['not_normative_document', 'outside_remit', 'not_ripe', 'other'] as const;
export type ReturnGrounds = (typeof RETURN_GROUNDS)[number];

export const TASK_STATUSES = ['open', 'completed', 'expired', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const CONSULTATION_STATUSES = ['pending', 'responded', 'no_response'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export const CONCLUSIONS = ['legal', 'legal_after_revision', 'illegal', 'returned'] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];
/** The conclusion of a review signed after `revisions` revision rounds. */
export const conclusionOnSigning = (revisions: number): Conclusion =>
  revisions > 0 ? 'legal_after_revision' : 'legal';

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

/**
 * Which decisions each task kind accepts (the task table of API.md). `return` means two things:
 * at intake and origin review it closes the review without a verdict (退回), at sign-off it sends
 * the case back to origin review.
 */
export const DECISIONS_BY_KIND = {
  intake: ['accept', 'request_materials', 'return'],
  supplement: ['supplement'],
  origin_review: ['approve', 'request_changes', 'reject', 'return'],
  revision: ['resubmit'],
  consultation: ['concur', 'concur_with_comments', 'object'],
  consolidation: ['proceed', 'request_changes'],
  signoff: ['sign', 'return'],
  extension: ['approve', 'refuse'],
  // The drafter's filing tasks are completed by their own endpoints (POST /v1/documents/:id/filings, …).
  filing: [],
  filing_registration: ['register', 'defer', 'refuse'],
  filing_supplement: [],
  filing_review: ['no_issue', 'correction_advised'],
  filing_correction: [],
  suggestion: ['reply'],
  topic_answer: ['answer'],
  guideline_adoption: ['adopt', 'decline'],
} as const satisfies Record<TaskKind, readonly string[]>;

export type Decision = (typeof DECISIONS_BY_KIND)[TaskKind][number];
export const DECISIONS = [...new Set(Object.values(DECISIONS_BY_KIND).flat())] as Decision[];

/** The role that acts on each task kind. */
export const ROLE_BY_KIND: Record<TaskKind, Role> = {
  intake: 'reviewer',
  supplement: 'drafter',
  origin_review: 'reviewer',
  revision: 'drafter',
  consultation: 'reviewer',
  consolidation: 'reviewer',
  signoff: 'signer',
  extension: 'signer',
  filing: 'drafter',
  filing_registration: 'reviewer',
  filing_supplement: 'drafter',
  filing_review: 'reviewer',
  filing_correction: 'drafter',
  suggestion: 'reviewer',
  topic_answer: 'reviewer',
  guideline_adoption: 'signer',
};

/** What a filing's registration may be deferred for (备案材料), besides a review's materials. */
export const FILING_MATERIALS = ['filing_report', 'official_text', 'electronic_copy', 'review_opinion'] as const;
export type FilingMaterial = (typeof FILING_MATERIALS)[number];

/** The task kinds a drafting organisation acts on (their tasks carry its `org`). */
export const DRAFTER_KINDS: readonly TaskKind[] = ['supplement', 'revision'];

/** The authenticated caller, as the API derives it from the bearer token. */
export interface Actor {
  sub: string;
  name?: string;
  region: Region;
  roles: Role[];
  org?: string;
}

/** A person of the directory, as a task names its assignee (承办人) and who assigned it. */
export interface PersonRef {
  sub: string;
  name?: string;
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

/**
 * An assistive-review flag the reviewer set aside with a decision: which rule, on which article,
 * and why. Recorded with the decision; a flag never decides anything itself.
 */
export interface DismissedFlagInput {
  ruleId: string;
  article: string;
  reason?: string;
}

/** The body of `POST /v1/tasks/:taskId/complete`, after validation. */
export interface DecisionInput {
  decision: Decision;
  opinion?: string;
  comments?: CommentInput[];
  checklist?: CheckInput[];
  /**
   * For `resubmit`: the drafter's answers to the comments on the version replaced. For `proceed`
   * and `request_changes` at consolidation: the origin body's answers to the consulted regions' comments.
   */
  dispositions?: DispositionInput[];
  /** For `resubmit`: the revised version; the API fills in the document's current version. */
  version?: number;
  /** For `request_materials`: what is missing. */
  missing?: (MaterialKind | FilingMaterial)[];
  /** For `return` at intake or origin review: why the draft goes back without a verdict. */
  grounds?: ReturnGrounds;
  /** For `supplement`: the materials added, merged into the version under review. */
  materials?: Partial<Record<MaterialKey, string>>;
  /** The assistive-review flags the decider set aside (where comments may be made). */
  dismissedFlags?: DismissedFlagInput[];
}

export interface TaskRecord {
  id: string;
  /** On a review's tasks; the tasks after the review have `subject` instead. */
  reviewId: string;
  /** What the task is about (API.md, Release 3): on the tasks after the review. */
  subject?: { type: 'review' | 'topic' | 'guideline' | 'document' | 'filing' | 'suggestion'; id: string };
  documentId: string;
  kind: TaskKind;
  region: Region;
  role: Role;
  /** Only on the drafter's tasks (`supplement`, `revision`): the drafting organisation that owns the document. */
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
  /** 承办人: null while the task is in its region's pool (absent on tasks opened before assignment existed). */
  assignee?: PersonRef | null;
  assignedBy?: PersonRef | null;
  assignedAt?: string | null;
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
  type: EventType;
  actor?: ActorRef;
  taskId?: string;
  kind?: TaskKind;
  region?: Region;
  decision?: Decision;
  version?: number;
  stage?: Stage;
  note?: string;
}

export const NOTIFICATION_TYPES = ['reminder', 'overdue', 'escalation', 'task', 'sent_back', 'closed'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Who a notification is for: everyone with this role (in this region, and organisation for drafters). */
export interface NotificationAudience {
  role: Role;
  region?: Region;
  org?: string;
  /** When set, the notice is for these people only (a task's assignee), not for the whole pool. */
  subs?: string[];
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
  /** When the materials were complete and the clock first started; unset until then. */
  startedAt?: string;
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
  /** The comments made on each version (at which stage), for the disposition rules. */
  commentIndex: { id: string; version: number; severity: Severity; stage?: TaskKind }[];
  /** The checklist of the last origin-review decision, for the opinion. */
  checklist?: CheckInput[];
  revisions: number;
  clock: ClockState;
  /** Set when the clock passed the review's working-day limit; stays set once it has. */
  overdueAt?: string;
  /** When the materials were found complete (受理): the clock runs from here. */
  acceptedAt?: string;
  /** 登记编号, assigned at acceptance. */
  registrationNumber?: string;
  /** 审核意见书编号, assigned when the review closes with an opinion (signed, rejected, returned). */
  opinionNumber?: string;
  /** The numbered 修改意见书 of each revision round. */
  revisionLetters: { round: number; number?: string; at: string }[];
  /** Requests for more time (延期) and how they were decided. */
  extensions: Extension[];
  /** Things a reviewer should know that did not stop the review (e.g. a limit under 5 working days). */
  warnings: string[];
  /** The sequence number of the last event applied: the log's length. */
  lastSeq: number;
}

export const EXTENSION_STATUSES = ['requested', 'approved', 'refused'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

export interface Extension {
  /** The extension task that decides it. */
  taskId: string;
  workingDays: number;
  reason: string;
  status: ExtensionStatus;
  requestedBy: ActorRef;
  at: string;
  decidedBy?: ActorRef;
  decidedAt?: string;
  opinion?: string;
}

export function otherRegions(region: Region): Region[] {
  return REGIONS.filter((r) => r !== region);
}
