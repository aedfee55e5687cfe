/**
 * The business rules a decision must satisfy before the workflow records it. Pure: the workflow's
 * update validator calls it, so a refused decision leaves no trace in the review's history.
 */
import { DEFAULT_POLICY } from './clock';
import { RULE_ZH } from './messages-zh';
import {
  CHECK_ITEMS,
  DECISIONS_BY_KIND,
  MATERIAL_KINDS,
  type Actor,
  type DecisionInput,
  type DispositionInput,
  type PersonRef,
  type ReviewState,
  type TaskKind,
  type TaskRecord,
} from './model';

export type RefusalCode = 'validation_failed' | 'forbidden' | 'not_found' | 'conflict' | 'not_assignee';

export interface FieldProblem {
  path: string;
  message: string;
}

/** Why a request was refused; the API maps `code` to the HTTP status of the contract. */
export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** Whether `actor` is the person a task is for: its region, its role and, for drafters, its organisation. */
export function canActOn(actor: Actor, task: Pick<TaskRecord, 'region' | 'role' | 'org'>): boolean {
  if (actor.region !== task.region || !actor.roles.includes(task.role)) return false;
  return task.role !== 'drafter' || (task.org !== undefined && actor.org === task.org);
}

/** Whether `actor` heads the review body of `region` (its signer, 负责人): they assign its cases. */
export function headsRegion(actor: Actor, region: string): boolean {
  return actor.roles.includes('signer') && actor.region === region;
}

type DecidableTask = Pick<TaskRecord, 'id' | 'region' | 'role' | 'org' | 'status' | 'assignee'>;

/**
 * The one answer to "may this person decide this task now": why not, or undefined when they may.
 * The API asks it of the stored task to refuse early; the workflow's validator asks it of its own
 * state, which is the final word. Once a task is assigned, only its assignee, the person the API
 * vouches is their delegate (`onBehalfOf`, the assignee's sub, while a delegation runs) or the
 * head of the region's review body may decide it.
 */
export function refusalToDecide(actor: Actor, task: DecidableTask, onBehalfOf?: string): Refusal | undefined {
  if (!canActOn(actor, task)) return new Refusal('forbidden', RULE_ZH.notYourTask(task.role, task.region));
  if (task.status !== 'open') return new Refusal('conflict', RULE_ZH.taskNotOpen(task.status));
  const assignee = task.assignee;
  if (assignee && assignee.sub !== actor.sub && onBehalfOf !== assignee.sub && !headsRegion(actor, task.region)) {
    return new Refusal('not_assignee', RULE_ZH.notAssignee(assignee.name ?? assignee.sub), [
      { path: 'assignee', message: assignee.sub },
    ]);
  }
  return undefined;
}

export type AssignmentAction = 'claim' | 'assign' | 'release';

/**
 * Throws a {@link Refusal} unless `actor` may change who handles `task` this way now: anyone who may
 * act on an open, unassigned task claims it; the head assigns or reassigns it (the directory check
 * of the new assignee is the API's); the assignee or the head releases it to the pool. Returns
 * false when the change would change nothing (a claim by the assignee, an assignment to them).
 */
export function checkAssignment(
  task: DecidableTask,
  actor: Actor,
  action: AssignmentAction,
  assignee?: PersonRef,
): boolean {
  const heads = headsRegion(actor, task.region) && task.role !== 'drafter';
  if (action === 'claim' && !canActOn(actor, task)) {
    throw new Refusal('forbidden', `只有${task.region}的${task.role}可以认领此任务`);
  }
  if (action === 'assign' && !heads) throw new Refusal('forbidden', '只有本审核机构负责人可以分办');
  if (action === 'release' && !heads && !canActOn(actor, task)) throw new Refusal('forbidden', '无权退回此任务');
  if (task.status !== 'open') throw new Refusal('conflict', `任务已${task.status}，不能再分办`);
  const current = task.assignee ?? undefined;
  switch (action) {
    case 'claim':
      if (current && current.sub !== actor.sub) {
        throw new Refusal('conflict', `此任务已由${current.name ?? current.sub}承办`, [
          { path: 'assignee', message: current.sub },
        ]);
      }
      return !current;
    case 'assign':
      if (!assignee) throw invalid('assignee', '请指定承办人');
      return current?.sub !== assignee.sub;
    case 'release':
      if (!current) throw new Refusal('conflict', '此任务尚未分办');
      if (current.sub !== actor.sub && !heads) {
        throw new Refusal('not_assignee', '只有承办人或负责人可以退回待分办', [
          { path: 'assignee', message: current.sub },
        ]);
      }
      return true;
  }
}

