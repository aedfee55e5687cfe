/**
 * Lists read a month at a time on the embedded store: a cursor walks back across months, empty
 * ones included, without repeats or gaps; a caller's alternatives are merged in order; the walk
 * stops at the oldest month the store has.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
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
