/**
 * Counters kept as transitions are recorded, each change counted once per (component, log
 * position): the year's figures (store/register.ts) and the supervisors' statistics
 * (store/stats-counters.ts) both count through {@link countOnce}.
 *
 * A counts document holds the sums and `last`, the transition it applied last (its position and
 * the components it counted). Each component (a review, a task, a subject of the year's figures)
 * has a mark of its own, a small document beside the counts documents (`mark|<scope>|<id>`): the
 * position it was counted at last and, for a component counted by its state, that state, so that
 * the next transition adds only the difference. Updates of one counts document take turns under a
 * lock (FerretDB v1 applies two updates of one document as read, change, write: one of two
 * concurrent `$inc`s would be lost). The holder reads the counts document and its components'
 * marks, then, in one ordered bulk write, first writes the marks of the previous `last` (so that
 * nothing is lost if that writer died before anyone wrote them) and then the new sums with
 * `last` = itself. A component was counted before when its mark is at the position or later, or
 * when `last` names it: a retried recording, a recording that died anywhere, and concurrent ones
 * all count once.
 */
import { randomUUID } from 'node:crypto';
import { Schema, type Model } from 'mongoose';
import { isDuplicateKey } from './mongo';

/** Counter name → amount. */
export type Tally = Record<string, number>;

/** One component a transition counts. */
export interface CountedComponent {
  id: string;
  /** Its whole contribution as it stands after the transition: the difference from the last counted is added. */
  state?: Tally;
  /** Or what its events add, once for the position. */
  add?: Tally;
}

/** A component as counted at a position. */
export interface MarkRef {
  id: string;
  state?: Tally;
}

/** A counts document, or a component's mark (`mark|…`), in one collection. */
export interface CounterDoc {
  _id: string;
  year?: number;
  region?: string;
  scope?: string;
  counts?: Tally;
  /** The transition applied last: its position and the components it counted. */
  last?: { seq: number; marks: MarkRef[] };
  /** Stored before marks had documents of their own: per component, the position counted last. */
  seen?: Record<string, number>;
  /** A mark's position and state. */
  seq?: number;
  state?: Tally;
}

export function counterSchema(): Schema<CounterDoc> {
  return new Schema<CounterDoc>(
    {
      _id: String,
      year: Number,
      region: String,
      scope: String,
      counts: Schema.Types.Mixed,
      last: Schema.Types.Mixed,
      seen: Schema.Types.Mixed,
      seq: Number,
      state: Schema.Types.Mixed,
    },
    { versionKey: false, minimize: false },
  );
}

/** Who holds a counts document while updating it (`_id` the document's). */
export interface CounterLockDoc {
  _id: string;
  holder: string;
  at: Date;
}

export const counterLockSchema = new Schema<CounterLockDoc>(
  { _id: String, holder: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

/** The collection a family of counters lives in, and the locks of its counts documents. */
export interface CounterStore {
  Counter: Model<CounterDoc>;
  Lock: Model<CounterLockDoc>;
}

/** Which counts document a transition moves, and where its components' marks are. */
export interface CountTarget {
  _id: string;
  /** Set on the counts document (what it is read by: year and region, or scope). */
  fields: Record<string, string | number>;
  /** Marks are `mark|<markScope>|<component id>`. */
  markScope: string;
  /** The key of a component in a `seen` map stored before marks had documents of their own. */
  legacyKey?: (id: string) => string;
}

export const markId = (markScope: string, id: string): string => `mark|${markScope}|${id}`;

/** A lock held longer than this was left by a recording that died: the next one takes it over. */
export const STALE_LOCK_MS = 15_000;
const LOCK_WAIT_MS = 30_000;

/**
 * Runs `update` while holding the lock of counts document `_id`. The lock is an insert under a
 * unique key, which both stores refuse to repeat; a lock older than {@link STALE_LOCK_MS} is taken
 * over. A failure releases it, except a test's {@link InjectedFault}, which leaves it as a process
 * that died there would.
 */
export async function holdingLock(
  locks: Model<CounterLockDoc>,
  _id: string,
  update: () => Promise<void>,
): Promise<void> {
  const holder = randomUUID();
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await locks.create({ _id, holder, at: new Date() });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await locks.findById(_id).lean<CounterLockDoc>();
    if (held && Date.now() - held.at.getTime() > STALE_LOCK_MS) {
      await locks.deleteOne({ _id, holder: held.holder }); // only that stale holder's: one taker wins the insert
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`the counters ${_id} stayed locked: retry`);
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 30));
  }
  try {
    await update();
  } catch (err) {
    if (!(err instanceof InjectedFault)) await locks.deleteOne({ _id, holder });
    throw err;
  }
  await locks.deleteOne({ _id, holder });
}

