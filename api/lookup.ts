/**
 * Loading documents and reviews on behalf of a caller: each loader checks visibility and answers
 * 404 for what the caller may not see.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Actor, ReviewState } from '../domain/model';
import { reviewStateQuery } from '../domain/messages';
import type { DocumentDoc, ReviewDoc } from '../store/models';
import { canSeeDocument, canSeeReview } from './access';
import type { ApiDeps } from './deps';
import { ApiError } from './errors';

/** How long a live query may take before the stored mirror is served instead. */
const QUERY_DEADLINE_MS = 5000;

export async function documentFor(
  deps: ApiDeps,
  actor: Actor,
  id: string,
): Promise<{ doc: DocumentDoc; reviews: ReviewDoc[] }> {
  const doc = await deps.models.Document.findById(id).lean<DocumentDoc>();
  if (!doc) throw ApiError.notFound('document');
  // Reviews of one document are few; their mirrors say which regions take part.
  const reviews = await deps.models.Review.find({ documentId: id }).lean<ReviewDoc[]>();
  if (
    !canSeeDocument(
      actor,
      doc,
      reviews.map((r) => r.state),
    )
  )
    throw ApiError.notFound('document');
  return { doc, reviews };
}

export interface LoadedReview {
  /** The newest state known: the live query, or the mirror when the workflow cannot answer. */
  state: ReviewState;
  mirror: ReviewDoc | null;
}

/** The review `id` if `actor` may see it, with its freshest state. */
export async function reviewFor(deps: ApiDeps, actor: Actor, id: string): Promise<LoadedReview> {
  const mirror = await deps.models.Review.findById(id).lean<ReviewDoc>();
  if (mirror) {
    if (!canSeeReview(actor, mirror.state)) throw ApiError.notFound('review');
    const live = await liveState(deps, id, true);
    const state = live && live.stateVersion >= (mirror.state.stateVersion ?? 0) ? live : mirror.state;
    return { state, mirror };
  }
  // Not mirrored yet (it has just started): ask the workflow itself.
  const live = await liveState(deps, id, false);
  if (!live || !canSeeReview(actor, live)) throw ApiError.notFound('review');
  return { state: live, mirror: null };
}

async function liveState(deps: ApiDeps, id: string, haveFallback: boolean): Promise<ReviewState | undefined> {
  try {
    const handle = deps.temporal.workflow.getHandle(id);
    return await deps.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(reviewStateQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    if (!haveFallback) throw err;
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'review query failed; serving the stored state',
        reviewId: id,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    return undefined;
  }
}
