/**
 * The response schemas of `/openapi.json` (api/responses.ts) against what the API really answers:
 * one review driven through HTTP on the real servers (with compressed time, so that a reminder
 * goes out), and every answer on the way parsed with the zod schema its route documents. A field
 * the implementation renames, drops from a promise, or fills with another type fails here.
 */
import { AnnualStatsView, RegisterRowView } from '../api/routes/register';
import { SearchHitView } from '../api/routes/search';
import { zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import request from 'supertest';
import { z } from 'zod';
import {
  CheckpointView,
  CalendarDeadline,
  CalendarYear,
  CommentView,
  DelegationView,
  DocumentView,
  ErrorBody,
  EventView,
  FlagView,
  FlagsView,
  NotificationView,
  OpinionView,
  PersonView,
  ReviewStarted,
  ReviewSummaryView,
  ReviewView,
  RulesView,
  StatsView,
  TaskDecided,
  TaskDraftView,
  TaskView,
  VersionAdded,
  VersionComparison,
  VersionView,
  page,
  responseSchemas,
} from '../api/responses';
import { recordKeeperId } from '../domain/messages';
import { ensureRecordKeeper } from '../features/audit/use-cases';
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

const DAY_MS = 2000;
let h: Harness;
beforeAll(async () => {
  // Consultations last three working days of two seconds: a silent region is reminded after four.
  h = await startHarness({
    WORKING_DAY_DURATION: `${DAY_MS}ms`,
    REVIEW_WORKING_DAYS: '40',
    CONSULTATION_WORKING_DAYS: '3',
    SIGNOFF_WORKING_DAYS: '5',
  });
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '天津市市场监督管理委员会';
const people = {
  drafter: { sub: 'tj-drafter', name: '起草人', region: 'tianjin', roles: ['drafter'], org: ORG },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  tjReviewer2: { sub: 'tj-reviewer-2', name: '同事', region: 'tianjin', roles: ['reviewer'] },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'beijing', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { auth, get, post, task, decide, accept } = castOf(() => h, people);

const draft = {
  title: '天津市促进京津冀市场准入协同若干规定',
  docType: '规范性文件',
  articles: [
    { number: '1', text: '为推进京津冀市场准入协同，制定本规定。' },
    { number: '2', text: '跨区域经营者应当事先取得备案证明。' },
  ],
  legalBasis: ['《优化营商环境条例》'],
  materials: { draftingExplanation: '起草说明' },
};

/** The schemas a real answer has been checked against. */
const checked = new Set<z.ZodType>();

/** Parses `body` with `schema`; a mismatch fails the test with zod's account of it. */
function expectConforms(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(`${what} does not match its documented schema:\n${z.prettifyError(result.error)}`);
  }
  checked.add(schema);
}

/** As expectConforms, for a page of `item`s that must not be empty (an empty list proves nothing). */
function expectPageOf(item: z.ZodType, body: { items?: unknown[] }, what: string): void {
  expect(body.items?.length).toBeGreaterThan(0);
  expectConforms(page(item), body, what);
  checked.add(item);
}

test('when a review runs from submission to signature, every answer matches the schema its route documents', async () => {
  const created = await post('drafter', '/v1/documents', draft).expect(201);
  expectConforms(DocumentView, created.body, 'POST /v1/documents');
  const documentId = created.body.id as string;
  expectPageOf(DocumentView, (await get('drafter', '/v1/documents').expect(200)).body, 'GET /v1/documents');

  const started = await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
  expectConforms(ReviewStarted, started.body, 'POST /v1/documents/:id/reviews');
  const reviewId = started.body.reviewId as string;
  expectConforms(TaskDecided, await accept('tjReviewer', reviewId), 'accepting the intake');

  // Changes asked for: the drafter revises, answers the comments and resubmits.
  const changes = await decide('tjReviewer', reviewId, 'origin_review', {
    decision: 'request_changes',
    comments: [
      { article: '2', text: '备案证明实为变相许可', severity: 'blocking', basis: '《行政许可法》第十七条' },
      { text: '标题可更简洁', severity: 'amend' },
    ],
  });
  expectConforms(TaskDecided, changes, 'requesting changes');
  const inRevision = await get('drafter', `/v1/reviews/${reviewId}`).expect(200);
  expect(inRevision.body.deadlines.clockRunning).toBe(false);
  expectConforms(ReviewView, inRevision.body, 'GET /v1/reviews/:id during the revision');

  const added = await post('drafter', `/v1/documents/${documentId}/versions`, {
    ...draft,
    articles: [draft.articles[0], { number: '2', text: '跨区域经营者应当报送经营信息。' }],
  }).expect(201);
  expectConforms(VersionAdded, added.body, 'POST /v1/documents/:id/versions');
  const version = await get('drafter', `/v1/documents/${documentId}/versions/2`).expect(200);
  expectConforms(VersionView, version.body, 'GET /v1/documents/:id/versions/:version');
  const compared = await get('drafter', `/v1/documents/${documentId}/versions/1/compare/2`).expect(200);
  expect(compared.body.articles).toContainEqual(expect.objectContaining({ number: '2', change: 'changed' }));
  expectConforms(VersionComparison, compared.body, 'GET /v1/documents/:id/versions/:a/compare/:b');

  // Assistive review: a stored version's flags, a draft checked before it is stored, the rules.
  const flags = (await get('drafter', `/v1/documents/${documentId}/versions/1/flags`).expect(200)).body;
  expect(flags.flags.length).toBeGreaterThan(0);
  expectConforms(FlagsView, flags, 'GET /v1/documents/:id/versions/:version/flags');
  for (const flag of flags.flags as unknown[]) expectConforms(FlagView, flag, 'a flag');
  const checkedDraft = await post('drafter', '/v1/assist/check', { articles: draft.articles }).expect(200);
  expectConforms(FlagsView, checkedDraft.body, 'POST /v1/assist/check');
  expectConforms(RulesView, (await get('drafter', '/v1/assist/rules').expect(200)).body, 'GET /v1/assist/rules');

  const comments = (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body;
  expectPageOf(CommentView, comments, 'GET /v1/documents/:id/comments');
  const resubmitted = await decide('drafter', reviewId, 'revision', {
    decision: 'resubmit',
    dispositions: (comments.items as { id: string }[]).map((c) => ({
      commentId: c.id,
      status: 'partly_adopted',
      reason: '已按意见修改',
    })),
  });
  expectConforms(TaskDecided, resubmitted, 'resubmitting');
  await decide('tjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });

  // Beijing answers with a comment; Hebei stays silent, is reminded, and its consultation expires.
  await decide('bjReviewer', reviewId, 'consultation', {
    decision: 'concur_with_comments',
    comments: [{ article: '1', text: '建议写明协同机制' }],
  });
  const consulting = await get('supervisor', `/v1/reviews/${reviewId}`).expect(200);
  expect(consulting.body.openTasks).toHaveLength(1);
  expectConforms(ReviewView, consulting.body, 'GET /v1/reviews/:id with an open task');
  const hebeiTask = await task('hbReviewer', reviewId, 'consultation');
  expectConforms(
    TaskView,
    (await get('hbReviewer', `/v1/tasks/${hebeiTask.id}`).expect(200)).body,
    'GET /v1/tasks/:id',
  );
  const reminded = await eventually(async () => {
    const body = (await get('hbReviewer', '/v1/notifications').expect(200)).body as { items: unknown[] };
    return body.items.length > 0 ? body : undefined;
  }, 'the reminder of the Hebei consultation');
  expectPageOf(NotificationView, reminded, 'GET /v1/notifications');
  await task('hbReviewer', reviewId, 'consultation', 'expired');

  // Beijing commented, so Tianjin consolidates (adopting the comment) before the sign-off.
  const beijingComment = (
    (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body.items as {
      id: string;
      stage: string;
    }[]
  ).find((c) => c.stage === 'consultation');
  await decide('tjReviewer', reviewId, 'consolidation', {
    decision: 'proceed',
    opinion: '北京意见已采纳',
    dispositions: [{ commentId: beijingComment!.id, status: 'adopted' }],
  });

  // The signer's draft of the decision (暂存), and the opinion as signing will freeze it.
  const signoff = await task('tjSigner', reviewId, 'signoff');
  const draftPath = `/v1/tasks/${encodeURIComponent(signoff.id)}/draft`;
  const kept = await request(h.app)
    .put(draftPath)
    .set(auth('tjSigner'))
    .send({ decision: 'sign', opinion: '同意' })
    .expect(200);
  expectConforms(TaskDraftView, kept.body, 'PUT /v1/tasks/:id/draft');
  expectConforms(TaskDraftView, (await get('tjSigner', draftPath).expect(200)).body, 'GET /v1/tasks/:id/draft');
  const draftOpinion = await get('tjSigner', `/v1/reviews/${reviewId}/opinion/draft`).expect(200);
  expectConforms(OpinionView, draftOpinion.body, 'GET /v1/reviews/:id/opinion/draft');

  const signed = await decide('tjSigner', reviewId, 'signoff', { decision: 'sign' });
  expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });
  expectConforms(TaskDecided, signed, 'signing');

  // The closed review, its record and its log, and what the lists and the supervisors see.
  expectConforms(ReviewView, (await get('drafter', `/v1/reviews/${reviewId}`).expect(200)).body, 'the closed review');
  const opinion = await get('drafter', `/v1/reviews/${reviewId}/opinion`).expect(200);
  expect(opinion.body.conclusion).toBe('legal_after_revision');
  expectConforms(OpinionView, opinion.body, 'GET /v1/reviews/:id/opinion');
  const events = (await get('supervisor', `/v1/reviews/${reviewId}/events?limit=100`).expect(200)).body;
  expectPageOf(EventView, events, 'GET /v1/reviews/:id/events');
  expectPageOf(TaskView, (await get('hbReviewer', '/v1/tasks?status=expired').expect(200)).body, 'GET /v1/tasks');
  expectPageOf(
    CommentView,
    (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body,
    'the comments, answered',
  );
  expectConforms(DocumentView, (await get('drafter', `/v1/documents/${documentId}`).expect(200)).body, 'a document');
  expectPageOf(ReviewSummaryView, (await get('supervisor', '/v1/reviews').expect(200)).body, 'GET /v1/reviews');
  expectConforms(StatsView, (await get('supervisor', '/v1/stats').expect(200)).body, 'GET /v1/stats');
  expectPageOf(RegisterRowView, (await get('supervisor', '/v1/register').expect(200)).body, 'GET /v1/register');
  const found = (await get('supervisor', `/v1/search?q=${encodeURIComponent('市场准入')}`).expect(200)).body;
  expect(found.items.length).toBeGreaterThan(0);
  for (const hit of found.items) expectConforms(SearchHitView, hit, 'GET /v1/search');
  const year = new Date().getFullYear();
  expectConforms(
    AnnualStatsView,
    (await get('supervisor', `/v1/stats/annual?year=${year}`).expect(200)).body,
    'GET /v1/stats/annual',
  );
  // The calendar every working-day figure above was counted on (the console counts on it too).
  expectConforms(CalendarYear, (await get('drafter', '/v1/calendar/2026').expect(200)).body, 'GET /v1/calendar/:year');
  expectConforms(
    CalendarDeadline,
    (await get('drafter', '/v1/calendar/deadline?from=2026-09-30&days=15').expect(200)).body,
    'GET /v1/calendar/deadline',
  );

  // The record keeper's checkpoints, as supervisors list them.
  await ensureRecordKeeper(h.ctx);
  await eventually(async () => (await h.models.AuditCheckpoint.findOne().lean()) ?? undefined, 'a checkpoint', 30_000);
  await h.client.workflow.getHandle(recordKeeperId(h.config.temporal.taskQueue)).terminate('checked');
  expectPageOf(
    CheckpointView,
    (await get('supervisor', '/v1/audit/checkpoints').expect(200)).body,
    'GET /v1/audit/checkpoints',
  );

  // Who handles a case: the directory, and a delegation to a colleague.
  await get('tjReviewer2', '/v1/notifications').expect(200);
  expectPageOf(PersonView, (await get('tjSigner', '/v1/people?role=reviewer').expect(200)).body, 'GET /v1/people');
  const away = { delegate: 'tj-reviewer-2', from: '2026-12-01', to: '2026-12-05', reason: '年休假' };
  expectConforms(
    DelegationView,
    (await post('tjReviewer', '/v1/delegations', away).expect(201)).body,
    'POST /v1/delegations',
  );

  // Refusals: 400, 403, 404 and 409 in the one error format.
  const refusals = await Promise.all([
    post('drafter', '/v1/documents', { title: '' }).expect(400),
    get('drafter', '/v1/stats').expect(403),
    get('drafter', '/v1/reviews/no-such-review').expect(404),
    post('hbReviewer', `/v1/tasks/${hebeiTask.id}/complete`, { decision: 'concur' }).expect(409),
  ]);
  for (const refusal of refusals) expectConforms(ErrorBody, refusal.body, `a ${refusal.status} refusal`);

  // Every named component of the document has met a real answer.
  const named = responseSchemas.definitions.flatMap((d) => (d.type === 'schema' ? [d.schema] : []));
  expect(named.length).toBeGreaterThan(0);
  const nameOf = (schema: z.ZodType) => zodToOpenAPIRegistry.get(schema)?._internal?.refId;
  expect(named.filter((schema) => !checked.has(schema)).map(nameOf)).toEqual([]);
}, 120_000);

test('an answer that breaks the documented shape does not parse', () => {
  const task = { id: 't1', reviewId: 'review:d:1', kind: 'consultation', status: 'open', dueAt: null };
  expect(TaskView.safeParse(task).success).toBe(true);
  expect(TaskView.safeParse({ ...task, status: 'done' }).success).toBe(false);
  expect(TaskView.safeParse({ ...task, dueAt: 'next Tuesday' }).success).toBe(false);
  expect(TaskView.safeParse({ ...task, version: '2' }).success).toBe(false);
  expect(page(TaskView).safeParse({ nextCursor: null }).success).toBe(false);
  expect(page(TaskView).safeParse({ items: [{ ...task, kind: 'lunch' }] }).success).toBe(false);
  expect(ReviewSummaryView.safeParse({ reviewId: 'r', nextDueAt: null, overdue: 'no' }).success).toBe(false);
  expect(ErrorBody.safeParse({ error: { message: 'no code' } }).success).toBe(false);
  expect(ErrorBody.safeParse({ error: { code: 'teapot', message: 'unknown code' } }).success).toBe(false);
});
