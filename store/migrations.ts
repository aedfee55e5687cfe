/**
 * Changes to stored data made once per store, not at every start: each is recorded as done
 * (`migrations`, `_id` its name: store/models.ts `MigrationDoc`) when it has run to its end. Every process runs {@link migrate}
 * before it serves or records anything; of processes starting together one claims each migration
 * and runs it, the others wait until it is recorded as done (a claim whose holder stopped beating
 * is taken over). A migration that dies half way runs again from the start, so each is written to
 * be run again safely.
 */
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { TimeModel } from '../domain/clock';
import { recreateKeysetIndexes } from './keyset-indexes';
import { isDuplicateKey } from './mongo';
import { backfillRegisterDays, backfillUrgencyKeys, type MigrationDoc, type Models } from './models';
import { moveInlineMarks } from './register';
import { backfillStats } from './stats-counters';

const BEAT_MS = 5_000;
const STALE_MS = 60_000;

/** Runs `run` unless it is recorded as done, once among processes starting together. */
export async function runOnce(migrations: Model<MigrationDoc>, name: string, run: () => Promise<void>): Promise<void> {
  const holder = randomUUID();
  for (;;) {
    const claim = await migrations.findById(name).lean<MigrationDoc>();
    if (claim?.doneAt) return;
    if (claim && Date.now() - claim.at.getTime() > STALE_MS) {
      await migrations.deleteOne({ _id: name, holder: claim.holder, doneAt: { $exists: false } });
      continue;
    }
    if (!claim) {
      try {
        await migrations.create({ _id: name, holder, at: new Date() });
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const beat = setInterval(() => {
    migrations.updateOne({ _id: name, holder }, { $set: { at: new Date() } }).catch(() => undefined);
  }, BEAT_MS);
  try {
    await run();
  } catch (err) {
    clearInterval(beat);
    await migrations.deleteOne({ _id: name, holder }).catch(() => undefined);
    throw err;
  }
  clearInterval(beat);
  await migrations.updateOne({ _id: name, holder }, { $set: { doneAt: new Date(), at: new Date() } });
}

/** The migrations, in order; each process runs them before it serves or records. */
export async function migrate(models: Models, timeModel: TimeModel): Promise<void> {
  const migrations = models.Migration;
  await runOnce(migrations, 'task-list-keys', () => backfillUrgencyKeys(models));
  await runOnce(migrations, 'figure-marks', () => moveInlineMarks(models));
  await runOnce(migrations, 'stats-counters', () => backfillStats(models, timeModel));
  await runOnce(migrations, 'register-days', () => backfillRegisterDays(models));
  await runOnce(migrations, 'keyset-indexes', async () => void (await recreateKeysetIndexes(models)));
  await runOnce(migrations, 'leftover-collections', () => dropLeftoverCollections(models));
}

/**
 * Collections no release uses any more: the decision locks (a decision takes none since
 * features/once.ts) and the finished months' statistics (counters since store/stats-counters.ts).
 */
export const LEFTOVER_COLLECTIONS = ['decisionLocks', 'statsMonths'];

/** Drops the {@link LEFTOVER_COLLECTIONS} a store of before still has; one already gone is fine. */
export async function dropLeftoverCollections(models: Pick<Models, 'Migration'>): Promise<void> {
  const db = models.Migration.db.db!;
  for (const name of LEFTOVER_COLLECTIONS) {
    await db.dropCollection(name).catch((err: unknown) => {
      if ((err as { code?: number } | null)?.code !== 26) throw err; // NamespaceNotFound
    });
  }
}
