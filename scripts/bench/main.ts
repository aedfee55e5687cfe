/**
 * `npm run bench`: the benchmark of issue 7, in one run on servers it starts itself (see README,
 * "Benchmark", and `--help`).
 *
 *  1. Throughput (reviews/s, counted by the transitions completed inside each window, so a journey
 *     longer than the window counts too): the app's full journey over HTTP, a bare Temporal workflow
 *     of the same shape (start, six Updates each storing one small write), and a bare
 *     start→signal→result workflow, interleaved, each repetition a fixed time at a fixed concurrency.
 *  2. Latency p50/p99 of a decision, `GET /v1/reviews/:id` and the inbox while journeys run at half
 *     the app's throughput, with 1k, 10k, 50k closed reviews seeded in the store.
 *  3. Store cost per operation against collection size.
 *
 * The servers (Temporal dev server on a SQLite file, the embedded store, durable as `npm start`)
 * run as child processes; the app and the bare workflows' worker run in one more child process
 * (`app-process.ts`), so the load generated here does not compete with them in one event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import type { Claims } from '../../api/auth';
import { DEVELOPMENT_JWT_SECRET } from '../../platform/config';
import { removeDataDir, startEmbeddedStore } from '../../platform/embedded-store';
import { provision, startTemporalServer, type ServerBinaries } from '../../platform/servers';
import { createModels } from '../../store/models';
import type { AppProcessReady } from './app-process';
import {
  BARE_TASK_QUEUE,
  STEPS_PER_REVIEW,
  goSignal,
  sameShapeReview,
  startSignalResult,
  stepUpdate,
} from './bare-workflows';
import { cpuBetween, cpuSeconds } from './cpu';
import { ApiClient, appJourney, JOURNEY_DECISIONS, probeInbox, probeReview, type ApiTarget } from './http-journey';
import { interpolatedPercentile as percentile, median } from '../percentile';
import { Latencies, closedLoop, openLoop, type RunOutcome } from './load';
import { closedReviewPlans, submissionSchedule, workingDaysUntil } from './plans';
import { fmt, printTable, section } from './report';
import { DEFAULT_SEED_SETTINGS, seedReviews } from './seed';
import { storeCost } from './store-cost';
import { launchApp, printedValue } from '../launch-app';

const HELP = `npm run bench [-- options]

  --parts 1,2,3          which parts to run (default all)
  --quick                a short run: 3 × 8 s per variant, 1,000 closed reviews, store sizes 100 and 1,000
  --reps N               repetitions of each throughput variant (default 3, at least 3)
  --duration S           measured seconds per throughput repetition (default 30), after --warmup S (default 5)
  --concurrency N        journeys in flight in the throughput runs (default 16)
  --sizes A,B,C          closed reviews in the store for the latency figures (default 1000,10000,50000)
  --latency-duration S   measured seconds per store size (default 60)
  --rate R               journeys started per second in the latency runs (default: half the app's throughput)
  --probe-rate R         GET review and inbox requests per second each during the latency runs (default 5)
  --store-sizes A,B,...  collection sizes for the store cost (default 100,1000,5000,50000)
  --api-url URL          run part 1's app journey against an app already running there (parts 1 and 3 only)
  --jwt-secret S         the HS256 secret that app checks tokens with (default AUTH_JWT_SECRET, else npm start's development secret)
  --temporal-address A, --mongodb-uri U
                         run the bare workflows on these servers (those of the app at --api-url) instead of starting servers
  --shape dev|cluster    dev (default): the Temporal dev server, the app's worker and API in one process;
                         cluster: \`npm run cluster\`'s shape (Temporal's own server on PostgreSQL, two API
                         processes taking the requests in turn, --workers worker processes), parts 1 and 2
  --workers N            worker processes of the cluster shape (default 2; 1 to compare)
  --cpu-prof DIR         dev shape: write a V8 CPU profile of the app process (API and worker) into DIR
                         (open the .cpuprofile in Chrome's DevTools or speedscope)`;

interface Options {
  parts: Set<number>;
  reps: number;
  durationMs: number;
  warmupMs: number;
  concurrency: number;
  sizes: number[];
  latencyMs: number;
  rate?: number;
  probeRate: number;
  storeSizes: number[];
  apiUrl?: string;
  jwtSecret?: string;
  temporalAddress?: string;
  mongodbUri?: string;
  shape: 'dev' | 'cluster';
  workers: number;
  cpuProfileDir?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      quick: { type: 'boolean' },
      parts: { type: 'string' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      sizes: { type: 'string' },
      'latency-duration': { type: 'string' },
      rate: { type: 'string' },
      'probe-rate': { type: 'string' },
      'store-sizes': { type: 'string' },
      'api-url': { type: 'string' },
      'jwt-secret': { type: 'string' },
      'temporal-address': { type: 'string' },
      'mongodb-uri': { type: 'string' },
      shape: { type: 'string' },
      workers: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const num = (name: string, text: string | undefined, fallback: number, min = 0): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return n;
  };
  const list = (name: string, text: string | undefined, fallback: number[]): number[] => {
    if (text === undefined) return fallback;
    const items = text.split(',').map((s) => Number(s.trim()));
    if (items.some((n) => !Number.isInteger(n) || n <= 0))
      throw new Error(`--${name} must be positive integers, e.g. 1000,10000`);
    return [...items].sort((a, b) => a - b);
  };
  const options: Options = {
    parts: new Set(list('parts', values.parts, [1, 2, 3])),
    reps: num('reps', values.reps, 3, 3),
    durationMs: num('duration', values.duration, quick ? 8 : 30, 1) * 1000,
    warmupMs: num('warmup', values.warmup, quick ? 2 : 5) * 1000,
    concurrency: num('concurrency', values.concurrency, 16, 1),
    sizes: list('sizes', values.sizes, quick ? [1000] : [1000, 10_000, 50_000]),
    latencyMs: num('latency-duration', values['latency-duration'], quick ? 15 : 60, 1) * 1000,
    ...(values.rate !== undefined && { rate: num('rate', values.rate, 0, 0.01) }),
    probeRate: num('probe-rate', values['probe-rate'], 5, 0.1),
    storeSizes: list('store-sizes', values['store-sizes'], quick ? [100, 1000] : [100, 1000, 5000, 50_000]),
    apiUrl: values['api-url'],
    jwtSecret: values['jwt-secret'],
    temporalAddress: values['temporal-address'],
    mongodbUri: values['mongodb-uri'],
    shape: values.shape === 'cluster' ? 'cluster' : 'dev',
    workers: num('workers', values.workers, 2, 1),
    ...(values['cpu-prof'] !== undefined && { cpuProfileDir: path.resolve(values['cpu-prof']) }),
  };
  if (values.shape !== undefined && values.shape !== 'dev' && values.shape !== 'cluster')
    throw new Error('--shape must be dev or cluster');
  if (options.shape === 'cluster' && (options.apiUrl || options.temporalAddress || options.mongodbUri))
    throw new Error(
      '--shape cluster starts its own servers: leave out --api-url, --temporal-address and --mongodb-uri',
    );
  if (options.shape === 'dev' && values.workers !== undefined) throw new Error('--workers needs --shape cluster');
  if (options.shape === 'cluster' && options.cpuProfileDir) throw new Error('--cpu-prof profiles the dev shape only');
  for (const [flag, value] of [
    ['--api-url', options.apiUrl],
    ['--temporal-address', options.temporalAddress && `tcp://${options.temporalAddress}`],
    ['--mongodb-uri', options.mongodbUri],
  ] as const) {
    if (value !== undefined && !isLoopback(value)) throw new Error(`${flag} must point at this machine (loopback)`);
  }
  if (options.apiUrl && options.parts.has(2)) {
    throw new Error(
      '--api-url runs parts 1 and 3 only (part 2 seeds the store of an app the bench runs): add --parts 1',
    );
  }
  return options;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** Things to stop, newest first. */
