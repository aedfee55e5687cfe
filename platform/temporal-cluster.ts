/**
 * Temporal as production runs it, on one machine (`npm run cluster`): Temporal's own server
 * (`temporal-server`, not the CLI's development server) with its frontend, history, matching and
 * worker services, on PostgreSQL with SQL visibility. The PostgreSQL is an embedded one of its own
 * (platform/embedded-store.ts), with the `temporal` and `temporal_visibility` databases whose schemas
 * `temporal-sql-tool` applies from the server module's files. Binaries and schema files come from
 * `scripts/provision.sh --cluster`.
 *
 * Under its directory: `postgres/` and `store-password` (the cluster), `config/cluster.yaml` (the
 * server's configuration, 0600: it holds the password), `dynamic-config.yaml`, `temporal.log`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { startPostgres, type RunningPostgres } from './embedded-store';
import {
  assertPortFree,
  freePort,
  keepRunning,
  spawnServer,
  waitUntilReady,
  type ServerProcess,
  type Supervision,
} from './processes';
import { TEMPORAL_DYNAMIC_CONFIG } from './servers';

const REPO_ROOT = path.resolve(__dirname, '..');
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';

/** What `npm run cluster` runs; docker-compose.yml mirrors it (test/compose.test.ts checks that). */
export const CLUSTER_SHAPE = {
  apiProcesses: 2,
  workerProcesses: 2,
  temporalServerVersion: TEMPORAL_SERVER_VERSION,
  /** Temporal's SQL plugin: PostgreSQL 12 or newer, for the history and for visibility. */
  temporalSqlPlugin: 'postgres12',
} as const;

export interface TemporalClusterBinaries {
  server: string;
  sqlTool: string;
  /** `.../postgresql/v12`: its `temporal/` and `visibility/` schema directories. */
  schemaDir: string;
}

