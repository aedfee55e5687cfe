/**
 * A server process that `npm start` and the test run start themselves (PostgreSQL, FerretDB, the
 * Temporal dev server): its exit, the tail of its stderr for error messages, a stop that escalates
 * to SIGKILL, and keeping one running (`keepRunning`).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const STOP_GRACE_MS = 10_000;
const STDERR_TAIL_CHARS = 8_000;

export interface ServerProcess {
  /** Its process id (undefined when it failed to start). */
  readonly pid: number | undefined;
  /** Whether the process has exited (or failed to start). */
  readonly exited: boolean;
  /** The last few thousand characters it wrote to stderr. */
  stderrTail(): string;
  /** Resolves with a description of how it exited. */
  exit: Promise<string>;
  /** Sends `signal`, then SIGKILL after a grace period; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Sends `signal` and returns (SIGSTOP/SIGCONT freeze and thaw it, as a stalled host would). */
  signal(signal: NodeJS.Signals): void;
}

/**
 * Starts a server. With `ownProcessGroup` (npm start) it runs in a process group of its own: a
 * signal to the group of the process that started it (a terminal's Ctrl-C, a supervisor's group
 * SIGTERM) does not reach it, so that it is stopped in order, after the worker and the API have
 * drained. Test servers stay in the test run's group, so that an interrupted run takes them along.
 */
export function spawnServer(
  binaryPath: string,
  args: string[],
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'> & { ownProcessGroup?: boolean } = {},
): ServerProcess {
  const { ownProcessGroup = false, ...spawnOptions } = options;
  const child = spawn(binaryPath, args, {
    ...spawnOptions,
    detached: ownProcessGroup,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let exited = false;
  const exit = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => {
      exited = true;
      resolve(`code ${code}, signal ${signal}`);
    });
    child.once('error', (err) => {
      exited = true;
      resolve(err.message);
    });
  });
  return {
    pid: child.pid,
    get exited() {
      return exited;
    },
    stderrTail: () => stderr.trim(),
    exit,
    signal(signal: NodeJS.Signals) {
      if (!exited) child.kill(signal);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exited) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      try {
        await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Rejects with a clear message when something already listens on host:port. */
export async function assertPortFree(what: string, host: string, port: number): Promise<void> {
  const server = createServer();
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot start ${what} on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : String(err)}`,
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

/**
 * Polls `probe` every 100 ms until it succeeds; fails at the deadline, or as soon as `process` exits
 * (with what it wrote to stderr).
 */
export async function waitUntilReady(
  what: string,
  process: ServerProcess,
  probe: () => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (process.exited) throw new Error(`${what} exited early (${await process.exit}):\n${process.stderrTail()}`);
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What to do when a server started by `npm start` dies. */
export interface Supervision {
  /** How many restarts are allowed within `windowMs` before giving up (0: give up at the first death). */
  maxRestarts: number;
  windowMs: number;
  /** Where the one-line reports of deaths and restarts go. */
  log(line: string): void;
  /** Called once, when a server has died more often than allowed: the process should exit non-zero. */
  giveUp(reason: string): void;
}

/**
 * Keeps a server running: whenever the process `current()` returns exits while `stopping()` is
 * false, it is started again with `restart()`, at most `maxRestarts` times within the window; past
 * that (or when a restart fails that often) `giveUp` is called. Returns at once; it watches in the
 * background.
 */
export function keepRunning(
  name: string,
  current: () => ServerProcess,
  restart: () => Promise<void>,
  stopping: () => boolean,
  supervision: Supervision,
): void {
  const deaths: number[] = [];
  const watch = async (): Promise<void> => {
    for (;;) {
      const how = await current().exit;
      if (stopping()) return;
      for (;;) {
        const now = Date.now();
        deaths.push(now);
        while (deaths.length > 0 && deaths[0] < now - supervision.windowMs) deaths.shift();
        if (deaths.length > supervision.maxRestarts) {
          supervision.giveUp(
            `${name} exited (${how}) ${deaths.length} time(s) within ${Math.round(supervision.windowMs / 1000)} s; ` +
              `giving up after ${supervision.maxRestarts} restart(s)`,
          );
          return;
        }
        supervision.log(`${name} exited (${how}); restarting it (${deaths.length} of ${supervision.maxRestarts})`);
        try {
          await restart();
          supervision.log(`${name} is running again`);
          break;
        } catch (err) {
          if (stopping()) return;
          supervision.log(`${name} could not be restarted: ${String(err)}`);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    }
  };
  void watch();
}