const stack: { name: string; stop(): Promise<void> }[] = [];

async function stopAll(): Promise<void> {
  while (stack.length > 0) {
    const item = stack.pop()!;
    await item.stop().catch((err: unknown) => console.error(`error while stopping ${item.name}:`, err));
  }
}

interface Servers {
  temporalAddress: string;
  mongodbUri: string;
  /** The bench's app and bare worker (the bare worker alone on the cluster shape). */
  child: ChildProcess;
  apiUrl?: string;
  /** The other API processes (the cluster shape). */
  moreApiUrls?: string[];
  /** Names the processes the CPU figures are grouped by. */
  label: (p: { pid: number; comm: string }, parent: string | undefined) => string;
}

async function startServers(
  options: Options,
  dir: string,
  secret: string,
  binaries?: ServerBinaries,
): Promise<Servers> {
  let temporalAddress = options.temporalAddress;
  if (temporalAddress === undefined) {
    const temporal = await startTemporalServer({
      binaryPath: binaries!.temporal,
      dbFilename: path.join(dir, 'temporal.sqlite'),
    });
    stack.push({ name: 'the Temporal server', stop: () => temporal.stop() });
    temporalAddress = temporal.address;
  }
  let mongodbUri = options.mongodbUri;
  if (mongodbUri === undefined) {
    // Durable, as `npm start` runs it.
    const store = await startEmbeddedStore({ ferretdbPath: binaries!.ferretdb, dataDir: path.join(dir, 'store') });
    stack.push({ name: 'the store', stop: () => store.stop() });
    mongodbUri = `${store.uri}/legality-review`;
  }

  const { child, apiUrl } = await startAppProcess(
    temporalAddress,
    mongodbUri,
    secret,
    options.apiUrl === undefined,
    options.cpuProfileDir,
  );
  return { temporalAddress, mongodbUri, child, apiUrl, label: componentOf(child.pid) };
}

