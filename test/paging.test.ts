/**
 * Lists read a month at a time on the embedded store: a cursor walks back across months, empty
 * ones included, without repeats or gaps; a caller's alternatives are merged in order; the walk
 * stops at the oldest month the store has.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { decodeCursor, newestFirst } from '../features/paging';
import { connectMongo } from '../bin/connections';
import { createModels, ensureIndexes, monthOf, type Models, type TaskDoc } from '../store/models';

let mongo: Connection;
let models: Models;

beforeAll(async () => {
  mongo = await connectMongo(`${process.env.TEST_MONGODB_URI as string}/p_${randomUUID().slice(0, 8)}`);
  models = createModels(mongo);
  await ensureIndexes(models);
});
afterAll(async () => {
  await mongo?.dropDatabase().catch(() => undefined);
  await mongo?.close();
});

/** Tasks as the app stores them, created at the given instants, for two roles of one region. */
async function seed(instants: string[]): Promise<TaskDoc[]> {
  const docs: TaskDoc[] = instants.map((createdAt, i) => ({
    _id: `review:p:1:t${i + 1}`,
    reviewId: 'review:p:1',
    documentId: 'p',
    kind: i % 2 === 0 ? 'consultation' : 'signoff',
    region: 'hebei',
    role: i % 2 === 0 ? 'reviewer' : 'signer',
    status: 'completed',
    version: 1,
    dueAt: null,
    createdAt,
    lastSeq: 1,
    month: monthOf(createdAt),
  }));
  await models.Task.insertMany(docs);
  return docs;
}

async function walk(limit: number, firstMonth: string, anyOf: Record<string, unknown>[]): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null | undefined;
  do {
    const { page, nextCursor } = await newestFirst({
      model: models.Task,
      anyOf,
      where: { status: 'completed' },
      sortBy: { field: 'createdAt', isDate: false },
      limit,
      cursor: cursor ? decodeCursor(cursor) : undefined,
      byMonth: { now: new Date('2026-03-10T00:00:00Z'), firstMonth },
    });
    seen.push(...page.map((t) => t._id));
    cursor = nextCursor;
  } while (cursor);
  return seen;
}

test('when a list spans months with gaps, pages walk back through every month newest first without repeats', async () => {
  const docs = await seed([
    '2025-10-03T01:00:00.000Z',
    '2025-10-20T01:00:00.000Z',
    '2025-12-01T01:00:00.000Z', // November stays empty
    '2026-02-01T01:00:00.000Z',
    '2026-02-01T01:00:00.000Z', // same instant: the id breaks the tie
    '2026-03-09T23:00:00.000Z',
    '2026-03-09T23:30:00.000Z',
  ]);
  const newestFirstIds = [...docs]
    .sort((a, b) => (a.createdAt === b.createdAt ? b._id.localeCompare(a._id) : b.createdAt.localeCompare(a.createdAt)))
    .map((d) => d._id);
  const bothRoles = [
    { region: 'hebei', role: 'reviewer' },
    { region: 'hebei', role: 'signer' },
  ];
  for (const limit of [1, 2, 3, 10]) expect(await walk(limit, '2025-10', bothRoles)).toEqual(newestFirstIds);
  // One role only: its own tasks, still in order.
  expect(await walk(2, '2025-10', [bothRoles[1]])).toEqual(
    newestFirstIds.filter((id) => docs.find((d) => d._id === id)!.role === 'signer'),
  );
  // The walk goes no further back than the oldest month the store has.
  expect(await walk(2, '2025-12', bothRoles)).toEqual(newestFirstIds.slice(0, 5));
});

/** Open tasks of one pool, `ties` of them created at each instant, as the app stores them. */
async function seedOpen(count: number, ties: number): Promise<TaskDoc[]> {
  const docs: TaskDoc[] = Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(Date.UTC(2026, 2, 1) + Math.floor(i / ties) * 60_000).toISOString();
    // Ids out of step with the instants, so that within a tie the id alone decides.
    const reviewId = `review:open-${String((i * 7919) % count).padStart(4, '0')}:1`;
    return {
      _id: `${reviewId}:t1`,
      reviewId,
      documentId: `open-${i}`,
      kind: 'origin_review',
      region: 'tianjin',
      role: i % 5 === 0 ? 'signer' : 'reviewer',
      status: i % 7 === 0 ? 'completed' : 'open',
      version: 1,
      dueAt: null,
      createdAt,
      lastSeq: 1,
      month: monthOf(createdAt),
    };
  });
  await models.Task.insertMany(docs);
  return docs;
}

