/**
 * `npm run measure:console`: the console's two budgets, measured.
 *  1. First-load JavaScript, gzipped: what the browser fetches to show the work list on a cold
 *     cache (the entry, its preloads and the work list's lazy chunks), target ≤ 1 MB.
 *  2. The work list's render time with 10,000 open tasks in the store, in the real browser
 *     (Chromium via playwright-core): from navigation to the first rows on screen, target ≤ 1 s.
 * It starts its own embedded servers (Temporal dev server, FerretDB) in a temporary directory.
 */
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { launchChromium } from '../test/support/browser';
import { signToken } from '../api/auth';
import { DEMO_USERS } from '../api/dev-signin';
import { makeReadiness } from '../api/server';
import { loadConfig, payloadKeysOf, signingKeysOf } from '../runtime/config';
import { openConnections } from '../runtime/connections';
import { startEmbeddedStore } from '../runtime/embedded-store';
import { createLogger, installTemporalRuntime } from '../runtime/observability';
import { provision, startTemporalServer } from '../runtime/servers';
import { monthOf, type TaskDoc } from '../store/models';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsole } = require('./build-console.js') as { ensureConsole: () => boolean };

const TASKS = Number(process.env.MEASURE_TASKS ?? 10_000);
const RUNS = 5;
const JS_BUDGET = 1024 * 1024;
const RENDER_BUDGET_MS = 1000;

const stack: (() => Promise<unknown>)[] = [];

async function main(): Promise<void> {
  ensureConsole();
  installTemporalRuntime(createLogger('warn'));
  const binaries = await provision();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'measure-console-'));
  await chmod(dir, 0o755);
  stack.push(() => rm(dir, { recursive: true, force: true }));
  const [temporal, store] = await Promise.all([
    startTemporalServer({ binaryPath: binaries.temporal }),
    startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'store'), durable: false }),
  ]);
  stack.push(
    () => temporal.stop(),
    () => store.stop(),
  );

  const config = loadConfig(
    {
      TEMPORAL_ADDRESS: temporal.address,
      MONGODB_URI: `${store.uri}/measure_console`,
      REQUEST_SIGNING_KEYS: 'measure-1:measure-request-signing-key-at-least-32-bytes',
      TEMPORAL_PAYLOAD_KEYS: 'measure-1:bWVhc3VyZS1jb25zb2xlLXBheWxvYWQta2V5LTMyYiE=',
      RATE_LIMIT_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
    },
    'embedded',
  );
  const connections = await openConnections({
    temporalAddress: temporal.address,
    mongodbUri: config.mongodbUri as string,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
  });
  stack.push(() => connections.close());

  // 10k open tasks of the Beijing reviewer, straight into the store in large unordered batches.
  const seedStart = Date.now();
  const now = Date.now();
  const batch = 2_000;
  for (let from = 0; from < TASKS; from += batch) {
    const docs: TaskDoc[] = [];
    for (let i = from; i < Math.min(TASKS, from + batch); i++) {
      const createdAt = new Date(now - i * 60_000).toISOString();
      const kind = i % 3 === 0 ? 'consolidation' : 'origin_review';
      docs.push({
        _id: `measure-task-${i}`,
        reviewId: `review:measure-doc-${i}:1`,
        documentId: `measure-doc-${i}`,
        kind,
        region: 'beijing',
        role: 'reviewer',
        status: 'open',
        version: 1,
        dueAt: new Date(now + ((i % 20) - 3) * 86_400_000).toISOString(),
        createdAt,
        lastSeq: 1,
        month: monthOf(createdAt),
      });
    }
    await connections.models.Task.collection.insertMany(docs as never[], { ordered: false });
  }
  console.log(`seeded ${TASKS} open tasks in ${Date.now() - seedStart} ms`);

  const app = createApp({
    config,
    models: connections.models,
    temporal: connections.client,
    signingKeys: signingKeysOf(config),
    readiness: makeReadiness(connections.mongo, connections.client),
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  stack.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const reviewer = DEMO_USERS['reviewer-beijing'];
  const token = await signToken(reviewer, config.auth, 3600);
  const session = { ...reviewer, token, exp: Math.floor(Date.now() / 1000) + 3600 };

  // The API's own share: the first page of the work list, as the console asks for it.
  const apiTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/tasks?status=open&limit=20`, { headers: { Authorization: `Bearer ${token}` } });
    await res.json();
    apiTimes.push(performance.now() - t0);
  }
  console.log(`GET /v1/tasks?status=open&limit=20: ${apiTimes.map((t) => `${Math.round(t)} ms`).join(', ')}`);

  const browser = await launchChromium();
  stack.push(() => browser.close());

  const times: number[] = [];
  let firstLoadJs = 0;
  const files: string[] = [];
  for (let run = 0; run < RUNS; run++) {
    // A new context each time: a cold cache, as a first visit.
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    // The session the sign-in page would store (the script runs in the page, where localStorage is).
    await context.addInitScript(`localStorage.setItem('console.session', ${JSON.stringify(JSON.stringify(session))})`);
    // The instant the rows are in the document, by the page's own clock (no polling from outside).
    await context.addInitScript(`new MutationObserver((_, observer) => {
      if (document.querySelectorAll('[data-testid="task-row"]').length >= 20) {
        window.__rowsAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });`);
    const page = await context.newPage();
    const scripts: Promise<void>[] = [];
    let js = 0;
    if (run === 0) {
      page.on('response', (response) => {
        if (response.request().resourceType() !== 'script') return;
        scripts.push(
          response.body().then((body) => {
            js += gzipSync(body).length;
            files.push(`${new URL(response.url()).pathname} ${(gzipSync(body).length / 1024).toFixed(1)} kB`);
          }),
        );
      });
    }
    await page.goto(`${base}/tasks`);
    await page.getByTestId('task-row').nth(19).waitFor();
    // From the navigation's start to the rows on screen, by the page's own clock.
    times.push(await page.evaluate(() => (globalThis as unknown as { __rowsAt: number }).__rowsAt));
    if (process.env.MEASURE_DEBUG) {
      const entries = await page.evaluate(() =>
        performance
          .getEntries()
          .map(
            (e) =>
              `${e.name.replace(/^https?:\/\/[^/]+/, '')} ${Math.round(e.startTime)}→${Math.round(e.startTime + e.duration)}`,
          ),
      );
      console.log(entries.join('\n'));
    }
    if (run === 0) {
      await Promise.all(scripts);
      firstLoadJs = js;
    }
    await context.close();
  }

  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log('\nfirst-load JavaScript (gzipped) for the work list:');
  for (const f of files) console.log(`  ${f}`);
  console.log(
    `  total ${(firstLoadJs / 1024).toFixed(1)} kB  (budget ${JS_BUDGET / 1024} kB: ${firstLoadJs <= JS_BUDGET ? 'ok' : 'OVER'})`,
  );
  console.log(`\nwork list with ${TASKS} open tasks, navigation → first page of rows on screen (${RUNS} cold loads):`);
  console.log(`  ${times.map((t) => `${Math.round(t)} ms`).join(', ')}`);
  console.log(
    `  median ${Math.round(median)} ms  (budget ${RENDER_BUDGET_MS} ms: ${median <= RENDER_BUDGET_MS ? 'ok' : 'OVER'})`,
  );
  if (firstLoadJs > JS_BUDGET || median > RENDER_BUDGET_MS) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    while (stack.length > 0) await stack.pop()!().catch(() => undefined);
  });