/** The bench's app process (`app-process.ts`): the app (unless `withApp` is false) and the bare worker. */
async function startAppProcess(
  temporalAddress: string,
  mongodbUri: string,
  secret: string,
  withApp: boolean,
  cpuProfileDir?: string,
): Promise<{ child: ChildProcess; apiUrl?: string }> {
  const child = fork(require.resolve('./app-process'), [], {
    // The profile is written when the process exits (on the bench's 'stop').
    execArgv: ['--import', 'tsx', ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])],
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      PORT: '0',
      TEMPORAL_ADDRESS: temporalAddress,
      MONGODB_URI: mongodbUri,
      AUTH_JWT_SECRET: secret,
      REQUEST_SIGNING_KEYS: `bench-1:${randomBytes(32).toString('hex')}`,
      TEMPORAL_PAYLOAD_KEYS: `bench-1:${randomBytes(32).toString('base64')}`,
      // What the record keeper signs its checkpoints with: without it, its activity fails every run.
      AUDIT_KEYS: `bench-audit-1:${randomBytes(32).toString('base64url')}`,
      // The journeys' people are many and distinct; the limit stays out of the measurement anyway.
      RATE_LIMIT_PER_MINUTE: '100000000',
      BENCH_APP: withApp ? 'on' : 'off',
    },
  });
  stack.push({
    name: 'the app process',
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send('stop');
      await exited;
    },
  });
  const [ready] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the app process exited during start-up (code ${String(code)})`);
    }),
  ])) as [AppProcessReady];
  // The API listens on every interface; the bench talks to it over loopback.
  return { child, apiUrl: ready.apiUrl?.replace('//localhost:', '//127.0.0.1:') };
}

/**
 * `npm run cluster`'s shape (`bin/cluster.ts`, run as it is, with `--workers` worker processes) in
 * the bench's directory, and the bare workflows' worker on its Temporal server and store.
 */
async function startCluster(options: Options, dir: string, secret: string): Promise<Servers> {
  const cluster = await launchApp('cluster.ts', {
    env: {
      DATA_DIR: path.join(dir, 'data'),
      AUTH_JWT_SECRET: secret,
      CLUSTER_WORKERS: String(options.workers),
      RATE_LIMIT_PER_MINUTE: '100000000',
      EMBEDDED_RESTARTS: '0',
    },
    echoStderr: true,
  });
  stack.push({ name: 'the cluster', stop: () => cluster.stop() });
  const printed = <T>(value: T | undefined, what: string) => printedValue(cluster, value, what);
  const { apis, workerPids } = cluster;
  const temporalAddress = printed(cluster.temporalAddress, "its Temporal server's address");
  console.log(
    `  cluster: ${apis.length} APIs, ${workerPids.length} worker processes, Temporal's own server on PostgreSQL (SQL visibility)`,
  );
  const { child } = await startAppProcess(temporalAddress, cluster.mongodbUri, secret, false);
  const names = new Map<number, string>([
    ...apis.map((a) => [printed(a.pid, "an API's pid"), 'APIs'] as const),
    ...workerPids.map((pid) => [pid, 'workers'] as const),
    [printed(cluster.temporalPostgresPid, "Temporal's PostgreSQL"), 'postgres (Temporal)'],
    [printed(cluster.storePostgresPid, "the store's PostgreSQL"), 'postgres (store)'],
    [printed(cluster.ferretdbPid, "FerretDB's pid"), 'ferretdb'],
    [child.pid!, 'bare worker'],
    [cluster.child.pid!, 'cluster supervisor'],
  ]);
  return {
    temporalAddress,
    mongodbUri: cluster.mongodbUri,
    child,
    apiUrl: apis[0].url,
    moreApiUrls: apis.slice(1).map((a) => a.url),
    label: ({ pid, comm }, parent) =>
      pid === process.pid
        ? 'load generator'
        : (names.get(pid) ??
          (comm.startsWith('temporal') ? 'temporal' : parent && parent !== 'cluster supervisor' ? parent : 'other')),
  };
}