/** Where `scripts/provision.sh --cluster` leaves them. */
export function temporalClusterBinaries(): TemporalClusterBinaries {
  const tools = path.join(REPO_ROOT, '.tools');
  return {
    server: path.join(tools, 'bin', 'temporal-server'),
    sqlTool: path.join(tools, 'bin', 'temporal-sql-tool'),
    schemaDir: path.join(tools, 'share', `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'postgresql', 'v12'),
  };
}

export interface TemporalClusterOptions {
  binaries: TemporalClusterBinaries;
  /** Its PostgreSQL cluster, configuration and log (created when missing). */
  dataDir: string;
  /** Frontend gRPC port; a free one when omitted. */
  port?: number;
  namespace: string;
  /** Its processes in groups of their own, the server started again when it dies. */
  supervise?: Supervision;
  startTimeoutMs?: number;
}

export interface TemporalCluster {
  /** host:port of the frontend gRPC service. */
  address: string;
  /** The services and the ports they listen on (gRPC / membership). */
  services: Record<string, string>;
  pids(): { server: number | undefined; postgres: number | undefined };
  logFile: string;
  stop(): Promise<void>;
}

const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
const DATABASES = { temporal: 'temporal', temporal_visibility: 'visibility' } as const;
/** Retention of closed workflows in the namespace (Temporal's default for a new one). */
const RETENTION = '3 days';

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const { binaries, namespace, startTimeoutMs = 120_000 } = options;
  const dataDir = path.resolve(options.dataDir);
  const ownProcessGroup = options.supervise !== undefined;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let postgres = await startPostgres({ dataDir, durable: true, timeoutMs: startTimeoutMs, ownProcessGroup });
  const stopPostgres = () => postgres.process.stop('SIGINT');
  let server: ServerProcess | undefined;
  let stopping = false;
  try {
    const password = await readFile(postgres.passwordFile, 'utf8');
    await applySchemas(binaries, dataDir, postgres, password);

    const host = '127.0.0.1';
    const frontendPort = options.port ?? (await freePort(host));
    const ports: Record<string, { grpc: number; membership: number }> = {};
    for (const service of SERVICES) {
      ports[service] = {
        grpc: service === 'frontend' ? frontendPort : await freePort(host),
        membership: await freeMembershipPort(host),
      };
    }
    const address = `${host}:${frontendPort}`;
    const logFile = path.join(dataDir, 'temporal.log');
    await writeConfig(dataDir, { address, ports, postgresPort: postgres.port, password, logFile });

    const args = ['--root', dataDir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'];
    for (const service of SERVICES) args.push('--service', service);
    const start = async () => {
      const started = spawnServer(binaries.server, args, { ownProcessGroup, cwd: dataDir });
      try {
        await waitUntilReady('the Temporal server', started, () => frontendAnswers(address), startTimeoutMs);
      } catch (err) {
        await started.stop();
        throw new Error(`${String(err)}\n(its log: ${logFile})`);
      }
      return started;
    };
    server = await start();
    await ensureNamespace(address, namespace, startTimeoutMs);

    if (options.supervise) {
      keepRunning(
        'PostgreSQL (Temporal)',
        () => postgres.process,
        async () => {
          postgres = await startPostgres({
            dataDir,
            durable: true,
            timeoutMs: startTimeoutMs,
            ownProcessGroup,
            port: postgres.port,
          });
        },
        () => stopping,
        options.supervise,
      );
      keepRunning(
        'the Temporal server',
        () => server!,
        async () => {
          server = await start();
        },
        () => stopping,
        options.supervise,
      );
    }
    return {
      address,
      services: Object.fromEntries(
        SERVICES.map((s) => [s, `${host}:${ports[s].grpc} (membership ${ports[s].membership})`]),
      ),
      pids: () => ({ server: server?.pid, postgres: postgres.process.pid }),
      logFile,
      async stop() {
        stopping = true;
        await server?.stop();
        await stopPostgres();
      },
    };
  } catch (err) {
    stopping = true;
    await server?.stop();
    await stopPostgres();
    throw err;
  }
}

/**
 * Creates the two databases and sets their schemas up on first use (a marker file per database
 * once done), then brings them to the release's version (a no-op when they are there already).
 */
async function applySchemas(
  binaries: TemporalClusterBinaries,
  dataDir: string,
  postgres: RunningPostgres,
  password: string,
): Promise<void> {
  // The password in the environment, never on the command line (`ps` shows that to every user).
  const env = {
    PATH: process.env.PATH,
    SQL_PLUGIN: CLUSTER_SHAPE.temporalSqlPlugin,
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(postgres.port),
    SQL_USER: 'postgres',
    SQL_PASSWORD: password,
  };
  for (const [database, schema] of Object.entries(DATABASES)) {
    const marker = path.join(dataDir, `schema-${database}.done`);
    const tool = (...args: string[]) => run(binaries.sqlTool, ['--db', database, ...args], env);
    if (!existsSync(marker)) {
      const created = await tool('create-database').catch((err: Error) => err);
      // A run cut short after creating it leaves it there: that is fine, its schema is set up next.
      if (created instanceof Error && !/already exists/.test(created.message)) throw created;
      await tool('setup-schema', '-v', '0.0');
      await writeFile(marker, `${new Date().toISOString()}\n`);
    }
    await tool('update-schema', '-d', path.join(binaries.schemaDir, schema, 'versioned'));
  }
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (code ${code}):\n${output.trim()}`);
}

async function writeConfig(
  dataDir: string,
  settings: {
    address: string;
    ports: Record<string, { grpc: number; membership: number }>;
    postgresPort: number;
    password: string;
    logFile: string;
  },
): Promise<void> {
  const configDir = path.join(dataDir, 'config');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const datastore = (database: string, maxConns: number) => ({
    sql: {
      pluginName: CLUSTER_SHAPE.temporalSqlPlugin,
      databaseName: database,
      connectAddr: `127.0.0.1:${settings.postgresPort}`,
      connectProtocol: 'tcp',
      user: 'postgres',
      password: settings.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const dynamicConfig = path.join(dataDir, 'dynamic-config.yaml');
  // JSON is YAML: the server reads this file as its configuration.
  const config = {
    log: { stdout: false, level: 'warn', outputFile: settings.logFile },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: { default: datastore('temporal', 20), visibility: datastore('temporal_visibility', 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      Object.entries(settings.ports).map(([service, { grpc, membership }]) => [
        service,
        { rpc: { grpcPort: grpc, membershipPort: membership, bindOnLocalHost: true } },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: settings.address },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The worker service (system workflows) reaches the frontend here.
    publicClient: { hostPort: settings.address },
    dynamicConfigClient: { filepath: dynamicConfig, pollInterval: '10s' },
  };
  await writeFile(path.join(configDir, 'cluster.yaml'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The file is where an operator tunes the cluster: written when missing, or when it still holds the
  // empty default that earlier releases wrote.
  const current = existsSync(dynamicConfig) ? (await readFile(dynamicConfig, 'utf8')).trim() : undefined;
  if (current === undefined || current === '{}') {
    await writeFile(dynamicConfig, dynamicConfigFile(TEMPORAL_DYNAMIC_CONFIG), { mode: 0o600 });
  }
}

/** Temporal's dynamic configuration file (YAML; JSON is YAML): each key's value for every namespace and queue. */
export function dynamicConfigFile(values: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(values).map(([key, value]) => [key, [{ value }]]);
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

/**
 * A free port below 32768: Temporal stores each member's membership port in a PostgreSQL smallint,
 * and the kernel's free ports (the ephemeral range) lie above it.
 */
async function freeMembershipPort(host: string): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (
      await assertPortFree('', host, port).then(
        () => true,
        () => false,
      )
    )
      return port;
  }
}

/** Resolves once a Temporal frontend at `address` answers a call. */
async function frontendAnswers(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

/** Registers the namespace when it is new, and waits until the frontend serves it. */
async function ensureNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const service = connection.workflowService;
    const exists = await service.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await service
        .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) })
        .catch((err: { code?: number }) => {
          if (err.code !== 6) throw err; // ALREADY_EXISTS: another start registered it first
        });
    }
    // A new namespace reaches the services' caches within their refresh interval (2 s).
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await service.listWorkflowExecutions({ namespace, pageSize: 1 });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} not served: ${String(err)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close();
  }
}