test('the open work list pages through a few hundred tasks with ties on createdAt, every task once and in order', async () => {
  const docs = await seedOpen(420, 6);
  const anyOf = [{ region: 'tianjin', role: 'reviewer' }];
  const expected = docs
    .filter((d) => d.role === 'reviewer' && d.status === 'open')
    .sort((a, b) => (a.createdAt === b.createdAt ? (a._id < b._id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
    .map((d) => d._id);
  expect(expected.length).toBeGreaterThan(250);
  for (const limit of [1, 4, 20, 50]) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { page, nextCursor }: { page: TaskDoc[]; nextCursor: string | null } = await newestFirst({
        model: models.Task,
        anyOf,
        where: { status: 'open' },
        sortBy: { field: 'createdAt', isDate: false },
        limit,
        cursor: cursor === null ? undefined : decodeCursor(cursor),
      });
      expect(page.length).toBe(nextCursor === null ? page.length : limit);
      seen.push(...page.map((t) => t._id));
      cursor = nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
  }
});

/**
 * scripts/ferretdb/postgresql-top-pages.patch reads a keyset page from a btree index when the
 * collection has one over the equality fields, the sort field and _id; what it returns must be
 * what FerretDB returns when it filters and sorts every document itself (a filter wrapped in
 * `$and`, which the patch leaves alone), whatever the types stored: strings with ties, and in
 * some rounds arrays, ObjectIds, dates, numbers, booleans, null, documents or nothing, in the
 * sort field, the equality fields or _id.
 */
test('keyset pages on a keyset index return what an in-memory sort returns, over mixed types', async () => {
  const { ObjectId } = mongoose.mongo;
  const collection = mongo.db!.collection<Record<string, unknown>>('keysetCheck');
  await collection.createIndex({ group: 1, k: -1, _id: -1 });
  const strings = ['b', 'a', 'B', 'é', 'z', '', 'ab', 'a b', '中文', '中', '2026-03-01T00:00:00.000Z'];
  const others: unknown[] = [
    new ObjectId('0123456789abcdef01234567'), new ObjectId('ffffffffffffffffffffffff'), new Date(5), 3, -1, 2.5,
    true, null, undefined, ['a', 'z'], ['c'], [], { x: 'a' },
  ]; // prettier-ignore
  let seed = 20261206;
  const random = (n: number) => {
    // mulberry32: deterministic, so a failure can be rerun
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const differences: string[] = [];
  let pages = 0;
  for (let round = 0; round < 40; round++) {
    await collection.deleteMany({});
    // Two rounds in four hold strings only (the index answers); the third mixes every type in;
    // the fourth has strings in the index's fields but ids of three types, and many ties.
    const mixed = round % 4 === 2;
    const ids = round % 4 === 3;
    const pick = () =>
      mixed && random(4) === 0 ? others[random(others.length)] : strings[random(ids ? 3 : strings.length)];
    const rows = Array.from({ length: 1 + random(50) }, (_, i) => {
      const k = pick();
      const group = mixed && random(8) === 0 ? (random(2) ? ['x', 'y'] : new ObjectId()) : random(4) ? 'x' : 'y';
      const id =
        (mixed && random(8) === 0) || (ids && random(2)) ? (random(2) ? new ObjectId() : i) : `id${random(20)}-${i}`;
      const tag = mixed && random(8) === 0 ? ['p'] : random(3) ? 'p' : 'q';
      return { _id: id, group, tag, ...(k !== undefined && { k }) };
    });
    await collection.insertMany(rows as never);
    // `tag` leads no index: it is checked on each document read from the index on `group`.
    const where: Record<string, unknown> = round % 2 ? { group: 'x', tag: 'p' } : { group: 'x' };
    for (const sort of [{ k: -1, _id: -1 }, { k: 1, _id: 1 }, { k: -1 }, { k: 1 }] as Record<string, 1 | -1>[]) {
      const d = sort.k;
      const op = d < 0 ? '$lt' : '$gt';
      for (const limit of [1, 3, 10, 100]) {
        // Walk the pages by the in-memory result's cursor, as long as its position is strings.
        let after: Record<string, unknown> | undefined;
        for (let page = 0; page < 6; page++) {
          let position: Record<string, unknown> = {};
          if (after && '_id' in sort) {
            position = { $or: [{ k: { [op]: after.k } }, { k: after.k, _id: { [op]: after._id } }] };
          } else if (after) position = { k: { [op]: after.k } };
          const pushed = await collection
            .find({ ...where, ...position })
            .sort(sort)
            .limit(limit)
            .toArray();
          const inMemory = await collection
            .find({ $and: [where, position] })
            .sort(sort)
            .limit(limit)
            .toArray();
          pages++;
          // With _id in the sort the order is total; without, documents that tie may come either way.
          const keys = (docs: Record<string, unknown>[]) =>
            JSON.stringify(docs.map((doc) => ('_id' in sort ? [doc.k, doc._id] : [doc.k])));
          if (keys(pushed) !== keys(inMemory))
            differences.push(`round ${round} sort ${JSON.stringify(sort)} limit ${limit} page ${page}:
  pushed ${keys(pushed)}
  memory ${keys(inMemory)}`);
          const last = inMemory[inMemory.length - 1];
          if (inMemory.length < limit || typeof last?.k !== 'string' || typeof last._id !== 'string') break;
          if (!('_id' in sort) && inMemory.some((doc) => doc !== last && doc.k === last.k)) break; // a tie at the edge: no position
          after = last;
        }
      }
    }
  }
  expect(differences).toEqual([]);
  expect(pages).toBeGreaterThan(500);
  // Dropping the index drops its btree too: the same index can be created again.
  await collection.dropIndex('group_1_k_-1__id_-1');
  await collection.createIndex({ group: 1, k: -1, _id: -1 });
  await collection.deleteMany({});
  await collection.insertOne({ _id: 'last', group: 'x', k: 'a' } as never);
  expect(await collection.find({ group: 'x' }).sort({ k: -1, _id: -1 }).limit(1).toArray()).toHaveLength(1);
});
