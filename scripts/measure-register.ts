/**
 * `npm run measure:register`: the register's exports and the year's figures at scale (docs/register.md,
 * "Figures").
 *
 * 1. Seeds REVIEWS (100,000) closed reviews into a throw-away embedded store: each a journey of
 *    scripts/bench/plans.ts played by the benchmark's seeder (the real ReviewMachine and recording
 *    path, scripts/bench/seed.ts) into a bulk store held in memory; of what it records, the register
 *    rows are inserted in bulk and the year's counters laid out in their documents as the recording
 *    path leaves them (`foldFigures`, `addFolded`: a mark per subject, documents of their own). The logs, tasks and records are
 *    not kept: nothing measured here reads them.
 * 2. Runs the API in a child process (`--serve`: the app's own `createApp` on loopback; the routes
 *    measured never reach Temporal) and, through HTTP as a supervisor: ROUNDS reads of
 *    `GET /v1/stats/annual` for the busiest year, of all three regions and of one (p50, p99); then
 *    exports every row as CSV and as XLSX (wall time, bytes, rows, and the API process's peak RSS,
 *    VmHWM of /proc/<pid>/status, reset before each export through /proc/<pid>/clear_refs). An
 *    export cut short is reported with how far it came. `EXPORTS=0` measures the figures only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { createApp } from '../api/app';
import { connectMongo } from '../bin/connections';
import type { AppContext } from '../features/context';
import { cstYear } from '../domain/register';
import { loadConfig } from '../platform/config';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { BulkRecordingStore } from '../store/bulk-recording-store';
import { createModels, ensureIndexes, noteReviewMonth, type Models } from '../store/models';
import type { Increments } from '../domain/annual-figures';
import { addFolded, type CounterDoc } from '../store/counters';
import { foldFigures } from '../store/register';
import { closedReviewPlans, submissionSchedule, workingDaysUntil } from './bench/plans';
import { playPlan } from './bench/seed';

const REVIEWS = Number(process.env.REVIEWS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const BATCH = 1000;
const SEED = 20261205;
const SECRET = 'measure-secret-that-is-at-least-32-bytes-long';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/**
 * The bulk store, which lays the year's counters out as the live store would write them (counts
 * documents and a mark per subject). The supervisors' statistics are not measured here
 * (`npm run measure:lists` does): they are not seeded.
 */
class SeedingStore extends BulkRecordingStore {
  /** Held across batches, added to the store once at the end (each addition takes the documents' locks). */
  readonly heldFigures = new Map<string, CounterDoc>();
  override countFigures(subjectId: string, seq: number, increments: Increments): Promise<void> {
    foldFigures(this.heldFigures, subjectId, seq, increments);
    return Promise.resolve();
  }
  override countStats(): Promise<void> {
    return Promise.resolve();
  }
}

async function seed(models: Models, now: number): Promise<{ busiestYear: number }> {
  const latest = now - 30 * 86_400_000;
  const perWorkingDay = Math.max(20, Math.ceil(REVIEWS / (workingDaysUntil(latest) - 5)));
  const schedule = submissionSchedule(latest, perWorkingDay);
  const store = new SeedingStore();
  const started = performance.now();
  let done = 0;
  let marks = 0;
  const byYear = new Map<number, number>();
  for (const plan of closedReviewPlans(SEED, 0, REVIEWS, schedule, now)) {
    await playPlan(plan, store);
    if (++done % BATCH === 0 || done === REVIEWS) {
      const { registerRows, months } = store.drain();
      for (const row of registerRows) byYear.set(row.year, (byYear.get(row.year) ?? 0) + 1);
      await models.RegisterRow.insertMany(registerRows, { ordered: false });
      // The months reviews are filed under: an export reads from the oldest one's first day.
      for (const month of months) await noteReviewMonth(models, month);
      if (done % 10_000 === 0) console.log(`  ${done} reviews seeded (${ms(performance.now() - started)})`);
    }
  }
  for (const doc of store.heldFigures.values())
    marks += doc._id.startsWith('mark|') ? 1 : (doc.last?.marks.length ?? 0);
  await addFolded({ Counter: models.FigureBucket, Lock: models.FigureLock }, store.heldFigures);
  const buckets = [...store.heldFigures.keys()].filter((id) => !id.startsWith('mark|')).length;
  console.log(
    `seeded ${done} register rows and ${buckets} counters documents (${marks} subject marks, documents of their own) in ${ms(performance.now() - started)}`,
  );
  const years = [...byYear.entries()].sort((a, b) => a[0] - b[0]);
  console.log(`rows by year received: ${years.map(([y, n]) => `${y}: ${n}`).join(', ')}`);
  const [busiestYear] = years.reduce((best, y) => (y[1] > best[1] ? y : best));
  return { busiestYear };
}

