/**
 * The server binaries that `npm start` and the test suite run themselves, and the Temporal dev
 * server (Temporal CLI, SQLite). Binaries come from `scripts/provision.sh`; the store is started by
 * `platform/embedded-store.ts`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { keepPrivate } from './private-files';
import { assertPortFree, freePort, keepRunning, spawnServer, waitUntilReady, type Supervision } from './processes';

/**
 * What both Temporal servers change from their release's dynamic configuration: the dev server takes
 * it as flags, `npm run cluster` writes it as its file (platform/temporal-cluster.ts), docker-compose.yml
 * mounts temporal-dynamic-config.yaml (test/compose.test.ts checks it is this). Eager activity
 * execution: the recording activity a workflow task schedules on the worker's own task queue comes back
 * in the answer to that workflow task instead of through the matching service, which took a median of
 * 20 ms (p99 60 ms) per recorded transition at half the app's throughput (docs/record-and-store.md).
 */
export const TEMPORAL_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number | string>> = {
  'system.enableActivityEagerExecution': true,
};

const REPO_ROOT = path.resolve(__dirname, '..');

export interface ServerBinaries {
  temporal: string;
  ferretdb: string;
}

/**
 * Runs `scripts/provision.sh` (builds missing binaries, reuses present ones) and returns their paths.
 * Progress goes to this process's stderr. `npm run cluster` passes `--cluster` for Temporal's own
 * server and schema tool (platform/temporal-cluster.ts).
 */
export async function provision(args: string[] = []): Promise<ServerBinaries> {
  // stderr is inherited so that a long first build shows its progress as it goes.
  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'provision.sh'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) throw new Error(`scripts/provision.sh failed (code ${code}, signal ${signal})`);
  const bin = path.join(REPO_ROOT, '.tools', 'bin');
  return { temporal: path.join(bin, 'temporal'), ferretdb: path.join(bin, 'ferretdb') };
}

export interface TemporalServerOptions {
  binaryPath: string;
  ip?: string;
  /** Frontend gRPC port; a free one when omitted. */
  port?: number;
  ui?: boolean;
  /** Web UI port; the frontend port + 1000 when omitted. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts (0600, as its -wal and -shm); in memory when omitted. */
  dbFilename?: string;
  namespace?: string;
  /** Where the Web UI asks to decode encrypted payloads (the API's `/codec`). */
  uiCodecEndpoint?: string;
}

export interface TemporalServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** http://host:port of the Web UI when it runs. */
  uiAddress?: string;
  /** The server's process id as it runs now (fault tests). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts a Temporal dev server (the Temporal CLI's `server start-dev`) and resolves once its
 * frontend answers. With `supervise` (npm start) it runs in a process group of its own and is
 * started again on the same port and SQLite file when it dies.
 */
export async function startTemporalServer(
  options: TemporalServerOptions & { supervise?: Supervision; startTimeoutMs?: number },
): Promise<TemporalServer> {
  const {
    binaryPath,
    ip = '127.0.0.1',
    ui = false,
    dbFilename,
    namespace = 'default',
    startTimeoutMs = 60_000,
  } = options;
  const port = options.port ?? (await freePort(ip));
  const uiPort = options.uiPort ?? port + 1000;
  await assertPortFree('the Temporal server', ip, port);
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-format',
    'pretty',
    '--log-level',
    'warn',
    // WAL keeps the SQLite file consistent when the process is killed and lets readers run alongside the writer.
    '--sqlite-pragma',
    'journal_mode=WAL',
    ...Object.entries(TEMPORAL_DYNAMIC_CONFIG).flatMap(([key, value]) => [
      '--dynamic-config-value',
      `${key}=${JSON.stringify(value)}`,
    ]),
    ...(dbFilename ? ['--db-filename', dbFilename] : []),
    ...(ui ? ['--ui-port', String(uiPort)] : ['--headless']),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const address = `${ip}:${port}`;
  const ownProcessGroup = options.supervise !== undefined;
  // The server creates its files world-readable (0644): an older file is made private before it
  // starts, a new one (created empty of reviews) once it has. It sets up its tables only in a file
  // that does not exist yet, so none can be created for it beforehand. SQLite gives the -wal and
  // -shm files it creates later the main file's mode.
  const sqliteFiles = dbFilename ? [dbFilename, `${dbFilename}-wal`, `${dbFilename}-shm`] : [];
  const start = async () => {
    await keepPrivate(...sqliteFiles);
    const server = spawnServer(binaryPath, args, { ownProcessGroup });
    try {
      await waitUntilReady('the Temporal server', server, () => frontendAnswers(address), startTimeoutMs);
    } catch (err) {
      await server.stop();
      throw err;
    }
    await keepPrivate(...sqliteFiles);
    return server;
  };
  let server = await start();
  let stopping = false;
  if (options.supervise) {
    keepRunning(
      'the Temporal server',
      () => server,
      async () => {
        server = await start();
      },
      () => stopping,
      options.supervise,
    );
  }
  return {
    address,
    uiAddress: ui ? `http://${ip}:${uiPort}` : undefined,
    pid: () => server.pid,
    async stop() {
      stopping = true;
      await server.stop();
    },
  };
}

/** Resolves once a Temporal frontend at `address` answers a call. */
async function frontendAnswers(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}
