/**
 * `npm run worker`: a review worker against external servers (TEMPORAL_ADDRESS, MONGODB_URI).
 * Stateless: run as many as the load needs.
 */
import { ConfigError, loadConfig } from '../runtime/config';
import { connectMongo } from '../runtime/mongo';
import { startWorker } from '../runtime/services';
import { connectClient, ensureSearchAttributes } from '../runtime/temporal';
import { createModels, ensureIndexes } from '../store/models';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'worker');
  const address = config.temporal.address as string;
  const mongo = await connectMongo(config.mongodbUri as string);
  const models = createModels(mongo);
  await ensureIndexes(models);
  const client = await connectClient(address, config.temporal.namespace);
  await ensureSearchAttributes(client, config.temporal.namespace);
  await client.connection.close();

  const worker = await startWorker(config, address, models, config.env.WORKFLOW_BUNDLE_PATH);
  console.log(`worker polling task queue ${config.temporal.taskQueue} on ${address}`);
  // Worker.create installs SIGINT/SIGTERM handlers that start a graceful shutdown; run() then resolves.
  await worker.stop();
  await mongo.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
