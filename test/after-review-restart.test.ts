/**
 * The timers after the review across a restart, on a Temporal server of this file's own (a SQLite
 * file, so it can be stopped and started again), with compressed calendar days: the worker and the
 * server go down right after issuance, and when they come back every deadline that passed while
 * they were down still fires, in order: the filing reminder, its overdue notice and escalation,
 * the validity reminder six months before `validUntil`, and expiry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../platform/processes';
import { provision, startTemporalServer, type TemporalServer } from '../platform/servers';
import { eventually, startHarness, type Harness } from './harness';
import { afterReviewCast, approvedDocument, issuanceBody } from './support/after-review';

const DAY_MS = 20;
let h: Harness;
let server: TemporalServer;
let startServer: () => Promise<TemporalServer>;
let dataDir: string;

beforeAll(async () => {
  const { temporal: binaryPath } = await provision();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'after-review-restart-'));
  const port = await freePort();
  startServer = () => startTemporalServer({ binaryPath, port, dbFilename: path.join(dataDir, 'temporal.db') });
  server = await startServer();
  h = await startHarness({ CALENDAR_DAY_DURATION: `${DAY_MS}ms` }, { temporalAddress: server.address });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const cast = afterReviewCast(() => h);
const { get, post } = cast;

interface Notice {
  type: string;
  taskId?: string;
  documentId?: string;
  message: string;
}

test('when the worker and the server are down past every deadline, each timer still fires once they are back', async () => {
  const { documentId } = await approvedDocument(cast);
  // One year's validity: 366 compressed days (2027-03-02 to 2028-03-02), the reminder at 2027-09-02.
  const issued = await post(
    'drafter',
    `/v1/documents/${documentId}/issuance`,
    issuanceBody({ validityYears: 1 }),
  ).expect(201);
  expect(issued.body.validUntil).toBe('2028-03-02');
  const down = Date.now();
  await h.worker.stop();
  await server.stop();
  // Time passing while everything is down is the point of the test, not a wait for a result.
  await eventually(() => Promise.resolve(Date.now() - down >= 380 * DAY_MS || undefined), 'time to pass');
  server = await startServer();
  await h.replaceWorker();

  const doc = await eventually(
    async () => {
      const body = (await get('drafter', `/v1/documents/${documentId}`).expect(200)).body;
      return body.status === 'expired' ? body : undefined;
    },
    'expiry',
    60_000,
  );
  expect(doc.issuance).toMatchObject({ status: 'expired', validUntil: '2028-03-02' });

  const mine = ((await get('drafter', '/v1/notifications?limit=100').expect(200)).body.items as Notice[]).filter(
    (n) => n.documentId === documentId,
  );
  expect(mine.map((n) => n.type).sort()).toEqual(['overdue', 'reminder', 'reminder']);
  expect(mine.find((n) => n.taskId === undefined)?.message).toContain('有效期至 2028-03-02');
  const escalations = (
    (await get('supervisor', '/v1/notifications?limit=100').expect(200)).body.items as Notice[]
  ).filter((n) => n.documentId === documentId && n.type === 'escalation');
  expect(escalations).toHaveLength(1);
  // A task's limit reads as its last working day, never as a stored timestamp.
  for (const notice of [...mine.filter((n) => n.taskId !== undefined), ...escalations]) {
    expect(notice.message).toMatch(/\d+月\d+日（星期.）前/);
    expect(notice.message).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  }

  const filing = (await get('drafter', `/v1/filings/${issued.body.filingId}`).expect(200)).body;
  const types = (filing.history as { type: string }[]).map((e) => e.type);
  // In order: the filing's reminder before its overdue notice, and the course's end last.
  expect(types.indexOf('reminder_sent')).toBeLessThan(types.indexOf('task_overdue'));
  expect(types.indexOf('task_overdue')).toBeLessThan(types.indexOf('escalated'));
  expect(types.at(-1)).toBe('task_cancelled');
  // The course is over: it takes no more steps.
  await post('drafter', `/v1/documents/${documentId}/repeal`, { reason: '已失效' }).expect(409);
}, 120_000);
