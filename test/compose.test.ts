/**
 * docker-compose.yml configures the api and worker only through platform/config.ts: every variable it
 * sets is one the schema knows, and each component gets what its start-up mode requires.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../platform/config';
import { TEMPORAL_DYNAMIC_CONFIG } from '../platform/servers';
import { CLUSTER_SHAPE, dynamicConfigFile } from '../platform/temporal-cluster';

interface ComposeService {
  image?: string;
  command?: string[];
  deploy?: { replicas?: number };
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: string[];
  ports?: string[];
  networks?: string[];
}

const compose = parse(readFileSync(path.join(__dirname, '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean } | null>;
};

/** What the operator exports before `docker compose up`; stands in for `${VAR...}` interpolation. */
const HOST_ENV: Record<string, string> = {
  AUTH_JWT_SECRET: 'x'.repeat(32),
  REQUEST_SIGNING_KEYS: `k1:${'y'.repeat(32)}`,
  TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** Resolves `${VAR}`, `${VAR:-default}` and `${VAR:?message}` the way Compose does. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_match, name: string, op?: string, arg?: string) => {
    const set = HOST_ENV[name];
    if (set !== undefined && set !== '') return set;
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`${name} must be set: ${arg}`);
    return '';
  });
}

function environmentOf(service: string): Record<string, string> {
  const raw = compose.services[service]?.environment ?? {};
  const pairs = Array.isArray(raw)
    ? raw.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const)
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)] as const);
  return Object.fromEntries(pairs.map(([key, value]) => [key, interpolate(value)]));
}

const knownVariables = Object.keys(envSchema.shape);

describe('docker-compose.yml', () => {
  it.each(['api', 'worker'])(
    'when the %s service is configured, it sets only variables of platform/config.ts',
    (service) => {
      const names = Object.keys(environmentOf(service));

      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !knownVariables.includes(name))).toEqual([]);
    },
  );

  it('when the api service starts, its environment passes component-mode validation', () => {
    const env = environmentOf('api');

    const config = loadConfig(env, 'component');

    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.mongodbUri).toMatch(/^mongodb:\/\/mongodb:27017\//);
    expect(config.port).toBe(3000);
    expect(compose.services.api.ports).toEqual([`3000-${3000 + CLUSTER_SHAPE.apiProcesses - 1}:3000`]);
  });

  it('when the worker service starts, its environment passes worker-mode validation', () => {
    const config = loadConfig(environmentOf('worker'), 'worker');

    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.mongodbUri).toBe(environmentOf('api').MONGODB_URI);
  });

  it('when AUTH_JWT_SECRET is not exported, compose refuses to start the api', () => {
    const raw = compose.services.api.environment as Record<string, string>;

    expect(raw.AUTH_JWT_SECRET).toMatch(/^\$\{AUTH_JWT_SECRET:\?.+\}$/);
  });

  it('when the stack runs, only the API is published; Temporal and the stores sit on an internal network, the UI on loopback', () => {
    const published = Object.entries(compose.services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(published.map(([name]) => name).sort()).toEqual(['api', 'temporal-ui']);
    expect(compose.services['temporal-ui'].ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.networks.backend?.internal).toBe(true);
    for (const name of ['temporal', 'postgresql', 'mongodb', 'worker']) {
      expect(compose.services[name].networks).toEqual(['backend']);
    }
  });

  it('when it runs, it has the shape of npm run cluster: as many api and worker replicas, the same Temporal release on PostgreSQL', () => {
    expect(compose.services.api.deploy?.replicas).toBe(CLUSTER_SHAPE.apiProcesses);
    expect(compose.services.worker.deploy?.replicas).toBe(CLUSTER_SHAPE.workerProcesses);
    expect(compose.services.temporal.image).toBe(
      `temporalio/auto-setup:${CLUSTER_SHAPE.temporalServerVersion.slice(1)}`,
    );
    expect(environmentOf('temporal')).toMatchObject({
      DB: CLUSTER_SHAPE.temporalSqlPlugin,
      POSTGRES_SEEDS: 'postgresql',
    });
    expect(compose.services.postgresql.image).toMatch(/^postgres:\d+$/);
  });

  it('when it runs, Temporal has the dynamic configuration of npm start and npm run cluster', () => {
    const target = `/etc/temporal/${environmentOf('temporal').DYNAMIC_CONFIG_FILE_PATH}`;
    const mount = compose.services.temporal.volumes?.find((volume) => volume.split(':')[1] === target);
    expect(mount).toBeDefined();
    const file = readFileSync(path.join(__dirname, '..', mount!.split(':')[0]), 'utf8');
    expect(parse(file)).toEqual(parse(dynamicConfigFile(TEMPORAL_DYNAMIC_CONFIG)));
    expect(parse(file)).toHaveProperty(['system.enableActivityEagerExecution', 0, 'value'], true);
  });

  it('when it runs, MongoDB is a replica set that the api and the workers connect to as one', () => {
    const replicaSet = compose.services.mongodb.command?.[compose.services.mongodb.command.indexOf('--replSet') + 1];
    expect(replicaSet).toBe('rs0');
    for (const service of ['api', 'worker']) {
      expect(new URL(environmentOf(service).MONGODB_URI).searchParams.get('replicaSet')).toBe(replicaSet);
    }
  });
});
