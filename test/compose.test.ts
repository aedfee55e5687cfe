/**
 * docker-compose.yml configures the api and worker only through platform/config.ts: every variable it
 * sets is one the schema knows, and each component gets what its start-up mode requires.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../platform/config';

interface ComposeService {
  environment?: Record<string, string | number | boolean | null> | string[];
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
});