/** The API process: the app on loopback against the store at `uri`; tells its port to the parent. */
async function serve(uri: string): Promise<void> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      MONGODB_URI: uri,
      AUTH_JWT_SECRET: SECRET,
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      REQUEST_SIGNING_KEYS: 'm-1:measure-request-signing-key-at-least-32-bytes',
      TEMPORAL_PAYLOAD_KEYS: 'm-1:dGVzdC1wYXlsb2FkLWtleS0zMi1ieXRlcy1sb25nISE=',
    },
    'component',
  );
  const models = createModels(await connectMongo(uri));
  // The register and the figures never reach Temporal.
  const ctx = { config, models, temporal: undefined, signingKeys: undefined, now: () => new Date() };
  const app = createApp({
    app: ctx as unknown as AppContext,
    readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    consoleDir: '',
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  process.send?.({ port: (server.address() as { port: number }).port });
  process.on('disconnect', () => process.exit(0));
}

async function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
}

async function measure(api: ChildProcess, port: number, busiestYear: number): Promise<void> {
  const pid = api.pid!;
  const token = jwt.sign({ sub: 'measure-supervisor', region: 'beijing', roles: ['supervisor'] }, SECRET, {
    expiresIn: '2h',
  });
  const get = (pathAndQuery: string, accept = 'application/json') =>
    fetch(`http://127.0.0.1:${port}${pathAndQuery}`, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });

  for (const region of ['', '&region=beijing']) {
    const query = `/v1/stats/annual?year=${busiestYear}${region}`;
    const times: number[] = [];
    let received = 0;
    const failures = new Map<number, number>();
    for (let i = -10; i < ROUNDS; i++) {
      const started = performance.now();
      const res = await get(query);
      const body = (await res.json()) as { reviews?: { received: number } };
      if (i < 0) continue; // warming up
      times.push(performance.now() - started);
      if (res.ok && body.reviews) received = body.reviews.received;
      else failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
    }
    const failed = [...failures].map(([status, n]) => `${n} answered ${status}`).join(', ');
    console.log(
      `GET ${query}: p50 ${ms(quantile(times, 0.5))}, p99 ${ms(quantile(times, 0.99))} over ${ROUNDS} reads (received ${received}${failed && `; ${failed}`})`,
    );
  }
  if (process.env.EXPORTS === '0') return; // the year's figures only
  await (await get('/v1/register?limit=10')).json(); // warm: the first request loads the routes' code
  console.log(`\nAPI process ${pid}: RSS ${mb(await statusKb(pid, 'VmRSS'))} before the exports`);
  for (const [name, accept] of [
    ['CSV', 'text/csv'],
    ['XLSX', XLSX],
  ] as const) {
    await writeFile(`/proc/${pid}/clear_refs`, '5'); // the peak starts again from the current RSS
    const started = performance.now();
    const chunks: Buffer[] = [];
    try {
      const res = await get('/v1/register', accept);
      if (!res.ok) throw new Error(`status ${res.status}`);
      for await (const chunk of res.body!) chunks.push(Buffer.from(chunk as Uint8Array));
    } catch (err) {
      // A download cut short: say how far it came, and go on to the next measure.
      const got = chunks.reduce((n, c) => n + c.length, 0);
      console.log(
        `export ${name}: FAILED after ${((performance.now() - started) / 1000).toFixed(1)} s, ${(got / 1e6).toFixed(1)} MB received (${(err as Error).message}); API peak RSS ${mb(await statusKb(pid, 'VmHWM'))}`,
      );
      continue;
    }
    const body = Buffer.concat(chunks);
    const wall = performance.now() - started;
    const peak = await statusKb(pid, 'VmHWM');
    let rows: number;
    if (name === 'CSV')
      rows = body.toString('utf8').split('\r\n').length - 2; // header, final line break
    else {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(body as unknown as ArrayBuffer);
      rows = book.worksheets[0].rowCount - 1;
    }
    console.log(
      `export ${name}: ${rows} rows, ${(body.length / 1e6).toFixed(1)} MB in ${(wall / 1000).toFixed(1)} s; API peak RSS ${mb(peak)}`,
    );
    if (rows !== REVIEWS) console.log(`  the ${name} export holds ${rows} rows, not ${REVIEWS}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `measure:register: ${REVIEWS} reviews (load average at start: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores)`,
  );
  const { ferretdb } = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-register-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  const store = await startEmbeddedStore({ ferretdbPath: ferretdb, dataDir: dir, durable: false });
  const uri = `${store.uri}/measure_register`;
  // The seeder's own connection: bulk writes may outlast the app's 20 s read budget on a busy machine.
  const mongo = await mongoose.createConnection(uri, { socketTimeoutMS: 600_000 }).asPromise();
  let api: ChildProcess | undefined;
  try {
    const models = createModels(mongo);
    await ensureIndexes(models);
    const { busiestYear } = await seed(models, Date.now());
    api = fork(__filename, ['--serve', uri], { execArgv: ['--import', 'tsx'] });
    const port = await new Promise<number>((resolve, reject) => {
      api!.once('message', (m: { port: number }) => resolve(m.port));
      api!.once('exit', (code) => reject(new Error(`the API process ended (${code})`)));
    });
    await measure(api, port, busiestYear);
    console.log(`(the current year is ${cstYear(new Date())})`);
  } finally {
    api?.kill();
    await mongo.close();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3]).catch((err: unknown) => {
    console.error('measure:register API process failed:', err);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
