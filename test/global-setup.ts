/**
 * Starts the servers once for the whole run and hands their addresses to the test files through
 * the environment (Jest forks the test workers afterwards, so they inherit it):
 *   TEST_TEMPORAL_ADDRESS  host:port of a Temporal dev server (in memory, namespace `default`)
 *   TEST_MONGODB_URI       mongodb://host:port of the embedded store (FerretDB on PostgreSQL), without a database name
 *   TEST_WORKFLOW_BUNDLE   path of the workflow code, bundled once for every worker of the run
 * A run started by a test of another run (test/console-api.test.ts) finds them set and uses that
 * run's servers.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision, startTemporalServer } from '../platform/servers';
import { HANDLE_KEY, type TestServersHandle } from './global-teardown';

export default async function globalSetup(): Promise<void> {
  const { TEST_TEMPORAL_ADDRESS, TEST_MONGODB_URI, TEST_WORKFLOW_BUNDLE } = process.env;
  if (TEST_TEMPORAL_ADDRESS && TEST_MONGODB_URI && TEST_WORKFLOW_BUNDLE) return;
  const binaries = await provision();
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-test-'));
  // Run as root, PostgreSQL runs as the postgres user, which must be able to reach its directory.
  await chmod(tempDir, 0o755);
  const [temporal, store, bundle, web] = await Promise.allSettled([
    startTemporalServer({ binaryPath: binaries.temporal }),
    startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(tempDir, 'store'), durable: false }),
    bundleWorkflows(tempDir),
    buildConsole(),
  ]);
  const handle: TestServersHandle = {
    async stop() {
      await Promise.allSettled([
        temporal.status === 'fulfilled' ? temporal.value.stop() : undefined,
        store.status === 'fulfilled' ? store.value.stop() : undefined,
      ]);
      await rm(tempDir, { recursive: true, force: true });
    },
  };
  if (
    temporal.status === 'rejected' ||
    store.status === 'rejected' ||
    bundle.status === 'rejected' ||
    web.status === 'rejected'
  ) {
    // Jest skips globalTeardown when globalSetup fails.
    await handle.stop();
    const failed = [temporal, store, bundle, web].find((r) => r.status === 'rejected');
    throw failed?.reason;
  }
  (globalThis as Record<string, unknown>)[HANDLE_KEY] = handle;
  process.env.TEST_TEMPORAL_ADDRESS = temporal.value.address;
  process.env.TEST_MONGODB_URI = store.value.uri;
  process.env.TEST_WORKFLOW_BUNDLE = bundle.value;
}

/**
 * Builds the console (web/dist) when it is missing or older than its sources, as `npm start` does,
 * so that the tests that load it in a browser see the code under test. In a child process: the
 * build takes a while and the servers start meanwhile.
 */
function buildConsole(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(__dirname, '..', 'scripts', 'build-console.js')],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => (err ? reject(new Error(`the console build failed: ${stderr}`)) : resolve()),
    );
    child.stdin?.end();
  });
}

/** Bundles `workflows/` once (webpack is slow) and writes the code where workers can load it. */
async function bundleWorkflows(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const file = path.join(dir, 'workflow-bundle.js');
  await writeFile(file, code);
  return file;
}
