/**
 * The two store primitives that everything "exactly once" rests on, on MongoDB and FerretDB alike:
 * an insert under a unique key, and recognising the refusal of a second one.
 */
import type { Model } from 'mongoose';

/** MongoDB's duplicate key error. */
const DUPLICATE_KEY = 11000;

/**
 * Whether `err` is the store refusing an insert because the key is taken; for a bulk insert,
 * whether every write it refused was refused for that reason.
 */
export function isDuplicateKey(err: unknown): boolean {
  type WriteError = { code?: number; err?: { code?: number } };
  const writeErrors = (err as { writeErrors?: WriteError[] | WriteError } | null)?.writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  // The driver's write errors carry their code; Mongoose's `insertMany` lists them as `{ err, index }`.
  if (list.length > 0) return list.every((e) => (e.code ?? e.err?.code) === DUPLICATE_KEY);
  return (err as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/**
 * Inserts `doc` unless a document with its `_id` exists. (An upsert with `$setOnInsert` would do
 * on MongoDB, but FerretDB v1 drops its null fields, such as a revision task's `dueAt`.)
 */
export async function insertIfAbsent<T extends { _id: string }>(model: Model<T>, doc: T): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return false;
  }
}

/** Inserts each of `docs` whose `_id` is not stored yet, in one round trip. */
export async function insertAllAbsent<T extends { _id: string }>(model: Model<T>, docs: readonly T[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    // Unordered, so that a stored one does not stop the rest; a document the schema refuses fails the
    // whole call instead of being left out.
    await model.insertMany(docs as T[], { ordered: false, throwOnValidationError: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/**
 * Inserts `doc`, or reads the one stored under its `_id` when there is one: the caller learns
 * which, and gets the stored document either way.
 */
export async function insertOrRead<T extends { _id: string }>(
  model: Model<T>,
  doc: T,
): Promise<{ doc: T; inserted: boolean }> {
  try {
    return { doc: (await model.create(doc)).toObject(), inserted: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const stored = await model.findById(doc._id).lean<T>();
    // Gone again meanwhile (a cleared draft): nothing else can be answered.
    if (!stored) throw err;
    return { doc: stored, inserted: false };
  }
}
