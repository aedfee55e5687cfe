/**
 * `npm run worker` as a process: it keeps polling until SIGTERM, runs reviews meanwhile, and then
 * exits cleanly.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { DEFAULT_POLICY } from '../domain/clock';
import { REVIEW_WORKFLOW_TYPE, reviewWorkflowId, type ReviewInput } from '../domain/messages';
import { openConnections, type Connections } from '../bin/connections';
import { parsePayloadKeys } from '../platform/payload-codec';
import { parseSigningKeys, signRequest } from '../platform/signing';
import { TEST_PAYLOAD_KEYS, TEST_SIGNING_KEYS, eventually } from './harness';

let connections: Connections;
const database = `w_${randomUUID().slice(0, 8)}`;
const taskQueue = `worker-process-${database}`;

beforeAll(async () => {
  connections = await openConnections({
    temporalAddress: process.env.TEST_TEMPORAL_ADDRESS as string,
    mongodbUri: `${process.env.TEST_MONGODB_URI as string}/${database}`,
    namespace: 'default',
    payloadKeys: parsePayloadKeys(TEST_PAYLOAD_KEYS),
  });
});
afterAll(async () => {
  await connections?.mongo.dropDatabase().catch(() => undefined);
  await connections?.close();
});

test('when the worker process runs, it serves reviews until SIGTERM and then exits with 0', async () => {
  const root = path.join(__dirname, '..');
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bin/worker.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
      MONGODB_URI: `${process.env.TEST_MONGODB_URI as string}/${database}`,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
      REQUEST_SIGNING_KEYS: TEST_SIGNING_KEYS,
      TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    await eventually(
      () => Promise.resolve(output.includes('worker polling') ? true : undefined),
      'the worker to poll',
      30_000,
    );

    const documentId = randomUUID();
    const input: ReviewInput = {
      reviewId: reviewWorkflowId(documentId, 1),
      documentId,
      originRegion: 'tianjin',
      org: '天津市发展和改革委员会',
      drafter: { sub: 'd' },
      version: 1,
      articleNumbers: ['1'],
      urgent: false,
      submittedAt: new Date().toISOString(),
      policy: DEFAULT_POLICY,
      timeModel: {},
    };
    const signed = signRequest(parseSigningKeys(TEST_SIGNING_KEYS), 'start', input.reviewId, input);
    await connections.client.workflow.start(REVIEW_WORKFLOW_TYPE, {
      workflowId: input.reviewId,
      taskQueue,
      args: [signed],
    });
    const task = await eventually(
      async () => (await connections.models.Task.findOne({ reviewId: input.reviewId }).lean()) ?? undefined,
      'the worker to store the first task',
    );
    expect(task).toMatchObject({ kind: 'intake', region: 'tianjin', status: 'open' });
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await exited;
  expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
});