/** Labels the processes the CPU figures are grouped by. */
function componentOf(childPid: number | undefined) {
  return ({ pid, comm }: { pid: number; comm: string }) =>
    pid === process.pid
      ? 'load generator'
      : pid === childPid
        ? 'app + workers'
        : comm === 'postgres' || comm === 'ferretdb' || comm === 'temporal'
          ? comm
          : 'other';
}

interface Variant {
  name: string;
  /** Its transitions: `step` is called as each completes. */
  steps: number;
  journey: (lane: number, step: () => void) => Promise<void>;
}

/** One repetition of a throughput variant: what finished, and the CPU seconds each process used meanwhile. */
interface MeasuredRun {
  run: RunOutcome;
  cpu: Map<string, number>;
}

interface Throughput {
  /** Median completed reviews/s of the app's journey. */
  app: number;
  /** Its journeys completed over all repetitions, per measured second. */
  appPooled: number;
}

async function throughput(options: Options, servers: Servers, api: ApiTarget): Promise<Throughput> {
  section(
    `1. Throughput: reviews/s by transitions completed in the window, ${options.reps} interleaved repetitions of ${options.durationMs / 1000} s ` +
      `(after ${options.warmupMs / 1000} s of warm-up) at ${options.concurrency} journeys in flight`,
  );
  const connection = await Connection.connect({ address: servers.temporalAddress });
  const client = new Client({ connection });
  stack.push({ name: 'the Temporal client', stop: () => connection.close() });
  const latencies = new Latencies();
  const http = new ApiClient(api, latencies);
  const run = randomUUID().slice(0, 8);
  let n = 0;
  const variants: Variant[] = [
    {
      name: 'app (HTTP journey)',
      steps: STEPS_PER_REVIEW,
      journey: (_, step) => appJourney(http, run, n++, { onTransition: step }),
    },
    {
      name: 'bare, same shape',
      steps: STEPS_PER_REVIEW,
      async journey(_, step) {
        const handle = await client.workflow.start(sameShapeReview, {
          taskQueue: BARE_TASK_QUEUE,
          workflowId: `bench-same-${run}-${n++}`,
        });
        for (let k = 1; k <= STEPS_PER_REVIEW; k++) {
          await handle.executeUpdate(stepUpdate, { args: [k] });
          step();
        }
        await handle.result();
      },
    },
    {
      name: 'bare, start→signal→result',
      steps: 1,
      async journey(_, step) {
        const handle = await client.workflow.start(startSignalResult, {
          taskQueue: BARE_TASK_QUEUE,
          workflowId: `bench-signal-${run}-${n++}`,
        });
        await handle.signal(goSignal);
        await handle.result();
        step();
      },
    },
  ];
  const label = servers.label;
  const outcomes = new Map<string, MeasuredRun[]>(variants.map((v) => [v.name, []]));
  for (let rep = 1; rep <= options.reps; rep++) {
    for (const variant of variants) {
      latencies.recording = false;
      const before = cpuSeconds(process.pid, label);
      const outcome = await closedLoop({
        lanes: options.concurrency,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        stepsPerJourney: variant.steps,
        journey: variant.journey,
        onMeasuring: () => (latencies.recording = variant === variants[0]),
      });
      const cpu = cpuBetween(before, cpuSeconds(process.pid, label));
      outcomes.get(variant.name)!.push({ run: outcome, cpu });
      const failures = outcome.failed > 0 ? `, ${outcome.failed} failed: ${outcome.errors[0]}` : '';
      console.log(
        `  rep ${rep} ${variant.name}: ${fmt(outcome.perSecond, 2)}/s (${outcome.transitions} transitions, ` +
          `${outcome.completed} whole, in ${outcome.seconds} s${failures})`,
      );
    }
  }
  latencies.recording = false;

  const rate = (name: string) => outcomes.get(name)!.map((o) => o.run.perSecond);
  printTable(
    ['variant', 'median/s', 'min–max', 'repetitions', 'failed'],
    variants.map((v) => {
      const r = rate(v.name);
      return [
        v.name,
        fmt(median(r), 2),
        `${fmt(Math.min(...r), 2)}–${fmt(Math.max(...r), 2)}`,
        r.map((x) => fmt(x, 2)).join(' '),
        String(outcomes.get(v.name)!.reduce((s, o) => s + o.run.failed, 0)),
      ];
    }),
  );
  const app = rate(variants[0].name);
  const same = rate(variants[1].name);
  const paired = app.map((a, i) => a / same[i]);
  console.log(
    `\n  app / same shape: ${fmt(median(app) / median(same), 2)} (ratio of medians; per repetition ${paired.map((x) => fmt(x, 2)).join(', ')}; target ≥ 0.8)`,
  );
  console.log(`  app / start→signal→result: ${fmt(median(app) / median(rate(variants[2].name)), 2)}`);

  // What each component burned per completed review (CPU seconds over all repetitions).
  const used = (c: string) => [...outcomes.values()].some((os) => os.some((o) => (o.cpu.get(c) ?? 0) >= 0.01));
  const components = [...new Set([...outcomes.values()].flatMap((os) => os.flatMap((o) => [...o.cpu.keys()])))]
    .filter(used)
    .sort();
  if (components.length > 0) {
    console.log('\n  CPU seconds per completed review, by process (all repetitions):');
    printTable(
      ['variant', ...components],
      variants.map((v) => [
        v.name,
        ...components.map((c) =>
          fmt(
            cpuPerReview(outcomes.get(v.name)!, (name) => name === c),
            3,
          ),
        ),
      ]),
    );
    printRatioCeiling(outcomes.get(variants[0].name)!, outcomes.get(variants[1].name)!);
  }
  console.log(`\n  App journey requests during the measured windows (ms):`);
  printLatencies(latencies, ['create document', 'submit', 'decision', 'find task']);
  console.log(`  Over all app journeys: ${http.polls} task lists read again because a task was not listed yet`);
  const appRuns = outcomes.get(variants[0].name)!.map((o) => o.run);
  const appPooled =
    appRuns.reduce((sum, o) => sum + o.journeysDone, 0) /
    Math.max(
      appRuns.reduce((sum, o) => sum + o.seconds, 0),
      1,
    );
  return { app: median(app), appPooled };
}

