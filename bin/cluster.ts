/**
 * `npm run cluster`: the production shape on one machine, from the registries only. Temporal's own
 * server (frontend, history, matching and worker services) on an embedded PostgreSQL with SQL
 * visibility (platform/temporal-cluster.ts), the embedded store (FerretDB on PostgreSQL), two API
 * processes on two ports (PORT and PORT+1; PORT=0: free ones) and two worker processes
 * (CLUSTER_WORKERS, 2 by default: the bench compares one with two), each
 * `bin/api.ts` / `bin/worker.ts` as `npm run api` / `npm run worker` run them. Its state lives
 * under DATA_DIR/cluster, apart from `npm start`'s.
 *
 * A process that dies is started again (EMBEDDED_RESTARTS within ten minutes), as an orchestrator
 * would. SIGINT/SIGTERM drain the APIs and workers, then stop Temporal, then the store; a second
 * signal exits at once.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DEVELOPMENT_JWT_SECRET, ConfigError, loadConfig, type Config } from '../platform/config';
import { embeddedSecrets } from '../platform/embedded-secrets';
import { startEmbeddedStore } from '../platform/embedded-store';
import { privateDirectory } from '../platform/private-files';
import {
  freePort,
  keepRunning,
  spawnServer,
  waitUntilReady,
  type ServerProcess,
  type Supervision,
} from '../platform/processes';
import { provision } from '../platform/servers';
import { connectClient, ensureSearchAttributes } from '../platform/temporal';
import { parsePayloadKeys } from '../platform/payload-codec';
import {
  CLUSTER_SHAPE,
  startTemporalCluster,
  temporalClusterBinaries,
  TEMPORAL_SERVER_VERSION,
} from '../platform/temporal-cluster';

const REPO_ROOT = path.resolve(__dirname, '..');
const API_COUNT = CLUSTER_SHAPE.apiProcesses;
/** A Ctrl-C reaches this process twice (the terminal, and relayed by the tsx wrapper): one press. */
const SAME_PRESS_MS = 1_500;

/** Things to stop, newest first. */
const stack: { name: string; stop(): Promise<void> }[] = [];

async function stopAll(): Promise<void> {
  while (stack.length > 0) {
    const item = stack.pop()!;
    const started = Date.now();
    try {
      await item.stop();
      console.error(`stopped ${item.name} (${Date.now() - started} ms)`);
    } catch (err) {
      console.error(`error while stopping ${item.name}:`, err);
    }
  }
}

function readConfig(): Config {
  try {
    return loadConfig(process.env, 'embedded');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

/** An application process (`bin/api.ts` or `bin/worker.ts`), started again when it dies. */
interface AppProcess {
  name: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

async function startAppProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: (process: ServerProcess) => Promise<void>,
  supervise: Supervision,
): Promise<AppProcess> {
  const start = async () => {
    const child = spawnServer(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bin', script)], {
      cwd: REPO_ROOT,
      env,
      ownProcessGroup: true,
    });
    try {
      await waitUntilReady(name, child, () => ready(child), 120_000);
    } catch (err) {
      await child.stop();
      throw err;
    }
    return child;
  };
  let current = await start();
  let stopping = false;
  keepRunning(
    name,
    () => current,
    async () => {
      current = await start();
    },
    () => stopping,
    supervise,
  );
  return {
    name,
    pid: () => current.pid,
    async stop() {
      stopping = true;
      await current.stop('SIGTERM');
    },
  };
}

async function apiAnswers(url: string): Promise<void> {
  const res = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2_000) });
  if (res.status !== 200) throw new Error(`/readyz answered ${res.status}`);
}

