/**
 * The insert primitives everything "exactly once" rests on (store/mongo.ts), on the embedded store:
 * inserting many where some are stored already, from many callers at once.
 */
import { randomUUID } from 'node:crypto';
import type { Models } from '../store/models';
import { insertAllAbsent, insertIfAbsent, isDuplicateKey } from '../store/mongo';
import { suiteStore } from './harness';

let store: Awaited<ReturnType<typeof suiteStore>>;
let models: Models;
beforeAll(async () => {
  store = await suiteStore('i');
  models = store.models;
});
afterAll(async () => {
  await store?.drop();
});

const lock = (id: string, holder = 'first') => ({ _id: id, holder, at: new Date('2026-12-01T00:00:00Z') });

test('when some of many are stored already, the others are inserted and the stored ones stay as they were', async () => {
  const p = randomUUID();
  await insertIfAbsent(models.FigureLock, lock(`${p}-2`, 'before'));
  await insertAllAbsent(models.FigureLock, [lock(`${p}-1`), lock(`${p}-2`), lock(`${p}-3`)]);
  const stored = await models.FigureLock.find({ _id: { $in: [`${p}-1`, `${p}-2`, `${p}-3`] } }).lean();
  expect(stored.map((d) => [d._id, d.holder]).sort()).toEqual([
    [`${p}-1`, 'first'],
    [`${p}-2`, 'before'],
    [`${p}-3`, 'first'],
  ]);
});

test('when 30 callers insert overlapping sets at once, each document is stored once and none of them fails', async () => {
  const p = randomUUID();
  const ids = Array.from({ length: 10 }, (_, i) => `${p}-${i}`);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 30 }, (_, k) =>
      insertAllAbsent(
        models.FigureLock,
        ids.filter((_, i) => (i + k) % 3 !== 0).map((id) => lock(id, `caller-${k}`)),
      ),
    ),
  );
  expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  expect(await models.FigureLock.countDocuments({ _id: { $in: ids } })).toBe(ids.length);
});

test('when a document is refused for another reason than its key, the insert fails', async () => {
  const p = randomUUID();
  const invalid = { _id: `${p}-1`, at: new Date() } as unknown as ReturnType<typeof lock>; // no holder
  const err = await insertAllAbsent(models.FigureLock, [invalid, lock(`${p}-2`)]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  expect(isDuplicateKey(err)).toBe(false);
});
