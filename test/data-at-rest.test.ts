/**
 * Keys stay with their owner on the machine `npm start` runs on: the data directory is laid out as
 * `bin/start.ts` lays it out (a Temporal dev server on its SQLite file, the embedded store, the
 * generated keys), and then no file in it is readable by another user, no directory listable, and
 * the store's password is on no command line (`ps`, /proc/<pid>/cmdline).
 */
import { chmod, lstat, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedSecrets } from '../platform/embedded-secrets';
import { startEmbeddedStore, type EmbeddedStore } from '../platform/embedded-store';
import { privateDirectory } from '../platform/private-files';
import { provision, startTemporalServer, type TemporalServer } from '../platform/servers';

let root: string;
let dataDir: string;
let temporal: TemporalServer | undefined;
let store: EmbeddedStore | undefined;

beforeAll(async () => {
  const binaries = await provision();
  root = await mkdtemp(path.join(os.tmpdir(), 'data-at-rest-'));
  // Run as root, PostgreSQL runs as the postgres user, which must pass through to its cluster.
  await chmod(root, 0o711);
  dataDir = path.join(root, 'data');
  // As bin/start.ts does.
  await privateDirectory(dataDir);
  await embeddedSecrets(dataDir);
  temporal = await startTemporalServer({
    binaryPath: binaries.temporal,
    dbFilename: path.join(dataDir, 'temporal.sqlite'),
  });
  await privateDirectory(path.join(dataDir, 'store'));
  store = await startEmbeddedStore({
    ferretdbPath: binaries.ferretdb,
    dataDir: path.join(dataDir, 'store'),
    durable: false,
  });
}, 120_000);

afterAll(async () => {
  await store?.stop();
  await temporal?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

interface Entry {
  file: string;
  mode: number;
  directory: boolean;
  /** Whether another user can get to it: every directory on its way lets them pass (x for group or others). */
  reachable: boolean;
}

/** Every file and directory under `dir`, following the link to the store's cluster if it is one. */
async function walk(dir: string, reachable: boolean): Promise<Entry[]> {
  const found: Entry[] = [];
  for (const entry of await readdir(dir)) {
    const file = path.join(dir, entry);
    // A running server's short-lived file may be gone by the time it is looked at.
    const info = await stat(file).catch(() => undefined);
    if (!info) continue;
    const link = (await lstat(file)).isSymbolicLink();
    const mode = info.mode & 0o777;
    found.push({ file: link ? await realpath(file) : file, mode, directory: info.isDirectory(), reachable });
    if (info.isDirectory()) found.push(...(await walk(file, reachable && (mode & 0o011) !== 0)));
  }
  return found;
}

test('when npm start has laid out its data directory, nothing in it is readable or listable by other users', async () => {
  const top = (await stat(dataDir)).mode & 0o777;
  expect(top.toString(8)).toBe(os.userInfo().uid === 0 ? '711' : '700');
  const entries = await walk(dataDir, (top & 0o011) !== 0);
  const names = entries.map((e) => path.relative(dataDir, e.file));
  // What the finding named is there: Temporal's file (with its WAL), the store's cluster, the keys.
  expect(names).toEqual(
    expect.arrayContaining([
      'temporal.sqlite',
      'temporal.sqlite-wal',
      'secrets.json',
      'store',
      'store/store-password',
      'store/ferretdb',
    ]),
  );
  const cluster = entries.find((e) => e.file.endsWith(`${path.sep}postgres`) && e.directory);
  expect(cluster?.mode.toString(8)).toBe('700');
  // No directory another user can list or write to, no file they can get to and read or write
  // (what lies in a 0700 directory, such as FerretDB's state.json, nobody else can get to).
  const exposed = entries.filter((e) => e.reachable && (e.mode & 0o066) !== 0);
  expect(exposed.map((e) => `${path.relative(dataDir, e.file)} ${e.mode.toString(8)}`)).toEqual([]);
  for (const file of ['temporal.sqlite', 'temporal.sqlite-wal', 'secrets.json', 'store/store-password']) {
    const mode = ((await stat(path.join(dataDir, file))).mode & 0o777).toString(8);
    expect({ file, mode }).toEqual({ file, mode: '600' });
  }
  for (const directory of ['store', 'store/ferretdb']) {
    const mode = (await stat(path.join(dataDir, directory))).mode & 0o777;
    expect({ directory, listable: (mode & 0o066) !== 0 }).toEqual({ directory, listable: false });
  }
});

test('when the keys file was left readable by others, reading it makes it private again', async () => {
  const file = path.join(dataDir, 'secrets.json');
  const before = await readFile(file, 'utf8');
  await chmod(file, 0o644);
  const secrets = await embeddedSecrets(dataDir);
  expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
  expect(JSON.parse(before)).toEqual(secrets); // the same keys, kept
  // A file from before the codec credential existed gets one added, still private.
  const { codecAuthToken: _gone, ...older } = secrets;
  await writeFile(file, JSON.stringify(older), { mode: 0o644 });
  const completed = await embeddedSecrets(dataDir);
  expect(completed).toMatchObject(older);
  expect(completed.codecAuthToken.length).toBeGreaterThanOrEqual(32);
  expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
});

test("when the store runs, FerretDB's command line holds no password: any user of the machine can read it", async () => {
  const port = new URL(store!.uri).port;
  const password = await readFile(path.join(dataDir, 'store', 'store-password'), 'utf8');
  expect(password.length).toBeGreaterThan(16);
  const commandLines: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (path.basename(args[0]) === 'ferretdb' && args.includes(`--listen-addr=127.0.0.1:${port}`))
      commandLines.push(args.join(' '));
  }
  // This store's FerretDB, found by the address it listens on.
  expect(commandLines).toHaveLength(1);
  expect(commandLines[0]).not.toContain(password);
  expect(commandLines[0]).not.toContain(encodeURIComponent(password));
  expect(commandLines[0]).not.toMatch(/postgres(ql)?:\/\/[^\s@]*:[^\s@]*@/);
});
