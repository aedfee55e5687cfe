/**
 * `npm start`: the embedded default. Starts a Temporal dev server (SQLite file) and the store under
 * DATA_DIR unless TEMPORAL_ADDRESS / MONGODB_URI point elsewhere, then the worker and the API in
 * this process. SIGINT/SIGTERM drain the API and the worker, then stop the servers (which run in
 * process groups of their own, so a signal to this process's group reaches them only through that
 * order); a second signal exits at once. A server that dies is started again (EMBEDDED_RESTARTS).
 */
import path from 'node:path';
import { consoleDir } from '../api/app';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { embeddedSecrets } from '../platform/embedded-secrets';
import { privateDirectory } from '../platform/private-files';
import { parsePayloadKeys } from '../platform/payload-codec';
import { parseSigningKeys } from '../platform/signing';
import { startEmbeddedStore } from '../platform/embedded-store';
import { createLogger, installTemporalRuntime } from '../platform/observability';
import { freePort, type Supervision } from '../platform/processes';
import { provision, startTemporalServer } from '../platform/servers';
import { runServices } from './compose';

/** Things to stop, newest first. */
const stack: { name: string; stop(): Promise<void> }[] = [];

async function stopAll(): Promise<void> {
  while (stack.length > 0) {
    const item = stack.pop()!;
    try {
      await item.stop();
    } catch (err) {
      console.error(`error while stopping ${item.name}:`, err);
    }
  }
}

async function shutdown(): Promise<never> {
  await stopAll();
  process.exit(0);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env, 'embedded');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

/**
 * A Ctrl-C reaches this process twice: from the terminal and relayed by the tsx wrapper. Signals
 * this close together are one press.
 */
const SAME_PRESS_MS = 1_500;

async function main(): Promise<void> {
  const config = readConfig();
  for (const warning of config.calendarWarnings) console.warn(`warning: ${warning}`);
  const { env } = config;
  const dataDir = path.resolve(env.DATA_DIR);
  const logger = createLogger(env.LOG_LEVEL);
  // Before anything touches Temporal's native runtime (the dev server, the worker).
  const workerMetricsPort = await freePort();
  installTemporalRuntime(logger, `127.0.0.1:${workerMetricsPort}`);

  // A signal during start-up is acted on once the step under way has finished, so that what it
  // started is on the stack and gets stopped too.
  let starting = true;
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_PRESS_MS) return;
      console.error(`${signal} again: exiting without a clean shutdown`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.error(`${signal}: stopping (press Ctrl-C again to exit at once)`);
    if (!starting) void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Temporal's file, the store and the generated keys are this user's alone (platform/private-files.ts).
  await privateDirectory(dataDir);
  if (!config.signingKeys || !config.payloadKeys || !config.codecAuthToken || !config.auditKeys) {
    const secrets = await embeddedSecrets(dataDir);
    config.signingKeys ??= parseSigningKeys(secrets.requestSigningKeys);
    config.payloadKeys ??= parsePayloadKeys(secrets.temporalPayloadKeys);
    config.codecAuthToken ??= secrets.codecAuthToken;
    config.auditKeys ??= parseSigningKeys(secrets.auditKeys);
  }

  // A server that dies is started again, within bounds; past them everything stops, exit code 1.
  const supervise: Supervision = {
    maxRestarts: env.EMBEDDED_RESTARTS,
    windowMs: 10 * 60_000,
    log: (line) => logger.warn(line),
    giveUp: (reason) => {
      logger.error(`${reason}: stopping everything`);
      void stopAll().then(() => process.exit(1));
    },
  };

  const needTemporal = config.temporal.address === undefined;
  const needMongo = config.mongodbUri === undefined;
  const binaries = needTemporal || needMongo ? await provision() : undefined;

  let temporalAddress = config.temporal.address;
  let temporalUi: string | undefined;
  if (temporalAddress === undefined) {
    const temporal = await startTemporalServer({
      binaryPath: binaries!.temporal,
      // Port 0 in the environment means "any free port".
      port: env.EMBEDDED_TEMPORAL_PORT || undefined,
      ui: true,
      uiPort: env.EMBEDDED_TEMPORAL_UI_PORT || (await freePort()),
      dbFilename: path.join(dataDir, 'temporal.sqlite'),
      namespace: config.temporal.namespace,
      supervise,
      // The UI shows encrypted payloads through the API's codec endpoint (loopback, with its credential).
      ...(config.port !== 0 && { uiCodecEndpoint: `http://127.0.0.1:${config.port}/codec` }),
    });
    stack.push({ name: 'the Temporal server', stop: () => temporal.stop() });
    temporalAddress = temporal.address;
    temporalUi = temporal.uiAddress;
  }
  if (stoppingSince !== undefined) return shutdown();

  let mongodbUri = config.mongodbUri;
  let clusterElsewhere: string | undefined;
  if (mongodbUri === undefined) {
    await privateDirectory(path.join(dataDir, 'store'));
    const store = await startEmbeddedStore({
      ferretdbPath: binaries!.ferretdb,
      dataDir: path.join(dataDir, 'store'),
      port: env.EMBEDDED_MONGODB_PORT || undefined,
      supervise,
    });
    stack.push({ name: 'the store (FerretDB on PostgreSQL)', stop: () => store.stop() });
    mongodbUri = `${store.uri}/legality-review`;
    if (!store.clusterDir.startsWith(dataDir + path.sep)) clusterElsewhere = store.clusterDir;
  }
  if (stoppingSince !== undefined) return shutdown();

  const services = await runServices(
    config,
    { temporalAddress, mongodbUri },
    { logger, temporalUiOrigin: temporalUi, workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics` },
  );
  stack.push({ name: 'the worker and the API', stop: () => services.stop() });
  if (stoppingSince !== undefined) return shutdown();

  const lines = [
    `Console:           ${services.apiUrl.replace(/\/$/, '')}/${consoleDir() ? '' : ' (not built: run npm run web:build)'}`,
    `API:               ${services.apiUrl}`,
    `Temporal UI:       ${temporalUi ?? '(not started: TEMPORAL_ADDRESS is set)'}`,
    ...(temporalUi && config.port !== 0
      ? [
          `Codec endpoint:    ${services.apiUrl.replace(/\/$/, '')}/codec/ (docs/security.md), its credential in`,
          `                   ${env.CODEC_AUTH_TOKEN ? 'CODEC_AUTH_TOKEN' : `${path.join(dataDir, 'secrets.json')} (codecAuthToken)`}`,
        ]
      : []),
    `Temporal frontend: ${temporalAddress} (namespace ${config.temporal.namespace})`,
    `MongoDB:           ${mongodbUri}`,
    `Data directory:    ${binaries ? dataDir : '(unused: external servers)'}`,
  ];
  if (clusterElsewhere !== undefined) {
    lines.push(
      `Store cluster:     ${clusterElsewhere} (linked from the data directory, which the postgres user`,
      '                   cannot enter: back both up)',
    );
  }
  if (env.AUTH_JWT_SECRET === undefined) {
    lines.push(
      'Auth:              AUTH_JWT_SECRET is unset, using the documented development secret (never in production);',
      '                   the console offers a development sign-in with demo users',
    );
  }
  console.log(`\n${lines.join('\n')}\n\nCtrl-C stops everything.`);
  starting = false;
}

main().catch(async (err: unknown) => {
  console.error('npm start failed:', err);
  await stopAll();
  process.exit(1);
});
