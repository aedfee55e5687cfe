/**
 * The supervisors' statistics kept as counters (domain/stats-counters.ts says what a review and a
 * task add): each recorded transition counts the difference its review and tasks make, once per
 * log position (store/counters.ts), into one of a few counts documents chosen by its subject (the
 * review, the document's course, the topic or guideline). Reading them costs a few small documents
 * and the items due in the hour under way (an indexed equality on their due hour).
 */
import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import type { TimeModel } from '../domain/clock';
import {
  reviewTally,
  statsFromCounts,
  taskTally,
  type CountedReview,
  type CountedTask,
  type HourUnderWay,
  type Stats,
} from '../domain/stats-counters';
import {
  addFolded,
  countOnce,
  foldOnce,
  type CountedComponent,
  type CounterDoc,
  type CounterLockDoc,
  type CounterStore,
  type CountFault,
  type CountTarget,
} from './counters';
import type { Models } from './models';
import { isDuplicateKey } from './mongo';

export const STATS_SCOPE = 'stats';
export const STATS_BUCKETS = 16;

/** The models the statistics' counters are kept and read through. */
export interface StatsCounterModels {
  StatsCounter: Model<CounterDoc>;
  FigureLock: Model<CounterLockDoc>;
}

const counterStore = (models: StatsCounterModels): CounterStore => ({
  Counter: models.StatsCounter,
  Lock: models.FigureLock,
});

/** The counts document a subject's transitions move (one of {@link STATS_BUCKETS}, by a hash of its id). */
export function statsTarget(subjectId: string): CountTarget {
  const bucket = createHash('sha1').update(subjectId).digest().readUInt16BE(0) % STATS_BUCKETS;
  return { _id: `${STATS_SCOPE}:${bucket}`, fields: { scope: STATS_SCOPE }, markScope: STATS_SCOPE };
}

/** A transition's review and tasks as they stand after it, as counted components. */
export function statsComponents(
  model: TimeModel,
  review: (CountedReview & { id: string }) | undefined,
  tasks: readonly (CountedTask & { id: string })[],
): CountedComponent[] {
  return [
    ...(review ? [{ id: review.id, state: reviewTally(review, model) }] : []),
    ...tasks.map((t) => ({ id: t.id, state: taskTally(t) })),
  ];
}

/**
 * Counts the difference a transition at position `seq` of `subjectId` makes to the statistics,
 * once (store/counters.ts `countOnce`): `components` are its review and the tasks it moved, as
 * they stand after it.
 */
export async function countStats(
  models: StatsCounterModels,
  subjectId: string,
  seq: number,
  components: readonly CountedComponent[],
  fault?: CountFault,
): Promise<void> {
  await countOnce(counterStore(models), statsTarget(subjectId), seq, components, fault);
}

/** What {@link countStats} does, in memory, for a seeding (added to the store by {@link addFoldedStats}). */
export function foldStats(
  held: Map<string, CounterDoc>,
  subjectId: string,
  seq: number,
  components: readonly CountedComponent[],
): void {
  foldOnce(held, statsTarget(subjectId), seq, components);
}

export function addFoldedStats(models: StatsCounterModels, held: Map<string, CounterDoc>): Promise<void> {
  return addFolded(counterStore(models), held);
}

/** The summed counters of the statistics. */
export async function statsCounts(models: Pick<StatsCounterModels, 'StatsCounter'>): Promise<Record<string, number>> {
  const docs = await models.StatsCounter.find({ scope: STATS_SCOPE }, { counts: 1 }).lean<CounterDoc[]>();
  const sum: Record<string, number> = {};
  for (const doc of docs) for (const [k, n] of Object.entries(doc.counts ?? {})) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}

/** The statistics at `at`: the counters, and the open tasks and reviews due in the hour under way. */
export async function readStatsCounters(
  models: Pick<Models, 'StatsCounter' | 'Task' | 'Review'>,
  at: Date,
): Promise<Stats> {
  const hour = at.toISOString().slice(0, 13);
  const [counts, tasks, reviews] = await Promise.all([
    statsCounts(models),
    models.Task.find({ status: 'open', dueHour: hour }, { region: 1, kind: 1, dueAt: 1 }).lean<HourUnderWay['tasks']>(),
    models.Review.find({ status: 'in_review', earliestDueHour: hour }, { originRegion: 1, earliestDueAt: 1 }).lean<
      HourUnderWay['reviews']
    >(),
  ]);
  return statsFromCounts(counts, at, { tasks, reviews });
}

/** A stored review or task's id as a component, with its log position. */
type Stored<T> = T & { _id: string; lastSeq: number };

/**
 * Counts a store of before the counters (its reviews and open tasks as stored) into the
 * statistics: every review and open task gets its mark at its stored position, and their sums go
 * into one counts document of their own, set whole, so that running it again (after it died half
 * way) counts nothing twice. Run once, before any recording counts (store/migrations.ts).
 */
export async function backfillStats(
  models: Pick<Models, 'StatsCounter' | 'FigureLock' | 'Task' | 'Review'>,
  model: TimeModel,
): Promise<void> {
  const held = new Map<string, CounterDoc>();
  const sums: Record<string, number> = {};
  const mark = (id: string, seq: number, state: Record<string, number>) => {
    held.set(`mark|${STATS_SCOPE}|${id}`, { _id: `mark|${STATS_SCOPE}|${id}`, seq, state });
    for (const [k, n] of Object.entries(state)) sums[k] = (sums[k] ?? 0) + n;
  };
  const reviews = models.Review.find(
    {},
    { status: 1, stage: 1, originRegion: 1, clock: 1, closedAt: 1, earliestDueAt: 1, lastSeq: 1 },
  )
    .lean<Stored<Omit<CountedReview, 'earliestDueAt'> & { earliestDueAt: Date | null }>[]>()
    .cursor();
  for await (const r of reviews) {
    const earliestDueAt = r.earliestDueAt ? new Date(r.earliestDueAt).toISOString() : null;
    mark(r._id, r.lastSeq, reviewTally({ ...r, earliestDueAt }, model));
  }
  const tasks = models.Task.find({ status: 'open' }, { status: 1, region: 1, kind: 1, dueAt: 1, lastSeq: 1 })
    .lean<Stored<CountedTask>[]>()
    .cursor();
  for await (const t of tasks) mark(t._id, t.lastSeq, taskTally(t));
  const marks = [...held.values()];
  for (let i = 0; i < marks.length; i += 1000) {
    try {
      await models.StatsCounter.collection.insertMany(marks.slice(i, i + 1000) as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // marked by a run that died half way
    }
  }
  await models.StatsCounter.updateOne(
    { _id: `${STATS_SCOPE}:before` },
    { $set: { scope: STATS_SCOPE, counts: sums } },
    { upsert: true },
  );
}

export type { CountFault };
