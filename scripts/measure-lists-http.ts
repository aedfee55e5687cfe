/**
 * `npm run measure:lists-http [-- --shape dev|cluster]`: the work list and the statistics with
 * OPEN_TASKS open tasks stored (default 10,000), timed through the API from outside, as a caller
 * sees them. `npm run measure:lists` times the same reads at the call.
 *
 * 1. Starts the app as it runs, on free ports, in a throw-away data directory: `--shape dev` (the
 *    default) is `npm start` (bin/start.ts: the Temporal dev server, the store, the worker and the
 *    API in one process); `--shape cluster` is `npm run cluster` (bin/cluster.ts: Temporal's own
 *    server on PostgreSQL, two API processes, two workers; its binaries come from
 *    `npm run provision -- --cluster`).
 * 2. Seeds its store with `seedTasks` of scripts/measure-top-n.ts: OPEN_TASKS open tasks of
 *    Beijing's reviewers and as many others, and the statistics' counters. (After the start: the
 *    app's first start runs the store's once-only migrations, which on a seeded store would rewrite
 *    every task and count them all into the counters a second time.)
 * 3. Times, interleaved over ROUNDS rounds (default 11) and rotating which goes first, with tokens
 *    signed as the API checks them: a Beijing reviewer's `GET /v1/tasks?status=open` first page,
 *    the second and the tenth (through the cursors the API returned), and a supervisor's
 *    `GET /v1/stats`. On the cluster shape the requests alternate between the two APIs. A read counts
 *    only when it answers 200 with a full page (the statistics: with every seeded open task); any
 *    other answer is printed and counted as infinitely slow, and the run exits with code 1.
 *    One untimed round per API first (each process's first request pays for connecting).
 * Prints p50 / p99 (nearest rank) / min–max per read and the load average at the start and the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { signToken, type Claims } from '../api/auth';
import { loadConfig } from '../platform/config';
import { removeDataDir } from '../platform/embedded-store';
import { createModels } from '../store/models';
import { launchApp, type LaunchedApp } from './launch-app';
import { seedTasks } from './measure-top-n';
import { percentile } from './percentile';

const OPEN_TASKS = Number(process.env.OPEN_TASKS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const PAGE = 20;

const SHAPES = {
  dev: { script: 'start.ts', name: 'npm start (Temporal dev server, one process with the API and the worker)' },
  cluster: { script: 'cluster.ts', name: 'npm run cluster (Temporal server on PostgreSQL, two APIs, two workers)' },
} as const;
type Shape = keyof typeof SHAPES;

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One read: its path, the caller's token, and what a good answer's body must satisfy. */
interface Read {
  name: string;
  path: string;
  token: string;
  /** Undefined when the body is what it should be, else what is wrong. */
  check(body: unknown): string | undefined;
}

/** Answers that were not a good read, by read and reason. */
const failures = new Map<string, number>();

/** Requests go to the APIs in turn. */
let turn = 0;