/** What applying a transition to a counts document writes. */
export interface CountPlan {
  /** The marks of the components the previous `last` counted and this transition does not. */
  marks: { id: string; seq: number; state?: Tally }[];
  /** The counts document's sums after the transition (zeros dropped). */
  counts: Tally;
  last: NonNullable<CounterDoc['last']>;
}

/**
 * Where the component stood when last counted: `last` if it names it (always the newest), else its
 * mark or an inline mark stored before marks had documents of their own, whichever is later.
 */
function previous(
  doc: CounterDoc | null | undefined,
  mark: CounterDoc | null | undefined,
  id: string,
  legacyKey?: (id: string) => string,
): { seq: number; state?: Tally } | undefined {
  const inLast = doc?.last?.marks.find((m) => m.id === id);
  if (doc?.last && inLast) return { seq: doc.last.seq, state: inLast.state };
  const legacy = legacyKey ? doc?.seen?.[legacyKey(id)] : undefined;
  if (mark?.seq !== undefined && (legacy === undefined || mark.seq >= legacy))
    return { seq: mark.seq, state: mark.state };
  return legacy === undefined ? undefined : { seq: legacy };
}

/**
 * The pure step of counting (the same for the store and for a seeding in memory): what a
 * transition at position `seq` changes in counts document `doc`, given the stored marks of its
 * components; undefined when every component was counted at `seq` or later (a retry).
 */
export function planCount(
  doc: CounterDoc | null | undefined,
  marks: ReadonlyMap<string, CounterDoc | null | undefined>,
  seq: number,
  components: readonly CountedComponent[],
  legacyKey?: (id: string) => string,
): CountPlan | undefined {
  const counts: Tally = { ...(doc?.counts ?? {}) };
  const counted: MarkRef[] = [];
  for (const c of components) {
    const before = previous(doc, marks.get(c.id), c.id, legacyKey);
    if (before && before.seq >= seq) continue;
    const change = c.add ?? difference(c.state ?? {}, before?.state ?? {});
    for (const [name, n] of Object.entries(change)) counts[name] = (counts[name] ?? 0) + n;
    counted.push(c.state === undefined ? { id: c.id } : { id: c.id, state: c.state });
  }
  if (counted.length === 0) return undefined;
  for (const [name, n] of Object.entries(counts)) if (n === 0) delete counts[name];
  const handedOver = doc?.last
    ? doc.last.marks.filter((m) => !counted.some((c) => c.id === m.id)).map((m) => ({ ...m, seq: doc.last!.seq }))
    : [];
  return { marks: handedOver, counts, last: { seq, marks: counted } };
}

function difference(after: Tally, before: Tally): Tally {
  const change: Tally = { ...after };
  for (const [name, n] of Object.entries(before)) change[name] = (change[name] ?? 0) - n;
  return change;
}

/** Thrown by a test's fault injection: the lock stays behind, as if the process had died there. */
export class InjectedFault extends Error {}

/** Where a test may make a counting die (store/counters.test): after the marks, or after the sums. */
export type CountFault = 'after-marks' | 'after-counts';

/**
 * Counts a transition at position `seq` of its subject into counts document `target`, once per
 * component and position (see the module comment). Returns whether anything was counted.
 */
