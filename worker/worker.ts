/**
 * The Temporal worker that runs the review workflows and their activities: what it is built from,
 * and running one until it is stopped. The processes that run it are in bin/.
 */
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { RedateReview } from '../activities/calendar-redating';
import { calendarUpdate } from '../domain/messages';
import { tsToDate } from '@temporalio/common/lib/time';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ReviewRuns } from '../activities/reconcile';
import { payloadKeysOf, signingKeysOf, type Config } from '../platform/config';
import { encryptingDataConverter, type PayloadKeys } from '../platform/payload-codec';
import { temporalTls } from '../platform/temporal';
import type { SigningKeys } from '../platform/signing';
import type { NumberFormats, ReviewOffices } from '../domain/offices';
import type { TimeModel } from '../domain/clock';
import type { Models } from '../store/models';

export interface ReviewWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  models: Models;
  /** What the recording activity checks the API's signatures with. */
  signingKeys: SigningKeys;
  /** What each review's seal is signed with (AUDIT_KEYS); without them nothing is sealed. */
  auditKeys?: SigningKeys;
  /** Where checkpoints are written for the operator (DATA_DIR/checkpoints). */
  checkpointDir?: string;
  /** How many leaves a checkpoint stores a document (CHECKPOINT_CHUNK_LEAVES). */
  checkpointChunkLeaves?: number;
  /** What payloads to and from Temporal are encrypted with. */
  payloadKeys: PayloadKeys;
  /** How the written record names the review bodies and writes their numbers. */
  offices: ReviewOffices;
  numberFormats: NumberFormats;
  /** The working day's length (TIME_WORKING_DAY_MS): the statistics time concluded reviews by it. */
  timeModel?: TimeModel;
  /** A prebuilt workflow bundle (production, tests); without it the worker bundles `workflows/`. */
  workflowBundlePath?: string;
  /** How re-dating jobs reach a review (tests wrap it to inject faults); by default the Update below. */
  redate?: (standard: RedateReview) => RedateReview;
}

export async function createReviewWorker(options: ReviewWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  const client = new Client({
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: encryptingDataConverter(options.payloadKeys),
  });
  const redate = redateThrough(client);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({
      models: options.models,
      signingKeys: options.signingKeys,
      ...(options.auditKeys && { auditKeys: options.auditKeys }),
      ...(options.checkpointDir && { checkpointDir: options.checkpointDir }),
      ...(options.checkpointChunkLeaves && { checkpointChunkLeaves: options.checkpointChunkLeaves }),
      runs: reviewRuns(client),
      redate: options.redate ? options.redate(redate) : redate,
      offices: options.offices,
      numberFormats: options.numberFormats,
      ...(options.timeModel && { timeModel: options.timeModel }),
    }),
    dataConverter: encryptingDataConverter(options.payloadKeys),
    shutdownGraceTime: '10 seconds',
    // A workflow task handed to a worker that has died goes back to the shared queue after this.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...workflows,
  });
}

/** Sends a review its calendar Update for a re-dating job; a review whose workflow has ended is `closed`, one that rejects it `refused`. */
function redateThrough(client: Client): RedateReview {
  return async (reviewId, request, updateId) => {
    try {
      // Bounded: a review that does not answer fails the attempt, which the activity's retry sends again.
      return await client.withDeadline(Date.now() + 60_000, () =>
        client.workflow.getHandle(reviewId).executeUpdate(calendarUpdate, { args: [request], updateId }),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'closed';
      if (err instanceof WorkflowUpdateFailedError) return { refused: err.cause?.message ?? err.message };
      throw err;
    }
  };
}

/** What Temporal says of a review's latest run, and terminating a stray one, for the reconciler. */
function reviewRuns(client: Client): ReviewRuns {
  return {
    async describe(workflowId) {
      try {
        const { status, runId, raw } = await client.workflow.getHandle(workflowId).describe();
        const resetAt = raw.workflowExtendedInfo?.lastResetTime;
        return {
          status: status.name,
          runId,
          ...(raw.workflowExecutionInfo?.firstRunId && { firstRunId: raw.workflowExecutionInfo.firstRunId }),
          ...(resetAt && { resetAt: tsToDate(resetAt).toISOString() }),
        };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND' };
        throw err;
      }
    },
    async terminate(workflowId, runId, reason) {
      await client.workflow
        .getHandle(workflowId, runId)
        .terminate(reason)
        .catch((err: unknown) => {
          // Already ended (by its own close or an earlier round): nothing left to stop.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    },
  };
}

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
  options: Pick<ReviewWorkerOptions, 'redate'> = {},
): Promise<WorkerHandle> {
  const tls = await temporalTls(config.temporal.tls);
  const connection = await NativeConnection.connect({ address, ...(tls && { tls }) });
  const worker = await createReviewWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    models,
    signingKeys: signingKeysOf(config),
    ...(config.auditKeys && { auditKeys: config.auditKeys }),
    checkpointDir: config.checkpointDir,
    checkpointChunkLeaves: config.checkpointChunkLeaves,
    payloadKeys: payloadKeysOf(config),
    offices: config.offices,
    numberFormats: config.numberFormats,
    timeModel: config.timeModel,
    workflowBundlePath,
    ...options,
  }).catch(async (err: unknown) => {
    // An open connection would keep the process from exiting.
    await connection.close().catch(() => undefined);
    throw err;
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