/** Throws a {@link Refusal} unless `input` is a decision `actor` may take on task `taskId` now. */
export function checkDecision(
  state: ReviewState,
  taskId: string,
  actor: Actor,
  input: DecisionInput,
  onBehalfOf?: string,
): TaskRecord {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new Refusal('not_found', RULE_ZH.taskNotInReview);
  const refusal = refusalToDecide(actor, task, onBehalfOf);
  if (refusal) throw refusal;

  const allowed: readonly string[] = DECISIONS_BY_KIND[task.kind];
  if (!allowed.includes(input.decision)) {
    throw invalid('decision', RULE_ZH.decisionNotAllowed(task.kind, allowed));
  }

  const problems: FieldProblem[] = [];
  const comments = input.comments ?? [];
  const needs = (ok: boolean, path: string, message: string) => ok || problems.push({ path, message });
  const closesWithoutVerdict = input.decision === 'return' && task.kind !== 'signoff';

  comments.forEach((c, i) => {
    if (c.article !== undefined && !state.articleNumbers.includes(c.article)) {
      problems.push({ path: `comments.${i}.article`, message: RULE_ZH.noSuchArticle(state.version, c.article) });
    }
  });
  needs(
    !COMMENTLESS_KINDS.includes(task.kind) || comments.length === 0,
    'comments',
    task.kind === 'revision' ? RULE_ZH.resubmissionAnswersByDispositions : RULE_ZH.noCommentsHere(task.kind),
  );
  (input.dismissedFlags ?? []).forEach((d, i) => {
    if (!state.articleNumbers.includes(d.article)) {
      problems.push({ path: `dismissedFlags.${i}.article`, message: RULE_ZH.noSuchArticle(state.version, d.article) });
    }
  });
  needs(
    !COMMENTLESS_KINDS.includes(task.kind) || (input.dismissedFlags ?? []).length === 0,
    'dismissedFlags',
    RULE_ZH.noFlagsHere,
  );
  needs(task.kind === 'origin_review' || input.checklist === undefined, 'checklist', RULE_ZH.checklistOnlyAtReview);
  needs(
    input.decision === 'resubmit' || task.kind === 'consolidation' || input.dispositions === undefined,
    'dispositions',
    RULE_ZH.dispositionsOnlyHere,
  );
  needs(
    input.decision === 'request_materials' || input.missing === undefined,
    'missing',
    RULE_ZH.missingOnlyWithRequest,
  );
  needs(closesWithoutVerdict || input.grounds === undefined, 'grounds', RULE_ZH.groundsOnlyWithReturn);
  needs(
    input.decision === 'supplement' || input.materials === undefined,
    'materials',
    RULE_ZH.materialsOnlyWithSupplement,
  );

  switch (input.decision) {
    case 'approve':
    case 'reject':
      if (task.kind === 'origin_review') checkChecklist(input, problems);
      if (input.decision === 'reject') needs(hasText(input.opinion), 'opinion', RULE_ZH.opinionNeeded(input.decision));
      break;
    case 'request_changes':
    case 'concur_with_comments':
      needs(comments.length > 0, 'comments', RULE_ZH.commentNeeded(input.decision));
      break;
    case 'object':
    case 'proceed':
    case 'refuse':
      needs(hasText(input.opinion), 'opinion', RULE_ZH.opinionNeeded(input.decision));
      break;
    case 'return':
      needs(hasText(input.opinion), 'opinion', RULE_ZH.opinionNeeded(input.decision));
      if (closesWithoutVerdict) needs(input.grounds !== undefined, 'grounds', RULE_ZH.groundsNeeded);
      break;
    case 'request_materials':
      needs((input.missing ?? []).length > 0, 'missing', RULE_ZH.missingNeeded);
      // The filing materials share the field (a filing's deferral) but are not a review's.
      needs(
        (input.missing ?? []).every((m) => (MATERIAL_KINDS as readonly string[]).includes(m)),
        'missing',
        RULE_ZH.reviewMaterialsOnly,
      );
      needs(hasText(input.opinion), 'opinion', RULE_ZH.missingOpinionNeeded);
      break;
    case 'supplement':
      needs(
        Object.values(input.materials ?? {}).some((v) => hasText(v)),
        'materials',
        RULE_ZH.supplementNeeded,
      );
      break;
    case 'resubmit':
      checkResubmission(state, task, input, problems);
      break;
  }
  if (task.kind === 'consolidation' && input.dispositions) checkConsolidation(state, input, problems);
  if (input.checklist) checkNotes(input, problems);

  if (problems.length > 0) throw new Refusal('validation_failed', RULE_ZH.decisionBreaksRules, problems);
  return task;
}

/** Throws a {@link Refusal} unless `actor` may ask for `workingDays` more for the review now. */
export function checkExtension(
  state: ReviewState,
  actor: Actor,
  workingDays: number,
  maxWorkingDays = DEFAULT_POLICY.maxExtensionWorkingDays ?? 15,
): void {
  checkExtensionRequester(state, actor);
  if (state.status !== 'in_review') throw new Refusal('conflict', RULE_ZH.reviewNotInReview(state.status));
  if (!state.acceptedAt) throw new Refusal('conflict', RULE_ZH.noClockBeforeAcceptance);
  if (state.extensions.some((x) => x.status === 'requested')) {
    throw new Refusal('conflict', RULE_ZH.extensionPending);
  }
  const granted = state.extensions.filter((x) => x.status !== 'refused').reduce((n, x) => n + x.workingDays, 0);
  if (granted + workingDays > maxWorkingDays) {
    throw new Refusal('validation_failed', RULE_ZH.extensionTooLong(maxWorkingDays), [
      { path: 'workingDays', message: RULE_ZH.extensionAtMost(maxWorkingDays - granted) },
    ]);
  }
}

