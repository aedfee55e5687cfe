/**
 * The review clock across restarts, on a Temporal server of this file's own (a SQLite file, so it
 * can be stopped and started again) with compressed time: the worker and the server go down in
 * the middle of a pause, and the clock still resumes with the right balance; then the server goes
 * down again while consultation timers are pending, and they still fire.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/processes';
import { provision, startTemporalServer, type TemporalServer } from '../platform/servers';
import { allPass, castOf, eventually, startHarness, type Claims, type Harness } from './harness';

const DAY_MS = 1000;
const REVIEW_DAYS = 30;
let h: Harness;
let server: TemporalServer;
let startServer: () => Promise<TemporalServer>;
let dataDir: string;

beforeAll(async () => {
  const { temporal: binaryPath } = await provision();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'deadlines-restart-'));
  const port = await freePort();
  startServer = () => startTemporalServer({ binaryPath, port, dbFilename: path.join(dataDir, 'temporal.db') });
  server = await startServer();
  h = await startHarness(
    { WORKING_DAY_DURATION: `${DAY_MS}ms`, REVIEW_WORKING_DAYS: String(REVIEW_DAYS), CONSULTATION_WORKING_DAYS: '3' },
    { temporalAddress: server.address },
  );
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const ORG = '天津市交通运输委员会';
const people = {
  drafter: { sub: 'tj-drafter', region: 'tianjin', roles: ['drafter'], org: ORG },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'sup', region: 'hebei', roles: ['supervisor'] },
} satisfies Record<string, Claims>;
const { get, post, task: taskOf, accept } = castOf(() => h, people);

interface HistoryEntry {
  at: string;
  type: string;
  taskId?: string;
}

/** The draft, with the article 2 the reviewer comments on. */
function portRules(article2: string) {
  return {
    title: '天津市港口集疏运管理办法',
    articles: [
      { number: '1', text: '为规范港口集疏运，制定本办法。' },
      { number: '2', text: article2 },
    ],
    legalBasis: ['《中华人民共和国港口法》'],
    materials: { draftingExplanation: '起草说明' },
  };
}

/** Stops the worker and the Temporal server, lets `workingDays` pass, and starts both again. */
async function restartEverything(workingDays: number): Promise<void> {
  const down = Date.now();
  await h.worker.stop();
  await server.stop();
  // Time passing while everything is down is the point of the test, not a wait for a result.
  await eventually(() => Promise.resolve(Date.now() - down >= workingDays * DAY_MS || undefined), 'time to pass');
  server = await startServer();
  await h.replaceWorker();
}

test('when the worker and the server restart in the middle of a pause, the clock resumes with the balance it had, and pending timers still fire', async () => {
  const created = await post('drafter', '/v1/documents', portRules('集疏运车辆实行预约通行。')).expect(201);
  const documentId = created.body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('tjReviewer', reviewId);
  const origin = await taskOf('tjReviewer', reviewId, 'origin_review');
  const changes = await post('tjReviewer', `/v1/tasks/${origin.id}/complete`, {
    decision: 'request_changes',
    comments: [{ article: '2', text: '预约通行缺少上位法依据', severity: 'amend' }],
  }).expect(200);
  expect(changes.body.review.stage).toBe('revision');

  const paused = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
  expect(paused.deadlines).toMatchObject({ clockRunning: false });
  expect(paused.deadlines.tasks).toEqual([expect.objectContaining({ kind: 'revision', dueAt: null })]);

  await restartEverything(3);

  const stillPaused = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
  expect(stillPaused.deadlines).toMatchObject({
    clockRunning: false,
    workingDaysUsed: paused.deadlines.workingDaysUsed,
    workingDaysLeft: paused.deadlines.workingDaysLeft,
  });

  // The drafter revises and resubmits after the restart.
  await post('drafter', `/v1/documents/${documentId}/versions`, portRules('集疏运车辆可以自愿预约通行。')).expect(201);
  const comment = (await get('drafter', `/v1/documents/${documentId}/comments`).expect(200)).body.items[0];
  const revision = await taskOf('drafter', reviewId, 'revision');
  await post('drafter', `/v1/tasks/${revision.id}/complete`, {
    decision: 'resubmit',
    dispositions: [{ commentId: comment.id, status: 'adopted' }],
  }).expect(200);

  const resumed = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
  const at = (type: string) => Date.parse((resumed.history as HistoryEntry[]).find((e) => e.type === type)!.at);
  const usedBeforeStop = at('clock_stopped') - at('clock_started');
  const expectedDue = new Date(at('clock_resumed') + REVIEW_DAYS * DAY_MS - usedBeforeStop).toISOString();
  expect(resumed.deadlines).toMatchObject({ clockRunning: true, reviewDueAt: expectedDue });
  const secondOrigin = await taskOf('tjReviewer', reviewId, 'origin_review');
  expect(secondOrigin.dueAt).toBe(expectedDue);
  // The pause (more than three working days here) is not counted.
  expect(at('clock_resumed') - at('clock_stopped')).toBeGreaterThanOrEqual(3 * DAY_MS);
  expect(resumed.deadlines.workingDaysLeft).toBeGreaterThanOrEqual(REVIEW_DAYS - 1 - paused.deadlines.workingDaysUsed);

  // Consultations open with three-day timers; the server goes down while they are pending.
  await post('tjReviewer', `/v1/tasks/${secondOrigin.id}/complete`, { decision: 'approve', checklist: allPass }).expect(
    200,
  );
  await restartEverything(1);
  const expired = await eventually(
    async () => {
      const state = (await get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`).expect(200)).body;
      return state.stage === 'signoff' ? state : undefined;
    },
    'both consultations to expire after the restart',
    30_000,
  );
  expect(expired.consultations).toEqual({
    beijing: expect.objectContaining({ status: 'no_response' }),
    hebei: expect.objectContaining({ status: 'no_response' }),
  });
}, 120_000);
