/**
 * After the review (API.md "After the review"): issuing a document whose review closed approved,
 * filing it for the record and what follows, the public's review suggestions, repeal, and the
 * monthly catalogue. Every change goes to the document's workflow (workflows/filing.ts) as a
 * signed Update and is answered once it is recorded.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError } from '@temporalio/client';
import {
  DEFAULT_VALIDITY_YEARS,
  documentIdOfFiling,
  filingIdOf,
  validUntilOf,
  type ActorRefWithOrg,
  type AfterReviewInput,
  type Issuance,
} from '../../domain/after-review';
import {
  AFTER_REVIEW_WORKFLOW_TYPE,
  afterReviewStepUpdate,
  afterReviewWorkflowId,
  issuedUpdate,
  type AfterReviewAnswer,
  type AfterReviewRequest,
} from '../../domain/after-review-messages';
import { ROLE_BY_KIND, type Actor, type FilingMaterial, type Role, type TaskRecord } from '../../domain/model';
import { refusalToDecide } from '../../domain/rules';
import { budgetSignal } from '../../platform/budget';
import { signRequest } from '../../platform/signing';
import {
  afterReviewModels,
  type CourseEventDoc,
  type FilingDoc,
  type IssuanceDoc,
  type SuggestionDoc,
} from '../../store/after-review';
import { isDuplicateKey } from '../../store/mongo';
import type { TaskDoc, VersionDoc } from '../../store/models';
import { versionId } from '../../store/models';
import { isSupervisor, ownsAsDrafter } from '../access';
import type { AppContext } from '../context';
import { documentFor } from '../documents/queries';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor } from '../paging';
import type { CatalogueQuery, FilingBody, IssuanceBody, SuggestionBody, SupplementBody } from './schemas';

// ---------------------------------------------------------------------------------------------
// Talking to the document's workflow

async function awaitCourse<R>(ctx: AppContext, call: () => Promise<R>): Promise<R> {
  const request = budgetSignal();
  const timeout = AbortSignal.timeout(ctx.config.decisionTimeoutMs);
  const signal = request ? AbortSignal.any([request, timeout]) : timeout;
  try {
    return await ctx.temporal.withAbortSignal(signal, call);
  } catch (err) {
    // A course that has ended (expired or repealed) takes no more steps.
    if (err instanceof WorkflowNotFoundError) throw AppError.conflict('文件已失效或废止，不能再办理');
    if (signal.aborted) {
      throw new AppError('unavailable', '流程引擎未能及时确认，请查看任务状态后重试');
    }
    throw err;
  }
}

function step(
  ctx: AppContext,
  documentId: string,
  body: AfterReviewRequest,
  requestId: string,
): Promise<AfterReviewAnswer> {
  const workflowId = afterReviewWorkflowId(documentId);
  return awaitCourse(ctx, () =>
    ctx.temporal.workflow.getHandle(workflowId).executeUpdate(afterReviewStepUpdate, {
      args: [signRequest(ctx.signingKeys, 'afterReview', workflowId, body, requestId)],
    }),
  );
}

/** Starts the document's workflow unless it runs (idempotent), and waits for its first step to be recorded. */
function startCourse(ctx: AppContext, issuance: IssuanceDoc, requestId: string): Promise<AfterReviewAnswer> {
  const documentId = issuance._id;
  const workflowId = afterReviewWorkflowId(documentId);
  const input: AfterReviewInput = {
    issuance: issuanceOf(issuance),
    limits: ctx.config.afterReview.limits,
    ...(ctx.config.afterReview.dayMs !== undefined && { dayMs: ctx.config.afterReview.dayMs }),
  };
  const start = new WithStartWorkflowOperation(AFTER_REVIEW_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: ctx.config.temporal.taskQueue,
    args: [signRequest(ctx.signingKeys, 'afterReview', workflowId, input, requestId)],
    // The issuance record is the claim; whoever gets here again joins the one workflow.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  return awaitCourse(ctx, () =>
    ctx.temporal.workflow.executeUpdateWithStart(issuedUpdate, { startWorkflowOperation: start }),
  );
}