/** CPU seconds per completed review over all repetitions, summed over the components `counted` names. */
function cpuPerReview(runs: readonly MeasuredRun[], counted: (c: string) => boolean): number {
  const done = runs.reduce((s, o) => s + o.run.journeysDone, 0);
  const used = runs.reduce((s, o) => s + [...o.cpu].reduce((t, [c, sec]) => t + (counted(c) ? sec : 0), 0), 0);
  return used / Math.max(done, 1);
}

/**
 * How far the ratio could go were the app's own processes and its store free: Temporal's CPU for one
 * app review (the server and, on the cluster shape, its PostgreSQL) against a same-shape review's CPU in
 * every process the bench started. With every core busy in both variants, throughput goes as the
 * inverse of CPU per review, so that quotient bounds app ÷ same shape.
 */
function printRatioCeiling(app: readonly MeasuredRun[], same: readonly MeasuredRun[]): void {
  const isTemporal = (c: string) => c.startsWith('temporal') || c === 'postgres (Temporal)';
  const temporalPerApp = cpuPerReview(app, isTemporal);
  const samePerReview = cpuPerReview(same, (c) => c !== 'load generator');
  if (temporalPerApp === 0 || samePerReview === 0) return;
  console.log(
    `\n  Temporal alone spends ${fmt(temporalPerApp, 3)} CPU s per app review, ${fmt(temporalPerApp / samePerReview, 2)}× ` +
      `a same-shape review in every process (${fmt(samePerReview, 3)} s): were the app's processes and its store free, ` +
      `app ÷ same shape could reach at most ${fmt(samePerReview / temporalPerApp, 2)}`,
  );
}

