/**
 * Data only its owner may read: what `npm start` keeps under DATA_DIR (Temporal's SQLite file, the
 * store, the generated keys) lives in directories of 0700 and files of 0600, whatever the umask.
 * Run as root, the directories on the way to the store's cluster are 0711 instead: the `postgres`
 * user PostgreSQL runs as passes through them to its own 0700 cluster, but lists and reads nothing.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';

/** Creates `dir` (and its missing parents) or tightens it: 0700, or 0711 when run as root. */
export async function privateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await chmod(dir, userInfo().uid === 0 ? 0o711 : 0o700);
  } catch (err) {
    throw new Error(`cannot make ${dir} private (0700): ${(err as Error).message}`);
  }
}

/** Makes those of `files` that exist 0600 (the ones missing are skipped). */
export async function keepPrivate(...files: string[]): Promise<void> {
  for (const file of files) {
    await chmod(file, 0o600).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
