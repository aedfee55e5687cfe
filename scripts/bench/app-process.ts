/**
 * The server side of the benchmark, in a process of its own so that the load generator does not
 * share its event loop: the app's worker and API exactly as `npm start` runs them
 * (`runtime/services.ts`), and next to them the worker of the bare workflows, all against the
 * servers named by TEMPORAL_ADDRESS and MONGODB_URI. Started by `main.ts` with an IPC channel:
 * it sends `{ apiUrl }` once ready and stops on the message `stop` (or when the parent goes).
 * BENCH_APP=off runs the bare worker alone (the app under test runs elsewhere: `--api-url`).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/observability';
import { runServices } from '../../bin/compose';
import { createBareActivities } from './bare-activities';
import { BARE_TASK_QUEUE } from './bare-workflows';

export interface AppProcessReady {
  /** Undefined when the app is not run here. */
  apiUrl?: string;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig(process.env, 'component');
  const temporalAddress = config.temporal.address!;
  const mongodbUri = config.mongodbUri!;
  const stops: (() => Promise<void>)[] = [];

  // The app logs only what goes wrong: a request log line per call would cost the load generator's time.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const app =
    process.env.BENCH_APP === 'off'
      ? undefined
      : await runServices(config, { temporalAddress, mongodbUri }, { logger });
  if (app) stops.push(() => app.stop());

  // The bare worker has a connection, a store client and options of its own, as a service would.
  const store = await mongoose.createConnection(mongodbUri).asPromise();
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: BARE_TASK_QUEUE,
    workflowsPath: require.resolve('./bare-workflows'),
    activities: createBareActivities(store.db!),
    shutdownGraceTime: '10 seconds',
  });
  const running = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await store.close();
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops) await s().catch((err: unknown) => console.error('bench app process: stop failed:', err));
      process.exit(0);
    })());
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.send?.({ apiUrl: app?.apiUrl } satisfies AppProcessReady);
}

main().catch((err: unknown) => {
  console.error('bench app process failed:', err);
  process.exit(1);
});
