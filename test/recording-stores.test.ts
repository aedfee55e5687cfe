/**
 * The two recording stores write the same. The benchmark's seeder plays the same journeys twice
 * through the one recording code (`activities/recording.ts`): into the live store, one write at a
 * time as the activity makes them, in one database; and into the bulk store, held in memory and
 * inserted with `insertMany` in batches, in another. Every document of every collection must be
 * equal, numbers included: both databases start with a number the app took before.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '../bin/connections';
import { BulkRecordingStore } from '../store/bulk-recording-store';
import type { CounterDoc } from '../store/counters';
import { createModels, ensureIndexes, type Models, type NumberDoc } from '../store/models';
import { liveRecordingStore } from '../store/recording-store';
import { JOURNEY_KINDS, planReview } from '../scripts/bench/plans';
import { playPlan, seedReviews, type SeedStore } from '../scripts/bench/seed';

/** Every collection a seeded review writes to. */
const COLLECTIONS = [
  'documents',
  'versions',
  'reviewClaims',
  'reviews',
  'tasks',
  'events',
  'comments',
  'notifications',
  'numbers',
  'records',
  'storeMeta',
  'registerRows',
];

/** The counters, compared by their sums and marks. */
const COUNTERS = ['figureBuckets', 'statsCounters'];

const dbs: { live?: Connection; bulk?: Connection } = {};
let live: Models;
let bulk: Models;

beforeAll(async () => {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run through jest');
  const suffix = randomUUID().slice(0, 8);
  dbs.live = await connectMongo(`${base}/stores_live_${suffix}`);
  dbs.bulk = await connectMongo(`${base}/stores_bulk_${suffix}`);
  live = createModels(dbs.live);
  bulk = createModels(dbs.bulk);
  await Promise.all([ensureIndexes(live), ensureIndexes(bulk)]);
});

afterAll(async () => {
  for (const db of [dbs.live, dbs.bulk]) {
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
  }
});

/** The live store, with the API's writes as the use cases make them (one `create` each). */
function liveSeedStore(models: Models): SeedStore {
  return {
    ...liveRecordingStore(models),
    addDocument: async (doc) => void (await models.Document.create(doc)),
    addVersion: async (version) => void (await models.Version.create(version)),
    addClaim: async (claim) => void (await models.ReviewClaim.create(claim)),
  };
}

function storedIn(db: Connection, name: string) {
  return db.collection(name).find({}).sort({ _id: 1 }).toArray();
}

test('when the same journeys are recorded into the live store and the bulk store, every stored document is the same', async () => {
  // One journey of every kind, submitted on working days of 2026; the first asks for a missing
  // material at intake (补正), which the drafter supplies.
  const submitted = (i: number) => Date.parse('2026-03-02T01:30:00.000Z') + i * 7 * 86_400_000 + i * 997_000;
  const plans = JOURNEY_KINDS.map((kind, i) => planReview(20260302, i, submitted(i), kind, { supplement: i === 0 }));
  // And one still in progress: submitted, accepted, changes requested, a revised version added.
  const inProgress = planReview(20260302, 99, submitted(JOURNEY_KINDS.length), 'revision', { supplement: false });
  const inProgressSteps = 4;
  expect(inProgress.steps[inProgressSteps - 1].type).toBe('revise');
  // A number the app took before: both stores must count on after it.
  const earlier: NumberDoc = {
    _id: 'review:earlier:1#3',
    series: 'registration:beijing:2026',
    n: 7,
    number: '京审登〔2026〕7号',
    reviewId: 'review:earlier:1',
  };
  await Promise.all([live.Number.create(earlier), bulk.Number.create(earlier)]);

  const liveStore = liveSeedStore(live);
  for (const plan of plans) await playPlan(plan, liveStore);
  await playPlan(inProgress, liveStore, undefined, inProgressSteps);

  // In batches of 3: later batches number on from what the earlier ones inserted.
  await seedReviews(bulk, plans, { batchSize: 3 });
  const bulkStore = await BulkRecordingStore.continuing(bulk);
  await playPlan(inProgress, bulkStore, undefined, inProgressSteps);
  await bulkStore.flush(bulk);

  // Every collection recording wrote to is compared.
  const written = [];
  for (const { name } of await dbs.live!.db!.listCollections().toArray()) {
    if ((await dbs.live!.collection(name).countDocuments()) > 0) written.push(name);
  }
  // The counters (the year's figures, the statistics): the same sums in the same documents, and
  // the same marks (the bulk store writes each held document's last transition as marks too).
  expect(written.filter((name) => !COLLECTIONS.includes(name) && !COUNTERS.includes(name))).toEqual([]);
  const counters = async (db: Connection, name: string) => {
    const sums: Record<string, Record<string, number>> = {};
    const marks: Record<string, { seq?: number; state?: unknown }> = {};
    // A component's newest mark: a mark document, or the last transition of a counts document.
    const mark = (id: string, seq: number | undefined, state: unknown) => {
      if ((marks[id]?.seq ?? -1) < (seq ?? 0)) marks[id] = { seq, state };
    };
    for (const doc of await db.collection<CounterDoc>(name).find({}).toArray()) {
      if (doc._id.startsWith('mark|')) {
        mark(doc._id, doc.seq, doc.state);
        continue;
      }
      const counts = Object.fromEntries(Object.entries(doc.counts ?? {}).filter(([, n]) => n !== 0));
      if (Object.keys(counts).length > 0) sums[doc._id] = counts;
      for (const m of doc.last?.marks ?? []) mark(`mark|${doc.scope ?? doc._id}|${m.id}`, doc.last!.seq, m.state);
    }
    return { sums, marks };
  };
  for (const name of COUNTERS) {
    const fromLive = await counters(dbs.live!, name);
    expect(Object.keys(fromLive.sums).length).toBeGreaterThan(0);
    expect({ name, ...(await counters(dbs.bulk!, name)) }).toEqual({ name, ...fromLive });
  }
  for (const name of COLLECTIONS) {
    const [fromLive, fromBulk] = await Promise.all([storedIn(dbs.live!, name), storedIn(dbs.bulk!, name)]);
    expect({ collection: name, documents: fromBulk }).toEqual({ collection: name, documents: fromLive });
  }

  // The comparison covered every kind of record.
  const count = (name: string, filter = {}) => dbs.live!.collection(name).countDocuments(filter);
  expect(await count('reviews')).toBe(plans.length + 1);
  expect(await count('reviewClaims')).toBe(1);
  for (const name of ['versions', 'comments', 'notifications'])
    expect(await count(name)).toBeGreaterThan(plans.length / 2);
  expect(await count('versions', { 'materials.legalBasisNote': { $exists: true } })).toBe(1);
  expect(await count('comments', { disposition: { $exists: true } })).toBeGreaterThan(0);
  expect(await count('numbers', { series: earlier.series, n: earlier.n + 1 })).toBe(1);
  expect(await count('records', { kind: 'opinion' })).toBeGreaterThan(0);
  expect(await count('records', { kind: 'revision_letter' })).toBeGreaterThan(0);
});

test('when the bulk store is asked for a version it was not given, it refuses rather than answer differently from the store', async () => {
  const store = new BulkRecordingStore();
  await expect(store.recordSources('review:x:1', 'x:v1')).rejects.toThrow(/holds no version x:v1/);
  await expect(store.mergeMaterials('x:v1', { legalBasisNote: '补充' })).rejects.toThrow(/holds no version/);
  await expect(store.setDisposition('c1', { status: 'adopted', at: '2026-03-02T01:30:00.000Z' })).rejects.toThrow(
    /holds no comment c1/,
  );
});
