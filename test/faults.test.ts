/**
 * Degrading cleanly, on servers of this file's own (a Temporal dev server on a SQLite file and an
 * embedded store) so that they can be frozen, stopped and killed:
 * - the store frozen (SIGSTOP): every request answers 503 within its budget, and all is well
 *   again once it thaws;
 * - Temporal stopped: decisions and submissions answer 503 within DECISION_TIMEOUT, reads keep
 *   being served from the store, and a keyed retry after the restart gets its answer;
 * - a worker killed (SIGKILL) in the middle of recording a decision: another worker records it,
 *   within seconds;
 * - 100 conflicting decisions at once: one 200, every other a 409 (or a 429 with Retry-After),
 *   all within a few seconds.
 * The figures are printed for the record (docs/operations.md, "Budgets"); the bounds are what is asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest, type Server } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { startEmbeddedStore, type EmbeddedStore } from '../platform/embedded-store';
import { freePort } from '../platform/processes';
import { provision, startTemporalServer, type TemporalServer } from '../platform/servers';
import {
  TEST_PAYLOAD_KEYS,
  TEST_SIGNING_KEYS,
  allPass,
  castOf,
  eventually,
  expectProjectionsRebuiltFromLog,
  startHarness,
  type Claims,
  type Harness,
} from './harness';

const READ_TIMEOUT_MS = 2_000;
const DECISION_TIMEOUT_MS = 3_000;
/** Room for the test's own scheduling on a shared two-core machine. */
const SLACK_MS = 1_500;

const ORG = '天津市港口管理局';
const people: Record<string, Claims> = {
  drafter: { sub: 'f-d', region: 'tianjin', roles: ['drafter'], org: ORG },
  reviewer: { sub: 'f-r', region: 'tianjin', roles: ['reviewer'] },
  supervisor: { sub: 'f-s', region: 'beijing', roles: ['supervisor'] },
};
const draft = {
  title: '天津港集疏运车辆预约通行管理办法',
  articles: [
    { number: '1', text: '为规范港口集疏运秩序，制定本办法。' },
    { number: '2', text: '集疏运车辆实行预约通行。' },
  ],
  legalBasis: ['《中华人民共和国港口法》'],
  materials: { draftingExplanation: '起草说明' },
};

let dir: string;
let binaries: Awaited<ReturnType<typeof provision>>;
let temporalPort: number;
let server: TemporalServer;
let store: EmbeddedStore;
let h: Harness;

const startServer = () =>
  startTemporalServer({
    binaryPath: binaries.temporal,
    port: temporalPort,
    dbFilename: path.join(dir, 'temporal.sqlite'),
  });

beforeAll(async () => {
  binaries = await provision();
  dir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-faults-'));
  await chmod(dir, 0o755); // run as root, PostgreSQL runs as its own user
  temporalPort = await freePort();
  [server, store] = await Promise.all([
    startServer(),
    startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'store'), durable: false }),
  ]);
  h = await startHarness(
    { READ_TIMEOUT: `${READ_TIMEOUT_MS}ms`, DECISION_TIMEOUT: `${DECISION_TIMEOUT_MS}ms` },
    { temporalAddress: server.address, mongodbUri: store.uri },
  );
}, 120_000);

