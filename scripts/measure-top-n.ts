/**
 * `npm run measure:top-n`: what scripts/ferretdb/postgresql-top-n.patch does for a work list, and
 * that it changes no result.
 *
 * 1. Speed: stores OPEN_TASKS open tasks for Beijing's reviewers (plus as many tasks of other
 *    regions, roles and states), then reads the first page of the reviewers' work list the way
 *    `GET /v1/tasks?status=open` does, alternately through the patched path and through the path
 *    every find took before (the same query with its filter wrapped in `$and`, which the patch
 *    leaves to FerretDB's in-memory sort). Prints medians, spread and the ratio.
 *    With BASELINE_FERRETDB=<path of another ferretdb binary> (e.g. one built with an earlier
 *    version of the patch), also reads the same page from a second store run by that binary,
 *    interleaved, and prints the ratio.
 * 2. Results: random collections of mixed types (strings, numbers, dates, booleans, null, missing,
 *    arrays, documents; strings, dates, ints and longs mixed in one field), sorted and limited
 *    both ways; every difference in the sort keys returned is printed and counted.
 * Starts its own throw-away embedded store; nothing else is touched.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { decodeCursor, newestFirst } from '../features/paging';
import { computeStats } from '../features/supervision/stats';
import { statsFromStore } from '../test/support/stats';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { dueHourOf, type CountedTask } from '../domain/stats-counters';
import type { CounterDoc } from '../store/counters';
import { createModels, ensureIndexes, monthOf, type Models } from '../store/models';
import { addFoldedStats, foldStats, statsComponents } from '../store/stats-counters';
import { percentile } from './percentile';

const OPEN_TASKS = Number(process.env.OPEN_TASKS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const PAGE = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;

/**
 * Stores `openTasks` open tasks of Beijing's reviewers and as many others, each of a review of its
 * own, and the statistics' counters as recording them would have left them (`foldStats`: counts
 * documents and a mark per task). Due dates are spread over 15 days by the hour, a third of them
 * past, so that the counters hold many due hours. `npm run measure:lists-http` seeds with it too.
 */
export async function seedTasks(models: Models, openTasks = OPEN_TASKS): Promise<void> {
  const now = Date.now();
  const regions = ['beijing', 'tianjin', 'hebei'] as const;
  const batch: Record<string, unknown>[] = [];
  const counters = new Map<string, CounterDoc>();
  const flush = async () => {
    if (batch.length) await models.Task.collection.insertMany(batch.splice(0));
  };
  for (let i = 0; i < openTasks * 2; i++) {
    const mine = i % 2 === 0; // every other one is a Beijing reviewer's open task
    const createdAt = new Date(now - (openTasks * 2 - i) * 30_000).toISOString();
    const reviewId = `review:measure-${i}:1`;
    const dueAt = new Date(now + ((i % 360) - 120) * 3_600_000).toISOString();
    batch.push({
      _id: `${reviewId}:t2`,
      reviewId,
      documentId: `measure-${i}`,
      kind: mine ? 'origin_review' : 'consultation',
      region: mine ? 'beijing' : regions[1 + (i % 2)],
      role: mine ? 'reviewer' : i % 3 === 0 ? 'signer' : 'reviewer',
      status: mine || i % 5 !== 0 ? 'open' : 'completed',
      version: 1,
      createdAt,
      dueAt,
      dueHour: dueHourOf(dueAt),
      remindAt: new Date(now + 9 * 86_400_000).toISOString(),
      lastSeq: 2,
      month: monthOf(createdAt),
    });
    const task = batch[batch.length - 1] as unknown as CountedTask & { _id: string };
    foldStats(counters, reviewId, 2, statsComponents({}, undefined, [{ ...task, id: task._id }]));
    if (batch.length === 500) await flush();
    // The counters after the tasks they count, a few times in all (each addition takes the counts documents' locks).
    if ((i + 1) % 20_000 === 0) {
      await flush();
      await addFoldedStats(models, counters);
      counters.clear();
    }
  }
  await flush();
  await addFoldedStats(models, counters);
}

/** Reads that failed (a store timeout), by what failed: counted and printed instead of stopping the run. */
const failures = new Map<string, number>();

async function timed(read: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  try {
    await read();
  } catch (err) {
    const what = (err as Error).name;
    failures.set(what, (failures.get(what) ?? 0) + 1);
  }
  return performance.now() - started;
}

const firstPage = (models: Models, where: Record<string, unknown>) =>
  newestFirst({
    model: models.Task,
    anyOf: [{ region: 'beijing', role: 'reviewer' }],
    where,
    sortBy: { field: 'createdAt', isDate: false },
    limit: PAGE,
    cursor: undefined,
  });