/** A worker is ready once Temporal lists it (by its SDK identity, `pid@host`) among the task queue's pollers. */
async function workerPolls(connection: Connection, namespace: string, taskQueue: string, pid: number): Promise<void> {
  const { pollers } = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // workflow tasks
  });
  if (!pollers.some((p) => p.identity?.startsWith(`${pid}@`))) throw new Error('not polling yet');
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = readConfig();
  const { env } = config;
  const dataDir = path.resolve(env.DATA_DIR, 'cluster');
  let starting = true;
  let stoppingSince: number | undefined;
  const shutdown = async (code = 0): Promise<never> => {
    await stopAll();
    console.error('everything stopped');
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_PRESS_MS) return;
      console.error(`${signal} again: exiting without a clean shutdown`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.error(`${signal}: stopping (press Ctrl-C again to exit at once)`);
    if (!starting) void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await privateDirectory(path.dirname(dataDir));
  await privateDirectory(dataDir);
  const secrets = await embeddedSecrets(dataDir);
  const supervise: Supervision = {
    maxRestarts: env.EMBEDDED_RESTARTS,
    windowMs: 10 * 60_000,
    log: (line) => console.error(line),
    giveUp: (reason) => {
      console.error(`${reason}: stopping everything`);
      void shutdown(1);
    },
  };

  const binaries = await provision(['--cluster']);
  // The store first, so that it stops last: after the workers and Temporal, nothing writes to it.
  await privateDirectory(path.join(dataDir, 'store'));
  const store = await startEmbeddedStore({
    ferretdbPath: binaries.ferretdb,
    dataDir: path.join(dataDir, 'store'),
    port: env.EMBEDDED_MONGODB_PORT || undefined,
    supervise,
  });
  stack.push({ name: 'the store (FerretDB on PostgreSQL)', stop: () => store.stop() });
  if (stoppingSince !== undefined) return shutdown();
  const temporal = await startTemporalCluster({
    binaries: temporalClusterBinaries(),
    dataDir: path.join(dataDir, 'temporal'),
    port: env.EMBEDDED_TEMPORAL_PORT || undefined,
    namespace: config.temporal.namespace,
    supervise,
  });
  stack.push({ name: `the Temporal server and its PostgreSQL`, stop: () => temporal.stop() });
  if (stoppingSince !== undefined) return shutdown();

  const mongodbUri = `${store.uri}/legality-review`;

  // Once here rather than by four processes at once, which would race to add the same attributes.
  const client = await connectClient(
    temporal.address,
    config.temporal.namespace,
    parsePayloadKeys(secrets.temporalPayloadKeys),
  );
  try {
    await ensureSearchAttributes(client, config.temporal.namespace);
  } finally {
    await client.connection.close();
  }
  // Bundled once for both workers (each would otherwise bundle at its start).
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  await writeFile(bundlePath, code);
  if (stoppingSince !== undefined) return shutdown();

  const common: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    MONGODB_URI: mongodbUri,
    REQUEST_SIGNING_KEYS: env.REQUEST_SIGNING_KEYS ?? secrets.requestSigningKeys,
    TEMPORAL_PAYLOAD_KEYS: env.TEMPORAL_PAYLOAD_KEYS ?? secrets.temporalPayloadKeys,
    // Workers sign each review's seal, APIs check it (events/verify): one key set for all, as npm start has.
    AUDIT_KEYS: env.AUDIT_KEYS ?? secrets.auditKeys,
    // One simulated clock for every process (SIMULATED_DATE): the one this process started.
    ...(config.timeModel.simulated && { SIMULATED_SINCE: config.timeModel.simulated.since }),
  };
  const apiPorts =
    env.PORT === 0
      ? await Promise.all(Array.from({ length: API_COUNT }, () => freePort()))
      : Array.from({ length: API_COUNT }, (_, i) => env.PORT + i);
  const connection = await Connection.connect({ address: temporal.address });
  stack.push({ name: 'the readiness connection', stop: () => connection.close() });
  const apps: AppProcess[] = [];
  const workerMetrics: string[] = [];
  const starts = [
    ...apiPorts.map((port, i) =>
      startAppProcess(
        `API ${i + 1}`,
        'api.ts',
        {
          ...common,
          PORT: String(port),
          HOST: config.host,
          AUTH_JWT_SECRET: config.auth.secret ?? DEVELOPMENT_JWT_SECRET,
          CODEC_AUTH_TOKEN: env.CODEC_AUTH_TOKEN ?? secrets.codecAuthToken,
        },
        () => apiAnswers(`http://${config.host}:${port}/`),
        supervise,
      ),
    ),
    ...Array.from({ length: env.CLUSTER_WORKERS }, async (_, i) => {
      const metrics = `127.0.0.1:${await freePort()}`;
      workerMetrics[i] = metrics;
      return startAppProcess(
        `worker ${i + 1}`,
        'worker.ts',
        { ...common, WORKFLOW_BUNDLE_PATH: bundlePath, WORKER_METRICS_ADDRESS: metrics },
        (child) => workerPolls(connection, config.temporal.namespace, config.temporal.taskQueue, child.pid!),
        supervise,
      );
    }),
  ];
  const settled = await Promise.allSettled(starts);
  for (const result of settled) if (result.status === 'fulfilled') apps.push(result.value);
  // The APIs and workers drain together, before Temporal and the store go.
  stack.push({
    name: 'the APIs and workers',
    stop: () => Promise.all(apps.map((a) => a.stop())).then(() => undefined),
  });
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (stoppingSince !== undefined) return shutdown();

  const pids = temporal.pids();
  const storePids = store.pids();
  const lines = [
    ...apiPorts.map((port, i) => `API ${i + 1}:             http://${config.host}:${port}/ (pid ${apps[i].pid()})`),
    ...workerMetrics.map(
      (metrics, i) =>
        `Worker ${i + 1}:          pid ${apps[API_COUNT + i].pid()}, task queue ${config.temporal.taskQueue}, metrics http://${metrics}/metrics`,
    ),
    `Temporal frontend: ${temporal.address} (namespace ${config.temporal.namespace}; temporal-server ${TEMPORAL_SERVER_VERSION}, pid ${pids.server})`,
    ...Object.entries(temporal.services).map(([service, where]) => `  ${service.padEnd(17)} ${where}`),
    `Temporal database: PostgreSQL pid ${pids.postgres}, databases temporal and temporal_visibility (SQL visibility)`,
    `Temporal log:      ${temporal.logFile}`,
    `MongoDB:           ${mongodbUri} (FerretDB pid ${storePids.ferretdb}, PostgreSQL pid ${storePids.postgres})`,
    `Data directory:    ${dataDir}`,
    `Started in:        ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  ];
  if (env.AUTH_JWT_SECRET === undefined)
    lines.push(
      'Auth:              AUTH_JWT_SECRET is unset, using the documented development secret (never in production)',
    );
  console.log(`\n${lines.join('\n')}\n\nCtrl-C stops everything.`);
  starting = false;
}

main().catch(async (err: unknown) => {
  console.error('npm run cluster failed:', err);
  await stopAll();
  process.exit(1);
});
