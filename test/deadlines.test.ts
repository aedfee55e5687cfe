/**
 * Statutory time limits through HTTP, as an outside client sees them, on the real servers with
 * compressed time (one working day lasts two seconds): reminders, consultation expiry, overdue
 * marking and escalation, and the lists and statistics that show what is overdue.
 */
import {
  allPass,
  castOf,
  eventually,
  expectProjectionsRebuiltFromLog,
  maybeSaveHistory,
  startHarness,
  type Claims,
  type Harness,
  type TaskItem,
} from './harness';
import { expectStatsEqualStore } from './support/stats';

const DAY_MS = 2000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    WORKING_DAY_DURATION: `${DAY_MS}ms`,
    REVIEW_WORKING_DAYS: '40',
    CONSULTATION_WORKING_DAYS: '3',
    SIGNOFF_WORKING_DAYS: '2',
  });
});
afterAll(async () => {
  await h?.stop();
});

const ORG = '北京市生态环境局';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
  tjSigner: { sub: 'tj-signer', region: 'tianjin', roles: ['signer'] },
  supervisor: { sub: 'sup', region: 'tianjin', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
type Person = keyof typeof people;
const { get, post, task: taskOf, decide, accept } = castOf(() => h, people);

interface NotificationItem {
  id: string;
  type: string;
  reviewId: string;
  taskId?: string;
  dueAt?: string;
  message: string;
}

/** Submits a draft, which the Beijing review body accepts at intake. */
async function submitDraft(): Promise<string> {
  const created = await post('drafter', '/v1/documents', {
    title: '北京市大气污染联防联控办法',
    articles: [
      { number: '1', text: '为加强京津冀大气污染联防联控，制定本办法。' },
      { number: '2', text: '重污染天气预警实行区域联动。' },
    ],
    legalBasis: ['《中华人民共和国大气污染防治法》'],
    materials: { draftingExplanation: '起草说明' },
  }).expect(201);
  const reviewId = (await post('drafter', `/v1/documents/${created.body.id}/reviews`).expect(202)).body.reviewId;
  await accept('bjReviewer', reviewId);
  return reviewId;
}

async function tasksOf(who: Person, query: string): Promise<TaskItem[]> {
  return (await get(who, `/v1/tasks?limit=100&${query}`).expect(200)).body.items;
}

/** The deadline notices (reminders, overdue notices, escalations) `who` has of the review. */
async function notificationsOf(who: Person, reviewId: string): Promise<NotificationItem[]> {
  const items: NotificationItem[] = (await get(who, '/v1/notifications?limit=100').expect(200)).body.items;
  const deadlineNotices = ['reminder', 'overdue', 'escalation'];
  return items.filter((n) => n.reviewId === reviewId && deadlineNotices.includes(n.type));
}

const review = async (reviewId: string) =>
  (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
const reviewIdsOf = async (query: string): Promise<string[]> =>
  (await get('supervisor', `/v1/reviews?limit=100&${query}`).expect(200)).body.items.map(
    (r: { reviewId: string }) => r.reviewId,
  );

test('when one consulted region answers and the other stays silent, the silent one expires as no response and the review moves on', async () => {
  const reviewId = await submitDraft();
  await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  const hebeiTask = await taskOf('hbReviewer', reviewId, 'consultation');
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });

  const expired = await taskOf('hbReviewer', reviewId, 'consultation', 'expired');
  expect(expired.id).toBe(hebeiTask.id);
  // The expiry is one transition: its tasks are stored just before the review, so wait for the review.
  const state = await eventually(async () => {
    const r = await review(reviewId);
    return r.consultations.hebei.status === 'no_response' ? r : undefined;
  }, 'the review to show the expiry');
  expect(state.consultations).toEqual({
    tianjin: expect.objectContaining({ status: 'responded', decision: 'concur' }),
    hebei: expect.objectContaining({ status: 'no_response' }),
  });
  expect(state.stage).toBe('signoff'); // no response counts as no objection
  const expiry = state.history.find((e: { type: string }) => e.type === 'consultation_expired');
  expect(expiry).toMatchObject({ taskId: hebeiTask.id, region: 'hebei' });
  expect(Date.parse(expiry.at)).toBeGreaterThanOrEqual(Date.parse(hebeiTask.dueAt as string));

  // Hebei's reviewers were reminded a working day before; Tianjin had answered and was not.
  expect(await notificationsOf('hbReviewer', reviewId)).toEqual([
    expect.objectContaining({ type: 'reminder', taskId: hebeiTask.id, dueAt: hebeiTask.dueAt }),
  ]);
  expect(await notificationsOf('tjReviewer', reviewId)).toEqual([]);

  const late = await post('hbReviewer', `/v1/tasks/${hebeiTask.id}/complete`, { decision: 'object', opinion: '迟到' });
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('conflict');

  await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
  const opinion = (await get('drafter', `/v1/reviews/${encodeURIComponent(reviewId)}/opinion`).expect(200)).body;
  expect(opinion.consultations).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ region: 'hebei', status: 'no_response', note: expect.any(String) }),
    ]),
  );
  const html = await get('drafter', `/v1/reviews/${encodeURIComponent(reviewId)}/opinion`)
    .set('Accept', 'text/html')
    .expect(200);
  expect(html.text).toContain('逾期未答复，视为无异议');
  await expectProjectionsRebuiltFromLog(h, reviewId);
  await maybeSaveHistory(h.client.workflow.getHandle(reviewId), 'log--deadlines-consultation-expired');
}, 60_000);

