/**
 * `npm start` looks after its servers: the embedded PostgreSQL and FerretDB killed outright come
 * back on their own and the review engine carries on; past EMBEDDED_RESTARTS it stops everything and
 * exits non-zero, so that a process manager can react; a SIGTERM to its whole process group drains
 * the API and the worker before the servers stop (they run in groups of their own).
 * The times from each fault to a completed submission are printed for the record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../platform/config';
import { freePort } from '../platform/processes';
import { eventually } from './harness';

const ROOT = path.join(__dirname, '..');
const drafter = { sub: 'sv-d', region: 'hebei', roles: ['drafter'], org: '河北省交通运输厅' };
const token = jwt.sign(drafter, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', expiresIn: '1h' });
const draft = {
  title: '河北省道路运输应急保障办法',
  articles: [{ number: '1', text: '为做好道路运输应急保障，制定本办法。' }],
  legalBasis: ['《中华人民共和国道路运输条例》'],
  materials: { draftingExplanation: '起草说明' },
};

interface Started {
  child: ChildProcess;
  api: string;
  dataDir: string;
  output: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** `npm start` in a process group of its own, on free ports, with its data in a fresh directory. */
async function npmStart(env: Record<string, string> = {}): Promise<Started> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-supervision-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: ROOT,
    detached: true,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_TEMPORAL_PORT: String(await freePort()),
      EMBEDDED_TEMPORAL_UI_PORT: String(await freePort()),
      EMBEDDED_MONGODB_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await eventually(
    () => Promise.resolve(output.includes('Ctrl-C stops everything') || undefined),
    `npm start to be up; it printed:\n${output}`,
    180_000,
  );
  return { child, api: `http://127.0.0.1:${port}`, dataDir, output: () => output, exited };
}

async function stopAndClean(started: Started | undefined): Promise<void> {
  if (!started) return;
  if (started.child.exitCode === null && started.child.signalCode === null) {
    process.kill(-started.child.pid!, 'SIGTERM');
    await started.exited;
  }
  await rm(started.dataDir, { recursive: true, force: true });
}

/** The process ids of the servers whose command line (or working directory) names `dataDir`. */
function serverPid(name: 'postgres' | 'ferretdb', dataDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue; // gone meanwhile
    }
    const binary = cmdline.split(' ')[0];
    if (!binary.endsWith(`/${name}`)) continue;
    const isOurs =
      name === 'ferretdb'
        ? cmdline.includes(`--state-dir=${path.join(dataDir, 'store', 'ferretdb')}`)
        : // The postmaster is the one whose data directory is this store's cluster.
          cmdline.includes(' -D ') && readClusterOwner(cmdline, dataDir);
    if (isOurs) return Number(entry);
  }
  return undefined;
}

/** Whether a postgres command line's `-D` is the cluster of this data directory (or its link's target). */
function readClusterOwner(cmdline: string, dataDir: string): boolean {
  const cluster = /-D (\S+)/.exec(cmdline)?.[1];
  if (!cluster) return false;
  const ours = path.join(dataDir, 'store', 'postgres');
  try {
    return cluster === ours || cluster === realpathSync(ours);
  } catch {
    return false;
  }
}

/** Submits a new draft through the API; resolves with the ms it took from `since` once it succeeds. */
async function submissionWorks(api: string, since: number): Promise<number> {
  await eventually(
    async () => {
      try {
        const created = await fetch(`${api}/v1/documents`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(draft),
        });
        if (created.status !== 201) return undefined;
        const { id } = (await created.json()) as { id: string };
        const submitted = await fetch(`${api}/v1/documents/${id}/reviews`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        return submitted.status === 202 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    'a submission to go through',
    120_000,
  );
  return Math.round(performance.now() - since);
}

let started: Started | undefined;
afterEach(async () => {
  await stopAndClean(started);
  started = undefined;
}, 120_000);

test('when the embedded PostgreSQL and then FerretDB are killed, npm start brings each back and submissions go through', async () => {
  started = await npmStart();
  await submissionWorks(started.api, performance.now());
  for (const name of ['postgres', 'ferretdb'] as const) {
    const pid = serverPid(name, started.dataDir);
    expect({ name, found: pid !== undefined }).toEqual({ name, found: true });
    process.kill(pid!, 'SIGKILL');
    const killedAt = performance.now();
    const ms = await submissionWorks(started.api, killedAt);
    console.log(`${name} killed (SIGKILL): a submission completed ${ms} ms later`);
    expect(serverPid(name, started.dataDir)).not.toBe(pid);
  }
  expect(started.output()).toMatch(/PostgreSQL \(the embedded store\) exited .*restarting it/);
  expect(started.output()).toMatch(/FerretDB \(the embedded store\) exited .*restarting it/);
  expect(started.child.exitCode).toBeNull();
}, 400_000);

test('when a server dies more often than EMBEDDED_RESTARTS allows, npm start stops everything and exits non-zero', async () => {
  started = await npmStart({ EMBEDDED_RESTARTS: '0' });
  const pid = serverPid('ferretdb', started.dataDir);
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  const [code] = await started.exited;
  expect({ code, giveUp: /giving up after 0 restart/.test(started.output()) }).toEqual({ code: 1, giveUp: true });
  // Nothing of it is left running.
  await eventually(
    () => Promise.resolve(serverPid('postgres', started!.dataDir) === undefined || undefined),
    'PostgreSQL to be stopped',
    30_000,
  );
}, 300_000);

test('when its whole process group gets SIGTERM, npm start drains and stops in order and exits 0', async () => {
  started = await npmStart();
  process.kill(-started.child.pid!, 'SIGTERM');
  const [code] = await started.exited;
  expect({ code, output: code === 0 ? '' : started.output() }).toEqual({ code: 0, output: '' });
  expect(started.output()).not.toMatch(/error while stopping/);
  await eventually(
    () => Promise.resolve(serverPid('postgres', started!.dataDir) === undefined || undefined),
    'PostgreSQL to be stopped',
    30_000,
  );
}, 300_000);
