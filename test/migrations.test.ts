/**
 * Once-only changes to a store of before (store/migrations.ts) seen where FerretDB does not show
 * them: in PostgreSQL's catalog. A store whose indexes were made by a FerretDB built before
 * scripts/ferretdb/postgresql-top-pages.patch has GIN indexes only; after the first start of this
 * release each keyset-shaped index has its btree, whichever of two processes starting together
 * ran the change, and the collections no release uses are gone. The store is this file's own:
 * its cluster is changed while it is stopped (PostgreSQL's single-user mode), which the shared
 * store of the run cannot be.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection, Model } from 'mongoose';
import { connectMongo } from '../bin/connections';
import { sqlOnStoppedCluster, startEmbeddedStore, type EmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { isKeysetShaped } from '../store/keyset-indexes';
import { migrate } from '../store/migrations';
import { createModels, ensureIndexes, type Models, type TaskDoc } from '../store/models';

const DB = 'old_store';
let dir: string;
let store: EmbeddedStore | undefined;
let ferretdbPath: string;
const opened: Connection[] = [];

beforeAll(async () => {
  ferretdbPath = (await provision()).ferretdb;
  dir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-migrations-'));
  // Run as root, PostgreSQL runs as the postgres user, which must reach its cluster here.
  await chmod(dir, 0o755);
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(opened.map((c) => c.close()));
  await store?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<Models> {
  store = await startEmbeddedStore({ ferretdbPath, dataDir: path.join(dir, 'store'), durable: false });
  const mongo = await connectMongo(`${store.uri}/${DB}`);
  opened.push(mongo);
  return createModels(mongo);
}

async function stop(): Promise<string> {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await store!.stop();
  const { clusterDir } = store!;
  store = undefined;
  return clusterDir;
}

/** The PostgreSQL names of the store's indexes (`N: indexname = "..."` lines of single-user mode). */
async function pgIndexes(clusterDir: string): Promise<string[]> {
  const out = await sqlOnStoppedCluster(clusterDir, [
    `SELECT indexname FROM pg_indexes WHERE schemaname = '${DB}' ORDER BY indexname`,
  ]);
  return [...out.matchAll(/indexname = "([^"]+)"/g)].map((m) => m[1]);
}

/**
 * What a FerretDB built before the patch left: each keyset index's btree dropped, its GIN index
 * and FerretDB's record of it named as that build named every index (`..._idx`, not `..._kidx`).
 */
const BEFORE_THE_PATCH = [
  `DO $$ DECLARE r record; BEGIN
     FOR r IN SELECT indexname FROM pg_indexes WHERE schemaname = '${DB}' AND indexname LIKE '%\\_kidxb' LOOP
       EXECUTE format('DROP INDEX %I.%I', '${DB}', r.indexname);
     END LOOP;
     FOR r IN SELECT indexname FROM pg_indexes WHERE schemaname = '${DB}' AND indexname LIKE '%\\_kidx' LOOP
       EXECUTE format('ALTER INDEX %I.%I RENAME TO %I', '${DB}', r.indexname, left(r.indexname, -5) || '_idx');
     END LOOP;
   END $$`,
  `UPDATE ${DB}._ferretdb_database_metadata SET _jsonb = replace(_jsonb::text, '_kidx"', '_idx"')::jsonb`,
];

const openTask = (i: number): TaskDoc => ({
  _id: `review:m:1:t${String(i).padStart(2, '0')}`,
  reviewId: 'review:m:1',
  documentId: 'm',
  kind: 'consultation',
  region: 'hebei',
  role: 'reviewer',
  status: 'open',
  version: 1,
  dueAt: null,
  // Ties in pairs: the page order needs _id.
  createdAt: `2026-03-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T00:00:00.000Z`,
  lastSeq: 1,
  month: '2026-03',
  urgencyKey: `~|2026-03|${i}`,
  dueHour: null,
});

