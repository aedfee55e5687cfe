/**
 * The connections every process opens at start-up (API, worker, `npm start`, tests), the
 * idempotent preparation both stores need (MongoDB indexes, Temporal search attributes), and the
 * readiness probe over them.
 */
import type { Client, TLSConfig } from '@temporalio/client';
import mongoose, { type Connection } from 'mongoose';
import type { Readiness } from '../api/deps';
import { createModels, ensureIndexes, type Models } from '../store/models';
import { migrate } from '../store/migrations';
import { payloadKeysOf, type Config } from '../platform/config';
import type { PayloadKeys } from '../platform/payload-codec';
import { connectClient, ensureSearchAttributes, temporalTls } from '../platform/temporal';
import type { TimeModel } from '../domain/clock';

/**
 * One Mongoose connection per process (tests: per suite). Every wait is bounded, so a store that
 * stalls makes requests fail (and answer 503) instead of hang: choosing a server, waiting for a
 * pooled connection, and reading a reply. Operations are not queued while disconnected.
 */
export async function connectMongo(uri: string): Promise<Connection> {
  // Mongoose otherwise captures a stack trace for every query it runs (to name where a query run twice
  // was first run); with source maps on, formatting them was 2% of a loaded API's main thread.
  mongoose.set('skipOriginalStackTraces', true);
  return mongoose
    .createConnection(uri, {
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      socketTimeoutMS: 20_000,
      waitQueueTimeoutMS: 5_000,
      bufferCommands: false,
    })
    .asPromise();
}

/**
 * `/readyz`'s probe, each part with a short deadline: the store answers and takes a write (a store
 * that answers reads but cannot write, e.g. on a full disk, is not ready), and Temporal answers.
 */
export function makeReadiness(db: Connection, temporal: Client, timeoutMs = 2000): Readiness {
  const within = <T>(p: Promise<T>) =>
    Promise.race([
      p.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]).catch(() => false);
  return async () => {
    const [mongodb, temporalOk] = await Promise.all([
      db.readyState === mongoose.ConnectionStates.connected && db.db
        ? within(
            db.db
              .collection<{ _id: string; at: Date }>('readiness')
              .updateOne({ _id: 'probe' }, { $set: { at: new Date() } }, { upsert: true }),
          )
        : Promise.resolve(false),
      within(temporal.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({}))),
    ]);
    return { mongodb, temporal: temporalOk };
  };
}

export interface Connections {
  mongo: Connection;
  models: Models;
  /** One Temporal client per process, never per request. */
  client: Client;
  readiness: Readiness;
  close(): Promise<void>;
}

export async function openConnections(servers: {
  temporalAddress: string;
  mongodbUri: string;
  namespace: string;
  payloadKeys: PayloadKeys;
  /** TLS to Temporal (platform/temporal.ts `temporalTls`). */
  temporalTls?: TLSConfig;
  /** The working day's length a one-off backfill of the statistics times concluded reviews by. */
  timeModel?: TimeModel;
}): Promise<Connections> {
  const mongo = await connectMongo(servers.mongodbUri);
  let client: Client | undefined;
  try {
    const models = createModels(mongo);
    await ensureIndexes(models);
    // Changes to stored data, each once per store (recorded as done), before anything is served or recorded.
    await migrate(models, servers.timeModel ?? {});
    client = await connectClient(servers.temporalAddress, servers.namespace, servers.payloadKeys, servers.temporalTls);
    // Starting a review sets these search attributes; a fresh namespace does not know them yet.
    await ensureSearchAttributes(client, servers.namespace);
    const connected = client;
    return {
      mongo,
      models,
      client: connected,
      readiness: makeReadiness(mongo, connected),
      async close() {
        await connected.connection.close();
        await mongo.close();
      },
    };
  } catch (err) {
    // What opened is closed: an open connection would keep the process from exiting.
    await client?.connection.close().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    throw err;
  }
}

/** Opens a process's connections to the servers `config` names, or to the ones given. */
export async function connectTo(
  config: Config,
  servers: { temporalAddress: string; mongodbUri: string } = {
    temporalAddress: config.temporal.address!,
    mongodbUri: config.mongodbUri!,
  },
): Promise<Connections> {
  return openConnections({
    ...servers,
    namespace: config.temporal.namespace,
    payloadKeys: payloadKeysOf(config),
    temporalTls: await temporalTls(config.temporal.tls),
    timeModel: config.timeModel,
  });
}
