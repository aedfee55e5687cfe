/**
 * The business rules a decision must satisfy before the workflow records it. Pure: the workflow's
 * update validator calls it, so a refused decision leaves no trace in the review's history.
 */
import { DEFAULT_POLICY } from './clock';
import {
  CHECK_ITEMS,
  DECISIONS_BY_KIND,
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
  if (!canActOn(actor, task)) return new Refusal('forbidden', `this task is for a ${task.role} of ${task.region}`);
  if (task.status !== 'open') return new Refusal('conflict', `task ${task.id} is ${task.status}, not open`);
  const assignee = task.assignee;
  if (assignee && assignee.sub !== actor.sub && onBehalfOf !== assignee.sub && !headsRegion(actor, task.region)) {
    return new Refusal(
      'not_assignee',
      `此任务已分办给${assignee.name ?? assignee.sub}，只有承办人、其代理人或负责人可以办理`,
      [{ path: 'assignee', message: assignee.sub }],
    );
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
  if (!task) throw new Refusal('not_found', `task ${taskId} is not part of review ${state.reviewId}`);
  const refusal = refusalToDecide(actor, task, onBehalfOf);
  if (refusal) throw refusal;

  const allowed: readonly string[] = DECISIONS_BY_KIND[task.kind];
  if (!allowed.includes(input.decision)) {
    throw invalid('decision', `a ${task.kind} task takes one of: ${allowed.join(', ')}`);
  }

  const problems: FieldProblem[] = [];
  const comments = input.comments ?? [];
  const needs = (ok: boolean, path: string, message: string) => ok || problems.push({ path, message });
  const closesWithoutVerdict = input.decision === 'return' && task.kind !== 'signoff';

  comments.forEach((c, i) => {
    if (c.article !== undefined && !state.articleNumbers.includes(c.article)) {
      problems.push({ path: `comments.${i}.article`, message: `version ${state.version} has no article ${c.article}` });
    }
  });
  needs(
    !COMMENTLESS_KINDS.includes(task.kind) || comments.length === 0,
    'comments',
    task.kind === 'revision'
      ? 'a resubmission answers comments through dispositions'
      : `a ${task.kind} decision carries no comments`,
  );
  (input.dismissedFlags ?? []).forEach((d, i) => {
    if (!state.articleNumbers.includes(d.article)) {
      problems.push({ path: `dismissedFlags.${i}.article`, message: `第 ${state.version} 版没有第${d.article}条` });
    }
  });
  needs(
    !COMMENTLESS_KINDS.includes(task.kind) || (input.dismissedFlags ?? []).length === 0,
    'dismissedFlags',
    '此类任务的决定不处理合法性预检提示',
  );
  needs(
    task.kind === 'origin_review' || input.checklist === undefined,
    'checklist',
    'only an origin review records a checklist',
  );
  needs(
    input.decision === 'resubmit' || task.kind === 'consolidation' || input.dispositions === undefined,
    'dispositions',
    'only a resubmission or a consolidation carries dispositions',
  );
  needs(
    input.decision === 'request_materials' || input.missing === undefined,
    'missing',
    'only a request for materials lists what is missing',
  );
  needs(closesWithoutVerdict || input.grounds === undefined, 'grounds', 'only a return without a verdict has grounds');
  needs(
    input.decision === 'supplement' || input.materials === undefined,
    'materials',
    'only a supplement adds materials',
  );

  switch (input.decision) {
    case 'approve':
    case 'reject':
      if (task.kind === 'origin_review') checkChecklist(input, problems);
      if (input.decision === 'reject') needs(hasText(input.opinion), 'opinion', 'a rejection needs an opinion');
      break;
    case 'request_changes':
    case 'concur_with_comments':
      needs(comments.length > 0, 'comments', `${input.decision} needs at least one comment`);
      break;
    case 'object':
    case 'proceed':
    case 'refuse':
      needs(hasText(input.opinion), 'opinion', `${input.decision} needs an opinion`);
      break;
    case 'return':
      needs(hasText(input.opinion), 'opinion', 'a return needs an opinion');
      if (closesWithoutVerdict)
        needs(input.grounds !== undefined, 'grounds', 'a return without a verdict needs its grounds');
      break;
    case 'request_materials':
      needs((input.missing ?? []).length > 0, 'missing', 'name at least one missing material');
      needs(hasText(input.opinion), 'opinion', 'say what the drafting office should supply (opinion)');
      break;
    case 'supplement':
      needs(
        Object.values(input.materials ?? {}).some((v) => hasText(v)),
        'materials',
        'a supplement adds at least one material (attachments are uploaded separately)',
      );
      break;
    case 'resubmit':
      checkResubmission(state, task, input, problems);
      break;
  }
  if (task.kind === 'consolidation' && input.dispositions) checkConsolidation(state, input, problems);
  if (input.checklist) checkNotes(input, problems);

  if (problems.length > 0) throw new Refusal('validation_failed', 'the decision breaks the review rules', problems);
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
  if (state.status !== 'in_review') throw new Refusal('conflict', `the review is already ${state.status}`);
  if (!state.acceptedAt) throw new Refusal('conflict', 'the review has no clock until its materials are accepted');
  if (state.extensions.some((x) => x.status === 'requested')) {
    throw new Refusal('conflict', 'an extension is already waiting for a decision');
  }
  const granted = state.extensions.filter((x) => x.status !== 'refused').reduce((n, x) => n + x.workingDays, 0);
  if (granted + workingDays > maxWorkingDays) {
    throw new Refusal('validation_failed', `extensions may add at most ${maxWorkingDays} working days in all`, [
      { path: 'workingDays', message: `at most ${maxWorkingDays - granted} more` },
    ]);
  }
}

/**
 * Throws a {@link Refusal} unless `actor` is one who asks for more time for the review, whatever its
 * state: a reviewer of its origin region.
 */
export function checkExtensionRequester(state: Pick<ReviewState, 'originRegion'>, actor: Actor): void {
  if (!actor.roles.includes('reviewer') || actor.region !== state.originRegion) {
    throw new Refusal('forbidden', `only a reviewer of ${state.originRegion} asks for more time for this review`);
  }
}

/** Throws a {@link Refusal} unless `actor` may withdraw the review now: its drafting organisation, while in review. */
export function checkWithdraw(state: Pick<ReviewState, 'originRegion' | 'org' | 'status'>, actor: Actor): void {
  const ownsIt = actor.roles.includes('drafter') && actor.region === state.originRegion && actor.org === state.org;
  if (!ownsIt) throw new Refusal('forbidden', 'only the drafting organisation can withdraw its review');
  if (state.status !== 'in_review') throw new Refusal('conflict', `the review is already ${state.status}`);
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
  checkDispositionList(input.dispositions ?? [], consulted, "a consulted region's comment on this version", problems);
}

function checkChecklist(input: DecisionInput, problems: FieldProblem[]): void {
  const checklist = input.checklist ?? [];
  const seen = new Set<string>();
  checklist.forEach((c, i) => {
    if (seen.has(c.item)) problems.push({ path: `checklist.${i}.item`, message: `${c.item} appears twice` });
    seen.add(c.item);
  });
  const missing = CHECK_ITEMS.filter((item) => !seen.has(item));
  if (missing.length > 0) {
    problems.push({
      path: 'checklist',
      message: `${input.decision} needs every checklist item; missing: ${missing.join(', ')}`,
    });
  }
  if (input.decision === 'approve') {
    checklist.forEach((c, i) => {
      if (c.result === 'fail')
        problems.push({ path: `checklist.${i}.result`, message: 'an approval cannot carry a failed check' });
    });
  }
}

function checkNotes(input: DecisionInput, problems: FieldProblem[]): void {
  (input.checklist ?? []).forEach((c, i) => {
    if (c.result !== 'pass' && !hasText(c.note)) {
      problems.push({ path: `checklist.${i}.note`, message: `a ${c.result} result needs a note` });
    }
  });
}

function checkResubmission(state: ReviewState, task: TaskRecord, input: DecisionInput, problems: FieldProblem[]): void {
  if (input.version === undefined || input.version <= task.version) {
    problems.push({
      path: 'version',
      message: `resubmit needs a version newer than ${task.version}: add one with POST /v1/documents/${state.documentId}/versions`,
    });
  }
  const answered = checkDispositionList(
    input.dispositions ?? [],
    new Set(state.commentIndex.map((c) => c.id)),
    'a comment in this review',
    problems,
  );
  const unanswered = state.commentIndex
    .filter((c) => c.version === task.version && c.severity !== 'advisory' && !answered.has(c.id))
    .map((c) => c.id);
  if (unanswered.length > 0) {
    problems.push({
      path: 'dispositions',
      message: `every blocking and amend comment needs a disposition; missing: ${unanswered.join(', ')}`,
    });
  }
}

/** Checks each disposition names a known comment once, with a reason unless adopted; returns those answered. */
function checkDispositionList(
  dispositions: DispositionInput[],
  known: ReadonlySet<string>,
  what: string,
  problems: FieldProblem[],
): Set<string> {
  const answered = new Set<string>();
  dispositions.forEach((d, i) => {
    if (!known.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: `${d.commentId} is not ${what}` });
    if (answered.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: `${d.commentId} is answered twice` });
    if (d.status !== 'adopted' && !hasText(d.reason))
      problems.push({ path: `dispositions.${i}.reason`, message: `${d.status} needs a reason` });
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
