/**
 * Who may see and do what (API.md "Who may do what"). Anything a caller may not see is reported as
 * 404 so that guessed ids reveal nothing; what they may see but not do is 403.
 */
import { canActOn } from '../domain/rules';
import type { Actor, ReviewState, TaskRecord } from '../domain/model';
import type { DocumentDoc } from '../store/models';

export function isSupervisor(actor: Actor): boolean {
  return actor.roles.includes('supervisor');
}

/** The drafting organisation `actor` belongs to, if they are a drafter with one. */
export function draftingOrg(actor: Actor): string | undefined {
  return actor.roles.includes('drafter') ? actor.org : undefined;
}

/** Whether `actor` drafts for the organisation that owns something in `region` and `org`. */
export function ownsAsDrafter(actor: Actor, owner: { region: string; org: string }): boolean {
  const org = draftingOrg(actor);
  return org !== undefined && actor.region === owner.region && org === owner.org;
}

/** Whether `actor` is a reviewer or signer of a region that takes part in the review. */
export function takesPartAsReviewBody(
  actor: Actor,
  review: Pick<ReviewState, 'originRegion' | 'consultations'>,
): boolean {
  if (!actor.roles.includes('reviewer') && !actor.roles.includes('signer')) return false;
  return review.originRegion === actor.region || review.consultations?.[actor.region] !== undefined;
}

export function canSeeReview(
  actor: Actor,
  review: Pick<ReviewState, 'originRegion' | 'org' | 'consultations'>,
): boolean {
  return (
    isSupervisor(actor) ||
    ownsAsDrafter(actor, { region: review.originRegion, org: review.org }) ||
    takesPartAsReviewBody(actor, review)
  );
}

/**
 * Whether `actor` may see a document: supervisors and its own organisation always; review bodies
 * once one of the document's reviews involves their region (`reviews` are that document's reviews).
 */
export function canSeeDocument(
  actor: Actor,
  doc: Pick<DocumentDoc, 'region' | 'org'>,
  reviews: Pick<ReviewState, 'originRegion' | 'org' | 'consultations'>[],
): boolean {
  return isSupervisor(actor) || ownsAsDrafter(actor, doc) || reviews.some((r) => takesPartAsReviewBody(actor, r));
}

export function canSeeTask(actor: Actor, task: Pick<TaskRecord, 'region' | 'role' | 'org'>): boolean {
  return isSupervisor(actor) || canActOn(actor, task);
}

/**
 * The tasks `actor` may act on, as alternatives (one per role; supervisors: all). None: no task.
 * Alternatives rather than one `$or`, so each can be answered from an index (api/paging.ts).
 */
export function taskFilterFor(actor: Actor): Record<string, unknown>[] {
  if (isSupervisor(actor)) return [{}];
  const clauses: Record<string, unknown>[] = [];
  for (const role of actor.roles) {
    if (role === 'drafter') {
      if (actor.org !== undefined) clauses.push({ region: actor.region, role, org: actor.org });
    } else if (role !== 'supervisor') {
      clauses.push({ region: actor.region, role });
    }
  }
  return clauses;
}

/**
 * The notifications addressed to `actor`, as alternatives (one per role): those for their pool that
 * name nobody, and those that name them or someone in `standingInFor` (whose delegate they are now).
 */
export function notificationFilterFor(actor: Actor, standingInFor: readonly string[] = []): Record<string, unknown>[] {
  const clauses: Record<string, unknown>[] = [];
  for (const role of actor.roles) {
    if (role === 'supervisor') clauses.push({ 'audience.role': role });
    else if (role === 'drafter') {
      if (actor.org !== undefined)
        clauses.push({ 'audience.role': role, 'audience.region': actor.region, 'audience.org': actor.org });
    } else clauses.push({ 'audience.role': role, 'audience.region': actor.region, 'audience.subs': null });
  }
  for (const sub of [actor.sub, ...standingInFor]) clauses.push({ 'audience.subs': sub });
  return clauses;
}
