/**
 * `npm run api`: the HTTP API alone, against external MongoDB and Temporal (TEMPORAL_ADDRESS,
 * MONGODB_URI). Stateless: run as many as the load needs. SIGINT/SIGTERM close it cleanly.
 */
import { ConfigError, loadConfig } from '../platform/config';
import { connectTo } from './connections';
import { createLogger } from '../platform/observability';
import { serveApi } from './compose';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'component');
  const logger = createLogger(config.env.LOG_LEVEL);
  for (const warning of config.calendarWarnings) logger.warn(warning);
  const connections = await connectTo(config);
  const api = await serveApi(config, connections, { logger });
  logger.info({ url: api.url }, 'api listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    try {
      await api.close();
      await connections.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'api shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else createLogger().fatal({ err }, 'api failed to start');
  process.exit(1);
});