function issuanceOf(doc: IssuanceDoc): Issuance {
  return {
    documentId: doc._id,
    region: doc.region,
    org: doc.org,
    reviewId: doc.reviewId,
    version: doc.version,
    title: doc.title,
    documentNumber: doc.documentNumber,
    issuedOn: doc.issuedOn,
    publishedOn: doc.publishedOn,
    publishedIn: doc.publishedIn,
    validityYears: doc.validityYears,
    validUntil: doc.validUntil,
    issuedAt: doc.issuedAt.toISOString(),
    issuedBy: doc.issuedBy,
  };
}

/** The caller as a step's actor, in `role`. */
function actorAs(actor: Actor, role: Role): ActorRefWithOrg {
  return {
    sub: actor.sub,
    ...(actor.name !== undefined && { name: actor.name }),
    region: actor.region,
    role,
    ...(actor.org !== undefined && { org: actor.org }),
  };
}

// ---------------------------------------------------------------------------------------------
// Issuance and the document

/** What a document's view shows of its issuance. */
export function issuanceView(doc: IssuanceDoc) {
  return {
    documentNumber: doc.documentNumber,
    issuedOn: doc.issuedOn,
    publishedOn: doc.publishedOn,
    publishedIn: doc.publishedIn,
    validityYears: doc.validityYears,
    validUntil: doc.validUntil,
    status: doc.status,
    reviewId: doc.reviewId,
    version: doc.version,
    filingId: filingIdOf(doc._id),
    ...(doc.repealedAt && { repealedAt: doc.repealedAt, repealReason: doc.repealReason }),
    ...(doc.expiredAt && { expiredAt: doc.expiredAt }),
  };
}

/** The issuances of some documents, by document id (for document views). */
export async function issuancesOf(ctx: AppContext, documentIds: string[]): Promise<Map<string, IssuanceDoc>> {
  if (documentIds.length === 0) return new Map();
  const { Issuance } = await afterReviewModels(ctx.models);
  const docs = await Issuance.find({ _id: { $in: documentIds } }).lean<IssuanceDoc[]>();
  return new Map(docs.map((d) => [d._id, d]));
}

/**
 * `POST /v1/documents/:id/issuance`: the owning drafter issues a document whose newest review
 * closed approved. The issuance record (`_id` the document's) is the claim: of concurrent
 * issuances exactly one is stored; the others are 409.
 */
export async function issueDocument(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  body: IssuanceBody,
  requestId: string,
): Promise<
  ReturnType<typeof issuanceView> & { documentId: string; filing: { filingId: string; status: string; dueAt: string } }
> {
  const { doc, reviews } = await documentFor(ctx, actor, documentId);
  if (!ownsAsDrafter(actor, doc)) throw AppError.forbidden('只有起草单位可以印发本文件');
  if (body.publishedOn < body.issuedOn) throw AppError.invalid('publishedOn', '公布日期不能早于印发日期');
  const newest = [...reviews].sort((a, b) => reviewNumber(a._id) - reviewNumber(b._id)).pop();
  if (!newest || newest.status !== 'approved') {
    throw AppError.conflict('只有合法性审核以“通过”结束的文件才能印发');
  }
  const { Issuance } = await afterReviewModels(ctx.models);
  // The issued text is the reviewed version: its title is the one the review approved.
  const version = await ctx.models.Version.findById(versionId(documentId, newest.version)).lean<VersionDoc>();
  const validityYears = body.validityYears ?? DEFAULT_VALIDITY_YEARS;
  const record: IssuanceDoc = {
    _id: documentId,
    region: doc.region,
    org: doc.org,
    reviewId: newest._id,
    version: newest.version,
    title: version?.title ?? '',
    documentNumber: body.documentNumber,
    issuedOn: body.issuedOn,
    publishedOn: body.publishedOn,
    publishedIn: body.publishedIn,
    validityYears,
    validUntil: validUntilOf(body.publishedOn, validityYears),
    issuedAt: ctx.now(),
    issuedBy: {
      sub: actor.sub,
      ...(actor.name !== undefined && { name: actor.name }),
      region: actor.region,
      role: 'drafter',
    },
    status: 'issued',
    lastSeq: 0,
  };
  try {
    await Issuance.create(record);
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const existing = await Issuance.findById(documentId).lean<IssuanceDoc>();
    if (!existing) throw AppError.conflict(`文号 ${body.documentNumber} 已被其他文件使用`);
    // A first attempt that stored the claim but died before starting the workflow is completed here.
    await startCourse(ctx, existing, requestId).catch(() => undefined);
    throw AppError.conflict('该文件已经印发');
  }
  const answer = await startCourse(ctx, record, requestId);
  return {
    documentId,
    ...issuanceView(record),
    filing: { filingId: answer.filing.filingId, status: answer.filing.status, dueAt: answer.filing.dueAt },
  };
}