/** Times each read ROUNDS times, interleaved and rotating which goes first, so noise falls on all. */
async function interleaved(reads: (() => Promise<unknown>)[]): Promise<number[][]> {
  const times = reads.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < reads.length; i++) {
      const which = (round + i) % reads.length;
      times[which].push(await timed(reads[which]));
    }
  }
  return times;
}

const ratioLine = (label: string, over: number[], under: number[]) => {
  const ratios = over.map((o, i) => o / under[i]);
  return `  ${label}: median ×${median(ratios).toFixed(2)} (×${Math.min(...ratios).toFixed(2)}–×${Math.max(...ratios).toFixed(2)})`;
};

async function measureSpeed(models: Models, baseline?: Models): Promise<void> {
  const patched = () => firstPage(models, { status: 'open' });
  // `$and` keeps the filter from being pushed down exactly: FerretDB sorts every match itself.
  const before = () => firstPage(models, { $and: [{ status: 'open' }] });
  const [a, b] = [await patched(), await before()];
  if (JSON.stringify(a.page.map((t) => t._id)) !== JSON.stringify(b.page.map((t) => t._id)))
    throw new Error('the two paths returned different first pages');
  const reads = [patched, before];
  if (baseline) reads.push(() => firstPage(baseline, { status: 'open' }));

  const [fast, slow, other] = await interleaved(reads);
  console.log(`first page of ${PAGE} of ${OPEN_TASKS} open tasks (${ROUNDS} interleaved rounds):`);
  console.log(`  top-N pushed down:        median ${median(fast).toFixed(0)} ms (${spread(fast)})`);
  console.log(`  sorted in FerretDB:       median ${median(slow).toFixed(0)} ms (${spread(slow)})`);
  if (other) console.log(`  baseline binary, pushed:  median ${median(other).toFixed(0)} ms (${spread(other)})`);
  console.log(ratioLine('speed-up (sorted in FerretDB / pushed down)', slow, fast));
  if (other) console.log(ratioLine('this binary / baseline binary', fast, other));
}

const p50p99 = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms`;

/**
 * `--lists` (`npm run measure:lists`): what a supervisor's and a reviewer's lists cost with the
 * tasks stored: the work list's first page, the page after it and the tenth (through their
 * cursors), and the statistics (`GET /v1/stats`'s computation), interleaved. With
 * BASELINE_FERRETDB=<path of another ferretdb binary>, also the same pages from a second store run
 * by that binary, interleaved with the rest.
 */
async function measureLists(models: Models, baseline?: Models): Promise<void> {
  const pagesOf = async (store: Models) => {
    const page = (cursor: string | null) => () =>
      newestFirst({
        model: store.Task,
        anyOf: [{ region: 'beijing', role: 'reviewer' }],
        where: { status: 'open' },
        sortBy: { field: 'createdAt', isDate: false },
        limit: PAGE,
        cursor: cursor === null ? undefined : decodeCursor(cursor),
      });
    const cursors: (string | null)[] = [null];
    while (cursors.length < 10) cursors.push((await page(cursors[cursors.length - 1])()).nextCursor);
    return [page(null), page(cursors[1]), page(cursors[9])];
  };
  // STATS=0 leaves the statistics out.
  const stats = () => (process.env.STATS === '0' ? Promise.resolve() : computeStats(models, new Date(), {}));
  // The counters against a count of every stored task (what /v1/stats read before), timed once (CHECK=0: not).
  if (process.env.CHECK !== '0') await checkStats(models);
  const reads = [...(await pagesOf(models)), stats, ...(baseline ? await pagesOf(baseline) : [])];
  const [one, two, ten, counted, ...before] = await interleaved(reads);
  console.log(
    `${OPEN_TASKS} open tasks of Beijing's reviewers (${OPEN_TASKS * 2} tasks stored), ${ROUNDS} interleaved rounds:`,
  );
  console.log(`  work list, first page:  ${p50p99(one)} (${spread(one)})`);
  console.log(`  work list, second page: ${p50p99(two)} (${spread(two)})`);
  console.log(`  work list, tenth page:  ${p50p99(ten)} (${spread(ten)})`);
  console.log(`  statistics:             ${p50p99(counted)} (${spread(counted)})`);
  if (failures.size > 0)
    console.log(`  reads failed (timed until they failed): ${[...failures].map(([w, n]) => `${n} ${w}`).join(', ')}`);
  if (before.length === 0) return;
  console.log(`  baseline binary (${process.env.BASELINE_FERRETDB}):`);
  ['first', 'second', 'tenth'].forEach((name, i) =>
    console.log(`    work list, ${name} page: ${p50p99(before[i])} (${spread(before[i])})`),
  );
}

async function checkStats(models: Models): Promise<void> {
  const scanStarted = performance.now();
  const at = new Date();
  const scanned = await statsFromStore(models, at, {});
  const scanMs = performance.now() - scanStarted;
  const same = JSON.stringify(await computeStats(models, at, {})) === JSON.stringify(scanned);
  console.log(
    `statistics from the counters ${same ? 'equal' : 'DIFFER FROM'} a count of every stored task (that count: ${scanMs.toFixed(0)} ms, once)`,
  );
  if (!same) process.exitCode = 1;
}

