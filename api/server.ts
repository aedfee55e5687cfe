/**
 * `npm run api`: the HTTP API alone, against external MongoDB and Temporal. Also exports
 * {@link startApi} and {@link makeReadiness} for processes that run the API next to other parts.
 */
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from '@temporalio/client';
import mongoose from 'mongoose';
import { ConfigError, loadConfig, payloadKeysOf, signingKeysOf } from '../runtime/config';
import { openConnections } from '../runtime/connections';
import { temporalTls } from '../runtime/temporal';
import { createApiMetrics, createLogger } from '../runtime/observability';
import { createApp } from './app';
import type { ApiDeps } from './deps';
import { ApiError } from './errors';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Builds the app and listens on `port` (0: any free port). `close` stops accepting and ends idle connections. */
export function startApi(deps: ApiDeps, port: number, host?: string): Promise<RunningApi> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.on('clientError', answerMalformed);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const shownHost = host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost';
      resolve({
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
            // Requests still running get a moment to finish, then their sockets are closed.
            setTimeout(() => server.closeAllConnections(), 5000).unref();
          }),
      });
    });
  });
}

/**
 * What Node's HTTP parser refuses before Express sees it (headers too large, a broken request
 * line) still gets an answer in the contract's format rather than an empty one.
 */
function answerMalformed(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const error = tooLarge
    ? new ApiError(
        'request_header_fields_too_large',
        'the request headers are too large (a token this long is not one of ours)',
      )
    : new ApiError('validation_failed', 'the request is not valid HTTP');
  const body = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${error.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

/** `/readyz`'s probe: a MongoDB ping and a Temporal system-info call, each with a short deadline. */
export function makeReadiness(db: mongoose.Connection, temporal: Client, timeoutMs = 2000): ApiDeps['readiness'] {
  const within = <T>(p: Promise<T>) =>
    Promise.race([
      p.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]).catch(() => false);
  return async () => {
    const [mongodb, temporalOk] = await Promise.all([
      db.readyState === mongoose.ConnectionStates.connected && db.db
        ? within(db.db.admin().ping())
        : Promise.resolve(false),
      within(temporal.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({}))),
    ]);
    return { mongodb, temporal: temporalOk };
  };
}

const logger = createLogger(process.env.LOG_LEVEL);

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, 'component');
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  for (const warning of config.calendarWarnings) logger.warn(warning);
  const connections = await openConnections({
    temporalAddress: config.temporal.address!,
    mongodbUri: config.mongodbUri!,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
    temporalTls: await temporalTls(config.temporal.tls),
  });
  const { mongo: db, models, client: temporal } = connections;

  const api = await startApi(
    {
      config,
      models,
      temporal,
      signingKeys: signingKeysOf(config),
      readiness: makeReadiness(db, temporal),
      logger,
      metrics: createApiMetrics(),
    },
    config.port,
    config.host,
  );
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

if (require.main === module) {
  main().catch((err: unknown) => {
    logger.fatal({ err }, 'api failed to start');
    process.exit(1);
  });
}
