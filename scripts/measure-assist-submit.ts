/**
 * `npm run measure:assist-submit`: whether storing a version's assistive-review flags slows a
 * drafter's submission. One process runs the API twice on the same servers (a Temporal dev server
 * and the embedded store it starts itself), with ASSIST_FLAGS_ON_WRITE=true and =false, and a
 * worker. Each round, in alternating order, each variant stores a draft (POST /v1/documents, where
 * the flags are computed and stored when on), submits it (POST /v1/documents/:id/reviews, answered
 * once the first task is stored) and reads that task (GET /v1/tasks/:id, which carries the flags:
 * when off, this first read computes and stores them; read by the reviewer of the intake task). Prints p50 and p99 of each step per variant,
 * the ratio of medians (on / off), and its spread over five blocks of rounds.
 *
 * ROUNDS (default 200) and ARTICLES (default 30: articles joined from the labelled set's clauses,
 * so dense with flags) in the environment.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { createApp } from '../api/app';
import { applicationOf } from '../bin/compose';
import { connectTo } from '../bin/connections';
import { loadConfig } from '../platform/config';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision, startTemporalServer } from '../platform/servers';
import { startWorker } from '../worker/worker';
import { percentile } from './percentile';

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const ARTICLES = Number(process.env.ARTICLES ?? 30);
const WARMUP = 10;
const SECRET = 'measure-secret-that-is-at-least-32-bytes-long';
const STEPS = ['create', 'submit', 'readTask'] as const;
type Step = (typeof STEPS)[number];
type Variant = 'on' | 'off';

/** Drafts of ARTICLES articles each, from the labelled set's single clauses in turn. */
function drafts(): { number: string; text: string }[][] {
  const file = path.join(__dirname, '../test/fixtures/assist/clauses.json');
  const clauses = (JSON.parse(readFileSync(file, 'utf8')) as { items: { text?: string }[] }).items.flatMap((i) =>
    i.text ? [i.text] : [],
  );
  const count = Math.max(1, Math.floor(clauses.length / ARTICLES));
  return Array.from({ length: count }, (_, d) =>
    Array.from({ length: ARTICLES }, (_, a) => ({ number: String(a + 1), text: clauses[d * ARTICLES + a] })),
  );
}

async function main(): Promise<void> {
  const binaries = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-assist-submit-'));
  await chmod(dir, 0o755); // PostgreSQL runs as the postgres user
  const [temporal, store] = await Promise.all([
    startTemporalServer({ binaryPath: binaries.temporal }),
    startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'store'), durable: false }),
  ]);
  const env = {
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: temporal.address,
    MONGODB_URI: `${store.uri}/measure`,
    AUTH_JWT_SECRET: SECRET,
    REQUEST_SIGNING_KEYS: 'measure-1:measure-request-signing-key-at-least-32-bytes',
    TEMPORAL_PAYLOAD_KEYS: 'measure-1:dGVzdC1wYXlsb2FkLWtleS0zMi1ieXRlcy1sb25nISE=',
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
  };
  const configOf = (variant: Variant) =>
    loadConfig({ ...env, ASSIST_FLAGS_ON_WRITE: String(variant === 'on') }, 'component');
  const config = configOf('on');
  const connections = await connectTo(config, { temporalAddress: temporal.address, mongodbUri: config.mongodbUri! });
  const worker = await startWorker(config, temporal.address, connections.models);
  const servers = (['on', 'off'] as const).map((variant) => {
    const app = createApp({
      app: { ...applicationOf(config, connections), config: configOf(variant) },
      readiness: connections.readiness,
      consoleDir: '',
    });
    return { variant, server: app.listen(0, '127.0.0.1') };
  });
  try {
    await Promise.all(servers.map(({ server }) => (server.listening ? Promise.resolve() : once(server, 'listening'))));
    const urls = Object.fromEntries(
      servers.map(({ variant, server }) => [variant, `http://127.0.0.1:${(server.address() as AddressInfo).port}`]),
    ) as Record<Variant, string>;
    const token = jwt.sign(
      { sub: 'measure-drafter', region: 'beijing', roles: ['drafter'], org: '北京市测量局' },
      SECRET,
      { algorithm: 'HS256', expiresIn: '2h' },
    );
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const reviewer = {
      Authorization: `Bearer ${jwt.sign({ sub: 'measure-reviewer', region: 'beijing', roles: ['reviewer'] }, SECRET, { algorithm: 'HS256', expiresIn: '2h' })}`,
    };
    const texts = drafts();
    const timed = async (step: () => Promise<Response>): Promise<[number, unknown]> => {
      const started = performance.now();
      const res = await step();
      const body = await res.json();
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
      return [ms, body];
    };
    /** One drafter's submission through `variant`'s API: each step's milliseconds. */
    const journey = async (variant: Variant, n: number): Promise<Record<Step, number>> => {
      const base = urls[variant];
      const body = {
        title: `测量用文件 ${n}`,
        articles: texts[n % texts.length],
        legalBasis: ['《中华人民共和国行政处罚法》'],
        materials: { draftingExplanation: '起草说明' },
      };
      const [create, doc] = await timed(() =>
        fetch(`${base}/v1/documents`, { method: 'POST', headers, body: JSON.stringify(body) }),
      );
      const id = (doc as { id: string }).id;
      const [submit, started] = await timed(() =>
        fetch(`${base}/v1/documents/${id}/reviews`, { method: 'POST', headers, body: '{}' }),
      );
      const taskId = encodeURIComponent((started as { taskId: string }).taskId);
      const [readTask] = await timed(() => fetch(`${base}/v1/tasks/${taskId}`, { headers: reviewer }));
      return { create, submit, readTask };
    };

    for (let i = 0; i < WARMUP; i++) for (const v of ['on', 'off'] as const) await journey(v, i);
    const samples: Record<Variant, Record<Step, number>[]> = { on: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which variant goes first, so neither always runs on a warmer cache.
      const order: Variant[] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const v of order) samples[v].push(await journey(v, WARMUP + round));
    }

    console.log(
      `\n${ROUNDS} interleaved rounds, drafts of ${ARTICLES} articles, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores\n`,
    );
    console.log('step       flags on write: p50 / p99 ms   on first read: p50 / p99 ms   p50 ratio on/off (5 blocks)');
    for (const step of STEPS) {
      const of = (v: Variant, from = 0, to = ROUNDS) => samples[v].slice(from, to).map((s) => s[step]);
      const block = Math.floor(ROUNDS / 5);
      const ratios = Array.from(
        { length: 5 },
        (_, b) =>
          percentile(of('on', b * block, (b + 1) * block), 50) / percentile(of('off', b * block, (b + 1) * block), 50),
      );
      const cell = (v: Variant) => `${percentile(of(v), 50).toFixed(1)} / ${percentile(of(v), 99).toFixed(1)}`;
      console.log(
        `${step.padEnd(10)} ${cell('on').padStart(27)}   ${cell('off').padStart(27)}   ` +
          `${(percentile(of('on'), 50) / percentile(of('off'), 50)).toFixed(2)} ` +
          `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      );
    }
  } finally {
    await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
    await worker.stop();
    await connections.close();
    await Promise.allSettled([temporal.stop(), store.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
