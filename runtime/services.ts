/**
 * Runs the worker and the API in one process against given servers: what `npm start` does after it
 * has started (or been pointed at) Temporal and MongoDB.
 */
import { NativeConnection, type Worker } from '@temporalio/worker';
import { makeReadiness, startApi } from '../api/server';
import type { Models } from '../store/models';
import { createReviewWorker } from '../worker/worker';
import { payloadKeysOf, signingKeysOf, type Config } from './config';
import { openConnections } from './connections';
import { createApiMetrics, type Logger } from './observability';
import { EncryptionCodec } from './payload-codec';
import { temporalTls } from './temporal';

export interface WorkerHandle {
  worker: Worker;
  /** Settles when the worker stops polling: after `stop()`, or a SIGINT/SIGTERM the SDK handles. */
  finished: Promise<void>;
  stop(): Promise<void>;
}

/** Starts a review worker polling in the background until `stop()`. */
export async function startWorker(
  config: Config,
  address: string,
  models: Models,
  workflowBundlePath?: string,
): Promise<WorkerHandle> {
  const tls = await temporalTls(config.temporal.tls);
  const connection = await NativeConnection.connect({ address, ...(tls && { tls }) });
  const worker = await createReviewWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    models,
    signingKeys: signingKeysOf(config),
    payloadKeys: payloadKeysOf(config),
    offices: config.offices,
    numberFormats: config.numberFormats,
    workflowBundlePath,
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    worker,
    finished: running,
    /** Drains the worker and closes its connection; calling it again waits for the same stop. */
    stop() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      })();
      return stopped;
    },
  };
}

export async function runServices(
  config: Config,
  servers: { temporalAddress: string; mongodbUri: string },
  options: {
    logger: Logger;
    /** The Temporal UI's origin, when it runs: the API serves it the codec endpoint. */
    temporalUiOrigin?: string;
    /** Where this process's Temporal runtime serves the worker's metrics (installTemporalRuntime). */
    workerMetricsUrl?: string;
  },
): Promise<{ apiUrl: string; stop(): Promise<void> }> {
  const connections = await openConnections({
    ...servers,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
    temporalTls: await temporalTls(config.temporal.tls),
  });
  const { mongo, models, client } = connections;
  const worker = await startWorker(config, servers.temporalAddress, models);
  const api = await startApi(
    {
      config,
      models,
      temporal: client,
      signingKeys: signingKeysOf(config),
      readiness: makeReadiness(mongo, client),
      logger: options.logger,
      metrics: createApiMetrics(),
      ...(options.workerMetricsUrl && { workerMetricsUrl: options.workerMetricsUrl }),
      ...(options.temporalUiOrigin && {
        codec: { codec: new EncryptionCodec(payloadKeysOf(config)), allowedOrigins: [options.temporalUiOrigin] },
      }),
    },
    config.port,
    config.host,
  );
  return {
    apiUrl: api.url,
    async stop() {
      await api.close();
      await worker.stop();
      await connections.close();
    },
  };
}
