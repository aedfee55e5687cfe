/**
 * `npm run worker`: a review worker against external servers (TEMPORAL_ADDRESS, MONGODB_URI).
 * Stateless: run as many as the load needs. SIGINT/SIGTERM drain it and exit.
 */
import { ConfigError, loadConfig, payloadKeysOf } from '../runtime/config';
import { openConnections } from '../runtime/connections';
import { createLogger, installTemporalRuntime } from '../runtime/observability';
import { startWorker } from '../runtime/services';
import { temporalTls } from '../runtime/temporal';

const logger = createLogger(process.env.LOG_LEVEL);

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  for (const warning of config.calendarWarnings) logger.warn(warning);
  installTemporalRuntime(logger, config.env.WORKER_METRICS_ADDRESS);
  const address = config.temporal.address as string;
  const connections = await openConnections({
    temporalAddress: address,
    mongodbUri: config.mongodbUri as string,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
    temporalTls: await temporalTls(config.temporal.tls),
  });
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
  else logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