/** Times one request, body read and parsed included; Infinity when the answer is not a good one. */
async function timed(apiUrls: string[], read: Read): Promise<number> {
  const url = `${apiUrls[turn++ % apiUrls.length]}${read.path}`;
  const started = performance.now();
  let wrong: string | undefined;
  try {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${read.token}` },
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status !== 200) wrong = `status ${res.status}: ${text.slice(0, 200)}`;
    else wrong = read.check(JSON.parse(text));
  } catch (err) {
    wrong = (err as Error).name;
  }
  const ms = performance.now() - started;
  if (wrong === undefined) return ms;
  const key = `${read.name}: ${wrong}`;
  failures.set(key, (failures.get(key) ?? 0) + 1);
  return Infinity;
}

interface TaskPage {
  items?: unknown[];
  nextCursor?: string | null;
}

const fullPage = (body: unknown): string | undefined => {
  const page = body as TaskPage;
  if (!Array.isArray(page.items) || page.items.length !== PAGE)
    return `${Array.isArray(page.items) ? page.items.length : 'no'} rows instead of ${PAGE}`;
  return undefined;
};

/** The list's path for a page (`cursor` from the page before it). */
const listPath = (cursor: string | null) =>
  `/v1/tasks?status=open&limit=${PAGE}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;

/** The cursors of the second and the tenth page, walked through the API. */
async function cursors(apiUrls: string[], token: string): Promise<{ second: string; tenth: string }> {
  const found: (string | null)[] = [null];
  while (found.length < 10) {
    const res = await fetch(`${apiUrls[0]}${listPath(found[found.length - 1])}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const page = (await res.json()) as TaskPage;
    if (res.status !== 200 || !page.nextCursor)
      throw new Error(`page ${found.length} of the work list: ${res.status} ${JSON.stringify(page).slice(0, 300)}`);
    found.push(page.nextCursor);
  }
  return { second: found[1]!, tenth: found[9]! };
}

const line = (label: string, xs: number[]) => {
  const shown = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'failed');
  return `  ${label.padEnd(24)} p50 ${shown(percentile(xs, 50))}, p99 ${shown(percentile(xs, 99))} (${shown(Math.min(...xs))}–${shown(Math.max(...xs))})`;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shape: { type: 'string', default: 'dev' } }, strict: true });
  if (!(values.shape in SHAPES)) throw new Error(`--shape: dev or cluster, not ${values.shape}`);
  const shape = values.shape as Shape;
  const loadAtStart = loadAverage();
  const secret = randomBytes(32).toString('hex');
  const auth = loadConfig({ ...process.env, AUTH_JWT_SECRET: secret }, 'embedded').auth;
  const tokenFor = (claims: Claims) => signToken(claims, auth, 4 * 3600);
  const reviewer = await tokenFor({ sub: 'measure-bj-reviewer', region: 'beijing', roles: ['reviewer'] });
  const supervisor = await tokenFor({ sub: 'measure-supervisor', region: 'beijing', roles: ['supervisor'] });

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'measure-lists-http-'));
  let app: LaunchedApp | undefined;
  try {
    let started = performance.now();
    console.log(`starting ${SHAPES[shape].name} in ${dataDir}`);
    app = await launchApp(SHAPES[shape].script, {
      env: {
        DATA_DIR: dataDir,
        AUTH_JWT_SECRET: secret,
        // The reads are the measurement, not the per-caller limit (600 a minute by default).
        RATE_LIMIT_PER_MINUTE: '100000000',
        EMBEDDED_RESTARTS: '0',
      },
      keepStderr: 20_000,
    });
    const apiUrls = app.apis.map((a) => a.url);
    console.log(`  started in ${((performance.now() - started) / 1000).toFixed(0)} s: APIs ${apiUrls.join(', ')}`);

    started = performance.now();
    const mongo = await mongoose
      .createConnection(app.mongodbUri, { directConnection: true, socketTimeoutMS: 0 })
      .asPromise();
    try {
      await seedTasks(createModels(mongo), OPEN_TASKS);
    } finally {
      await mongo.close();
    }
    console.log(
      `  seeded ${OPEN_TASKS} open tasks of Beijing's reviewers (${OPEN_TASKS * 2} tasks) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );

    const { second, tenth } = await cursors(apiUrls, reviewer);
    const statsCheck = (body: unknown): string | undefined => {
      const beijing = (body as { tasks?: { open?: { byRegion?: Record<string, number> } } }).tasks?.open?.byRegion
        ?.beijing;
      return beijing === OPEN_TASKS ? undefined : `${String(beijing)} open tasks in Beijing instead of ${OPEN_TASKS}`;
    };
    const reads: Read[] = [
      { name: 'work list, first page', path: listPath(null), token: reviewer, check: fullPage },
      { name: 'work list, second page', path: listPath(second), token: reviewer, check: fullPage },
      { name: 'work list, tenth page', path: listPath(tenth), token: reviewer, check: fullPage },
      { name: 'GET /v1/stats', path: '/v1/stats', token: supervisor, check: statsCheck },
    ];
    // Untimed: each API process's first answers.
    for (let i = 0; i < apiUrls.length; i++) for (const read of reads) await timed(apiUrls, read);
    failures.clear();
    turn = 0;

    const times = reads.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < reads.length; i++) {
        const which = (round + i) % reads.length;
        times[which].push(await timed(apiUrls, reads[which]));
      }
    }
    console.log(
      `${OPEN_TASKS} open tasks of Beijing's reviewers (${OPEN_TASKS * 2} tasks stored), through HTTP on the ${shape} shape` +
        `${apiUrls.length > 1 ? ` (requests alternating between ${apiUrls.length} APIs)` : ''}, ${ROUNDS} interleaved rounds:`,
    );
    reads.forEach((read, i) => console.log(line(read.name, times[i])));
    if (failures.size > 0) {
      console.log('  reads that failed (counted as infinitely slow):');
      for (const [what, n] of failures) console.log(`    ${n} × ${what}`);
      process.exitCode = 1;
    }
    console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAverage()} at the end`);
  } finally {
    const stopping = performance.now();
    await app?.stop();
    await removeDataDir(dataDir);
    console.log(`stopped and removed in ${((performance.now() - stopping) / 1000).toFixed(0)} s`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
