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
import { consoleDir, createApp } from '../api/app';
import { launchChromium } from '../test/support/browser';
import { signToken } from '../api/auth';
import { DEMO_USERS } from '../api/dev-signin';
import { applicationOf } from '../bin/compose';
import { loadConfig, payloadKeysOf } from '../platform/config';
import { openConnections } from '../bin/connections';
import { startEmbeddedStore } from '../platform/embedded-store';
import { createLogger, installTemporalRuntime } from '../platform/observability';
import { provision, startTemporalServer } from '../platform/servers';
import { monthOf, urgencyKeyOf, versionId, type TaskDoc, type VersionDoc } from '../store/models';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureConsole } = require('./build-console.js') as { ensureConsole: () => boolean };

const TASKS = Number(process.env.MEASURE_TASKS ?? 10_000);
const RUNS = Number(process.env.MEASURE_RUNS ?? 5);
const CPU_SLOWDOWN = Number(process.env.MEASURE_CPU_SLOWDOWN ?? 1);
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
      docs[docs.length - 1].urgencyKey = urgencyKeyOf(docs[docs.length - 1]);
    }
    await connections.models.Task.collection.insertMany(docs as never[], { ordered: false });
    // The version each task concerns, whose title the work list shows.
    const versions: VersionDoc[] = docs.map((task) => ({
      _id: versionId(task.documentId, task.version),
      documentId: task.documentId,
      version: task.version,
      title: `关于${task.documentId}的若干规定`,
      docType: '规范性文件',
      articles: [
        { number: '1', text: '为规范相关工作，制定本规定。' },
        { number: '2', text: '本规定自发布之日起施行。' },
      ],
      legalBasis: ['《中华人民共和国行政许可法》'],
      materials: {},
      urgent: false,
      createdBy: { sub: 'drafter-measure' },
      createdAt: new Date(task.createdAt),
    }));
    await connections.models.Version.collection.insertMany(versions as never[], { ordered: false });
  }
  console.log(`seeded ${TASKS} open tasks, with their documents' versions, in ${Date.now() - seedStart} ms`);

  // One API per console build compared (MEASURE_COMPARE=dirA,dirB: e.g. before and after a
  // change), all over the same store; by default the build `npm start` serves.
  const builds = process.env.MEASURE_COMPARE?.split(',') ?? [consoleDir() ?? ''];
  const bases: string[] = [];
  for (const dir of builds) {
    const app = createApp({
      app: applicationOf(config, connections),
      readiness: connections.readiness,
      consoleDir: dir,
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
    bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  const reviewer = DEMO_USERS['reviewer-beijing'];
  const token = await signToken(reviewer, config.auth, 3600);
  const session = { ...reviewer, token, exp: Math.floor(Date.now() / 1000) + 3600 };

  // The API's own share: the first page of the work list, newest first and most urgent first
  // (GET /v1/tasks?sort=urgency, what the console asks for), interleaved.
  const queries = ['/v1/tasks?status=open&limit=20', '/v1/tasks?status=open&sort=urgency&limit=20'];
  const apiTimes: number[][] = queries.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [q, query] of queries.entries()) {
      const t0 = performance.now();
      const res = await fetch(`${bases[0]}${query}`, { headers: { Authorization: `Bearer ${token}` } });
      await res.json();
      apiTimes[q].push(performance.now() - t0);
    }
  }
  for (const [q, query] of queries.entries())
    console.log(`GET ${query}: ${apiTimes[q].map((t) => `${Math.round(t)} ms`).join(', ')}`);

  const browser = await launchChromium();
  stack.push(() => browser.close());

  /** One cold load of the work list: ms from navigation to 20 rows in the document; and the JS. */
  async function coldLoad(base: string, countScripts: boolean): Promise<{ ms: number; files: string[] }> {
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
    const scripts: Promise<string>[] = [];
    if (countScripts) {
      page.on('response', (response) => {
        if (response.request().resourceType() !== 'script') return;
        scripts.push(response.body().then((body) => `${new URL(response.url()).pathname} ${gzipSync(body).length}`));
      });
    }
    // MEASURE_CPU_SLOWDOWN=n: the page's CPU n times slower (Chromium's throttling), to estimate a
    // slower machine than this one; the API and the store keep their speed.
    if (CPU_SLOWDOWN > 1) {
      await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    }
    const profiler = process.env.MEASURE_PROFILE ? await context.newCDPSession(page) : undefined;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    if (process.env.MEASURE_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'v8'] });
    await page.goto(`${base}/tasks`);
    await page.getByTestId('task-row').nth(19).waitFor();
    if (profiler) printProfile((await profiler.send('Profiler.stop')).profile);
    if (process.env.MEASURE_TRACE) printTrace((await browser.stopTracing()).toString('utf8'));
    // From the navigation's start to the rows on screen, by the page's own clock.
    const ms = await page.evaluate(() => (globalThis as unknown as { __rowsAt: number }).__rowsAt);
    if (process.env.MEASURE_DEBUG) {
      const entries = await page.evaluate(() => [
        ...performance
          .getEntries()
          .map(
            (e) =>
              `${e.name.replace(/^https?:\/\/[^/]+/, '')} ${Math.round(e.startTime)}→${Math.round(e.startTime + e.duration)}` +
              ('renderStart' in e
                ? ` (render ${Math.round((e as unknown as { renderStart: number }).renderStart)}, style/layout ${Math.round((e as unknown as { styleAndLayoutStart: number }).styleAndLayoutStart)})`
                : ''),
          ),
        `style elements added at run time: ${(globalThis as unknown as { document: { querySelectorAll: (s: string) => unknown[] } }).document.querySelectorAll('style').length}`,
      ]);
      console.log(entries.join('\n'));
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation' as never)[0] as unknown as Record<string, number>;
        return ['requestStart', 'responseStart', 'responseEnd', 'domInteractive', 'domContentLoadedEventStart']
          .map((k) => `${k} ${Math.round(n[k])}`)
          .join(', ');
      });
      console.log(`navigation: ${nav}`);
    }
    // Every script the page asks for is in before the page closes (a body read after would fail).
    if (countScripts) await page.waitForLoadState('networkidle');
    const files = await Promise.all(scripts);
    await context.close();
    return { ms, files };
  }

  // Interleaved: each round loads every build once, so a disturbance of the machine hits all alike.
  const times: number[][] = builds.map(() => []);
  const firstLoad: string[][] = builds.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (let i = 0; i < builds.length; i++) {
      const load = await coldLoad(bases[i], run === 0);
      times[i].push(load.ms);
      if (run === 0) firstLoad[i] = load.files;
    }
  }

  let over = false;
  const medians: number[] = [];
  for (let i = 0; i < builds.length; i++) {
    const bytes = firstLoad[i].reduce((sum, f) => sum + Number(f.split(' ')[1]), 0);
    const median = [...times[i]].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    medians.push(median);
    over ||= bytes > JS_BUDGET || median > RENDER_BUDGET_MS;
    console.log(`\nconsole build ${builds[i]}`);
    console.log('  first-load JavaScript (gzipped) for the work list:');
    for (const f of firstLoad[i]) {
      const [file, size] = f.split(' ');
      console.log(`    ${file} ${(Number(size) / 1024).toFixed(1)} kB`);
    }
    console.log(
      `    total ${(bytes / 1024).toFixed(1)} kB  (budget ${JS_BUDGET / 1024} kB: ${bytes <= JS_BUDGET ? 'ok' : 'OVER'})`,
    );
    console.log(
      `  work list with ${TASKS} open tasks, navigation → first page of rows on screen (${RUNS} cold loads` +
        `${CPU_SLOWDOWN > 1 ? `, the page's CPU slowed ×${CPU_SLOWDOWN}` : ''}):`,
    );
    console.log(`    ${times[i].map((t) => `${Math.round(t)} ms`).join(', ')}`);
    console.log(
      `    median ${Math.round(median)} ms  (budget ${RENDER_BUDGET_MS} ms: ${median <= RENDER_BUDGET_MS ? 'ok' : 'OVER'})`,
    );
  }
  for (let i = 1; i < builds.length; i++) {
    const ratios = times[i].map((t, run) => t / times[0][run]).sort((a, b) => a - b);
    console.log(
      `\n${builds[i]} / ${builds[0]}: median ${(medians[i] / medians[0]).toFixed(2)}, ` +
        `per round ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
    );
  }
  if (over) process.exitCode = 1;
}

/** MEASURE_TRACE=1: the renderer main thread's time by kind of work (top-level trace events). */
function printTrace(json: string): void {
  type TraceEvent = {
    name: string;
    ph: string;
    ts: number;
    dur?: number;
    tid: number;
    pid: number;
    args?: { name?: string };
  };
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  // The page's renderer: of the renderer main threads, the busiest.
  const threads = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const slicesOf = (t: TraceEvent) =>
    events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts);
  const slices = threads.map(slicesOf).sort((a, b) => b.length - a.length)[0] ?? [];
  if (!slices.length) return;
  const start = slices[0]?.ts ?? 0;
  // Each slice's time minus its children's: where the thread actually was.
  const self = new Map<string, number>();
  const enclosing: TraceEvent[] = [];
  const childTime = new Map<TraceEvent, number>();
  const close = (e: TraceEvent) => {
    self.set(e.name, (self.get(e.name) ?? 0) + (e.dur! - (childTime.get(e) ?? 0)) / 1000);
  };
  for (const e of slices) {
    while (enclosing.length && enclosing[enclosing.length - 1].ts + enclosing[enclosing.length - 1].dur! <= e.ts)
      close(enclosing.pop()!);
    const parent = enclosing[enclosing.length - 1];
    if (parent) childTime.set(parent, (childTime.get(parent) ?? 0) + e.dur!);
    enclosing.push(e);
  }
  while (enclosing.length) close(enclosing.pop()!);
  const parse = slices.find((e) => e.name === 'ParseHTML')?.ts ?? start;
  for (const e of slices) {
    if (e.dur! >= 15_000) {
      console.log(`    ${((e.ts - parse) / 1000).toFixed(0).padStart(6)} ms +${(e.dur! / 1000).toFixed(0)}  ${e.name}`);
    }
  }
  const last = slices[slices.length - 1];
  console.log(`  main thread, ${((last.ts + last.dur! - start) / 1000).toFixed(0)} ms traced:`);
  for (const [name, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  }
}

/** MEASURE_PROFILE=1: where the page's main thread spent its time, by function (self time). */
function printProfile(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i])!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  for (const [key, ms] of top) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes as { id: number; children?: number[] }[]) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const total = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id)!.callFrame.functionName;
      if (name && !seen.has(name)) {
        seen.add(name);
        total.set(name, (total.get(name) ?? 0) + (deltas[i] ?? 0) / 1000);
      }
    }
  }
  console.log('  inclusive:');
  for (const [name, ms] of [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 80)) {
    console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    while (stack.length > 0) await stack.pop()!().catch(() => undefined);
  });
