/**
 * Reviews: submitting a document, withdrawing, asking for more time, and reading a review, its
 * opinion, its revision letters and its log. Whether a request that changes a review may be made
 * is decided by the review's workflow (domain/rules.ts); these functions refuse early what the
 * caller may not even see, and make retries safe.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ReviewInput, SubmittedReview } from '../../domain/messages';
import { reviewWorkflowId } from '../../domain/messages';
import { refOf } from '../../domain/exchange';
import type { Actor } from '../../domain/model';
import { checkExtensionRequester, checkWithdraw } from '../../domain/rules';
import { isDuplicateKey } from '../../store/mongo';
import {
  versionId,
  type DocumentDoc,
  type EventDoc,
  type RecordDoc,
  type ReviewClaimDoc,
  type ReviewDoc,
  type VersionDoc,
  reviewFromDoc,
} from '../../store/models';
import { liveRecordingStore } from '../../store/recording-store';
import { draftOpinion, freezeOpinion, letterRecordId, opinionRecordId } from '../../store/records';
import { isSupervisor } from '../access';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { onceForKey, type Answer } from '../once';
import { allOf, decodeCursor, newestFirst } from '../paging';
import { currentTimeModel } from '../calendar/use-cases';
import { documentFor, latestVersion } from '../documents/queries';
import { personOf, requireOwner } from '../documents/use-cases';
import { requestExtension as askForExtension, startReview, withdrawReview as sendWithdrawal } from './engine';
import { firstMonth, logOf, reviewDetail, reviewFor } from './queries';
import { verifyRecord, type RecordVerdict } from './record-proof';

/**
 * `POST /v1/documents/:id/reviews`: the owning drafter submits the current version. Answers (202,
 * the review started) once the review's first task is stored.
 */
export async function submitReview(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  body: { urgent?: boolean },
  requestId: string,
  idempotencyKey?: string,
): Promise<Answer> {
  const { doc } = await documentFor(ctx, actor, documentId);
  requireOwner(actor, doc, 'submit this document for review');
  // A retry with the same key (say, after a 503) gets the first answer, not "already active".
  return onceForKey(ctx, { scope: `submit:${doc._id}`, actor, key: idempotencyKey, body }, async () => ({
    status: 202,
    body: await startReviewOf(ctx, actor, doc, body, requestId, idempotencyKey && `${actor.sub}:${idempotencyKey}`),
  }));
}

async function startReviewOf(
  ctx: AppContext,
  actor: Actor,
  doc: DocumentDoc,
  body: { urgent?: boolean },
  requestId: string,
  idempotent: string | undefined,
): Promise<SubmittedReview & { documentId: string }> {
  const { models, config } = ctx;
  const { version: current } = await latestVersion(ctx, doc._id);
  const version = await models.Version.findById(versionId(doc._id, current)).lean<VersionDoc>();
  if (!version) throw AppError.notFound('document');
  const explanation = version.materials?.draftingExplanation;
  if (typeof explanation !== 'string' || explanation.trim() === '') {
    throw AppError.invalid(
      'materials.draftingExplanation',
      'the materials are incomplete: a drafting explanation is required',
    );
  }

  const reviewId = await claimDocument(ctx, doc, idempotent);
  // The years loaded as data travel in the review's input: its workflow computes on them, never reads the store.
  const timeModel = await currentTimeModel(ctx);
  const input = reviewInput({
    reviewId,
    doc,
    version,
    drafter: actor,
    urgent: body.urgent,
    at: ctx.now(),
    config: { ...config, timeModel },
  });
  try {
    return { documentId: doc._id, ...(await startReview(ctx, input, requestId, idempotent)) };
  } catch (err) {
    // Give the document back, but only our own claim and only if the review did not start.
    if (!(err instanceof AppError && err.code === 'unavailable')) {
      await models.ReviewClaim.deleteOne({ _id: doc._id, reviewId }).catch(() => undefined);
    }
    throw err;
  }
}

