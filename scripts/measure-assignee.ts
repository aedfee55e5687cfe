/**
 * `npm run measure:assignee`: the work list narrowed to one person (`GET /v1/tasks?status=open&assignee=me`)
 * against the plain work list (`GET /v1/tasks?status=open`), on the embedded store, through the
 * same use case the route calls (features/tasks/use-cases.ts `listTasks`).
 *
 * Stores OPEN_TASKS (default 100,000) open tasks of Beijing's reviewers, ASSIGNED (default 50) of
 * them assigned to one reviewer and spread over the whole range (so they are not simply the newest),
 * a fifth of the rest assigned to others; then reads the first page of each list ROUNDS times,
 * interleaved and rotating which goes first, and prints p50 and p99 of each. Starts its own
 * throw-away embedded store; nothing else is touched.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectMongo } from '../bin/connections';
import type { Actor } from '../domain/model';
import type { AppContext } from '../features/context';
import { listTasks } from '../features/tasks/use-cases';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { createModels, ensureIndexes, monthOf, type Models } from '../store/models';
import { percentile } from './percentile';

const OPEN_TASKS = Number(process.env.OPEN_TASKS ?? 100_000);
const ASSIGNED = Number(process.env.ASSIGNED ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 200);
const PAGE = 20;

const me: Actor = { sub: 'measure-me', region: 'beijing', roles: ['reviewer'] };

async function seedTasks(models: Models): Promise<void> {
  const now = Date.now();
  const every = Math.floor(OPEN_TASKS / ASSIGNED);
  const batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length) await models.Task.collection.insertMany(batch.splice(0));
  };
  for (let i = 0; i < OPEN_TASKS; i++) {
    const createdAt = new Date(now - (OPEN_TASKS - i) * 30_000).toISOString();
    const reviewId = `review:measure-${i}:1`;
    const mine = i % every === 0 && i / every < ASSIGNED;
    const other = !mine && i % 5 === 0 ? `measure-other-${i % 40}` : null;
    const assignee = mine ? me.sub : other;
    batch.push({
      _id: `${reviewId}:t2`,
      reviewId,
      documentId: `measure-${i}`,
      kind: 'origin_review',
      region: 'beijing',
      role: 'reviewer',
      status: 'open',
      version: 1,
      createdAt,
      dueAt: new Date(now + 10 * 86_400_000).toISOString(),
      remindAt: new Date(now + 9 * 86_400_000).toISOString(),
      assignee: assignee === null ? null : { sub: assignee },
      assigneeSub: assignee,
      lastSeq: 5,
      month: monthOf(createdAt),
    });
    if (batch.length === 1000) await flush();
  }
  await flush();
}

async function main(): Promise<void> {
  const { ferretdb } = await provision();
  const stack: (() => Promise<unknown>)[] = [];
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-assignee-'));
    await chmod(dir, 0o755); // PostgreSQL runs as its own user when we are root
    stack.push(() => rm(dir, { recursive: true, force: true }));
    const store = await startEmbeddedStore({ ferretdbPath: ferretdb, dataDir: dir, durable: false });
    stack.push(() => store.stop());
    const mongo = await connectMongo(`${store.uri}/measure`);
    stack.push(() => mongo.close());
    const models = createModels(mongo);
    await ensureIndexes(models);
    const seeding = performance.now();
    await seedTasks(models);
    console.log(`seeded ${OPEN_TASKS} open tasks in ${((performance.now() - seeding) / 1000).toFixed(0)} s`);

    const ctx = { models, now: () => new Date() } as unknown as AppContext;
    const plain = () => listTasks(ctx, me, { status: 'open', limit: PAGE });
    const mine = () => listTasks(ctx, me, { status: 'open', assignee: 'me', limit: PAGE });
    const [all, assigned] = [await plain(), await mine()];
    if (all.items.length !== PAGE) throw new Error(`the plain list returned ${all.items.length} items`);
    if (assigned.items.length !== PAGE || assigned.items.some((t) => t.assignee?.sub !== me.sub)) {
      throw new Error('assignee=me returned tasks that are not the caller’s');
    }
    const reads = [plain, mine];
    const times = reads.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < reads.length; i++) {
        const which = (round + i) % reads.length;
        const started = performance.now();
        await reads[which]();
        times[which].push(performance.now() - started);
      }
    }
    const line = (label: string, xs: number[]) =>
      `  ${label} p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms`;
    console.log(`first page of ${PAGE}, ${ROUNDS} interleaved rounds, ${OPEN_TASKS} open tasks, ${ASSIGNED} mine:`);
    console.log(line('GET /v1/tasks?status=open             ', times[0]));
    console.log(line('GET /v1/tasks?status=open&assignee=me ', times[1]));
  } finally {
    for (const undo of stack.reverse()) await undo().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