/** The work list's second page of open tasks of the pool, as the app asks for it. */
async function secondPage(models: Models): Promise<string[]> {
  const pool = { region: 'hebei', role: 'reviewer', status: 'open' };
  const first = await models.Task.find(pool).sort({ createdAt: -1, _id: -1 }).limit(5).lean<TaskDoc[]>();
  const last = first[first.length - 1];
  const after = {
    $or: [{ createdAt: { $lt: last.createdAt } }, { createdAt: last.createdAt, _id: { $lt: last._id } }],
  };
  const page = await models.Task.find({ ...pool, ...after })
    .sort({ createdAt: -1, _id: -1 })
    .limit(5)
    .lean<TaskDoc[]>();
  return page.map((t) => t._id);
}

test('when a store made before the keyset indexes starts, each keyset-shaped index gets its btree once, pages read the same, and the leftover collections are gone', async () => {
  // A store as a release before left it: its indexes, open work, and collections no longer used.
  let models = await start();
  await ensureIndexes(models);
  await models.Task.insertMany(Array.from({ length: 30 }, (_, i) => openTask(i)));
  await models.Migration.db.db!.collection('decisionLocks').insertOne({ _id: 'task:x' as never, at: new Date() });
  await models.Migration.db.db!.collection('statsMonths').insertOne({ _id: '2026-01' as never, counts: {} });
  const keysetShaped = (Object.values(models) as Model<unknown>[]).flatMap((m) =>
    m.schema.indexes().filter(([key, options]) => isKeysetShaped(key, options)),
  );
  expect(keysetShaped.length).toBeGreaterThanOrEqual(5); // the work list's four, and more
  const expectedPage = Array.from({ length: 5 }, (_, i) => openTask(24 - i)._id);
  expect(await secondPage(models)).toEqual(expectedPage);
  let clusterDir = await stop();
  const made = await pgIndexes(clusterDir);
  expect(made.filter((n) => n.endsWith('_kidxb'))).toHaveLength(keysetShaped.length);
  await sqlOnStoppedCluster(clusterDir, BEFORE_THE_PATCH);
  const before = await pgIndexes(clusterDir);
  expect(before.filter((n) => /_kidxb?$/.test(n))).toEqual([]);
  expect(before).toHaveLength(made.length - keysetShaped.length);

  // Two processes start together on it: indexes ensured, then the migrations.
  models = await start();
  const other = createModels(await connectMongo(`${store!.uri}/${DB}`));
  opened.push(other.Migration.db);
  const names = async (m: Models) => (await m.Task.collection.indexes()).map((index) => index.name).sort();
  const declaredNames = await names(models);
  await Promise.all(
    [models, other].map(async (m) => {
      await ensureIndexes(m);
      await migrate(m, {});
    }),
  );
  expect(await names(models)).toEqual(declaredNames);
  expect(await secondPage(other)).toEqual(expectedPage);
  const collections = (await models.Migration.db.db!.listCollections().toArray()).map((c) => c.name);
  expect(collections).not.toContain('decisionLocks');
  expect(collections).not.toContain('statsMonths');
  expect(collections).toContain('tasks');
  const done = await models.Migration.find({ _id: { $in: ['keyset-indexes', 'leftover-collections'] } }).lean();
  expect(done.map((d) => Boolean(d.doneAt))).toEqual([true, true]);

  // Every keyset-shaped index is a keyset index again: its GIN index named as such, and its btree.
  clusterDir = await stop();
  const after = await pgIndexes(clusterDir);
  const kidx = after.filter((n) => n.endsWith('_kidx'));
  expect(kidx).toHaveLength(keysetShaped.length);
  expect(after.filter((n) => n.endsWith('_kidxb'))).toEqual(kidx.map((n) => `${n}b`));
  // The same names the patched store gave them at first; the dropped collections' own indexes gone.
  expect(after).toEqual(made.filter((n) => !/^(decisionlocks|statsmonths)_/.test(n)));
}, 180_000);
