/**
 * `npm run worker`: a review worker against external servers (TEMPORAL_ADDRESS, MONGODB_URI).
 * Stateless: run as many as the load needs.
 */
import { ConfigError, loadConfig, payloadKeysOf } from '../runtime/config';
import { openConnections } from '../runtime/connections';
import { startWorker } from '../runtime/services';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  for (const warning of config.calendarWarnings) console.warn(`warning: ${warning}`);
  const address = config.temporal.address as string;
  const connections = await openConnections({
    temporalAddress: address,
    mongodbUri: config.mongodbUri as string,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
  });
  const worker = await startWorker(config, address, connections.models, config.env.WORKFLOW_BUNDLE_PATH);
  console.log(`worker polling task queue ${config.temporal.taskQueue} on ${address}`);
  // The SDK's runtime turns SIGINT/SIGTERM into a graceful shutdown, after which the worker finishes.
  await worker.finished;
  await worker.stop();
  await connections.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
