/**
 * Request logging and metrics: one log line per request (its id, the caller, status, duration),
 * request counts and latency by route and status, decisions by kind and outcome, open and overdue
 * tasks by region (counted from the store when scraped), and the Temporal worker's own metrics.
 * `GET /metrics` answers loopback callers only, unless METRICS_PUBLIC=true.
 */
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { Gauge } from 'prom-client';
import type { ApiMetrics, Logger } from '../platform/observability';
import { fromLoopback } from './codec-endpoint';
import { AppError } from '../features/errors';

/** Query parameters whose values are credentials (a token put in a link), by name. */
const CREDENTIAL_PARAMETERS =
  /^(?:token|access_token|id_token|refresh_token|jwt|auth|authorization|bearer|api_?key|secret|password|session|codec_session)$/i;
/** A JWT, or a bearer credential, whatever the parameter is called. */
const CREDENTIAL_VALUE = /^(?:bearer\s+)?[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*$/i;

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

/** `url` with the value of every query parameter that is a credential replaced by `[redacted]`. */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const parameters = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const secret = CREDENTIAL_PARAMETERS.test(decoded(name)) || CREDENTIAL_VALUE.test(decoded(value).trim());
      return secret && value !== '' ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, at)}?${parameters.join('&')}`;
}

export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => res.locals.requestId as string,
    customProps: (_req, res) => {
      const sub = (res.locals as { actor?: { sub: string } }).actor?.sub;
      return sub ? { sub } : {};
    },
    // A refusal is an answer, not a fault; only the server's own failures are errors.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      // A token sent in a query string (a link, a misconfigured client) is not written down with it.
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactedUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** Counts and times every answer under the route pattern it matched (ids stay out of labels). */
export function countRequests(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.requestSeconds.startTimer();
    res.on('finish', () => {
      const matched = (req.route as { path?: string } | undefined)?.path;
      const route = matched ? `${req.baseUrl}${matched}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/** Gauges of open and overdue tasks by region, counted when scraped. */
export function registerWorkGauges(
  metrics: ApiMetrics,
  count: (overdueOnly: boolean) => Promise<Record<string, number>>,
): void {
  for (const [name, help, overdueOnly] of [
    ['review_open_tasks', 'Open tasks, by region', false],
    ['review_overdue_tasks', 'Open tasks past their due date, by region', true],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['region'],
      registers: [metrics.registry],
      async collect() {
        for (const [region, n] of Object.entries(await count(overdueOnly))) this.set({ region }, n);
      },
    });
  }
}

/** Counts each decision by task kind, decision and outcome (the answer's status). */
export function countDecision(metrics: ApiMetrics) {
  return ({ kind, decision, status }: { kind: string; decision: string; status: number }): void => {
    metrics.decisions.inc({ kind, decision, outcome: String(status) });
  };
}

/**
 * `GET /metrics`: the API's metrics, then the Temporal worker's (from Core's own exporter, when this
 * process runs a worker), in the Prometheus text format.
 */
export function metricsEndpoint(
  metrics: ApiMetrics,
  options: { public: boolean; workerMetricsUrl?: string },
): RequestHandler {
  return async (req, res) => {
    if (!options.public && !fromLoopback(req))
      throw new AppError('forbidden', 'served to callers on this machine only');
    let text = await metrics.registry.metrics();
    if (options.workerMetricsUrl) {
      const worker = await fetch(options.workerMetricsUrl, { signal: AbortSignal.timeout(2_000) })
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
      text += `\n# Temporal worker (SDK Core)\n${worker}`;
    }
    res.type(metrics.registry.contentType).send(text);
  };
}
