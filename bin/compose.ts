/**
 * The composition root: how a process builds the application from its configuration and
 * connections, and runs the API, the worker, or both (what `npm start` does after it has started,
 * or been pointed at, Temporal and MongoDB). Only processes (bin/) import this.
 */
import { startApi, type RunningApi } from '../api/server';
import { ensureRecordKeeper } from '../features/audit/use-cases';
import type { AppContext } from '../features/context';
import { codecTokenOf, payloadKeysOf, signingKeysOf, type Config } from '../platform/config';
import { connectTo, type Connections } from './connections';
import { createApiMetrics, type Logger } from '../platform/observability';
import { EncryptionCodec } from '../platform/payload-codec';
import { startWorker } from '../worker/worker';

/** The application's context for one process. */
export function applicationOf(config: Config, connections: Connections): AppContext {
  return {
    config,
    models: connections.models,
    temporal: connections.client,
    signingKeys: signingKeysOf(config),
    now: () => new Date(),
  };
}

/** Serves the API on the configured port. */
export async function serveApi(
  config: Config,
  connections: Connections,
  options: {
    logger: Logger;
    /** The Temporal UI's origin, when it runs: the API serves it the codec endpoint. */
    temporalUiOrigin?: string;
    /** Where this process's Temporal runtime serves the worker's metrics (installTemporalRuntime). */
    workerMetricsUrl?: string;
  },
): Promise<RunningApi> {
  const app = applicationOf(config, connections);
  // The record keeper's checkpoints (one per task queue; joined if it runs already).
  await ensureRecordKeeper(app).catch((err: unknown) =>
    options.logger.warn(`the record keeper could not be started: ${(err as Error).message}`),
  );
  return startApi(
    {
      app,
      readiness: connections.readiness,
      logger: options.logger,
      metrics: createApiMetrics(),
      ...(options.workerMetricsUrl && { workerMetricsUrl: options.workerMetricsUrl }),
      ...(options.temporalUiOrigin && {
        codec: {
          codec: new EncryptionCodec(payloadKeysOf(config)),
          token: codecTokenOf(config),
          allowedOrigins: [options.temporalUiOrigin],
        },
      }),
    },
    config.port,
    config.host,
  );
}

/** Runs the worker and the API in this process against the given servers (`npm start`). */
export async function runServices(
  config: Config,
  servers: { temporalAddress: string; mongodbUri: string },
  options: Parameters<typeof serveApi>[2],
): Promise<{ apiUrl: string; stop(): Promise<void> }> {
  const connections = await connectTo(config, servers);
  const worker = await startWorker(config, servers.temporalAddress, connections.models);
  const api = await serveApi(config, connections, options);
  return {
    apiUrl: api.url,
    async stop() {
      await api.close();
      await worker.stop();
      await connections.close();
    },
  };
}