/** What a review's workflow starts from: `version` of `doc`, submitted by `drafter` at `at`. */
export function reviewInput({
  reviewId,
  doc,
  version,
  drafter,
  urgent,
  at,
  config,
}: {
  reviewId: string;
  doc: Pick<DocumentDoc, '_id' | 'region' | 'org'>;
  version: Pick<VersionDoc, 'version' | 'articles' | 'urgent'>;
  drafter: Actor;
  /** As the submission asks; the version's own flag otherwise. */
  urgent: boolean | undefined;
  at: Date;
  config: Pick<AppContext['config'], 'policy' | 'timeModel'>;
}): ReviewInput {
  return {
    reviewId,
    documentId: doc._id,
    originRegion: doc.region,
    org: doc.org,
    drafter: personOf(drafter),
    version: version.version,
    articleNumbers: version.articles.map((a) => a.number),
    urgent: urgent ?? version.urgent ?? false,
    submittedAt: at.toISOString(),
    policy: config.policy,
    timeModel: config.timeModel,
  };
}

/**
 * The claim by which review `reviewId` holds its document from `at` on; `idempotent`, the
 * submission's caller and Idempotency-Key when it sent one.
 */
export function claimRecord(documentId: string, reviewId: string, at: Date, idempotent?: string): ReviewClaimDoc {
  return { _id: documentId, reviewId, claimedAt: at, ...(idempotent && { idempotent }) };
}

/**
 * Claims the document for a new review and returns the review's id. The claim is an insert keyed
 * by the document id, which the store accepts once: of concurrent submissions exactly one wins and
 * the others get 409, on MongoDB and on the embedded store alike. A claim left by a review that
 * has since closed, or by a submission that crashed before starting its workflow, is released first.
 * A retry of the submission that made the claim (same caller and Idempotency-Key) gets its review.
 */
async function claimDocument(ctx: AppContext, doc: DocumentDoc, idempotent: string | undefined): Promise<string> {
  const { models } = ctx;
  for (let attempt = 0; attempt < 2; attempt++) {
    // The claim holder alone starts a review, so counting the reviews stored gives the next number.
    const previous = await models.Review.countDocuments({ documentId: doc._id });
    const reviewId = reviewWorkflowId(doc._id, previous + 1);
    try {
      await models.ReviewClaim.create(claimRecord(doc._id, reviewId, ctx.now(), idempotent));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const claim = await models.ReviewClaim.findById(doc._id).lean<ReviewClaimDoc>();
      if (claim && idempotent !== undefined && claim.idempotent === idempotent) return claim.reviewId;
      if (claim && !(await isStaleClaim(ctx, claim))) {
        throw AppError.conflict(`review ${claim.reviewId} is already active for this document`);
      }
      if (claim) await models.ReviewClaim.deleteOne({ _id: doc._id, reviewId: claim.reviewId });
      continue;
    }
    return reviewId;
  }
  throw AppError.conflict('a review is already active for this document');
}

/** How long a claim may wait for its workflow before it counts as left behind by a crash. */
const CLAIM_GRACE_MS = 30_000;

/**
 * Whether a claim no longer holds: its review has closed (the close releases it; this covers a
 * release cut short), or it belongs to a submission that died between claiming the document and
 * starting the workflow: the claim is old and Temporal has no such workflow.
 */
async function isStaleClaim(ctx: AppContext, claim: ReviewClaimDoc): Promise<boolean> {
  const review = await ctx.models.Review.findById(claim.reviewId, { status: 1 }).lean<{ status: string }>();
  if (review) return review.status !== 'in_review';
  if (ctx.now().getTime() - new Date(claim.claimedAt).getTime() < CLAIM_GRACE_MS) return false;
  try {
    await ctx.temporal.withDeadline(Date.now() + ctx.config.readTimeoutMs, () =>
      ctx.temporal.workflow.getHandle(claim.reviewId).describe(),
    );
    return false;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true;
    throw err;
  }
}

