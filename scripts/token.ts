/**
 * `npm run token -- --sub u1 --region beijing --roles drafter --org 北京市交通委员会 [--name 张三] [--ttl 8h]`
 * prints a bearer token signed with AUTH_JWT_SECRET, or the documented development secret when unset.
 */
import { parseArgs } from 'node:util';
import { claimsSchema, signToken } from '../api/auth';
import { ConfigError, loadConfig, parseDuration } from '../platform/config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      region: { type: 'string' },
      roles: { type: 'string' },
      org: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
    strict: true,
  });
  const config = loadConfig(process.env, 'embedded');
  const claims = claimsSchema.omit({ exp: true }).safeParse({
    sub: values.sub,
    name: values.name,
    region: values.region,
    roles: values.roles
      ?.split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    org: values.org,
  });
  if (!claims.success) {
    const lines = claims.error.issues.map(
      (i) => `  --${i.path[0] === undefined ? '' : String(i.path[0])}: ${i.message}`,
    );
    throw new ConfigError(
      `invalid token claims:\n${lines.join('\n')}\nusage: npm run token -- --sub u1 --region beijing --roles drafter --org 北京市交通委员会 [--name 张三] [--ttl 8h]`,
    );
  }
  const ttlMs = /^\d+$/.test(values.ttl) ? Number(values.ttl) * 1000 : parseDuration(values.ttl);
  if (ttlMs === undefined) throw new ConfigError(`--ttl: ${values.ttl} is not a duration such as 8h or 30m`);
  if (ttlMs > config.auth.maxTokenAgeMs) {
    throw new ConfigError(
      `--ttl: the API accepts tokens that live at most AUTH_MAX_TOKEN_AGE (${config.env.AUTH_MAX_TOKEN_AGE})`,
    );
  }
  process.stdout.write(`${await signToken(claims.data, config.auth, Math.floor(ttlMs / 1000))}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