function reviewNumber(reviewId: string): number {
  return Number(reviewId.slice(reviewId.lastIndexOf(':') + 1));
}

/** The issued document `documentId` if the caller owns it as its drafter (404 / 403 / 409 otherwise). */
async function ownIssuance(ctx: AppContext, actor: Actor, documentId: string): Promise<IssuanceDoc> {
  const { doc } = await documentFor(ctx, actor, documentId);
  if (!ownsAsDrafter(actor, doc)) throw AppError.forbidden('只有起草单位可以办理');
  const { Issuance } = await afterReviewModels(ctx.models);
  const issuance = await Issuance.findById(documentId).lean<IssuanceDoc>();
  if (!issuance) throw AppError.conflict('文件尚未印发');
  return issuance;
}

/** `POST /v1/documents/:id/repeal`: the issuing unit repeals the document; its timers stop. */
export async function repealDocument(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  reason: string,
  requestId: string,
): Promise<{ documentId: string; status: string }> {
  await ownIssuance(ctx, actor, documentId);
  const answer = await step(ctx, documentId, { step: 'repeal', actor: actorAs(actor, 'drafter'), reason }, requestId);
  return { documentId, status: answer.status };
}

// ---------------------------------------------------------------------------------------------
// Filing

export async function fileDocument(
  ctx: AppContext,
  actor: Actor,
  documentId: string,
  body: FilingBody,
  requestId: string,
): Promise<{ filingId: string; status: string; dueAt: string; onTime?: boolean }> {
  await ownIssuance(ctx, actor, documentId);
  await requireAttachments(ctx, documentId, body.attachments);
  const answer = await step(
    ctx,
    documentId,
    {
      step: 'file',
      actor: actorAs(actor, 'drafter'),
      report: body.report,
      ...(body.attachments && { attachments: body.attachments }),
    },
    requestId,
  );
  const { filingId, status, dueAt, onTime } = answer.filing;
  return { filingId, status, dueAt, ...(onTime !== undefined && { onTime }) };
}

/** Refuses attachment ids that are not this document's. */
async function requireAttachments(ctx: AppContext, documentId: string, ids: string[] | undefined): Promise<void> {
  if (!ids?.length) return;
  const found = await ctx.models.Attachment.countDocuments({ _id: { $in: ids }, documentId });
  if (found !== new Set(ids).size) throw AppError.invalid('attachments', '附件必须是本文件已上传的附件');
}

/** The filing `filingId` and the caller's part in it: 404 for anyone who may not see it. */
async function visibleFiling(ctx: AppContext, actor: Actor, filingId: string): Promise<FilingDoc> {
  const documentId = documentIdOfFiling(filingId);
  const { Filing } = documentId === undefined ? { Filing: undefined } : await afterReviewModels(ctx.models);
  const filing = Filing && (await Filing.findById(filingId).lean<FilingDoc>());
  if (!filing) throw AppError.notFound('filing');
  const reviewBody =
    (actor.roles.includes('reviewer') || actor.roles.includes('signer')) && actor.region === filing.region;
  if (!isSupervisor(actor) && !reviewBody && !ownsAsDrafter(actor, filing)) throw AppError.notFound('filing');
  return filing;
}

export async function supplementFiling(
  ctx: AppContext,
  actor: Actor,
  filingId: string,
  body: SupplementBody,
  requestId: string,
) {
  const filing = await visibleFiling(ctx, actor, filingId);
  if (!ownsAsDrafter(actor, filing)) throw AppError.forbidden('只有制定机关可以补充备案材料');
  await requireAttachments(ctx, filing.documentId, body.attachments);
  const answer = await step(
    ctx,
    filing.documentId,
    {
      step: 'supplement',
      actor: actorAs(actor, 'drafter'),
      text: body.text,
      ...(body.attachments && { attachments: body.attachments }),
    },
    requestId,
  );
  return { filingId, status: answer.filing.status };
}