/** `GET /v1/reviews` (supervisors): reviews newest first, filtered. */
export async function listReviews(
  ctx: AppContext,
  actor: Actor,
  query: {
    region?: string;
    status?: string;
    stage?: string;
    overdue?: boolean;
    documentId?: string;
    limit: number;
    cursor?: string;
  },
): Promise<{ page: ReviewDoc[]; nextCursor: string | null; at: Date }> {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (!isSupervisor(actor)) throw AppError.forbidden('only supervisors list reviews');
  const filter: Record<string, unknown> = {};
  if (query.region) filter.originRegion = query.region;
  if (query.status) filter.status = query.status;
  if (query.stage) filter.stage = query.stage;
  if (query.documentId) filter.documentId = query.documentId;
  const at = ctx.now();
  // Overdue from the due instant on: the projection's first due date, not the engine's marking.
  // Only a review in progress has one.
  const lateness =
    query.overdue === true
      ? { status: 'in_review', earliestDueAt: { $lt: at } }
      : query.overdue === false
        ? { $or: [{ earliestDueAt: null }, { earliestDueAt: { $gte: at } }] }
        : {};
  // Reviews in progress are a small set by their filter; the rest is read a month at a time.
  const small = query.status === 'in_review' || query.overdue === true || query.documentId !== undefined;
  const { page, nextCursor } = await newestFirst({
    model: ctx.models.Review,
    anyOf: [{}],
    where: allOf(filter, lateness),
    sortBy: { field: 'submittedAt', isDate: true },
    limit: query.limit,
    cursor,
    ...(!small && { byMonth: { now: at, firstMonth: await firstMonth(ctx) } }),
  });
  return { page, nextCursor, at };
}

/** `GET /v1/reviews/:reviewId`: the review with its tasks and history. */
export async function readReview(ctx: AppContext, actor: Actor, reviewId: string) {
  // Read together, in one round trip's time; nothing of the review is answered before `reviewFor` lets
  // the caller see it. The deadlines are shown on the calendar the engine now uses, with the years loaded as data.
  const [review, detail, timeModel] = await Promise.all([
    reviewFor(ctx, actor, reviewId),
    reviewDetail(ctx, reviewId),
    currentTimeModel(ctx),
  ]);
  return { review: reviewFromDoc(review), ...detail, timeModel };
}

/** `POST /v1/reviews/:reviewId/withdraw`: the drafting organisation withdraws its review. */
export async function withdrawReview(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  body: { reason?: string },
  requestId: string,
  idempotencyKey: string | undefined,
): Promise<Answer> {
  const review = await reviewFor(ctx, actor, reviewId);
  // Who may withdraw is the workflow's rule; one who may see the review but never withdraw it is
  // told so whatever the review's state.
  checkWithdraw({ ...review, status: 'in_review' }, actor);
  return onceForKey(ctx, { scope: `withdraw:${review._id}`, actor, key: idempotencyKey, body }, async () => {
    const result = await sendWithdrawal(ctx, review, actor, body.reason, requestId, idempotencyKey);
    return { status: 200, body: { reviewId: review._id, status: result.status, stage: result.stage } };
  });
}

/** `POST /v1/reviews/:reviewId/extensions`: the origin reviewer asks for more time. */
export async function requestExtension(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  body: { workingDays: number; reason: string },
  requestId: string,
  idempotencyKey: string | undefined,
): Promise<Answer> {
  const review = await reviewFor(ctx, actor, reviewId);
  // As for a withdrawal: one who may see the review but never ask for more time for it is told so
  // whatever its state (403), before a closed review would answer 409.
  checkExtensionRequester(review, actor);
  const scope = `extension:${review._id}`;
  return onceForKey(ctx, { scope, actor, key: idempotencyKey, body }, async () => {
    const { task, review: stage } = await askForExtension(ctx, review, { actor, ...body }, requestId, idempotencyKey);
    return {
      status: 202,
      body: {
        reviewId: review._id,
        taskId: task.id,
        extension: { workingDays: body.workingDays, reason: body.reason, status: 'requested' },
        review: stage,
      },
    };
  });
}