async function checkResults(models: Models): Promise<number> {
  const { Long } = mongoose.mongo;
  const mixed = models.Task.db.db!.collection('topNCheck');
  const values: unknown[] = [
    'b', 'a', 'B', 'é', 'z', '2026-11-27T08:00:00.000Z', '', 'ab', 'a b', '中文', '中',
    3, 2.5, -1, 2 ** 40, null, true, false, new Date(1000), new Date(5),
    ['a', 'z'], ['c'], [], { x: 1 }, { x: 'a' }, undefined,
    Long.fromNumber(2 ** 40), Long.fromNumber(-5), Long.fromNumber(3),
  ]; // prettier-ignore
  // Strings, dates, ints and longs: the types PostgreSQL orders itself, mixed in one field.
  const orderable = values.filter(
    (v) => typeof v === 'string' || v instanceof Date || v instanceof Long || (typeof v === 'number' && v === (v | 0)),
  );
  const pools = [
    values,
    orderable,
    values.filter((v) => typeof v === 'string'),
    values.filter((v) => v instanceof Date),
    values.filter((v) => typeof v === 'number' && Number.isInteger(v)),
  ];
  let seed = 20261127;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31; // deterministic, so a failure can be rerun
    return seed % n;
  };
  let differences = 0;
  let queries = 0;
  for (let round = 0; round < 100; round++) {
    await mixed.deleteMany({});
    const pool = pools[round % pools.length];
    const rows = Array.from({ length: 1 + random(60) }, (_, i) => {
      const [k, k2] = [pool[random(pool.length)], pool[random(pool.length)]];
      return {
        _id: `id${String(random(1000)).padStart(4, '0')}-${i}`,
        group: random(2) ? 'x' : ['x', 'y'],
        ...(k !== undefined && { k }),
        ...(k2 !== undefined && { k2 }),
      };
    });
    await mixed.insertMany(rows as never);
    const sorts: Record<string, 1 | -1>[] = [{ k: -1 }, { k: 1 }, { k: -1, _id: -1 }, { k: 1, k2: -1, _id: 1 }];
    for (const sort of sorts) {
      for (const limit of [1, 3, 10, 100]) {
        queries++;
        const pushed = await mixed.find({ group: 'x' }).sort(sort).limit(limit).toArray();
        const inMemory = await mixed
          .find({ $and: [{ group: 'x' }] })
          .sort(sort)
          .limit(limit)
          .toArray();
        // Only the sort keys: documents that tie may come in any order, and either may be cut.
        const keys = (docs: Record<string, unknown>[]) =>
          JSON.stringify(docs.map((d) => Object.keys(sort).map((f) => d[f])));
        if (keys(pushed) !== keys(inMemory)) {
          differences++;
          console.log(`  difference: sort ${JSON.stringify(sort)} limit ${limit}`);
          console.log(`    pushed down: ${keys(pushed)}\n    in memory:   ${keys(inMemory)}`);
        }
      }
    }
  }
  console.log(`results: ${differences} differences in ${queries} sorted, limited finds over mixed types`);
  return differences;
}

/** A throw-away store run by the given ferretdb binary, seeded with the tasks. */
async function seededStore(ferretdbPath: string, stack: (() => Promise<unknown>)[]): Promise<Models> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-top-n-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  stack.push(() => rm(dir, { recursive: true, force: true }));
  const store = await startEmbeddedStore({ ferretdbPath, dataDir: dir, durable: false });
  stack.push(() => store.stop());
  // No socket timeout: a baseline's page at 100,000 open tasks can take longer than the app's 20 s.
  const mongo = await mongoose.createConnection(`${store.uri}/measure`, { socketTimeoutMS: 0 }).asPromise();
  stack.push(() => mongo.close());
  const models = createModels(mongo);
  await ensureIndexes(models);
  await seedTasks(models);
  return models;
}

async function main(): Promise<void> {
  const { ferretdb } = await provision();
  const stack: (() => Promise<unknown>)[] = [];
  let differences = 0;
  try {
    const models = await seededStore(ferretdb, stack);
    const baseline = process.env.BASELINE_FERRETDB;
    if (process.argv.includes('--lists'))
      return await measureLists(models, baseline ? await seededStore(baseline, stack) : undefined);
    await measureSpeed(models, baseline ? await seededStore(baseline, stack) : undefined);
    differences = await checkResults(models);
  } finally {
    for (const cleanUp of stack.reverse()) await cleanUp();
  }
  if (differences > 0) process.exitCode = 1;
}

// Run, not when imported for its seeding (scripts/measure-lists-http.ts).
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
