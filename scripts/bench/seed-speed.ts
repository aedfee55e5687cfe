/**
 * How long seeding closed reviews takes (`npx tsx scripts/bench/seed-speed.ts [--sizes 1000,10000]
 * [--rounds 3] [--compare path/to/other-seed.ts]`): a fresh database of the embedded store per run,
 * seeded to each size in turn as part 2 of the benchmark seeds it, after an untimed warm-up. Each
 * run prints its wall time and the CPU time of this process (the seeder's own work, which the
 * machine's other load disturbs less; the store's servers run in processes of their own). With `--compare`, that seeder
 * module (one exporting `seedReviews(models, plans, { batchSize })`) runs interleaved with this
 * one, round by round, and the ratio of their times is printed per round.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedStore } from '../../platform/embedded-store';
import { provision } from '../../platform/servers';
import { createModels, ensureIndexes, type Models } from '../../store/models';
import { closedReviewPlans, submissionSchedule, workingDaysUntil, type ReviewPlan } from './plans';
import { fmt, printTable } from './report';

type Seeder = (models: Models, plans: Iterable<ReviewPlan>, options: { batchSize: number }) => Promise<number>;

const SEED = 20261127;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      rounds: { type: 'string', default: '3' },
      compare: { type: 'string' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const rounds = Number(values.rounds);
  const variants: [string, Seeder][] = [['this branch', await seederOf('./seed')]];
  if (values.compare) variants.push([values.compare, await seederOf(path.resolve(values.compare))]);

  const binaries = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seed-speed-'));
  await chmod(dir, 0o755); // run as root, PostgreSQL runs as the postgres user, which must reach it
  const store = await startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'store') });
  const now = Date.now();
  const latest = now - 30 * 86_400_000;
  const perWorkingDay = Math.max(20, Math.ceil(sizes[sizes.length - 1] / (workingDaysUntil(latest) - 5)));
  const schedule = submissionSchedule(latest, perWorkingDay);
  const times = new Map<string, number[][]>(variants.map(([name]) => [name, []]));
  let databases = 0;
  const freshModels = async () => {
    const connection = await mongoose.createConnection(`${store.uri}/seed_speed_${databases++}`).asPromise();
    const models = createModels(connection);
    await ensureIndexes(models);
    return { models, drop: () => connection.dropDatabase().then(() => connection.close()) };
  };
  try {
    // Untimed, so that no variant pays for warming up the code they share.
    for (const [, seed] of variants) {
      const { models, drop } = await freshModels();
      await seed(models, closedReviewPlans(SEED + 1, 0, 100, schedule, now), { batchSize: 500 });
      await drop();
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, seed] of round % 2 === 0 ? variants : [...variants].reverse()) {
        const { models, drop } = await freshModels();
        const perSize: number[] = [];
        const cpuPerSize: number[] = [];
        let seeded = 0;
        for (const size of sizes) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          await seed(models, closedReviewPlans(SEED, seeded, size, schedule, now), { batchSize: 500 });
          perSize.push((performance.now() - started) / 1000);
          const used = process.cpuUsage(cpu);
          cpuPerSize.push((used.user + used.system) / 1e6);
          seeded = size;
        }
        await drop();
        times.get(name)!.push(perSize);
        console.log(
          `round ${round + 1}, ${name}: ` +
            sizes.map((_, i) => `${fmt(perSize[i], 1)} s (seeder's CPU ${fmt(cpuPerSize[i], 1)} s)`).join(', '),
        );
      }
    }
  } finally {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const header = ['seeder', ...sizes.map((s, i) => `to ${s.toLocaleString('en')}${i > 0 ? ' (more)' : ''}: s`)];
  printTable(
    header,
    variants.map(([name]) => [
      name,
      ...sizes.map((_, i) =>
        times
          .get(name)!
          .map((t) => fmt(t[i], 1))
          .join(' / '),
      ),
    ]),
  );
  if (variants.length === 2) {
    const [a, b] = variants.map(([name]) => times.get(name)!);
    console.log(
      `ratio this branch / ${variants[1][0]} per round: ` +
        sizes.map((s, i) => `${s}: ${a.map((t, r) => fmt(t[i] / b[r][i], 2)).join(' ')}`).join('; '),
    );
  }
}

async function seederOf(modulePath: string): Promise<Seeder> {
  const module = (await import(modulePath)) as { seedReviews: Seeder; SeedNumbers?: new () => unknown };
  // A seeder with a process-wide counter is given a fresh one per database.
  const Numbers = module.SeedNumbers;
  return (models, plans, options) =>
    module.seedReviews(models, plans, { ...options, ...(Numbers && { numbers: new Numbers() }) });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
