/**
 * Release 1's `npm start` kept its data in FerretDB on SQLite under DATA_DIR/ferretdb. The embedded
 * store is now FerretDB on PostgreSQL (DATA_DIR/store); on the first start after the upgrade, the
 * old data is copied over, then the old directory is renamed so that it is never imported twice
 * (it is kept, not deleted). The copied reviews are then rewritten by `migrate-release1.ts`.
 */
import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort, spawnServer, waitUntilReady } from './processes';

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);
const BATCH = 500;

/**
 * Copies every database of the release-1 store under `dataDir` into the store at `targetUri`;
 * returns the number of documents copied, or undefined when there was nothing to import.
 */
export async function importRelease1Store(
  ferretdbPath: string,
  dataDir: string,
  targetUri: string,
): Promise<number | undefined> {
  const legacyDir = path.join(dataDir, 'ferretdb');
  const files = await readdir(legacyDir).catch(() => [] as string[]);
  if (!files.some((f) => f.endsWith('.sqlite'))) return undefined;

  const port = await freePort();
  const legacy = spawnServer(ferretdbPath, [
    '--handler=sqlite',
    `--sqlite-url=file:${legacyDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${legacyDir}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=warn',
  ]);
  const source = new mongoose.mongo.MongoClient(`mongodb://127.0.0.1:${port}`, { directConnection: true });
  const target = new mongoose.mongo.MongoClient(targetUri, { directConnection: true });
  let copied = 0;
  try {
    await waitUntilReady('the release-1 store', legacy, () => ping(source), 30_000);
    await target.connect();
    const { databases } = await source.db('admin').admin().listDatabases();
    for (const { name } of databases.filter((d) => !SYSTEM_DATABASES.has(d.name))) {
      for (const { name: collection } of await source.db(name).listCollections().toArray()) {
        copied += await copyCollection(source.db(name).collection(collection), target.db(name).collection(collection));
      }
    }
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
    await legacy.stop();
  }
  await rename(legacyDir, `${legacyDir}-release1-imported`);
  return copied;
}

async function ping(client: mongoose.mongo.MongoClient): Promise<void> {
  await client.connect();
  await client.db('admin').command({ ping: 1 });
}

/** Copies all documents; those already there (an import cut short and started again) are kept. */
async function copyCollection(from: mongoose.mongo.Collection, to: mongoose.mongo.Collection): Promise<number> {
  let copied = 0;
  let batch: mongoose.mongo.Document[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      copied += (await to.insertMany(batch, { ordered: false })).insertedCount;
    } catch (err) {
      const result = err as { code?: number; insertedCount?: number; writeErrors?: { code?: number }[] };
      const errors = result.writeErrors ?? [];
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
      copied += result.insertedCount ?? 0;
    }
    batch = [];
  };
  for await (const doc of from.find({})) {
    batch.push(doc);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return copied;
}