export async function reportCorrection(
  ctx: AppContext,
  actor: Actor,
  filingId: string,
  text: string,
  requestId: string,
) {
  const filing = await visibleFiling(ctx, actor, filingId);
  if (!ownsAsDrafter(actor, filing)) throw AppError.forbidden('只有制定机关可以报告纠正情况');
  const answer = await step(
    ctx,
    filing.documentId,
    { step: 'correction_report', actor: actorAs(actor, 'drafter'), text },
    requestId,
  );
  return { filingId, status: answer.filing.status };
}

/** `GET /v1/filings/:filingId`: the filing, with its history from the document's log. */
export async function readFiling(ctx: AppContext, actor: Actor, filingId: string) {
  const filing = await visibleFiling(ctx, actor, filingId);
  const { CourseEvent } = await afterReviewModels(ctx.models);
  const events = await CourseEvent.find({ documentId: filing.documentId }).sort({ seq: 1 }).lean<CourseEventDoc[]>();
  const history = events
    .filter((e) => !String(e.type).startsWith('suggestion') && e.data.kind !== 'suggestion')
    .map((e) => ({
      at: e.at,
      type: e.type,
      ...(e.actor && { actor: e.actor }),
      ...(typeof e.data.taskId === 'string' && { taskId: e.data.taskId }),
      ...(typeof e.data.kind === 'string' && { kind: e.data.kind }),
      ...(typeof e.data.decision === 'string' && { decision: e.data.decision }),
      ...(typeof e.data.opinion === 'string' && { opinion: e.data.opinion }),
      ...(Array.isArray(e.data.missing) && { missing: e.data.missing as string[] }),
      ...(typeof e.data.text === 'string' && { text: e.data.text }),
      hash: e.hash,
    }));
  return {
    filingId: filing._id,
    documentId: filing.documentId,
    region: filing.region,
    org: filing.org,
    documentNumber: filing.documentNumber,
    title: filing.title,
    publishedOn: filing.publishedOn,
    status: filing.status,
    dueAt: filing.dueAt,
    ...(filing.submittedAt && { submittedAt: filing.submittedAt, onTime: filing.onTime }),
    ...(filing.report && { report: filing.report }),
    ...(filing.attachments && { attachments: filing.attachments }),
    ...(filing.missing && { missing: filing.missing }),
    ...(filing.registeredAt && { registeredAt: filing.registeredAt }),
    ...(filing.outcome && { outcome: filing.outcome }),
    ...(filing.correctionReport && { correctionReport: filing.correctionReport }),
    history,
  };
}

/** The chained log of a document's course, in order (for verification). */
export async function courseLog(ctx: AppContext, documentId: string): Promise<CourseEventDoc[]> {
  const { CourseEvent } = await afterReviewModels(ctx.models);
  return CourseEvent.find({ documentId }).sort({ seq: 1 }).lean<CourseEventDoc[]>();
}

