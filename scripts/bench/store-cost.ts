/**
 * Part 3: what one store operation costs as a collection grows, on the embedded store (FerretDB on
 * PostgreSQL with the index patches, the review log and its projections).
 * The operations are the ones the app issues on each transition and read, one at a time from one
 * client, on collections filled with realistic reviews (some still in progress) to each size.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { type mongo } from 'mongoose';
import { startEmbeddedStore } from '../../platform/embedded-store';
import type { ServerBinaries } from '../../platform/servers';
import { BulkRecordingStore } from '../../store/bulk-recording-store';
import { createModels, ensureIndexes } from '../../store/models';
import { interpolatedPercentile as percentile } from '../percentile';
import { Random, planReview, type ReviewPlan } from './plans';
import { fmt, printTable, section } from './report';
import { DEFAULT_SEED_SETTINGS, playPlan } from './seed';

type Doc = mongo.Document & { _id: string };
const COLLECTIONS = ['reviews', 'tasks', 'events'] as const;
type CollectionName = (typeof COLLECTIONS)[number];

/** How a store shapes its documents and which operations the app issues on it. */
interface Shapes {
  title: string;
  /** The collections it fills. */
  collections: readonly CollectionName[];
  createIndexes(uri: string, db: mongo.Db): Promise<void>;
  /** The documents of a review that has reached `stepCount` requests of `plan`. */
  docsOf(plan: ReviewPlan, stepCount: number): Promise<Record<CollectionName, Doc[]>>;
  ops: Op[];
}

interface Op {
  name: string;
  run(db: mongo.Db, pools: Pools): Promise<unknown>;
}

const POOL_SIZE = 200;

/** A uniform sample of the documents stored so far, to pick operation targets from. */
class Pools {
  private readonly pools: Record<CollectionName, Doc[]> = { reviews: [], tasks: [], events: [] };
  private readonly seen: Record<CollectionName, number> = { reviews: 0, tasks: 0, events: 0 };
  private readonly rng = new Random(7);

  offer(collection: CollectionName, doc: Doc): void {
    const n = ++this.seen[collection];
    const pool = this.pools[collection];
    if (pool.length < POOL_SIZE) pool.push(doc);
    else if (this.rng.next() < POOL_SIZE / n) pool[this.rng.int(0, POOL_SIZE - 1)] = doc;
  }

  pick(collection: CollectionName): Doc {
    return this.rng.pick(this.pools[collection]);
  }
}

/** A projection's `updateOne({ _id, lastSeq: { $lt } })`, as the live store moves one forward. */
function moveForward(collection: CollectionName): Op['run'] {
  return (db, pools) => {
    const doc = pools.pick(collection);
    const { _id, ...fields } = doc;
    const next = (doc.lastSeq as number) + 1;
    doc.lastSeq = next;
    return db
      .collection<Doc>(collection)
      .updateOne({ _id, lastSeq: { $lt: next } }, { $set: { ...fields, lastSeq: next } });
  };
}

const inbox: Op = {
  name: 'inbox find({region, role, status:open}).sort(createdAt,_id).limit(21)',
  run: (db) =>
    db
      .collection('tasks')
      .find({ region: 'beijing', role: 'reviewer', status: 'open' })
      .sort({ createdAt: -1, _id: -1 })
      .limit(21)
      .toArray(),
};
const findById: Op = {
  name: 'review findById',
  run: (db, pools) => db.collection<Doc>('reviews').findOne({ _id: pools.pick('reviews')._id }),
};
const tasksOfReview: Op = {
  name: 'tasks find({reviewId})',
  run: (db, pools) =>
    db
      .collection('tasks')
      .find({ reviewId: pools.pick('tasks').reviewId as string })
      .toArray(),
};

/** The measured documents are recorded here, numbered on their own: they are measured, not a store the app serves. */
const recorded = new BulkRecordingStore();

/** Events appended by the measurements so far: their sequence numbers start past any real log's. */
let appended = 100_000;

const today: Shapes = {
  title: 'FerretDB v1.24 on PostgreSQL (patched), the review log and its projections',
  collections: COLLECTIONS,
  async createIndexes(uri) {
    const connection = await mongoose.createConnection(uri).asPromise();
    try {
      await ensureIndexes(createModels(connection));
    } finally {
      await connection.close();
    }
  },
  async docsOf(plan, stepCount) {
    await playPlan(plan, recorded, DEFAULT_SEED_SETTINGS, stepCount);
    const { reviews, tasks, events } = recorded.drain();
    return { reviews, tasks, events };
  },
  ops: [
    { name: 'review moveForward updateOne({_id, lastSeq: {$lt}})', run: moveForward('reviews') },
    { name: 'task moveForward', run: moveForward('tasks') },
    {
      name: 'event append insertMany(3)',
      run(db, pools) {
        const { _id: _ignored, ...event } = pools.pick('events');
        const events = [0, 1, 2].map(() => {
          const seq = ++appended; // past any real log position: always new events
          return { ...event, _id: `${event.reviewId as string}#${seq}`, seq };
        });
        return db.collection<Doc>('events').insertMany(events, { ordered: false });
      },
    },
    tasksOfReview,
    {
      name: 'events find({reviewId})',
      run: (db, pools) =>
        db
          .collection('events')
          .find({ reviewId: pools.pick('events').reviewId as string })
          .toArray(),
    },
    inbox,
    findById,
  ],
};

