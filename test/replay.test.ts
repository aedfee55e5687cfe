/**
 * Replays the saved histories (protobuf-encoded) of finished reviews against today's workflow code:
 * a change that makes the workflow non-deterministic fails here.
 *
 * Each file is a history of the review workflow (`legalityReview`), named for the path it took.
 * Never refresh one that running reviews may replay; add new ones as paths are added, with `SAVE_HISTORIES=1 npx jest test/workflow.test.ts test/deadlines.test.ts
 * test/intake-and-record.test.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { encryptingDataConverter, parsePayloadKeys } from '../platform/payload-codec';
import { TEST_PAYLOAD_KEYS } from './harness';

const dir = join(__dirname, 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));

test('when the saved review histories are replayed, none is non-deterministic', async () => {
  expect(files.length).toBeGreaterThanOrEqual(8);
  const histories = files.map((f) => ({
    workflowId: basename(f, '.binpb'),
    history: temporal.api.history.v1.History.decode(readFileSync(join(dir, f))),
  }));
  const bundlePath = process.env.TEST_WORKFLOW_BUNDLE;
  const source = bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: require.resolve('../workflows') };
  const failures: string[] = [];
  let replayed = 0;
  // The histories recorded since payloads are encrypted need the key they were written with.
  const dataConverter = encryptingDataConverter(parsePayloadKeys(TEST_PAYLOAD_KEYS));
  for await (const result of Worker.runReplayHistories({ ...source, dataConverter }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});