/** `GET /v1/filings/catalogue`: the month's registered filings of a region, in order of registration. */
export async function filingCatalogue(ctx: AppContext, query: CatalogueQuery) {
  const { Filing } = await afterReviewModels(ctx.models);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const filter: Record<string, unknown> = { region: query.region, registeredMonth: query.month };
  if (after) {
    filter.$or = [{ registeredAt: { $gt: after.value } }, { registeredAt: after.value, _id: { $gt: after.id } }];
  }
  const docs = await Filing.find(filter)
    .sort({ registeredAt: 1, _id: 1 })
    .limit(query.limit + 1)
    .lean<FilingDoc[]>();
  const page = docs.slice(0, query.limit);
  const last = page[page.length - 1];
  const items = page.map((f) => ({
    filingId: f._id,
    documentId: f.documentId,
    documentNumber: f.documentNumber,
    title: f.title,
    org: f.org,
    region: f.region,
    publishedOn: f.publishedOn,
    submittedAt: f.submittedAt,
    registeredAt: f.registeredAt,
    onTime: f.onTime,
    status: f.status,
  }));
  return {
    region: query.region,
    month: query.month,
    items,
    nextCursor: docs.length > query.limit && last ? encodeCursor({ value: last.registeredAt!, id: last._id }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Tasks after the review

/** Whether a stored task belongs to a document's course rather than a review. */
export function isCourseTask(task: Pick<TaskDoc, 'subject'>): boolean {
  const type = task.subject?.type;
  return type === 'document' || type === 'filing' || type === 'suggestion';
}

/**
 * `POST /v1/tasks/:taskId/complete` on a task after the review: refused early on the stored task,
 * decided by the workflow on its own state (a second decision on one task is refused there).
 */
export async function decideCourseTask(
  ctx: AppContext,
  actor: Actor,
  task: TaskDoc,
  body: { decision: string; opinion?: string; missing?: string[] } & Record<string, unknown>,
  requestId: string,
): Promise<{ task: TaskRecord; filing: AfterReviewAnswer['filing'] }> {
  const refused = refusalToDecide(actor, { ...task, id: task._id });
  if (refused) throw new AppError(refused.code, refused.message, refused.details);
  const extra = Object.keys(body).filter(
    (k) => !['decision', 'opinion', 'missing'].includes(k) && body[k] !== undefined,
  );
  if (extra.length > 0) throw AppError.invalid(extra[0], '此任务不接受该字段');
  const answer = await step(
    ctx,
    task.documentId,
    {
      step: 'decide',
      actor: actorAs(actor, ROLE_BY_KIND[task.kind]),
      taskId: task._id,
      input: {
        decision: body.decision,
        ...(body.opinion && { opinion: body.opinion }),
        ...(body.missing && { missing: body.missing as FilingMaterial[] }),
      },
    },
    requestId,
  );
  return { task: { ...(answer.task as unknown as TaskRecord) }, filing: answer.filing };
}

// ---------------------------------------------------------------------------------------------
// The public's review suggestions

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 130 random bits as 26 characters of Crockford base 32: unguessable, easy to copy by hand. */
function trackingCode(): string {
  // 256 is a multiple of 32: each byte's low five bits are uniform.
  return [...randomBytes(26)].map((b) => CROCKFORD[b & 31]).join('');
}

function hashCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/**
 * `POST /v1/public/suggestions`: a member of the public sends a review suggestion about an issued
 * document, found by its number. Answered with a tracking code, once the suggestion task is open.
 */
export async function sendSuggestion(
  ctx: AppContext,
  body: SuggestionBody,
  requestId: string,
): Promise<{ code: string }> {
  const { Issuance, Suggestion } = await afterReviewModels(ctx.models);
  const issuance = await Issuance.findOne({ documentNumber: body.documentNumber }).lean<IssuanceDoc>();
  if (!issuance || issuance.status !== 'issued') {
    throw new AppError('not_found', '没有找到该文号的现行有效文件，请核对文号', [
      { path: 'documentNumber', message: '没有该文号的现行有效文件' },
    ]);
  }
  const code = trackingCode();
  const suggestionId = randomUUID();
  const record: SuggestionDoc = {
    _id: suggestionId,
    codeHash: hashCode(code),
    documentId: issuance._id,
    region: issuance.region,
    documentNumber: issuance.documentNumber,
    text: body.text,
    contact: body.contact,
    status: 'received',
    receivedAt: ctx.now(),
  };
  await Suggestion.create(record);
  try {
    await step(ctx, issuance._id, { step: 'suggestion', suggestionId }, requestId);
  } catch (err) {
    await Suggestion.deleteOne({ _id: suggestionId }).catch(() => undefined);
    throw err;
  }
  return { code };
}

/** `GET /v1/public/suggestions/:code`: the status and, once answered, the reply; nothing else. */
export async function suggestionStatus(ctx: AppContext, code: string): Promise<{ status: string; reply?: string }> {
  const { Suggestion } = await afterReviewModels(ctx.models);
  const found = await Suggestion.findOne({ codeHash: hashCode(code) }, { status: 1, reply: 1 }).lean<SuggestionDoc>();
  if (!found) throw new AppError('not_found', '没有该查询码的审查建议');
  return {
    status: found.status,
    ...(found.status === 'answered' && found.reply !== undefined && { reply: found.reply }),
  };
}

/** A suggestion's text for the reviewer who answers it (the suggestion task's page). */
export async function suggestionForTask(ctx: AppContext, task: TaskDoc) {
  if (task.subject?.type !== 'suggestion') return undefined;
  const { Suggestion } = await afterReviewModels(ctx.models);
  const s = await Suggestion.findById(task.subject.id).lean<SuggestionDoc>();
  return s
    ? {
        documentNumber: s.documentNumber,
        text: s.text,
        contact: s.contact,
        status: s.status,
        receivedAt: s.receivedAt.toISOString(),
        ...(s.reply && { reply: s.reply }),
      }
    : undefined;
}