export async function countOnce(
  store: CounterStore,
  target: CountTarget,
  seq: number,
  components: readonly CountedComponent[],
  fault?: CountFault,
): Promise<boolean> {
  if (components.length === 0) return false;
  let counted = false;
  await holdingLock(store.Lock, target._id, async () => {
    const [doc, ...markDocs] = await Promise.all([
      store.Counter.findById(target._id).lean<CounterDoc>(),
      ...components.map((c) => store.Counter.findById(markId(target.markScope, c.id)).lean<CounterDoc>()),
    ]);
    const marks = new Map(components.map((c, i) => [c.id, markDocs[i]]));
    const plan = planCount(doc, marks, seq, components, target.legacyKey);
    if (!plan) return;
    const markOps = plan.marks.map((m) => ({
      updateOne: {
        filter: { _id: markId(target.markScope, m.id) },
        update: { $set: { seq: m.seq, ...(m.state && { state: m.state }) } },
        upsert: true,
      },
    }));
    const unset = Object.keys(doc?.counts ?? {}).filter((name) => !(name in plan.counts));
    const countsOp = {
      updateOne: {
        filter: { _id: target._id },
        update: {
          $set: {
            ...target.fields,
            ...Object.fromEntries(Object.entries(plan.counts).map(([name, n]) => [`counts.${name}`, n])),
            ...(doc?.counts === undefined && Object.keys(plan.counts).length === 0 && { counts: {} }),
            last: plan.last,
          },
          ...(unset.length > 0 && { $unset: Object.fromEntries(unset.map((name) => [`counts.${name}`, ''])) }),
        },
        upsert: true,
      },
    };
    type Ops = Parameters<typeof store.Counter.collection.bulkWrite>[0];
    if (fault) {
      if (markOps.length > 0) await store.Counter.collection.bulkWrite(markOps as unknown as Ops, { ordered: true });
      if (fault === 'after-marks') throw new InjectedFault('died after writing the marks');
      await store.Counter.collection.bulkWrite([countsOp] as unknown as Ops, { ordered: true });
      throw new InjectedFault('died after writing the counts');
    }
    // One round trip: the marks handed over first, then the sums (ordered: a failure stops there).
    await store.Counter.collection.bulkWrite([...markOps, countsOp] as unknown as Ops, { ordered: true });
    counted = true;
  });
  return counted;
}

/**
 * What {@link countOnce} does, on counters held in memory (counts documents and marks by `_id`):
 * a seeding counts there, then {@link addFolded} adds it to the store.
 */
export function foldOnce(
  held: Map<string, CounterDoc>,
  target: CountTarget,
  seq: number,
  components: readonly CountedComponent[],
): void {
  const doc = held.get(target._id);
  const marks = new Map(components.map((c) => [c.id, held.get(markId(target.markScope, c.id))]));
  const plan = planCount(doc, marks, seq, components, target.legacyKey);
  if (!plan) return;
  for (const m of plan.marks) held.set(markId(target.markScope, m.id), { _id: markId(target.markScope, m.id), ...m });
  held.set(target._id, { ...doc, _id: target._id, ...target.fields, counts: plan.counts, last: plan.last });
}

/**
 * Adds counters folded in memory ({@link foldOnce}) for subjects new to the store: every mark
 * (those of each held `last` too) is inserted, and each held document's sums are added to the
 * stored one's under its lock, which keeps its own `last`.
 */
export async function addFolded(store: CounterStore, held: Map<string, CounterDoc>): Promise<void> {
  const marks: CounterDoc[] = [];
  const sums: CounterDoc[] = [];
  for (const doc of held.values()) {
    if (doc._id.startsWith('mark|')) {
      marks.push(doc);
      continue;
    }
    sums.push(doc);
    const scope = markScopeOf(doc);
    for (const m of doc.last?.marks ?? []) {
      marks.push({ _id: markId(scope, m.id), seq: doc.last!.seq, ...(m.state && { state: m.state }) });
    }
  }
  for (let i = 0; i < marks.length; i += 1000) {
    try {
      await store.Counter.collection.insertMany(marks.slice(i, i + 1000) as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a seeding run again over the same subjects
    }
  }
  for (const doc of sums) {
    await holdingLock(store.Lock, doc._id, async () => {
      const stored = await store.Counter.findById(doc._id, { counts: 1 }).lean<CounterDoc>();
      const counts: Tally = { ...(stored?.counts ?? {}) };
      for (const [name, n] of Object.entries(doc.counts ?? {})) counts[name] = (counts[name] ?? 0) + n;
      const { _id, counts: _c, last: _l, seen: _s, seq: _q, state: _t, ...fields } = doc;
      await store.Counter.updateOne({ _id }, { $set: { ...fields, counts } }, { upsert: true });
    });
  }
}

/** Counts documents of the year's figures mark beside themselves; the statistics' mark by scope. */
function markScopeOf(doc: CounterDoc): string {
  return doc.scope ?? doc._id;
}
