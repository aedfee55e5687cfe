/**
 * What every server-backed test file starts: a fresh database on the run's FerretDB, a real worker
 * on its own task queue of the run's Temporal server, and the Express app wired to both.
 * The servers themselves are started once per run by `test/global-setup.ts`.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { Connection } from 'mongoose';
import { createApp } from '../api/app';
import { applicationOf } from '../bin/compose';
import type { AppContext } from '../features/context';
import { CHECK_ITEMS, type Region, type Role, type TaskKind } from '../domain/model';
import { loadConfig, type Config } from '../platform/config';
import { connectMongo, connectTo } from '../bin/connections';
import { startWorker, type WorkerHandle } from '../worker/worker';
import { projectLog } from '../domain/projection';
import {
  commentFromDoc,
  createModels,
  ensureIndexes,
  reviewFromDoc,
  taskFromDoc,
  type CommentDoc,
  type EventDoc,
  type Models,
  type NotificationDoc,
  type ReviewDoc,
  type TaskDoc,
} from '../store/models';

export interface Claims {
  sub: string;
  region: Region;
  roles: Role[];
  org?: string;
  name?: string;
}

export interface Harness {
  app: express.Express;
  /** What the app's use cases run in. */
  ctx: AppContext;
  models: Models;
  client: Client;
  config: Config;
  mongo: Connection;
  worker: WorkerHandle;
  /** Signs a token for `claims` with the harness's secret (or `opts.secret`). */
  token(claims: Claims, opts?: { expiresIn?: string | number; secret?: string }): string;
  /** Starts a new worker in place of the current one (stop that one first to simulate a crash). */
  replaceWorker(): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';
export const TEST_SIGNING_KEYS = 'test-1:test-request-signing-key-at-least-32-bytes';
/** What review seals and checkpoints are signed with in tests. */
export const TEST_AUDIT_KEYS = 'audit-1:test-audit-key-kept-outside-the-store-0123';
/** The key the saved replay histories were encrypted with (test/fixtures/histories). */
export const TEST_PAYLOAD_KEYS = 'test-1:dGVzdC1wYXlsb2FkLWtleS0zMi1ieXRlcy1sb25nISE=';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests through jest so test/global-setup.ts starts the servers`);
  return value;
}

/**
 * `env` overrides configuration (e.g. compressed time); `temporalAddress` points the harness at a
 * Temporal server of the test's own instead of the run's.
 */
export async function startHarness(
  env: Record<string, string> = {},
  {
    temporalAddress = required('TEST_TEMPORAL_ADDRESS'),
    mongodbUri = required('TEST_MONGODB_URI'),
  }: { temporalAddress?: string; mongodbUri?: string } = {},
): Promise<Harness> {
  const database = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: temporalAddress,
      MONGODB_URI: `${mongodbUri}/${database}`,
      AUTH_JWT_SECRET: TEST_SECRET,
      TEMPORAL_TASK_QUEUE: `test-${database}`,
      RATE_LIMIT_PER_MINUTE: '100000',
      // What npm start listens on (the development secret is refused anywhere else).
      HOST: '127.0.0.1',
      REQUEST_SIGNING_KEYS: TEST_SIGNING_KEYS,
      AUDIT_KEYS: TEST_AUDIT_KEYS,
      TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ...env,
    },
    'component',
  );
  const connections = await connectTo(config, { temporalAddress, mongodbUri: config.mongodbUri! });
  const { mongo, models, client } = connections;
  const newWorker = () => startWorker(config, temporalAddress, models, process.env.TEST_WORKFLOW_BUNDLE);
  // Closed when the worker cannot start: open connections would keep jest from exiting.
  const worker = await newWorker().catch(async (err: unknown) => {
    await connections.close().catch(() => undefined);
    throw err;
  });
  const ctx = applicationOf(config, connections);
  const app = createApp({ app: ctx, readiness: connections.readiness });

  const harness: Harness = {
    app,
    ctx,
    models,
    client,
    config,
    mongo,
    worker,
    token(claims, opts = {}) {
      return jwt.sign({ ...claims }, opts.secret ?? TEST_SECRET, {
        algorithm: 'HS256',
        expiresIn: opts.expiresIn ?? '1h',
      } as jwt.SignOptions);
    },
    async replaceWorker() {
      await harness.worker.stop();
      harness.worker = await newWorker();
    },
    async stop() {
      await harness.worker.stop(); // the worker in place now: a test may have replaced it
      await mongo.dropDatabase().catch(() => undefined);
      await connections.close();
    },
  };
  return harness;
}

/**
 * A fresh database of the test run's store for one suite (`prefix` names it), with the models and
 * their indexes; `drop` removes it and closes the connection (afterAll).
 */
export async function suiteStore(
  prefix: string,
): Promise<{ mongo: Connection; models: Models; drop(): Promise<void> }> {
  const base = required('TEST_MONGODB_URI');
  const mongo = await connectMongo(`${base}/${prefix}_${randomUUID().slice(0, 8)}`);
  const models = createModels(mongo);
  await ensureIndexes(models);
  return {
    mongo,
    models,
    async drop() {
      await mongo.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}

/**
 * Saves a finished workflow's history as a replay fixture (test/replay.test.ts) when SAVE_HISTORIES
 * is set.
 */
export async function maybeSaveHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.SAVE_HISTORIES) return;
  const history = await handle.fetchHistory();
  await writeFile(
    join(__dirname, 'fixtures', 'histories', `${name}.binpb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A task as `GET /v1/tasks` lists it. */
