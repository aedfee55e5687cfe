/**
 * `npm run measure:store-client`: what Mongoose costs the app's own process per store command, beside
 * the driver it sits on. For the commands a recording repeats most (an insert of a small document, a
 * read by id, an update by id of a projection), it runs each through Mongoose and through the driver
 * (`Model.collection`) against a throw-away embedded store, one command at a time, in interleaved
 * rounds, and prints this process's CPU time per command (user + system, `process.cpuUsage`) and the
 * wall time per command, as medians over the rounds with their spread, and the ratio.
 * ROUNDS (default 15) rounds of OPS (default 300) commands per variant.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { createModels, ensureIndexes, type Models, type TaskDoc } from '../store/models';

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const OPS = Number(process.env.OPS ?? 300);

interface Variant {
  name: string;
  run(i: number, round: number): Promise<unknown>;
}

/** A stored open task, as a recording leaves one. */
function taskDoc(n: number): TaskDoc {
  const createdAt = new Date(Date.UTC(2026, 10, 2, 2) + n * 60_000).toISOString();
  return {
    _id: `review:measure-${n}:1:t2`,
    reviewId: `review:measure-${n}:1`,
    documentId: `measure-${n}`,
    kind: 'origin_review',
    region: 'beijing',
    role: 'reviewer',
    status: 'open',
    createdAt,
    dueAt: new Date(Date.parse(createdAt) + 5 * 86_400_000).toISOString(),
    urgent: false,
    urgencyKey: 'b',
    dueHour: 0,
    assigneeSub: null,
    lastSeq: 3,
    month: createdAt.slice(0, 7),
  } as unknown as TaskDoc;
}

/** The pairs compared: each command through Mongoose, then the same through the driver. */
function pairs(models: Models, db: mongoose.mongo.Db): [Variant, Variant][] {
  // The same collections as the driver sees them, typed with string ids.
  const lockCollection = db.collection<{ _id: string; holder: string; at: Date }>(models.FigureLock.collection.name);
  const taskCollection = db.collection<{ _id: string }>(models.Task.collection.name);
  const lock = (prefix: string, i: number, round: number) => ({
    _id: `${prefix}:${round}:${i}`,
    holder: 'measure',
    at: new Date(),
  });
  const taskId = (i: number) => taskDoc(i % 1000)._id;
  return [
    [
      { name: 'insert, Model.create', run: (i, r) => models.FigureLock.create(lock('m', i, r)) },
      { name: 'insert, collection.insertOne', run: (i, r) => lockCollection.insertOne(lock('d', i, r)) },
    ],
    [
      { name: 'read by id, findById().lean()', run: (i) => models.Task.findById(taskId(i)).lean() },
      { name: 'read by id, collection.findOne', run: (i) => taskCollection.findOne({ _id: taskId(i) }) },
    ],
    [
      {
        name: 'update by id, Model.updateOne',
        run: (i, r) =>
          models.Task.updateOne(
            { _id: taskId(i), lastSeq: { $lt: 1_000 + r } },
            { $set: { status: 'open', urgencyKey: 'b', lastSeq: 3 } },
          ),
      },
      {
        name: 'update by id, collection.updateOne',
        run: (i, r) =>
          taskCollection.updateOne(
            { _id: taskId(i), lastSeq: { $lt: 1_000 + r } },
            { $set: { status: 'open', urgencyKey: 'b', lastSeq: 3 } },
          ),
      },
    ],
  ];
}

/** This process's CPU µs and the wall ms per command of `OPS` commands, one at a time. */
async function timed(variant: Variant, round: number): Promise<{ cpuUs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < OPS; i++) await variant.run(i, round);
  const wallMs = (performance.now() - start) / OPS;
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / OPS, wallMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function main(): Promise<void> {
  const { ferretdb } = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-store-client-'));
  await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
  const store = await startEmbeddedStore({ ferretdbPath: ferretdb, dataDir: dir, durable: false });
  const mongo = await mongoose.createConnection(`${store.uri}/measure`).asPromise();
  try {
    mongoose.set('skipOriginalStackTraces', true); // as bin/connections.ts sets it
    const models = createModels(mongo);
    await ensureIndexes(models);
    await models.Task.collection.insertMany(Array.from({ length: 1000 }, (_, n) => taskDoc(n)) as never[]);
    const compared = pairs(models, mongo.db!);
    // Warm-up: the first commands compile the code paths and fill the pool.
    for (const pair of compared) for (const v of pair) for (let i = 0; i < 100; i++) await v.run(i, -1);
    const figures = new Map<string, { cpuUs: number[]; wallMs: number[] }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const pair of compared) {
        // Alternate which goes first, so that neither always follows the other.
        for (const v of round % 2 === 0 ? pair : [...pair].reverse()) {
          const { cpuUs, wallMs } = await timed(v, round);
          const f = figures.get(v.name) ?? { cpuUs: [], wallMs: [] };
          f.cpuUs.push(cpuUs);
          f.wallMs.push(wallMs);
          figures.set(v.name, f);
        }
      }
    }
    console.log(
      `client CPU and wall time per command, ${ROUNDS} interleaved rounds of ${OPS} commands, one at a time (median, min–max)`,
    );
    for (const [mongooseVariant, driverVariant] of compared) {
      const m = figures.get(mongooseVariant.name)!;
      const d = figures.get(driverVariant.name)!;
      const ratios = m.cpuUs.map((x, i) => x / d.cpuUs[i]);
      for (const [name, f] of [
        [mongooseVariant.name, m],
        [driverVariant.name, d],
      ] as const) {
        console.log(
          `  ${name.padEnd(36)} CPU ${median(f.cpuUs).toFixed(0).padStart(4)} µs (${range(f.cpuUs, 0)})` +
            `   wall ${median(f.wallMs).toFixed(2)} ms (${range(f.wallMs, 2)})`,
        );
      }
      console.log(`  ${''.padEnd(36)} Mongoose ÷ driver, CPU: ${median(ratios).toFixed(2)} (${range(ratios, 2)})`);
    }
  } finally {
    await mongo.close();
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