test('when a sign-off falls due, its signers are reminded, then told it is overdue, supervisors get the escalation, and the lists show it', async () => {
  const reviewId = await submitDraft();
  await decide('bjReviewer', reviewId, 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('tjReviewer', reviewId, 'consultation', { decision: 'concur' });
  await decide('hbReviewer', reviewId, 'consultation', { decision: 'concur' });
  const signoff = await taskOf('bjSigner', reviewId, 'signoff');
  expect(signoff.overdue).toBe(false);
  expect(await reviewIdsOf('overdue=false')).toContain(reviewId);

  const overdue = await eventually(async () => {
    const found = await notificationsOf('bjSigner', reviewId);
    return found.some((n) => n.type === 'overdue') ? found : undefined;
  }, 'the overdue notice to the signers');
  expect(overdue.map((n) => [n.type, n.taskId]).sort()).toEqual([
    ['overdue', signoff.id],
    ['reminder', signoff.id],
  ]);
  const escalations = await notificationsOf('supervisor', reviewId);
  expect(escalations.map((n) => [n.type, n.taskId])).toEqual([['escalation', signoff.id]]);
  // Worded in Chinese from the catalogue (the workflow records them in English): the document, the
  // task, its region and its last day as people say it, no Latin word.
  const lastDay = /\d{1,2}月\d{1,2}日（星期[一二三四五六日]）前/;
  const byType = Object.fromEntries([...overdue, ...escalations].map((n) => [n.type, n.message]));
  expect(byType.reminder).toMatch(
    /^《北京市大气污染联防联控办法》的“签发”任务（北京）将于.+到期，请在一个工作日内办理$/,
  );
  expect(byType.overdue).toMatch(/^《北京市大气污染联防联控办法》的“签发”任务（北京）已逾期，期限为/);
  expect(byType.escalation).toMatch(/^《北京市大气污染联防联控办法》的“签发”任务（北京）已逾期（期限为.+），已报监督$/);
  for (const message of Object.values(byType)) {
    expect(message).toMatch(lastDay);
    expect(message).not.toMatch(/[A-Za-z]/);
  }
  for (const other of ['drafter', 'bjReviewer', 'tjReviewer', 'hbReviewer', 'tjSigner'] as const) {
    expect(await notificationsOf(other, reviewId)).toEqual([]);
  }

  // The task, the review and the lists all say it is overdue.
  const marked = (await get('bjSigner', `/v1/tasks/${encodeURIComponent(signoff.id)}`).expect(200)).body;
  expect(marked).toMatchObject({ status: 'open', overdue: true, overdueAt: expect.any(String) });
  const state = await review(reviewId);
  expect(state.deadlines.tasks).toEqual([expect.objectContaining({ taskId: signoff.id, overdue: true })]);
  expect(state.history.map((e: { type: string }) => e.type)).toEqual(
    expect.arrayContaining(['reminder_sent', 'task_overdue', 'escalated']),
  );
  expect(await reviewIdsOf('overdue=true')).toContain(reviewId);
  expect(await reviewIdsOf('overdue=false')).not.toContain(reviewId);
  expect((await tasksOf('bjSigner', 'overdue=true')).map((t) => t.id)).toContain(signoff.id);
  expect((await tasksOf('supervisor', 'overdue=true&kind=signoff')).map((t) => t.id)).toContain(signoff.id);
  expect((await tasksOf('supervisor', 'overdue=false')).map((t) => t.id)).not.toContain(signoff.id);
  const stats = (await get('supervisor', '/v1/stats').expect(200)).body;
  expect(stats.tasks.overdue.byRegion.beijing).toBeGreaterThanOrEqual(1);
  expect(stats.tasks.overdue.byKind.signoff).toBeGreaterThanOrEqual(1);
  expect(stats.reviews.overdue.byOriginRegion.beijing).toBeGreaterThanOrEqual(1);
  // Every figure, overdue ones included, as a count of the stored reviews and tasks gives it.
  const readStats = async () => (await get('supervisor', '/v1/stats').expect(200)).body as { at: string };
  await expectStatsEqualStore(readStats, h.models, h.config.timeModel);

  // Late, but still the signer's to decide; once signed, nothing of it is overdue.
  await decide('bjSigner', reviewId, 'signoff', { decision: 'sign' });
  expect(await reviewIdsOf('overdue=true')).not.toContain(reviewId);
  expect((await tasksOf('supervisor', 'overdue=true')).map((t) => t.id)).not.toContain(signoff.id);
  await expectStatsEqualStore(readStats, h.models, h.config.timeModel);
  await expectProjectionsRebuiltFromLog(h, reviewId);
  await maybeSaveHistory(h.client.workflow.getHandle(reviewId), 'log--deadlines-signoff-overdue-then-signed');
}, 60_000);