/** `GET /v1/reviews/:reviewId/opinion`: the opinion as issued (frozen when the review closed). */
export async function readOpinion(ctx: AppContext, actor: Actor, reviewId: string): Promise<RecordDoc> {
  const review = await reviewFor(ctx, actor, reviewId);
  if (review.status !== 'approved' && review.status !== 'rejected' && review.status !== 'returned') {
    throw AppError.conflict(
      `the opinion exists once the review is approved, rejected or returned; it is ${review.status}`,
    );
  }
  // Frozen when the review closed (or, were that write cut short, on first read).
  return (
    (await ctx.models.Record.findById(opinionRecordId(review._id)).lean<RecordDoc>()) ??
    (await freezeOpinion(
      liveRecordingStore(ctx.models),
      { offices: ctx.config.offices, now: () => ctx.now() },
      reviewFromDoc(review),
    ))
  );
}

/**
 * `GET /v1/reviews/:reviewId/opinion/draft`: the opinion as it would be frozen were the review
 * signed now by the caller, for the origin region's review body (reviewers and signers) while the
 * review is under way; afterwards the opinion as issued is the one to read.
 */
export async function readDraftOpinion(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
): Promise<Pick<RecordDoc, 'json' | 'html' | 'sha256'>> {
  const review = await reviewFor(ctx, actor, reviewId);
  const reviewBody = actor.roles.includes('signer') || actor.roles.includes('reviewer');
  if (actor.region !== review.originRegion || !reviewBody) {
    throw AppError.forbidden('only the review body of the origin region reads the draft opinion');
  }
  if (review.status !== 'in_review') {
    throw AppError.conflict(`the review is ${review.status}: read the opinion as issued`);
  }
  return draftOpinion(
    liveRecordingStore(ctx.models),
    { offices: ctx.config.offices, now: () => ctx.now(), timeModel: await currentTimeModel(ctx) },
    reviewFromDoc(review),
    refOf(actor, actor.roles.includes('signer') ? 'signer' : 'reviewer'),
  );
}

/** `GET /v1/reviews/:reviewId/revision-letters`: the numbered letters of each revision round. */
export async function listRevisionLetters(ctx: AppContext, actor: Actor, reviewId: string): Promise<RecordDoc[]> {
  const review = await reviewFor(ctx, actor, reviewId);
  const letters = await ctx.models.Record.find({ reviewId: review._id, kind: 'revision_letter' }).lean<RecordDoc[]>();
  return letters.sort((a, b) => (a.round ?? 0) - (b.round ?? 0));
}

/** `GET /v1/reviews/:reviewId/revision-letters/:round`: one letter as issued. */
export async function readRevisionLetter(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  round: string,
): Promise<RecordDoc> {
  const review = await reviewFor(ctx, actor, reviewId);
  const n = /^[1-9]\d{0,3}$/.test(round) ? Number(round) : undefined;
  const record =
    n === undefined ? null : await ctx.models.Record.findById(letterRecordId(review._id, n)).lean<RecordDoc>();
  if (!record) throw AppError.notFound('revision letter');
  return record;
}

/** `GET /v1/reviews/:reviewId/events`: a page of the review's log, oldest first. */
export async function readEvents(
  ctx: AppContext,
  actor: Actor,
  reviewId: string,
  query: { after?: number; limit: number },
): Promise<{ items: EventDoc[]; nextCursor: string | null }> {
  const review = await reviewFor(ctx, actor, reviewId);
  const events = await logOf(ctx, review._id);
  const items = events.filter((e) => e.seq > (query.after ?? 0)).slice(0, query.limit);
  const last = items[items.length - 1];
  const more = last !== undefined && events[events.length - 1].seq > last.seq;
  return { items, nextCursor: more ? String(last.seq) : null };
}

/**
 * `GET /v1/reviews/:reviewId/events/verify`: recomputes the log's hash chain and checks it against the
 * review's signed seal, its frozen records and the latest checkpoint (record-proof.ts).
 */
export async function verifyLog(ctx: AppContext, actor: Actor, reviewId: string): Promise<RecordVerdict> {
  const review = await reviewFor(ctx, actor, reviewId);
  return verifyRecord(ctx, review._id, await logOf(ctx, review._id));
}