/** A share of the reviews is still under way, so the inbox has open work to find. */
const IN_PROGRESS = 0.05;
const SEED = 3;
const BATCH = 500;

/** Fills the three collections to `size` documents each with reviews planned one after another. */
class Filler {
  private next = 0;
  private readonly counts: Record<CollectionName, number> = { reviews: 0, tasks: 0, events: 0 };
  private readonly start = Date.parse('2026-01-05T01:30:00.000Z');

  constructor(
    private readonly db: mongo.Db,
    private readonly shapes: Shapes,
    readonly pools: Pools,
  ) {}

  async fillTo(size: number): Promise<void> {
    const wanted = (c: CollectionName) => (this.shapes.collections.includes(c) ? size : 0);
    const batches: Record<CollectionName, Doc[]> = { reviews: [], tasks: [], events: [] };
    const flush = async (c: CollectionName) => {
      if (batches[c].length === 0) return;
      await this.db.collection<Doc>(c).insertMany(batches[c], { ordered: false });
      batches[c] = [];
    };
    const missing = () => COLLECTIONS.filter((c) => this.counts[c] < wanted(c));
    while (missing().length > 0) {
      const i = this.next++;
      const rng = new Random(SEED, i);
      // Five reviews an hour of office time, so they spread over months as a real store's do.
      const plan = planReview(SEED, i, this.start + (i % 40) * 12 * 60_000 + Math.floor(i / 40) * 86_400_000 * (7 / 5));
      const steps = rng.chance(IN_PROGRESS) ? rng.int(1, Math.max(1, plan.steps.length - 1)) : plan.steps.length;
      const docs = await this.shapes.docsOf(plan, steps);
      for (const c of missing()) {
        for (const doc of docs[c].slice(0, wanted(c) - this.counts[c])) {
          batches[c].push(doc);
          this.pools.offer(c, doc);
          this.counts[c]++;
        }
        if (batches[c].length >= BATCH) await flush(c);
      }
    }
    for (const c of COLLECTIONS) await flush(c);
  }
}

/** Past this long on one operation at one size, fewer samples are taken. */
const SAMPLE_BUDGET_MS = 5_000;
const MAX_SAMPLES = 25;
const MIN_SAMPLES = 3;

/** Times `op` one call at a time: ms of each call (the first, warming caches, is left out when fast). */
async function sample(db: mongo.Db, pools: Pools, op: Op): Promise<number[]> {
  const samples: number[] = [];
  const started = performance.now();
  for (let k = 0; samples.length < MAX_SAMPLES; k++) {
    const t = performance.now();
    await op.run(db, pools);
    const ms = performance.now() - t;
    if (k > 0 || ms > 1_000) samples.push(ms);
    const elapsed = performance.now() - started;
    if (elapsed > SAMPLE_BUDGET_MS && samples.length >= MIN_SAMPLES) break;
    if (elapsed > 6 * SAMPLE_BUDGET_MS && samples.length >= 1) break;
  }
  return samples;
}

async function measure(shapes: Shapes, uri: string, sizes: number[]): Promise<Map<string, Map<number, number[]>>> {
  const client = new mongoose.mongo.MongoClient(uri, { directConnection: true });
  await client.connect();
  const results = new Map<string, Map<number, number[]>>(shapes.ops.map((op) => [op.name, new Map()]));
  try {
    const db = client.db('storecost');
    await shapes.createIndexes(`${uri}/storecost`, db);
    const filler = new Filler(db, shapes, new Pools());
    for (const size of sizes) {
      const t = performance.now();
      await filler.fillTo(size);
      process.stdout.write(
        `  ${size.toLocaleString('en')} documents a collection (filled in ${fmt((performance.now() - t) / 1000, 0)} s):`,
      );
      for (const op of shapes.ops) {
        const samples = await sample(db, filler.pools, op);
        results.get(op.name)!.set(size, samples);
        process.stdout.write(` ${fmt(percentile(samples, 50), 1)}`);
      }
      process.stdout.write(' ms\n');
    }
  } finally {
    await client.close();
  }
  return results;
}

function printResults(shapes: Shapes, sizes: number[], results: Map<string, Map<number, number[]>>): void {
  console.log(`\n  ${shapes.title}`);
  console.log('  ms per operation: median [p25–p75] (n when fewer than 25)\n');
  printTable(
    ['operation', ...sizes.map((s) => s.toLocaleString('en'))],
    shapes.ops.map((op) => [
      op.name,
      ...sizes.map((size) => {
        const s = results.get(op.name)!.get(size) ?? [];
        const n = s.length < MAX_SAMPLES ? ` n=${s.length}` : '';
        return `${fmt(percentile(s, 50), 1)} [${fmt(percentile(s, 25), 1)}–${fmt(percentile(s, 75), 1)}]${n}`;
      }),
    ]),
  );
}

export async function storeCost(sizes: number[], dir: string, binaries: ServerBinaries): Promise<void> {
  section(
    `3. Store cost per operation against collection size (${sizes.map((s) => s.toLocaleString('en')).join(' / ')} documents)`,
  );
  const results: [Shapes, Map<string, Map<number, number[]>>][] = [];
  for (const [shapes, start] of [
    [today, () => startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'cost-store') })],
  ] as const) {
    console.log(`  ${shapes.title}`);
    const store = await start();
    try {
      results.push([shapes, await measure(shapes, store.uri, sizes)]);
    } finally {
      await store.stop();
    }
  }
  for (const [shapes, r] of results) printResults(shapes, sizes, r);
}