afterAll(async () => {
  store?.signal('SIGCONT');
  await h?.stop();
  await Promise.allSettled([server?.stop(), store?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const { get, post, task, accept } = castOf(() => h, people);

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: Math.round(performance.now() - started) };
}

/** A review submitted and accepted at intake. */
async function submitted(): Promise<string> {
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const reviewId = (await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId as string;
  await accept('reviewer', reviewId);
  return reviewId;
}

test('when the store freezes, every request answers 503 with Retry-After within its budget, and succeeds once it thaws', async () => {
  const reviewId = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const requests = {
    'GET /v1/reviews/:id': () => get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`),
    'GET /v1/tasks': () => get('reviewer', '/v1/tasks?status=open'),
    'POST /v1/documents': () => post('drafter', '/v1/documents', draft),
    'POST /v1/tasks/:id/complete': () =>
      post('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}/complete`, {
        decision: 'approve',
        checklist: allPass,
      }).set('Idempotency-Key', 'frozen-store'),
  };
  store.signal('SIGSTOP');
  try {
    for (const [name, call] of Object.entries(requests)) {
      const { value: res, ms } = await timed(call);
      const budget = name.startsWith('GET') ? READ_TIMEOUT_MS : DECISION_TIMEOUT_MS;
      console.log(`store frozen: ${name} answered ${res.status} in ${ms} ms (budget ${budget} ms)`);
      expect({ name, status: res.status, retryAfter: res.headers['retry-after'] }).toEqual({
        name,
        status: 503,
        retryAfter: '1',
      });
      expect(ms).toBeLessThan(budget + SLACK_MS);
    }
    const { value: ready, ms } = await timed(() => get('supervisor', '/readyz'));
    console.log(`store frozen: /readyz answered ${ready.status} in ${ms} ms`);
    expect(ready.status).toBe(503);
  } finally {
    store.signal('SIGCONT');
  }
  const { ms: recovered } = await timed(() =>
    eventually(
      async () => ((await requests['GET /v1/tasks']()).status === 200 ? true : undefined),
      'reads to work again',
    ),
  );
  console.log(`store thawed: reads work again after ${recovered} ms`);
  // The decision retried with its key is recorded once.
  const retried = await eventually(async () => {
    const res = await requests['POST /v1/tasks/:id/complete']();
    return res.status === 200 ? res : undefined;
  }, 'the keyed decision to be answered');
  expect(retried.body.review.stage).toBe('consultation');
  expect(await h.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(1);
}, 90_000);

test('when a keep-alive client retries after 503s while the store is frozen, no connection is reset', async () => {
  const api = await new Promise<Server>((resolve) => {
    const listening = h.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // One socket for every request: a response written after its 503, or a socket destroyed by a
  // late failure, would break the next request on it.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { port } = api.address() as AddressInfo;
  const token = h.token(people.reviewer);
  const once = () =>
    new Promise<number | string>((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/tasks?status=open',
          agent,
          headers: { Authorization: `Bearer ${token}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end();
    });
  const outcomes: (number | string)[] = [];
  try {
    store.signal('SIGSTOP');
    const thawAt = performance.now() + 3 * READ_TIMEOUT_MS;
    while (performance.now() < thawAt) outcomes.push(await once());
    store.signal('SIGCONT');
    // The requests stuck in the store now finish, late; the client carries on on the same socket.
    const until = performance.now() + 3 * READ_TIMEOUT_MS;
    while (performance.now() < until) outcomes.push(await once());
  } finally {
    store.signal('SIGCONT');
    agent.destroy();
    await new Promise((resolve) => api.close(resolve));
  }
  const counts = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
  console.log(`keep-alive client across a frozen store, one socket: ${JSON.stringify(counts)}`);
  expect(outcomes.filter((o) => typeof o === 'string')).toEqual([]);
  expect(outcomes).toContain(503);
  expect(outcomes[outcomes.length - 1]).toBe(200);
}, 60_000);

test('when Temporal is down, decisions and submissions answer 503 within DECISION_TIMEOUT, reads go on, and a keyed retry gets its answer', async () => {
  const reviewId = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const decide = () =>
    post('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}/complete`, {
      decision: 'approve',
      checklist: allPass,
    }).set('Idempotency-Key', 'temporal-down');
  const submit = () => post('drafter', `/v1/documents/${documentId}/reviews`).set('Idempotency-Key', 'submit-down');
  await h.worker.stop();
  await server.stop();
  try {
    for (const [name, call] of [
      ['decision', decide],
      ['submission', submit],
    ] as const) {
      const { value: res, ms } = await timed(call);
      console.log(
        `Temporal down: ${name} answered ${res.status} in ${ms} ms (DECISION_TIMEOUT ${DECISION_TIMEOUT_MS} ms)`,
      );
      expect(res.status).toBe(503);
      expect(ms).toBeLessThan(DECISION_TIMEOUT_MS + SLACK_MS);
    }
    const { value: review, ms } = await timed(() => get('supervisor', `/v1/reviews/${encodeURIComponent(reviewId)}`));
    console.log(`Temporal down: GET /v1/reviews/:id answered ${review.status} in ${ms} ms`);
    expect(review.status).toBe(200);
    const { value: ready, ms: readyMs } = await timed(() => get('supervisor', '/readyz'));
    console.log(`Temporal down: /readyz answered ${ready.status} in ${readyMs} ms`);
    expect(ready.status).toBe(503);
    expect(readyMs).toBeLessThan(2_000 + SLACK_MS);
  } finally {
    server = await startServer();
    await h.replaceWorker();
  }
  const faultEnded = performance.now();
  const answered = await eventually(
    async () => {
      const res = await decide();
      return res.status === 200 ? res : undefined;
    },
    'the keyed decision to be answered after the restart',
    60_000,
  );
  console.log(`Temporal back: a decision completed ${Math.round(performance.now() - faultEnded)} ms after the restart`);
  expect(answered.body.task.status).toBe('completed');
  // The submission that answered 503, retried with its key, gets its review, and its retries the same answer.
  const resubmitted = await eventually(
    async () => {
      const res = await submit();
      return res.status === 202 ? res : undefined;
    },
    'the keyed submission to be answered after the restart',
    60_000,
  );
  expect(resubmitted.body).toMatchObject({ documentId, reviewId: `review:${documentId}:1`, stage: 'intake' });
  expect((await submit()).body).toEqual(resubmitted.body);
  expect(await h.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(1);
}, 120_000);

/** The start of an `insert` command into `events` as it travels in a wire message (BSON: type, name, length, value). */
const EVENTS_INSERT = Buffer.concat([
  Buffer.from('\x02insert\0', 'latin1'),
  Buffer.from([7, 0, 0, 0]),
  Buffer.from('events\0', 'latin1'),
]);

interface FreezableRelay {
  uri: string;
  /** Holds all traffic from now on. */
  freeze(): void;
  /** Holds all traffic once a client has sent a message holding `marker` (which the store still gets). */
  freezeAfter(marker: Buffer): void;
  frozen(): boolean;
  close(): void;
}

/**
 * A TCP relay to the store whose traffic can be held: the store stalls for whoever connects
 * through it (a worker) and not for the API.
 */
async function freezableRelay(target: string): Promise<FreezableRelay> {
  const { hostname, port } = new URL(target);
  const pairs: [Socket, Socket][] = [];
  let frozen = false;
  let freezeOn: Buffer | undefined;
  const freeze = () => {
    frozen = true;
    for (const [client, upstream] of pairs) {
      client.pause();
      upstream.pause();
    }
  };
  const relay = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    client.pipe(upstream).pipe(client);
    // After the pipe's own listener: the chunk that holds the marker has gone on to the store.
    client.on('data', (chunk: Buffer) => {
      if (freezeOn && chunk.includes(freezeOn)) freeze();
    });
    for (const socket of [client, upstream]) socket.on('error', () => socket.destroy());
    if (frozen) client.pause();
    pairs.push([client, upstream]);
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  return {
    uri: `mongodb://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    freeze,
    freezeAfter(marker) {
      freezeOn = marker;
    },
    frozen: () => frozen,
    close() {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      relay.close();
    },
  };
}

/** A worker as its own process (`npm run worker`), so that it can be killed outright; resolves once it polls. */
async function workerProcess(mongodbUri = h.config.mongodbUri!): Promise<ChildProcess> {
  const root = path.join(__dirname, '..');
  // One process (tsx as a loader, not as a wrapper), so that SIGKILL kills the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: server.address,
      MONGODB_URI: mongodbUri,
      TEMPORAL_TASK_QUEUE: h.config.temporal.taskQueue,
      WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
      REQUEST_SIGNING_KEYS: TEST_SIGNING_KEYS,
      TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    () => Promise.resolve(output.includes('"msg":"worker polling"') || undefined),
    'the worker to poll',
    30_000,
  );
  return child;
}

/**
 * A decision whose recording is caught in the middle by `stall` (the worker's store traffic held at
 * some point), the worker killed there, and a new worker started: the caller is told in time that the
 * decision is not confirmed, the other worker records it within seconds, once, and the review's
 * read models are what its log says.
 */
async function killWorkerMidRecording(
  stall: (relay: FreezableRelay) => void,
  at: string,
  loggedAtKill: number,
): Promise<void> {
  const reviewId = await submitted();
  const origin = await task('reviewer', reviewId, 'origin_review');
  const relay = await freezableRelay(store.uri);
  const database = new URL(h.config.mongodbUri!).pathname;
  await h.worker.stop(); // from now on, workers are processes
  const doomed = await workerProcess(`${relay.uri}${database}`);
  let replacement: ChildProcess | undefined;
  try {
    stall(relay);
    const decision = post('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}/complete`, {
      decision: 'approve',
      checklist: allPass,
    })
      .set('Idempotency-Key', 'worker-killed')
      .then((res) => res);
    await eventually(
      async () => {
        const { raw } = await h.client.workflow.getHandle(reviewId).describe();
        const started = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
        return raw.pendingActivities?.some((a) => a.state === started) && relay.frozen() ? true : undefined;
      },
      'the decision to be in the middle of being recorded',
      30_000,
    );
    doomed.kill('SIGKILL');
    await once(doomed, 'exit');
    const killedAt = performance.now();
    const completed = { reviewId, type: 'task_completed', 'data.taskId': origin.id };
    expect(await h.models.Event.countDocuments(completed)).toBe(loggedAtKill);
    replacement = await workerProcess();
    expect((await decision).status).toBe(503); // the caller was told in time that it is not confirmed yet
    await eventually(
      async () =>
        (await get('reviewer', `/v1/tasks/${encodeURIComponent(origin.id)}`)).body.status === 'completed'
          ? true
          : undefined,
      'the decision to be recorded by the other worker',
      30_000,
    );
    const movedOnMs = Math.round(performance.now() - killedAt);
    console.log(`worker killed ${at}: the review moved on ${movedOnMs} ms after the kill`);
    expect(movedOnMs).toBeLessThan(10_000);
    expect(await h.models.Event.countDocuments(completed)).toBe(1);
    await expectProjectionsRebuiltFromLog(h, reviewId);
  } finally {
    relay.close();
    doomed.kill('SIGKILL');
    replacement?.kill('SIGTERM');
    if (replacement) await once(replacement, 'exit');
    await h.replaceWorker();
  }
}

test('when the worker dies while recording a decision, another worker records it within seconds', async () => {
  // The worker's store stalls before the recording has written anything.
  await killWorkerMidRecording((relay) => relay.freeze(), 'before the recording wrote anything', 0);
}, 90_000);

test('when the worker dies after the recording logged the events and before it finished, another worker finishes it', async () => {
  // The store takes the insert of the transition's events, then stalls before anything else: the next
  // worker must record the same events (a plan made again at another time would differ from the log).
  await killWorkerMidRecording((relay) => relay.freezeAfter(EVENTS_INSERT), 'after the events were logged', 1);
}, 90_000);

test('when 100 conflicting decisions arrive at once, one is recorded and every other is refused within seconds', async () => {
  // The default budgets: this is about conflicts, not faults, and the winner shares the machine
  // with the 99 others.
  const racing = await startHarness({}, { temporalAddress: server.address, mongodbUri: store.uri });
  try {
    await race(racing);
  } finally {
    await racing.stop();
  }
}, 60_000);

async function race(racing: Harness): Promise<void> {
  const cast = castOf(() => racing, people);
  const documentId = (await cast.post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
  const reviewId = (await cast.post('drafter', `/v1/documents/${documentId}/reviews`).expect(202)).body.reviewId;
  await cast.accept('reviewer', reviewId);
  const origin = await cast.task('reviewer', reviewId, 'origin_review');
  const path = `/v1/tasks/${encodeURIComponent(origin.id)}/complete`;
  const answers = await Promise.all(
    Array.from({ length: 100 }, () =>
      timed(() => cast.post('reviewer', path, { decision: 'approve', checklist: allPass })),
    ),
  );
  const winners = answers.filter((a) => a.value.status === 200);
  const losers = answers.filter((a) => a.value.status !== 200);
  expect(winners).toHaveLength(1);
  for (const loser of losers) {
    expect([409, 429]).toContain(loser.value.status);
    if (loser.value.status === 429) expect(loser.value.headers['retry-after']).toBeDefined();
  }
  const ms = losers.map((l) => l.ms).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))];
  console.log(
    `100-way race: winner ${winners[0].ms} ms; losers (${losers.length}) p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${ms[ms.length - 1]} ms; ` +
      `statuses ${JSON.stringify(answers.reduce<Record<number, number>>((t, a) => ({ ...t, [a.value.status]: (t[a.value.status] ?? 0) + 1 }), {}))}`,
  );
  expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5_000);
  expect(await racing.models.Event.countDocuments({ reviewId, type: 'task_completed', 'data.taskId': origin.id })).toBe(
    1,
  );
}