function printLatencies(latencies: Latencies, ops: string[]): void {
  printTable(
    ['request', 'n', 'p50', 'p99', 'max'],
    ops
      .filter((op) => latencies.of(op).length > 0)
      .map((op) => {
        const v = latencies.of(op);
        return [op, String(v.length), fmt(percentile(v, 50), 1), fmt(percentile(v, 99), 1), fmt(Math.max(...v), 1)];
      }),
  );
}

const SEED = 20261127;
/** Closed reviews end this long before the run, so every seeded journey has finished. */
const SEED_LATEST_DAYS_AGO = 30;

async function latency(
  options: Options,
  servers: Servers,
  api: ApiTarget,
  measured: Throughput | undefined,
): Promise<void> {
  // Half the median; when most repetitions were too short for a journey to end in them (a loaded
  // machine, --quick), half of what ended over all of them.
  const appPerSecond = measured && (measured.app > 0 ? measured.app : measured.appPooled);
  if (measured && measured.app === 0 && measured.appPooled > 0) {
    console.log(
      `\n  note: the app's median throughput was 0; part 2 starts journeys at half of ${fmt(measured.appPooled, 2)}/s, ` +
        `its journeys completed over all repetitions per measured second`,
    );
  }
  const rate = options.rate ?? (appPerSecond === undefined ? undefined : appPerSecond / 2);
  if (rate === undefined) throw new Error("part 2 needs the app's throughput from part 1, or --rate");
  if (!(rate > 0)) {
    // Nothing to take half of: say so and go on to part 3 rather than give up the run.
    console.log("\n  part 2 skipped: no app journey completed in part 1's windows; give a rate with --rate R");
    return;
  }
  section(
    `2. Latency while journeys start at ${fmt(rate, 2)}/s (half the app's throughput), with closed reviews in the store; ` +
      `${options.latencyMs / 1000} s each (after ${options.warmupMs / 1000} s of warm-up), probes ${options.probeRate}/s each`,
  );
  const mongo = await mongoose.createConnection(servers.mongodbUri).asPromise();
  stack.push({ name: 'the seeding connection', stop: () => mongo.close() });
  const models = createModels(mongo);
  const now = Date.now();
  const latest = now - SEED_LATEST_DAYS_AGO * 86_400_000;
  const largest = options.sizes[options.sizes.length - 1];
  // As many a working day as it takes for the largest store to fit in the calendar's years.
  const perWorkingDay = Math.max(20, Math.ceil(largest / (workingDaysUntil(latest) - 5)));
  const schedule = submissionSchedule(latest, perWorkingDay);
  console.log(
    `  Closed reviews are submitted ${perWorkingDay} a working day (≈ ${fmt(perWorkingDay * 250, 0)} a year) going back from ${new Date(latest).toISOString().slice(0, 10)}; ` +
      `each is planned as one of the journeys of scripts/bench/plans.ts and stored as the app stores it.`,
  );

  const closedIds: string[] = [];
  const inFlight = new Set<string>();
  const run = randomUUID().slice(0, 8);
  const results: { size: number; latencies: Latencies; outcome: Awaited<ReturnType<typeof openLoop>> }[] = [];
  const supervisor: Claims = { sub: `bench-${run}-supervisor`, region: 'beijing', roles: ['supervisor'] };
  for (const size of options.sizes) {
    const started = Date.now();
    const plans = closedReviewPlans(SEED, closedIds.length, size, schedule, now);
    const tap = (function* () {
      for (const plan of plans) {
        closedIds.push(`review:${plan.documentId}:1`);
        yield plan;
      }
    })();
    await seedReviews(models, tap, { settings: DEFAULT_SEED_SETTINGS, batchSize: 500 });
    const counts = await Promise.all(
      ['reviews', 'tasks', 'events', 'comments', 'notifications'].map((c) =>
        mongo.collection(c).estimatedDocumentCount(),
      ),
    );
    console.log(
      `  seeded to ${size.toLocaleString('en')} closed reviews in ${fmt((Date.now() - started) / 1000, 0)} s; the store holds ` +
        `${counts.map((c, i) => `${c.toLocaleString('en')} ${['reviews', 'tasks', 'events', 'comments', 'notifications'][i]}`).join(', ')}`,
    );

    const latencies = new Latencies();
    latencies.recording = false;
    const http = new ApiClient(api, latencies);
    const supervisorToken = http.token(supervisor);
    const reviewers = (['beijing', 'tianjin', 'hebei'] as const).map((region) =>
      http.token({ sub: `bench-${run}-${region}-inbox`, region, roles: ['reviewer'] }),
    );
    const total = options.warmupMs + options.latencyMs;
    const timer = setTimeout(() => (latencies.recording = true), options.warmupMs);
    let journeys = 0;
    const pickReview = (k: number) => {
      const live = [...inFlight];
      // Half the reads are of reviews under way, half of the archive.
      return k % 2 === 0 && live.length > 0
        ? live[k % live.length]
        : closedIds[Math.floor(Math.random() * closedIds.length)];
    };
    const [outcome] = await Promise.all([
      openLoop({
        perSecond: rate,
        durationMs: total,
        maxInFlight: Math.max(8, Math.ceil(rate * 30)),
        journey: () =>
          appJourney(http, `${run}-${size}`, journeys++, {
            onSubmitted: (id) => inFlight.add(id),
            onClosed: (id) => inFlight.delete(id),
          }),
      }),
      openLoop({
        perSecond: options.probeRate,
        durationMs: total,
        maxInFlight: 50,
        journey: (k) => probeReview(http, supervisorToken, pickReview(k)).then(() => undefined),
      }),
      openLoop({
        perSecond: options.probeRate,
        durationMs: total,
        maxInFlight: 50,
        journey: (k) => probeInbox(http, reviewers[k % 3]).then(() => undefined),
      }),
    ]);
    clearTimeout(timer);
    inFlight.clear();
    results.push({ size, latencies, outcome });
    const failed = outcome.failed > 0 ? `, ${outcome.failed} failed: ${outcome.errors[0]}` : '';
    console.log(
      `  ${size.toLocaleString('en')} closed: ${outcome.completed} journeys completed of ${outcome.started} started${outcome.skipped ? `, ${outcome.skipped} starts skipped (the app fell behind)` : ''}${failed}`,
    );
    printLatencies(latencies, ['decision', ...JOURNEY_DECISIONS, 'GET review', 'inbox', 'submit']);
  }

  const ops = ['decision', 'GET review', 'inbox'];
  const targets: Record<string, number> = { decision: 150, 'GET review': 50, inbox: 50 };
  console.log(
    '\n  p50 / p99 in ms by closed reviews in the store (targets: decision p99 ≤ 150, GET and inbox p99 ≤ 50):',
  );
  printTable(
    ['request', ...results.map((r) => r.size.toLocaleString('en')), 'p99 target'],
    ops.map((op) => [
      op,
      ...results.map(
        (r) => `${fmt(percentile(r.latencies.of(op), 50), 1)} / ${fmt(percentile(r.latencies.of(op), 99), 1)}`,
      ),
      `≤ ${targets[op]}`,
    ]),
  );
  if (results.length > 1) {
    const first = results[0];
    const last = results[results.length - 1];
    console.log(
      `\n  ${last.size.toLocaleString('en')} against ${first.size.toLocaleString('en')} (target: within 1.5×):`,
    );
    printTable(
      ['request', 'p50 ratio', 'p99 ratio'],
      ops.map((op) => [
        op,
        fmt(percentile(last.latencies.of(op), 50) / percentile(first.latencies.of(op), 50), 2),
        fmt(percentile(last.latencies.of(op), 99) / percentile(first.latencies.of(op), 99), 2),
      ]),
    );
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.error(`${signal}: stopping the servers`);
    void stopAll().then(() => process.exit(1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log(
    `legality-review benchmark — ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `Node ${process.version}; parts ${[...options.parts].join(', ')}`,
  );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-bench-'));
  // Run as root, PostgreSQL runs as the postgres user, which must reach its directory.
  await chmod(dir, 0o755);
  // With the clusters it links to elsewhere (run as root, the cluster shape's are under /var/lib).
  stack.push({ name: 'the data directory', stop: () => removeDataDir(dir) });

  const ownServers =
    options.parts.has(3) ||
    (options.shape === 'dev' && (options.temporalAddress === undefined || options.mongodbUri === undefined));
  const binaries = ownServers ? await provision() : undefined;

  if (options.parts.has(1) || options.parts.has(2)) {
    const secret = options.apiUrl
      ? (options.jwtSecret ?? process.env.AUTH_JWT_SECRET ?? DEVELOPMENT_JWT_SECRET)
      : randomBytes(32).toString('hex');
    const servers =
      options.shape === 'cluster'
        ? await startCluster(options, dir, secret)
        : await startServers(options, dir, secret, binaries);
    const api: ApiTarget = {
      url: options.apiUrl ?? servers.apiUrl!,
      secret,
      ...(servers.moreApiUrls && { moreUrls: servers.moreApiUrls }),
    };
    console.log(
      `  app: ${[api.url, ...(api.moreUrls ?? [])].join(', ')}${options.apiUrl ? ' (running elsewhere)' : ''}; Temporal ${servers.temporalAddress}; store ${servers.mongodbUri}`,
    );
    if (options.apiUrl && (options.temporalAddress === undefined || options.mongodbUri === undefined)) {
      console.log('  note: the bare workflows run on servers of the bench, not on those of the app at --api-url');
    }
    let measured: Throughput | undefined;
    if (options.parts.has(1)) measured = await throughput(options, servers, api);
    if (options.parts.has(2)) await latency(options, servers, api, measured);
    // Parts 1 and 2 are done with these servers: stop them before the store-cost run.
    while (stack.length > 1) await stack.pop()!.stop();
  }
  if (options.parts.has(3)) await storeCost(options.storeSizes, dir, binaries!);
  await stopAll();
}

main().catch(async (err: unknown) => {
  console.error('bench failed:', err);
  await stopAll();
  process.exit(1);
});
