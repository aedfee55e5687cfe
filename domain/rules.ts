/**
 * The business rules a decision must satisfy before the workflow records it. Pure: the workflow's
 * update validator calls it, so a refused decision leaves no trace in the review's history.
 */
import { DEFAULT_POLICY } from './clock';
import {
  CHECK_ITEMS,
  DECISIONS_BY_KIND,
  MATERIAL_KINDS,
  type Actor,
  type DecisionInput,
  type DispositionInput,
  type ReviewState,
  type TaskKind,
  type TaskRecord,
} from './model';

export type RefusalCode = 'validation_failed' | 'forbidden' | 'not_found' | 'conflict';

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

/**
 * The one answer to "may this person decide this task now": why not, or undefined when they may.
 * The API asks it of the stored task to refuse early; the workflow's validator asks it of its own
 * state, which is the final word.
 */
export function refusalToDecide(
  actor: Actor,
  task: Pick<TaskRecord, 'id' | 'region' | 'role' | 'org' | 'status'>,
): Refusal | undefined {
  if (!canActOn(actor, task)) return new Refusal('forbidden', `this task is for a ${task.role} of ${task.region}`);
  if (task.status !== 'open') return new Refusal('conflict', `task ${task.id} is ${task.status}, not open`);
  return undefined;
}

/** Throws a {@link Refusal} unless `input` is a decision `actor` may take on task `taskId` now. */
export function checkDecision(state: ReviewState, taskId: string, actor: Actor, input: DecisionInput): TaskRecord {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new Refusal('not_found', `task ${taskId} is not part of review ${state.reviewId}`);
  const refusal = refusalToDecide(actor, task);
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
      // The filing materials share the field (a filing's deferral) but are not a review's.
      needs(
        (input.missing ?? []).every((m) => (MATERIAL_KINDS as readonly string[]).includes(m)),
        'missing',
        `a review's materials are: ${MATERIAL_KINDS.join(', ')}`,
      );
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
