/**
 * What an operator sees: structured logs (pino, one JSON line per event; tokens and secrets
 * redacted; errors with their cause chain) and Prometheus metrics (prom-client). The Temporal SDK
 * logs through the same logger, and its Core exports worker metrics that `/metrics` appends.
 */
import { Runtime, type Logger as TemporalLogger, type LogLevel, type LogMetadata } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type { Logger };

/** Paths that must never reach a log line. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.password',
  '*.token',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'legality-review' },
      redact: { paths: REDACTED, censor: '[redacted]' },
      // `err` is serialised with its stack and its `cause` chain (pino's standard serialiser).
      serializers: { err: pino.stdSerializers.errWithCause },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger interface over pino: worker, workflow and activity logs in one stream. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const { error, failure, ...rest } = meta as LogMetadata & { error?: unknown; failure?: unknown };
    // The workflow id of a review is its review id: named so, logs of one review can be found.
    const reviewId = typeof rest.workflowId === 'string' ? { reviewId: rest.workflowId } : {};
    const err = error ?? failure;
    this.logger[LEVELS[level]]({ ...rest, ...reviewId, ...(err !== undefined && { err }) }, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Installs the Temporal runtime of this process (once, before any worker or native connection):
 * its logs go to `logger`; with `metricsAddress` (host:port), Core serves its worker metrics there
 * in Prometheus format. Signals are left to the process's own shutdown.
 */
export function installTemporalRuntime(logger: Logger, metricsAddress?: string): void {
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    shutdownSignals: [],
    ...(metricsAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }),
  });
}

/** The API's own metrics; the store-backed gauges are added by the app (api/metrics.ts). */
export interface ApiMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  requestSeconds: Histogram<'method' | 'route' | 'status'>;
  decisions: Counter<'kind' | 'decision' | 'outcome'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'review_decisions_total',
      help: 'Decisions asked for, by task kind, decision and outcome (the HTTP status)',
      labelNames: ['kind', 'decision', 'outcome'],
      registers: [registry],
    }),
  };
}
