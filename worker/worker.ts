/**
 * Builds the Temporal worker that runs review workflows and their activities.
 */
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { encryptingDataConverter, type PayloadKeys } from '../runtime/payload-codec';
import type { SigningKeys } from '../runtime/signing';
import type { NumberFormats, ReviewOffices } from '../domain/offices';
import type { Models } from '../store/models';

export interface ReviewWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  models: Models;
  /** What the recording activity checks the API's signatures with. */
  signingKeys: SigningKeys;
  /** What payloads to and from Temporal are encrypted with. */
  payloadKeys: PayloadKeys;
  /** How the written record names the review bodies and writes their numbers. */
  offices: ReviewOffices;
  numberFormats: NumberFormats;
  /** A prebuilt workflow bundle (production, tests); without it the worker bundles `workflows/`. */
  workflowBundlePath?: string;
}

export async function createReviewWorker(options: ReviewWorkerOptions): Promise<Worker> {
  const workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({
      models: options.models,
      signingKeys: options.signingKeys,
      offices: options.offices,
      numberFormats: options.numberFormats,
    }),
    dataConverter: encryptingDataConverter(options.payloadKeys),
    shutdownGraceTime: '10 seconds',
    // A workflow task handed to a worker that has died goes back to the shared queue after this.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...workflows,
  });
}
