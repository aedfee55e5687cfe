/**
 * The decision rules of release 1, frozen for the reviews it started (see domain/legacy.ts).
 */
import { LEGACY_DECISIONS_BY_KIND, type LegacyReviewState as ReviewState } from '../../domain/legacy';
import { CHECK_ITEMS, type Actor, type DecisionInput, type TaskRecord } from '../../domain/model';
import { Refusal, canActOn, type FieldProblem } from '../../domain/rules';

/** Throws a {@link Refusal} unless `input` is a decision `actor` may take on task `taskId` now. */
export function checkDecision(state: ReviewState, taskId: string, actor: Actor, input: DecisionInput): TaskRecord {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new Refusal('not_found', `task ${taskId} is not part of review ${state.reviewId}`);
  if (!canActOn(actor, task)) {
    throw new Refusal('forbidden', `this task is for a ${task.role} of ${task.region}`);
  }
  if (task.status !== 'open') throw new Refusal('conflict', `task ${taskId} is ${task.status}, not open`);

  const allowed: readonly string[] = LEGACY_DECISIONS_BY_KIND[task.kind] ?? [];
  if (!allowed.includes(input.decision)) {
    throw invalid('decision', `a ${task.kind} task takes one of: ${allowed.join(', ')}`);
  }

  const problems: FieldProblem[] = [];
  const comments = input.comments ?? [];
  const needs = (ok: boolean, path: string, message: string) => ok || problems.push({ path, message });

  comments.forEach((c, i) => {
    if (c.article !== undefined && !state.articleNumbers.includes(c.article)) {
      problems.push({ path: `comments.${i}.article`, message: `version ${state.version} has no article ${c.article}` });
    }
  });
  needs(
    task.kind !== 'revision' || comments.length === 0,
    'comments',
    'a resubmission answers comments through dispositions',
  );
  needs(
    task.kind === 'origin_review' || input.checklist === undefined,
    'checklist',
    'only an origin review records a checklist',
  );
  needs(
    input.decision === 'resubmit' || input.dispositions === undefined,
    'dispositions',
    'only a resubmission carries dispositions',
  );

  switch (input.decision) {
    case 'approve':
    case 'reject':
      checkChecklist(input, problems);
      if (input.decision === 'reject') needs(hasText(input.opinion), 'opinion', 'a rejection needs an opinion');
      break;
    case 'request_changes':
    case 'concur_with_comments':
      needs(comments.length > 0, 'comments', `${input.decision} needs at least one comment`);
      break;
    case 'object':
    case 'proceed':
    case 'return':
      needs(hasText(input.opinion), 'opinion', `${input.decision} needs an opinion`);
      break;
    case 'resubmit':
      checkResubmission(state, task, input, problems);
      break;
  }
  if (input.checklist) checkNotes(input, problems);

  if (problems.length > 0) throw new Refusal('validation_failed', 'the decision breaks the review rules', problems);
  return task;
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
  const dispositions = input.dispositions ?? [];
  const known = new Set(state.commentIndex.map((c) => c.id));
  const answered = new Set<string>();
  dispositions.forEach((d, i) => {
    if (!known.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: `no comment ${d.commentId} in this review` });
    if (answered.has(d.commentId))
      problems.push({ path: `dispositions.${i}.commentId`, message: `${d.commentId} is answered twice` });
    if (d.status !== 'adopted' && !hasText(d.reason))
      problems.push({ path: `dispositions.${i}.reason`, message: `${d.status} needs a reason` });
    answered.add(d.commentId);
  });
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

function invalid(path: string, message: string): Refusal {
  return new Refusal('validation_failed', message, [{ path, message }]);
}

function hasText(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
