/**
 * The production shape, run: `npm run cluster` (bin/cluster.ts) started as an operator starts it,
 * then driven only through its two APIs. One whole review journey with its requests alternating
 * between the APIs; then 50 concurrent journeys during which one API and one worker are killed
 * with SIGKILL: every journey ends signed, once, its log verifies, and the registration and opinion
 * numbers run 1..n without a gap or a repeat. Last, SIGTERM stops everything in order.
 *
 * Run with `npm run test:cluster` (outside `npm test`: it builds Temporal's server on first use and
 * takes minutes).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { CHECK_ITEMS } from '../../domain/model';
import { DEVELOPMENT_JWT_SECRET } from '../../platform/config';
import { removeDataDir } from '../../platform/embedded-store';
import { launchApp, printedValue, type LaunchedApp } from '../../scripts/launch-app';

const JOURNEYS = 50;

let cluster: LaunchedApp;
let dataDir: string;
let mongo: mongoose.Connection;

/** Starts `npm run cluster`'s script on free ports and reads what it prints. */
async function startCluster(): Promise<LaunchedApp> {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cluster-test-'));
  const started = await launchApp('cluster.ts', {
    env: { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '100000' },
    timeoutMs: 840_000,
  });
  console.log(started.printed);
  return started;
}

/** An API's pid, as `npm run cluster` prints it beside its URL. */
const pidOf = (api: { pid?: number }): number => printedValue(cluster, api.pid, "an API's pid");

beforeAll(async () => {
  cluster = await startCluster();
  mongo = await mongoose.createConnection(cluster.mongodbUri, { directConnection: true }).asPromise();
}, 900_000);

afterAll(async () => {
  await mongo?.close();
  await cluster?.stop();
  if (dataDir) await removeDataDir(dataDir);
}, 120_000);

const ORG = '北京市交通委员会';
const people = {
  drafter: { sub: 'bj-drafter', region: 'beijing', roles: ['drafter'], org: ORG },
  bjReviewer: { sub: 'bj-reviewer', region: 'beijing', roles: ['reviewer'] },
  tjReviewer: { sub: 'tj-reviewer', region: 'tianjin', roles: ['reviewer'] },
  hbReviewer: { sub: 'hb-reviewer', region: 'hebei', roles: ['reviewer'] },
  bjSigner: { sub: 'bj-signer', region: 'beijing', roles: ['signer'] },
};
type Person = keyof typeof people;
const tokens = Object.fromEntries(
  Object.entries(people).map(([who, claims]) => [
    who,
    jwt.sign(claims, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', expiresIn: '2h' }),
  ]),
) as Record<Person, string>;
const allPass = CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  api: number;
  /** `METHOD path` (failure messages). */
  request: string;
}

/** What the journeys saw: requests that failed on a dead API and were sent again to the other. */
const seen = { requests: [0, 0], resent: 0, transitions: 0 };

/**
 * One request, to API `api` (0 or 1). A request the API never answered (its process is gone)
 * is sent again to the other API (what changes something carries an Idempotency-Key); so is a 503.
 */
