/**
 * `npm run worker`: a review worker against external servers (TEMPORAL_ADDRESS, MONGODB_URI).
 * Stateless: run as many as the load needs. SIGINT/SIGTERM drain it and exit. It loads no HTTP code.
 */
import { ConfigError, loadConfig } from '../platform/config';
import { connectTo } from './connections';
import { createLogger, installTemporalRuntime } from '../platform/observability';
import { startWorker } from '../worker/worker';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const logger = createLogger(config.env.LOG_LEVEL);
  for (const warning of config.calendarWarnings) logger.warn(warning);
  installTemporalRuntime(logger, config.env.WORKER_METRICS_ADDRESS);
  const connections = await connectTo(config);
  const address = config.temporal.address!;
  const worker = await startWorker(config, address, connections.models, config.env.WORKFLOW_BUNDLE_PATH);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker stopping');
      void worker.stop();
    });
  }
  logger.info(
    { taskQueue: config.temporal.taskQueue, address, metrics: config.env.WORKER_METRICS_ADDRESS },
    'worker polling',
  );
  await worker.finished;
  await worker.stop();
  await connections.close();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else createLogger().fatal({ err }, 'worker failed');
  process.exit(1);
});
