/**
 * Replays the saved histories (protobuf-encoded) of finished reviews against today's workflow code:
 * a change that makes the workflow non-deterministic fails here.
 *
 * Release 1's engine (`workflows/legacy`, still running reviews started before the upgrade): the
 * files without a prefix, and `before-deadline-timers--*`, recorded before its `deadline-timers`
 * patch. Never refresh them: they are what running reviews replay.
 * The review log's engine (`legalityReview`): `log--*`. Refresh them only for an intended, versioned
 * change with `SAVE_HISTORIES=1 npx jest test/workflow.test.ts test/deadlines.test.ts
 * test/intake-and-record.test.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { encryptingDataConverter, parsePayloadKeys } from '../runtime/payload-codec';
import { TEST_PAYLOAD_KEYS } from './harness';

const dir = join(__dirname, 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.binpb'));

test('when the saved review histories are replayed, none is non-deterministic', async () => {
  expect(files.filter((f) => f.startsWith('log--')).length).toBeGreaterThanOrEqual(7);
  expect(files.length).toBeGreaterThanOrEqual(13);
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