async function call(
  api: number,
  who: Person,
  method: 'GET' | 'POST',
  pathname: string,
  options: { body?: object; key?: string } = {},
): Promise<Reply> {
  const deadline = Date.now() + 300_000;
  let target = api;
  for (;;) {
    seen.requests[target] += 1;
    try {
      const res = await fetch(new URL(pathname, cluster.apis[target].url), {
        method,
        headers: {
          Authorization: `Bearer ${tokens[who]}`,
          ...(options.body && { 'Content-Type': 'application/json' }),
          ...(options.key && { 'Idempotency-Key': options.key }),
        },
        body: options.body ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(120_000),
      });
      const text = await res.text();
      const reply = {
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
        api: target,
        request: `${method} ${pathname}`,
      };
      if (res.status !== 503 || Date.now() > deadline) return reply;
    } catch (err) {
      // Only a request its API never answered is sent again; a request that cannot be sent (a bad
      // header, say) fails at once instead of being retried until the deadline.
      if (Date.now() > deadline || !unanswered(err)) throw err;
    }
    seen.resent += 1;
    target = 1 - target;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Whether `err` is fetch's failure to reach an API or hear its answer (a dead process, a timeout). */
function unanswered(err: unknown): boolean {
  // By name, not instanceof: fetch's errors come from Node's own realm, not the test's sandbox.
  const { name, message } = (err ?? {}) as { name?: string; message?: string };
  // undici: 'fetch failed' when no answer came, 'terminated' when the answer was cut off mid-body.
  return name === 'TimeoutError' || (name === 'TypeError' && ['fetch failed', 'terminated'].includes(message ?? ''));
}

async function expectStatus(reply: Promise<Reply>, status: number): Promise<Reply> {
  const got = await reply;
  if (got.status !== status)
    throw new Error(`${got.request} to API ${got.api + 1}: ${got.status} ${JSON.stringify(got.body)}, not ${status}`);
  return got;
}

/** Polls `probe` until it returns something, within the deadline. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The whole journey of e2e.test.ts's first path (submit, accept, approve, two concurrences, sign),
 * request `n` going to API `(offset + n) % 2`. Every request that changes something carries an
 * Idempotency-Key, so one cut off with its API is simply sent again to the other.
 */
async function journey(offset: number, title: string): Promise<string> {
  let n = offset;
  const next = () => n++ % 2;
  const created = await createDocument(next(), title);
  const reviewId = await submit(next(), created);

  const decide = async (who: Person, kind: string, body: object) => {
    const task = await eventually(async () => {
      const query = `status=open&kind=${kind}&reviewId=${encodeURIComponent(reviewId)}`;
      const list = await expectStatus(call(next(), who, 'GET', `/v1/tasks?${query}`), 200);
      return (list.body.items as { id: string }[])[0];
    }, `${kind} task of ${reviewId}`);
    const key = `decide-${task.id}`;
    // A 409 while the lock of a request cut off with its API is still held: sent again shortly.
    const reply = await eventually(async () => {
      const r = await call(next(), who, 'POST', `/v1/tasks/${encodeURIComponent(task.id)}/complete`, { body, key });
      return r.status === 409 ? undefined : r;
    }, `${kind} decision of ${reviewId}`);
    await expectStatus(Promise.resolve(reply), 200);
    seen.transitions += 1;
    return reply.body as { review: { status: string; stage: string } };
  };

  expect((await decide('bjReviewer', 'intake', { decision: 'accept' })).review.stage).toBe('origin_review');
  await decide('bjReviewer', 'origin_review', { decision: 'approve', checklist: allPass });
  await decide('tjReviewer', 'consultation', { decision: 'concur' });
  await decide('hbReviewer', 'consultation', { decision: 'concur' });
  const signed = await decide('bjSigner', 'signoff', { decision: 'sign' });
  expect(signed.review).toEqual({ status: 'approved', stage: 'closed' });
  return reviewId;
}

/** An Idempotency-Key (ASCII) for what a journey names by `title`. */
const keyOf = (title: string) => createHash('sha256').update(title).digest('hex').slice(0, 32);

async function createDocument(api: number, title: string): Promise<string> {
  const draft = {
    title,
    docType: '规范性文件',
    articles: [
      { number: '1', text: '为推进京津冀交通一体化，制定本措施。' },
      { number: '2', text: '本措施自发布之日起施行。' },
    ],
    legalBasis: ['《中华人民共和国道路运输条例》'],
    materials: { draftingExplanation: '起草目的、必要性及主要措施' },
  };
  const reply = await expectStatus(
    call(api, 'drafter', 'POST', '/v1/documents', { body: draft, key: `draft-${keyOf(title)}` }),
    201,
  );
  return reply.body.id as string;
}

async function submit(api: number, documentId: string): Promise<string> {
  const path = `/v1/documents/${documentId}/reviews`;
  const reply = await expectStatus(call(api, 'drafter', 'POST', path, { key: `submit-${documentId}` }), 202);
  return reply.body.reviewId as string;
}

/** The integer of a number such as 京司审受〔2026〕12号. */
const serialOf = (number: string) => Number(/〕(\d+)号$/.exec(number)?.[1]);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes whose environment holds `entry`. */
function processesWith(entry: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

describe('npm run cluster', () => {
  const reviews: string[] = [];

  test('it runs two APIs and two workers on Temporal’s own server, each API answering', async () => {
    console.log(`startup: ${cluster.startSeconds} s`);
    expect(cluster.apis).toHaveLength(2);
    expect(new Set(cluster.apis.map((a) => a.url)).size).toBe(2);
    expect(cluster.workerPids).toHaveLength(2);
    for (const pid of [...cluster.apis.map(pidOf), ...cluster.workerPids]) expect(pidAlive(pid)).toBe(true);
    for (const api of [0, 1]) expect((await call(api, 'drafter', 'GET', '/readyz')).status).toBe(200);
  });

  test('a whole review journey with its requests alternating between the two APIs ends signed, its log verified', async () => {
    const started = Date.now();
    const before = [...seen.requests];
    const reviewId = await journey(0, `单程-${randomUUID()}`);
    reviews.push(reviewId);
    console.log(`one journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Both APIs served it.
    expect(seen.requests[0]).toBeGreaterThan(before[0]);
    expect(seen.requests[1]).toBeGreaterThan(before[1]);
    const review = await expectStatus(call(1, 'drafter', 'GET', `/v1/reviews/${reviewId}`), 200);
    expect(review.body).toMatchObject({ status: 'approved', stage: 'closed', openTasks: [] });
    const opinion = await expectStatus(call(0, 'drafter', 'GET', `/v1/reviews/${reviewId}/opinion`), 200);
    expect(opinion.body.conclusion).toBe('legal');
    const verified = await expectStatus(call(1, 'drafter', 'GET', `/v1/reviews/${reviewId}/events/verify`), 200);
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body).not.toHaveProperty('firstBrokenSeq');
  });

  test(`${JOURNEYS} concurrent journeys lose nothing and repeat nothing when an API and a worker are killed midway`, async () => {
    const started = Date.now();
    const titles = Array.from({ length: JOURNEYS }, (_, i) => `负载-${i}-${randomUUID()}`);
    const transitionsBefore = seen.transitions;
    const running = titles.map((title, i) => journey(i, title));
    // Midway: once a fifth of the load's transitions are done, SIGKILL API 1 and worker 1.
    await eventually(
      () => Promise.resolve(seen.transitions - transitionsBefore >= JOURNEYS ? true : undefined),
      'a fifth of the transitions',
      600_000,
    );
    const [api, worker] = [pidOf(cluster.apis[0]), cluster.workerPids[0]];
    process.kill(api, 'SIGKILL');
    process.kill(worker, 'SIGKILL');
    const killedAt = seen.transitions - transitionsBefore;
    const results = await Promise.allSettled(running);
    const seconds = (Date.now() - started) / 1000;
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    const loadReviews = results.map((r) => (r as PromiseFulfilledResult<string>).value);
    reviews.push(...loadReviews);
    console.log(
      `${JOURNEYS} journeys in ${seconds.toFixed(1)} s (${((JOURNEYS * 5) / seconds).toFixed(2)} decisions/s); ` +
        `killed API pid ${api} and worker pid ${worker} after ${killedAt} of ${JOURNEYS * 5} decisions; ` +
        `requests sent again: ${seen.resent}`,
    );
    // The cluster saw the deaths and started both again.
    expect(cluster.stderr()).toMatch(/API 1 exited .*restarting/);
    expect(cluster.stderr()).toMatch(/worker 1 exited .*restarting/);
    expect(pidAlive(api)).toBe(false);

    // Nothing lost or repeated: one document and one review per journey, each review's tasks done once.
    for (const title of titles) expect(await mongo.collection('versions').countDocuments({ title })).toBe(1);
    expect(new Set(loadReviews).size).toBe(JOURNEYS);
    expect(await mongo.collection('documents').countDocuments({})).toBe(reviews.length);
    expect(await mongo.collection('reviews').countDocuments({})).toBe(reviews.length);
    const tasks = await mongo
      .collection('tasks')
      .aggregate<{ _id: string; count: number }>([
        { $match: { reviewId: { $in: reviews } } },
        { $group: { _id: '$kind', count: { $sum: 1 } } },
      ])
      .toArray();
    const perKind = Object.fromEntries(tasks.map((t) => [t._id, t.count]));
    expect(perKind).toEqual({
      intake: reviews.length,
      origin_review: reviews.length,
      consultation: 2 * reviews.length,
      signoff: reviews.length,
    });

    // Every review closed, its log verified, its events numbered without a gap.
    const registration: number[] = [];
    const opinion: number[] = [];
    for (const [i, reviewId] of reviews.entries()) {
      const review = await expectStatus(call(i % 2, 'drafter', 'GET', `/v1/reviews/${reviewId}`), 200);
      expect(review.body).toMatchObject({ status: 'approved', stage: 'closed' });
      registration.push(serialOf(review.body.registrationNumber as string));
      opinion.push(serialOf(review.body.opinionNumber as string));
      const verified = await expectStatus(
        call((i + 1) % 2, 'drafter', 'GET', `/v1/reviews/${reviewId}/events/verify`),
        200,
      );
      expect({ reviewId, ok: verified.body.ok, broken: verified.body.firstBrokenSeq }).toEqual({
        reviewId,
        ok: true,
        broken: undefined,
      });
      const seqs = (await mongo.collection('events').find({ reviewId }).project({ seq: 1 }).toArray()).map(
        (e) => e.seq as number,
      );
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_, k) => k + 1));
    }
    // Registration and opinion numbers: 1..n, each once.
    const oneToN = reviews.map((_, k) => k + 1);
    expect([...registration].sort((a, b) => a - b)).toEqual(oneToN);
    expect([...opinion].sort((a, b) => a - b)).toEqual(oneToN);
  });

  test('SIGTERM drains the APIs and workers, then stops Temporal, then the store, and leaves nothing running', async () => {
    const started = Date.now();
    cluster.child.kill('SIGTERM');
    expect(await cluster.exit).toBe(0);
    console.log(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const log = cluster.stderr();
    const order = ['stopped the APIs and workers', 'stopped the Temporal server', 'stopped the store'].map((line) =>
      log.indexOf(line),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // What it started inherited DATA_DIR (PostgreSQL excepted: it gets PATH alone, and stops with FerretDB).
    expect(processesWith(`DATA_DIR=${dataDir}`)).toEqual([]);
  });
});
