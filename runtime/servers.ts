/**
 * Starts the servers that `npm start` and the test suite run themselves: a Temporal dev server
 * (Temporal CLI, SQLite) and FerretDB (MongoDB wire protocol over SQLite). Binaries come from
 * `scripts/provision.sh`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import mongoose from 'mongoose';

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

/** Rejects with a clear message when something already listens on host:port. */
async function assertPortFree(host: string, port: number): Promise<void> {
  const server = createServer();
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot start ferretdb on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : String(err)}`,
    );
  }
  server.close();
  await once(server, 'close');
}

/** Asks the OS for a free TCP port on the loopback interface. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not read the allocated port');
  return address.port;
}

export interface TemporalServerOptions {
  binaryPath: string;
  ip?: string;
  /** Frontend gRPC port; a free one when omitted. */
  port?: number;
  ui?: boolean;
  /** Web UI port; the frontend port + 1000 when omitted. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory when omitted. */
  dbFilename?: string;
  namespace?: string;
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
      extraArgs: ['--sqlite-pragma', 'journal_mode=WAL'],
    },
  });
  const address = env.address;
  const frontendPort = Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    address,
    uiAddress: ui ? `http://${ip}:${uiPort ?? frontendPort + 1000}` : undefined,
    stop: () => env.teardown(),
  };
}

export interface FerretDbOptions {
  binaryPath: string;
  /** Directory holding one SQLite file per database (created when missing). */
  dataDir: string;
  /** A free one when omitted. */
  port?: number;
  host?: string;
  /** How long to wait for the first successful ping. */
  startTimeoutMs?: number;
}

export interface FerretDbServer {
  /** mongodb://host:port, without a database name. */
  uri: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const STDERR_TAIL_CHARS = 8_000;

/** Starts FerretDB on SQLite and resolves once it answers a MongoDB `ping`. */
export async function startFerretDb(options: FerretDbOptions): Promise<FerretDbServer> {
  const { binaryPath, host = '127.0.0.1', startTimeoutMs = 30_000 } = options;
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort(host));
  await mkdir(dataDir, { recursive: true });
  // Otherwise a server already on that port would answer the readiness ping in FerretDB's place.
  await assertPortFree(host, port);

  const child = spawn(
    binaryPath,
    [
      '--handler=sqlite',
      // The trailing slash matters: FerretDB wants a directory URI.
      `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=${host}:${port}`,
      // state.json (instance id, telemetry choice) next to the data instead of the current directory.
      `--state-dir=${dataDir}`,
      '--telemetry=disable',
      // No debug/metrics HTTP listener: its default port 8088 would collide between instances.
      '--debug-addr=-',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      exited = true;
      reject(err);
    });
  });
  // Rejections are reported by whoever awaits `exit` below; keep Node from calling this one unhandled.
  exit.catch(() => undefined);

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await exit.catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  };

  const uri = `mongodb://${host}:${port}`;
  try {
    await waitForPing(uri, startTimeoutMs, () => exited);
    if (exited) throw new Error('ferretdb exited');
  } catch (err) {
    const early = exited;
    await stop();
    if (!early) throw err;
    const outcome = await exit.then(
      ({ code, signal }) => `code ${code}, signal ${signal}`,
      (e: Error) => e.message,
    );
    throw new Error(`ferretdb exited early (${outcome}):\n${stderr.trim()}`);
  }
  return { uri, stop };
}

/** Polls with short-lived clients until `ping` succeeds; throws at the deadline or once `gaveUp()` says so. */
async function waitForPing(uri: string, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (gaveUp()) throw new Error('ferretdb exited');
    const client = new mongoose.mongo.MongoClient(uri, {
      serverSelectionTimeoutMS: 500,
      connectTimeoutMS: 500,
      directConnection: true,
    });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await client.close().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`ferretdb did not answer ping at ${uri} within ${timeoutMs} ms: ${String(lastError)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