/**
 * Throws a {@link Refusal} unless `actor` is one who asks for more time for the review, whatever its
 * state: a reviewer of its origin region.
 */
export function checkExtensionRequester(state: Pick<ReviewState, 'originRegion'>, actor: Actor): void {
  if (!actor.roles.includes('reviewer') || actor.region !== state.originRegion) {
    throw new Refusal('forbidden', RULE_ZH.onlyOriginReviewerExtends(state.originRegion));
  }
}

/** Throws a {@link Refusal} unless `actor` may withdraw the review now: its drafting organisation, while in review. */
export function checkWithdraw(state: Pick<ReviewState, 'originRegion' | 'org' | 'status'>, actor: Actor): void {
  const ownsIt = actor.roles.includes('drafter') && actor.region === state.originRegion && actor.org === state.org;
  if (!ownsIt) throw new Refusal('forbidden', RULE_ZH.onlyDrafterWithdraws);
  if (state.status !== 'in_review') throw new Refusal('conflict', RULE_ZH.reviewNotInReview(state.status));
}

/** Kinds whose decisions carry no comments of their own. */
const COMMENTLESS_KINDS: readonly TaskKind[] = ['revision', 'intake', 'supplement', 'extension'];

/**
 * A consolidation may answer the consulted regions' comments on the version under review, each
 * with a disposition as a drafter would (a reason unless adopted).
 */
function checkConsolidation(state: ReviewState, input: DecisionInput, problems: FieldProblem[]): void {
  const consulted = new Set(
    state.commentIndex.filter((c) => c.stage === 'consultation' && c.version === state.version).map((c) => c.id),
  );
  checkDispositionList(input.dispositions ?? [], consulted, problems);
}

function checkChecklist(input: DecisionInput, problems: FieldProblem[]): void {
  const checklist = input.checklist ?? [];
  const seen = new Set<string>();
  checklist.forEach((c, i) => {
    if (seen.has(c.item)) problems.push({ path: `checklist.${i}.item`, message: RULE_ZH.checkTwice(c.item) });
    seen.add(c.item);
  });
  const missing = CHECK_ITEMS.filter((item) => !seen.has(item));
  if (missing.length > 0) {
    problems.push({
      path: 'checklist',
      message: RULE_ZH.checklistIncomplete(missing),
    });
  }
  if (input.decision === 'approve') {
    checklist.forEach((c, i) => {
      if (c.result === 'fail')
        problems.push({ path: `checklist.${i}.result`, message: RULE_ZH.approvalWithFailedCheck });
    });
  }
}

function checkNotes(input: DecisionInput, problems: FieldProblem[]): void {
  (input.checklist ?? []).forEach((c, i) => {
    if (c.result !== 'pass' && !hasText(c.note)) {
      problems.push({ path: `checklist.${i}.note`, message: RULE_ZH.noteNeeded(c.result) });
    }
  });
}

function checkResubmission(state: ReviewState, task: TaskRecord, input: DecisionInput, problems: FieldProblem[]): void {
  if (input.version === undefined || input.version <= task.version) {
    problems.push({
      path: 'version',
      message: RULE_ZH.newerVersionNeeded(task.version),
    });
  }
  const answered = checkDispositionList(
    input.dispositions ?? [],
    new Set(state.commentIndex.map((c) => c.id)),
    problems,
  );
  const unanswered = state.commentIndex
    .filter((c) => c.version === task.version && c.severity !== 'advisory' && !answered.has(c.id))
    .map((c) => c.id);
  if (unanswered.length > 0) {
    problems.push({
      path: 'dispositions',
      message: RULE_ZH.dispositionsMissing(unanswered.length),
    });
  }
}

/** Checks each disposition names a known comment once, with a reason unless adopted; returns those answered. */
function checkDispositionList(
  dispositions: DispositionInput[],
  known: ReadonlySet<string>,
  problems: FieldProblem[],
): Set<string> {
  const answered = new Set<string>();
  dispositions.forEach((d, i) => {
    if (!known.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: RULE_ZH.unknownComment(d.commentId) });
    if (answered.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: RULE_ZH.commentAnsweredTwice(d.commentId) });
    if (d.status !== 'adopted' && !hasText(d.reason))
      problems.push({ path: `dispositions.${i}.reason`, message: RULE_ZH.reasonNeeded(d.status) });
    answered.add(d.commentId);
  });
  return answered;
}

function invalid(path: string, message: string): Refusal {
  return new Refusal('validation_failed', message, [{ path, message }]);
}

function hasText(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
