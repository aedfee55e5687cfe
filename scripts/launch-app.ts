/**
 * `npm start` (bin/start.ts) or `npm run cluster` (bin/cluster.ts) started as an operator starts it,
 * on free ports, and what it printed once it was up: the one launcher of the measuring scripts and
 * the cluster test (scripts/bench, scripts/measure-lists-http.ts, test/cluster).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
const READY = 'Ctrl-C stops everything.';

export type AppScript = 'start.ts' | 'cluster.ts';

/** What the start-up printed, as read from its lines. */
export interface PrintedStartup {
  /** `API:` (npm start) or `API n:` lines: the URL (no trailing slash) and, on the cluster, the pid. */
  apis: { url: string; pid?: number }[];
  /** The cluster's `Worker n:` lines. */
  workerPids: number[];
  temporalAddress?: string;
  /** The cluster's PostgreSQL under Temporal. */
  temporalPostgresPid?: number;
  mongodbUri: string;
  /** The cluster's FerretDB and the PostgreSQL under it. */
  ferretdbPid?: number;
  storePostgresPid?: number;
  startSeconds?: number;
}

export interface LaunchedApp extends PrintedStartup {
  script: AppScript;
  child: ChildProcess;
  printed: string;
  /** What it wrote to stderr so far (the last `keepStderr` characters). */
  stderr(): string;
  exit: Promise<number | null>;
  /** SIGTERM (the app drains, then stops Temporal and the store); SIGKILL after two minutes. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** More environment on top of this process's and the free ports (DATA_DIR at least). */
  env: NodeJS.ProcessEnv;
  /** How long the start-up may take (default 15 minutes). */
  timeoutMs?: number;
  /** Its stderr also to this process's. */
  echoStderr?: boolean;
  /** How much of its stderr `stderr()` keeps: the last this many characters (default a million). */
  keepStderr?: number;
}

/** Starts `bin/<script>` and resolves once it printed that it runs; a start-up that fails is stopped. */
export async function launchApp(script: AppScript, options: LaunchOptions): Promise<LaunchedApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bin', script)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      // Free ports for everything: another run may hold the default ones.
      PORT: '0',
      EMBEDDED_TEMPORAL_PORT: '0',
      EMBEDDED_TEMPORAL_UI_PORT: '0',
      EMBEDDED_MONGODB_PORT: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = options.keepStderr ?? 1_000_000;
  const timeoutMs = options.timeoutMs ?? 900_000;
  let printed = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = keep > 0 ? (stderr + chunk).slice(-keep) : '';
    if (options.echoStderr) process.stderr.write(chunk);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => stopChild(child);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bin/${script} did not start in ${timeoutMs} ms:\n${printed}\n${stderr}`)),
        timeoutMs,
      );
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`bin/${script} exited during start-up (code ${String(code)}):\n${stderr}`));
      };
      child.once('exit', onExit);
      const onData = () => {
        if (!printed.includes(READY)) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout.off('data', onData);
        resolve();
      };
      child.stdout.on('data', onData);
    });
    return { ...readStartup(printed), script, child, printed, stderr: () => stderr, exit, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `value`, read from what `app` printed; its absence fails with the printed lines (`what` names it). */
export function printedValue<T>(app: LaunchedApp, value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`bin/${app.script} did not print ${what}:\n${app.printed}`);
  return value;
}

/** Reads what bin/start.ts and bin/cluster.ts print once they run. */
export function readStartup(printed: string): PrintedStartup {
  const number = (re: RegExp) => {
    const found = re.exec(printed)?.[1];
    return found === undefined ? undefined : Number(found);
  };
  const apis = [...printed.matchAll(/^API(?: \d+)?: +(http:\/\/\S+?)\/?(?: \(pid (\d+)\))?$/gm)].map((m) => ({
    url: m[1].replace('//localhost:', '//127.0.0.1:'),
    ...(m[2] !== undefined && { pid: Number(m[2]) }),
  }));
  const store = /^MongoDB: +(mongodb:\/\/\S+)(?: \(FerretDB pid (\d+), PostgreSQL pid (\d+)\))?/m.exec(printed);
  if (apis.length === 0 || !store) throw new Error(`unexpected start-up output:\n${printed}`);
  return {
    apis,
    workerPids: [...printed.matchAll(/^Worker \d+: +pid (\d+)/gm)].map((m) => Number(m[1])),
    temporalAddress: /^Temporal frontend: (\S+)/m.exec(printed)?.[1],
    temporalPostgresPid: number(/^Temporal database: PostgreSQL pid (\d+)/m),
    mongodbUri: store[1],
    ferretdbPid: store[2] === undefined ? undefined : Number(store[2]),
    storePostgresPid: store[3] === undefined ? undefined : Number(store[3]),
    startSeconds: number(/^Started in: +([\d.]+) s$/m),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await exited;
  clearTimeout(timer);
}
