/**
 * The work list's keyset indexes on a store made before they existed. On the embedded store
 * (scripts/ferretdb/postgresql-top-pages.patch) a non-unique index over top-level fields whose last
 * key is `_id` is created with a btree beside its GIN index, and every page of a list sorted by its
 * next-to-last key is read from that btree; an index created by a FerretDB built before the patch
 * is GIN-only and stays on the slow path (every match fetched and sorted) until it is created
 * again. Nothing FerretDB answers through the MongoDB protocol tells the two apart (`listIndexes`
 * gives name, key and unique; `collStats` sizes only the indexes it knows of, and its total also
 * counts the free-space maps PostgreSQL adds to any index), so each such declared index is dropped
 * and created again, once per store (store/migrations.ts). On MongoDB nothing is done.
 */
import type { Connection, Model, mongo } from 'mongoose';
import type { Models } from './models';

type IndexKey = Record<string, unknown>;

/**
 * Whether the patched store creates an index with these keys and options as a keyset index: not
 * unique, two keys or more, `_id` last, every field top-level (the patch's own rule).
 */
export function isKeysetShaped(key: IndexKey, options: { unique?: unknown }): boolean {
  const fields = Object.keys(key);
  return (
    !options.unique &&
    fields.length >= 2 &&
    fields[fields.length - 1] === '_id' &&
    fields.every((f) => f !== '' && !/[.$]/.test(f))
  );
}

/** Whether the store is FerretDB (its `buildInfo` names its version), not MongoDB. */
export async function isFerretdb(connection: Connection): Promise<boolean> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

const sameKey = (a: IndexKey, b: IndexKey) => JSON.stringify(a) === JSON.stringify(b);

/** The driver's error for an index or a collection that is not there. */
const isNotFound = (err: unknown) => [26, 27].includes((err as { code?: number } | null)?.code ?? 0);

/**
 * Drops each declared keyset-shaped index and creates it again, one at a time, on FerretDB; returns
 * the names of the indexes created again. While one is missing the lists it serves are read
 * without it (slower, never wrong), and a process that creates the indexes meanwhile (every
 * process does at start-up) creates it as the patched store does; unique indexes are never
 * touched. An index build on a large store takes longer than the connection's reply limit
 * (bin/connections.ts), so these calls have none.
 */
export async function recreateKeysetIndexes(models: Models): Promise<string[]> {
  if (!(await isFerretdb(models.Migration.db))) return [];
  const recreated: string[] = [];
  for (const model of Object.values(models) as Model<unknown>[]) {
    const declared = model.schema.indexes().filter(([key, options]) => isKeysetShaped(key, options));
    if (declared.length === 0) continue;
    const stored = await model.collection.indexes().catch((err: unknown) => {
      if (isNotFound(err)) return [];
      throw err;
    });
    for (const [key, options] of declared) {
      const old = stored.find((index) => sameKey(index.key, key));
      if (old?.name) {
        await model.collection.dropIndex(old.name, { timeoutMS: 0 }).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      const create = { ...(options as mongo.CreateIndexesOptions), timeoutMS: 0 };
      recreated.push(`${model.collection.collectionName}.${await model.collection.createIndex(key as never, create)}`);
    }
  }
  return recreated;
}
