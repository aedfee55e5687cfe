/**
 * What an operator sees: one log line per request with its id (the caller's, echoed back, or a new
 * one), the caller, status and duration, and never the token; Prometheus metrics on /metrics, for
 * callers on this machine only.
 */
import { Writable } from 'node:stream';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import express from 'express';
import request from 'supertest';
import { createApp } from '../api/app';
import { errorMiddleware } from '../api/errors';
import { requestIds } from '../api/http';
import { metricsEndpoint, redactedUrl, requestLog } from '../api/metrics';
import { createApiMetrics, createLogger } from '../platform/observability';
import { castOf, startHarness, type Claims, type Harness } from './harness';

const people: Record<string, Claims> = {
  reviewer: { sub: 'obs-reviewer', region: 'tianjin', roles: ['reviewer'] },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const metrics = createApiMetrics();
  const app = createApp({
    app: h.ctx,
    readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    logger: createLogger('info', sink),
    metrics,
  });
  return { app, lines, metrics };
}

test('when a request is answered, one log line carries its id, the caller, the status and the time, but not the token', async () => {
  const { app, lines } = appWithLog();
  const { auth } = castOf(() => h, people);
  const res = await request(app).get('/v1/tasks?status=open').set(auth('reviewer')).set('X-Request-Id', 'trace-42');
  expect(res.status).toBe(200);
  expect(res.headers['x-request-id']).toBe('trace-42');
  const generated = await request(app).get('/v1/tasks').set(auth('reviewer'));
  expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

  const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'trace-42');
  expect(line).toMatchObject({
    level: 30,
    sub: 'obs-reviewer',
    req: { method: 'GET', url: '/v1/tasks?status=open' },
    res: { statusCode: 200 },
    responseTime: expect.any(Number),
  });
  const token = auth('reviewer').Authorization.slice('Bearer '.length);
  expect(JSON.stringify(lines)).not.toContain(token);
});

test('when /metrics is scraped from this machine, it has request counts, latency, decisions and open tasks by region', async () => {
  const { app } = appWithLog();
  const { auth } = castOf(() => h, people);
  await request(app).get('/v1/tasks').set(auth('reviewer')).expect(200);
  await request(app).post('/v1/tasks/nope/complete').set(auth('reviewer')).send({ decision: 'approve' }).expect(404);
  const res = await request(app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/tasks",status="200"\} 1/);
  expect(res.text).toMatch(
    /http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/v1\/tasks",status="200"\}/,
  );
  expect(res.text).toMatch(/review_open_tasks\{region="tianjin"\} \d+/);
  expect(res.text).toContain('review_decisions_total');
});

test('when /metrics is asked from another machine, it is refused unless METRICS_PUBLIC is set', async () => {
  const remote = { socket: { remoteAddress: '10.0.0.7' } };
  const handler = metricsEndpoint(createApiMetrics(), { public: false });
  await expect(handler(remote as never, {} as never, () => undefined)).rejects.toMatchObject({ status: 403 });
  const sent: string[] = [];
  const res = { type: () => res, send: (text: string) => sent.push(text) };
  await metricsEndpoint(createApiMetrics(), { public: true })(remote as never, res as never, () => undefined);
  expect(sent[0]).toContain('process_cpu_seconds_total');
});

test('when an unexpected error reaches the API, its log line carries the cause chain, and the caller sees none of it', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const failed = new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: 'log_diverged', message: 'the log already holds a different event 7' }),
  );
  const app = express()
    .use(requestIds)
    .use(requestLog(createLogger('info', sink)))
    .get('/boom', () => {
      throw failed;
    })
    .use(errorMiddleware);
  const res = await request(app).get('/boom').expect(500);
  expect(res.body).toEqual({ error: { code: 'internal', message: '系统内部错误，请稍后重试' } });
  const logged = lines.find((l) => l.msg === 'unexpected error') as {
    err: { message: string; cause?: { message: string } };
  };
  expect(logged.err.message).toContain('Workflow Update failed');
  expect(JSON.stringify(logged.err)).toContain('the log already holds a different event 7');
});

test('when a token comes in a query string, the request log keeps the URL but not the token', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = express()
    .use(requestIds)
    .use(requestLog(createLogger('info', sink)))
    .get('/v1/tasks', (_req, res) => {
      res.json({ items: [] });
    });
  const { auth } = castOf(() => h, people);
  const token = auth('reviewer').Authorization.slice('Bearer '.length);
  await request(app)
    .get(`/v1/tasks?status=open&access_token=${token}&limit=5&cursor=${encodeURIComponent(`Bearer ${token}`)}&token=x`)
    .set('X-Request-Id', 'query-token')
    .expect(200);
  const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'query-token');
  expect((line?.req as { url: string }).url).toBe(
    '/v1/tasks?status=open&access_token=[redacted]&limit=5&cursor=[redacted]&token=[redacted]',
  );
  expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  // Whatever else a URL carries is kept as it came.
  expect(redactedUrl('/v1/reviews?region=beijing&status=in_review')).toBe(
    '/v1/reviews?region=beijing&status=in_review',
  );
  expect(redactedUrl('/v1/tasks/t1')).toBe('/v1/tasks/t1');
  expect(redactedUrl('/docs/?token=')).toBe('/docs/?token=');
});
