/**
 * The server binaries that `npm start` and the test suite run themselves, and the Temporal dev
 * server (Temporal CLI, SQLite). Binaries come from `scripts/provision.sh`; the store is started by
 * `platform/embedded-store.ts`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { keepPrivate } from './private-files';

const REPO_ROOT = path.resolve(__dirname, '..');

export interface ServerBinaries {
  temporal: string;
  ferretdb: string;
}

/**
 * Runs `scripts/provision.sh` (builds missing binaries, reuses present ones) and returns their paths.
 * Progress goes to this process's stderr.
 */
export async function provision(): Promise<ServerBinaries> {
  // stderr is inherited so that a long first build shows its progress as it goes.
  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'provision.sh')], {
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
  stop(): Promise<void>;
}

/** Starts a Temporal dev server and resolves once its frontend accepts connections. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const { binaryPath, ip = '127.0.0.1', port, ui = false, uiPort, dbFilename, namespace = 'default' } = options;
  const codec = options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : [];
  // The server creates its files world-readable (0644): an older file is made private before it
  // starts, a new one (created empty of reviews) once it has. It sets up its tables only in a file
  // that does not exist yet, so none can be created for it beforehand. SQLite gives the -wal and
  // -shm files it creates later the main file's mode.
  const sqliteFiles = dbFilename ? [dbFilename, `${dbFilename}-wal`, `${dbFilename}-shm`] : [];
  await keepPrivate(...sqliteFiles);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: binaryPath },
      ip,
      port,
      ui,
      uiPort,
      dbFilename,
      namespace,
      log: { format: 'pretty', level: 'warn' },
      // WAL keeps the SQLite file consistent when the process is killed and lets readers run alongside the writer.
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', ...codec],
    },
  });
  await keepPrivate(...sqliteFiles);
  const address = env.address;
  const frontendPort = Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    address,
    uiAddress: ui ? `http://${ip}:${uiPort ?? frontendPort + 1000}` : undefined,
    stop: () => env.teardown(),
  };
}