export interface TaskItem {
  id: string;
  reviewId: string;
  kind: TaskKind;
  status: string;
  dueAt: string | null;
  overdue: boolean;
  overdueAt?: string;
}

/** HTTP helpers bound to a cast of people: `get('drafter', path)` sends that person's token. */
export function castOf<P extends Record<string, Claims>>(harness: () => Harness, people: P) {
  type Person = keyof P & string;
  const auth = (who: Person) => ({ Authorization: `Bearer ${harness().token(people[who])}` });
  const get = (who: Person, path: string) => request(harness().app).get(path).set(auth(who));
  const post = (who: Person, path: string, body: object = {}) =>
    request(harness().app).post(path).set(auth(who)).send(body);

  /** `who`'s task of `kind` in the review with `status`, once the workflow has stored it. */
  const task = (who: Person, reviewId: string, kind: TaskKind, status = 'open'): Promise<TaskItem> =>
    eventually(
      async () => {
        const query = `status=${status}&kind=${kind}&reviewId=${encodeURIComponent(reviewId)}`;
        return ((await get(who, `/v1/tasks?${query}`).expect(200)).body.items as TaskItem[])[0];
      },
      `a ${status} ${kind} task for ${who}`,
      30_000,
    );

  /** `who` decides their open task of `kind` in the review; the answer must have `status`. */
  const decide = async (who: Person, reviewId: string, kind: TaskKind, body: object, status = 200) => {
    const { id } = await task(who, reviewId, kind);
    const res = await post(who, `/v1/tasks/${encodeURIComponent(id)}/complete`, body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body;
  };

  /** `who`, a reviewer of the origin region, accepts the review's intake: the file is complete. */
  const accept = (who: Person, reviewId: string) => decide(who, reviewId, 'intake', { decision: 'accept' });

  return { auth, get, post, task, decide, accept };
}

/** A checklist on which every one of the seven items passes. */
export const allPass = CHECK_ITEMS.map((item) => ({ item, result: 'pass' }));

/**
 * Rebuilds the read models of `reviewId` from its stored log and expects them to equal the ones the
 * recording activity wrote transition by transition.
 */
export async function expectProjectionsRebuiltFromLog(h: Harness, reviewId: string): Promise<void> {
  const events = await h.models.Event.find({ reviewId }).sort({ seq: 1 }).lean<EventDoc[]>();
  const rebuilt = projectLog(events.sort((a, b) => a.seq - b.seq));
  const [review, tasks, comments, notifications] = await Promise.all([
    h.models.Review.findById(reviewId).lean<ReviewDoc>(),
    h.models.Task.find({ reviewId }).lean<TaskDoc[]>(),
    h.models.Comment.find({ reviewId }).lean<CommentDoc[]>(),
    h.models.Notification.find({ reviewId }).lean<NotificationDoc[]>(),
  ]);
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  expect(rebuilt).toBeDefined();
  expect(reviewFromDoc(review!)).toEqual(rebuilt!.review);
  expect(byId(tasks.map(taskFromDoc))).toEqual(byId(rebuilt!.tasks));
  expect(byId(comments.map(commentFromDoc))).toEqual(byId(rebuilt!.comments));
  expect(
    byId(
      notifications.map(({ _id, createdAt, month: _month, ...n }) => ({
        id: _id,
        ...n,
        createdAt: createdAt.toISOString(),
      })),
    ),
  ).toEqual(byId(rebuilt!.notifications));
}
