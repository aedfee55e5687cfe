/**
 * Configuration: one zod schema over the environment, parsed once at start-up. A bad value stops
 * the process with a message that names the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_AFTER_REVIEW_LIMITS, type AfterReviewLimits } from '../domain/after-review';
import { DEFAULT_POLICY, calendarReadiness, type ReviewPolicy, type TimeModel } from '../domain/clock';
import { DEFAULT_TASK_QUEUE } from '../domain/messages';
import { REGIONS, type Region } from '../domain/model';
import { DEFAULT_NUMBER_FORMATS, DEFAULT_OFFICES, type NumberFormats, type ReviewOffices } from '../domain/offices';
import { parsePayloadKeys, type PayloadKeys } from './payload-codec';
import { parseSigningKeys, type SigningKeys } from './signing';

/** Published in docs/operations.md: `npm start` signs and checks tokens with it when AUTH_JWT_SECRET is unset. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me-0123456789';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `500ms`, `2s`, `1.5m`, `1h` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms > 0 ? ms : undefined;
}

const port = z.coerce.number().int().min(0).max(65535);
const workingDays = z.coerce.number().int().min(1).max(60);
const calendarDays = z.coerce.number().int().min(1).max(365);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Whether `text` is a real calendar date `YYYY-MM-DD` (2027-02-30 is not). */
function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** A duration such as 30s, 12h or 500ms. */
function duration(fallback: string) {
  return z
    .string()
    .default(fallback)
    .refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 30s, 5m or 12h');
}

const numberTemplate = z.string().refine((v) => v.includes('{n}'), 'must contain {n}');
const reviewOffice = z.strictObject({
  name: z.string().min(1),
  abbreviation: z.string().min(1),
  phone: z.string().min(1).optional(),
});

/** A JSON value in a variable, checked with `schema`. */
function jsonOf<S extends z.ZodType>(schema: S) {
  return optionalText.transform((v, ctx): z.output<S> | undefined => {
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      ctx.addIssue({
        code: 'custom',
        message: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
      return z.NEVER;
    }
    return result.data;
  });
}

/** A list of keys in a variable, checked by the parser that will read it. */
function keyList(parser: (text: string) => unknown) {
  return optionalText.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parser(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

/** Every environment variable the processes read. docker-compose.yml sets a subset of these. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  /** The address the API listens on: `npm start` 127.0.0.1, `npm run api` every interface. */
  HOST: optionalText,
  DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  /**
   * TLS to Temporal's frontend: PEM files of this process's client certificate and key (mutual
   * TLS, both or neither), of the CA that signed the server's certificate (unset: the system's),
   * and the name its certificate carries when it differs from the address's host.
   */
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_CA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  MONGODB_URI: optionalText.refine(
    (v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v),
    'must be a mongodb:// or mongodb+srv:// URI',
  ),
  AUTH_JWT_SECRET: optionalText.refine(
    (v) => v === undefined || Buffer.byteLength(v) >= 32,
    'must be at least 32 bytes',
  ),
  AUTH_JWT_ISSUER: optionalText,
  /** An identity provider's JWKS: RS256/ES256 tokens it signs are accepted too. */
  AUTH_JWKS_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  /** The longest a token may live, and the oldest it may be. */
  AUTH_MAX_TOKEN_AGE: duration('12h'),
  /** How far the clocks of the token's issuer and of the API may disagree. */
  AUTH_CLOCK_TOLERANCE: duration('5s'),
  /**
   * `id:secret[,id:secret…]`: the keys the API signs requests to the workflows with and the worker
   * checks them with (the first signs). `npm start` generates one under DATA_DIR when unset.
   */
  REQUEST_SIGNING_KEYS: keyList(parseSigningKeys),
  /**
   * `id:secret[,id:secret…]`: the keys each review's seal and each checkpoint are signed with
   * (HMAC-SHA256; the first signs, all verify). Keep them out of the store: whoever holds them could
   * sign a rewritten record. `npm start` generates one under DATA_DIR when unset.
   */
  AUDIT_KEYS: keyList(parseSigningKeys),
  /** How long a request the API signs for a workflow stays good (a captured one is refused after). */
  REQUEST_TTL: duration('5m'),
  /** How often a signed checkpoint of every review's head is made. */
  CHECKPOINT_INTERVAL: duration('1h'),
  /** How many leaves (reviews' heads) a checkpoint stores a document: a store document holds at most 16 MB. */
  CHECKPOINT_CHUNK_LEAVES: z.coerce.number().int().min(1).max(50_000).default(10_000),
  /** How many running reviews a calendar re-dating job reads and re-dates per page (a page is one activity). */
  CALENDAR_REDATING_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** How long `PUT /v1/calendar/:year` waits for its re-dating job before answering with its progress. */
  CALENDAR_REDATING_WAIT: duration('15s'),
  /** How often the record keeper compares open reviews with their workflows (a terminated run is closed on the record). */
  RECONCILE_INTERVAL: duration('30s'),
  /**
   * `id:base64key[,id:base64key…]`: the AES-256 keys that encrypt every payload sent to Temporal
   * (the first encrypts; all decrypt). `npm start` generates one under DATA_DIR when unset.
   */
  TEMPORAL_PAYLOAD_KEYS: keyList(parsePayloadKeys),
  AUTH_JWT_AUDIENCE: optionalText,
  /**
   * The credential of the codec endpoint (`/codec`, `npm run codec-server`), which hands out
   * plaintext: at least 32 bytes. `npm start` generates one under DATA_DIR when unset.
   */
  CODEC_AUTH_TOKEN: optionalText.refine(
    (v) => v === undefined || Buffer.byteLength(v) >= 32,
    'must be at least 32 bytes',
  ),
  WORKING_DAY_DURATION: optionalText.refine(
    (v) => v === undefined || parseDuration(v) !== undefined,
    'must be a duration such as 2s, 500ms or 1m',
  ),
  /**
   * A simulated calendar date (`YYYY-MM-DD`, CST) the engine's clock starts from: time is compressed
   * (one day, working or not, lasts WORKING_DAY_DURATION, default 24h) and follows the working-day
   * calendar, holidays and loaded years included. For demos and tests.
   */
  SIMULATED_DATE: optionalText.refine(
    (v) => v === undefined || isCalendarDate(v),
    'must be a calendar date such as 2027-02-08',
  ),
  /**
   * The real instant (ISO 8601) at which the simulated clock reads 00:00 of SIMULATED_DATE; unset:
   * when the process started. Give every process (and a restart) the same one to share one clock.
   */
  SIMULATED_SINCE: optionalText.refine(
    (v) => v === undefined || (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))),
    'must be an instant such as 2026-12-06T08:00:00Z',
  ),
  REVIEW_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.reviewWorkingDays),
  CONSULTATION_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.consultationWorkingDays),
  URGENT_CONSULTATION_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.urgentConsultationWorkingDays),
  CONSOLIDATION_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.consolidationWorkingDays),
  SIGNOFF_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.signoffWorkingDays),
  /** The whole review's limit for drafts marked urgent; unset: as REVIEW_WORKING_DAYS. */
  URGENT_REVIEW_WORKING_DAYS: workingDays.optional(),
  MAX_EXTENSION_WORKING_DAYS: workingDays.default(DEFAULT_POLICY.maxExtensionWorkingDays ?? 15),
  /** After the review (docs/after-review.md): compressed calendar days for demos and tests. */
  CALENDAR_DAY_DURATION: optionalText.refine(
    (v) => v === undefined || parseDuration(v) !== undefined,
    'must be a duration such as 2s, 500ms or 1m',
  ),
  /** JSON: calendar days to file an issued document in, per region, e.g. {"hebei":15}; unset regions keep theirs. */
  FILING_DAYS: jsonOf(z.strictObject(Object.fromEntries(REGIONS.map((r) => [r, calendarDays.optional()])))),
  FILING_REVIEW_DAYS: calendarDays.default(DEFAULT_AFTER_REVIEW_LIMITS.filingReviewDays),
  FILING_SUPPLEMENT_DAYS: calendarDays.default(DEFAULT_AFTER_REVIEW_LIMITS.supplementDays),
  CORRECTION_REPORT_DAYS: calendarDays.default(DEFAULT_AFTER_REVIEW_LIMITS.correctionReportDays),
  SUGGESTION_REPLY_DAYS: calendarDays.default(DEFAULT_AFTER_REVIEW_LIMITS.suggestionReplyDays),
  VALIDITY_REMINDER_MONTHS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24)
    .default(DEFAULT_AFTER_REVIEW_LIMITS.validityReminderMonths),
  /** Review suggestions the public may send from one address per minute (POST /v1/public/suggestions). */
  PUBLIC_SUGGESTIONS_PER_MINUTE: z.coerce.number().int().min(1).default(5),
  /** The exchange (domain/exchange.ts): working days for a region to answer a topic, for a signer to adopt a guideline. */
  TOPIC_ANSWER_WORKING_DAYS: workingDays.default(5),
  GUIDELINE_ADOPTION_WORKING_DAYS: workingDays.default(10),
  /**
   * JSON: the review body of each region as the record names it, with the telephone its records
   * give for contact (optional), e.g. {"beijing":{"name":"北京市司法局","abbreviation":"京","phone":"…"},…};
   * unset: the three justice bureaus, without telephones.
   */
  REVIEW_OFFICES: jsonOf(
    z.strictObject(Object.fromEntries(REGIONS.map((r) => [r, reviewOffice])) as Record<Region, typeof reviewOffice>),
  ),
  /** JSON: the form of each number series, e.g. {"opinion":"{abbr}司审〔{year}〕{n}号",…}. */
  NUMBER_FORMATS: jsonOf(
    z.strictObject({
      registration: numberTemplate,
      revision: numberTemplate,
      opinion: numberTemplate,
    }),
  ),
  /** How long the API waits for the workflow to accept and store a decision before answering 503. */
  DECISION_TIMEOUT: duration('30s'),
  /** How long any other request may take before it is answered 503 (a store that does not answer). */
  READ_TIMEOUT: duration('5s'),
  /** How long an attachment's upload may take (a slow link) before it is answered 503 and its connection closed. */
  UPLOAD_TIMEOUT: duration('120s'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** `/metrics` answers loopback callers only unless this is true (put it behind the scraper's network). */
  METRICS_PUBLIC: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Whether the assistive-review flags of a version are computed when it is stored (true), or
   * only on its first read (false: the read that needs them pays for the check instead).
   */
  ASSIST_FLAGS_ON_WRITE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Where a worker process's Temporal Core serves its metrics (host:port); unset: not served. */
  WORKER_METRICS_ADDRESS: optionalText,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** A workflow bundle built by `npm run build:workflows`; without it the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: optionalText,
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 1mb')
    .default('1mb'),
  /** Ports of the servers that `npm start` runs itself. */
  EMBEDDED_TEMPORAL_PORT: port.default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port.default(8233),
  EMBEDDED_MONGODB_PORT: port.default(27017),
  /**
   * How many times `npm start` starts an embedded server (Temporal, PostgreSQL, FerretDB) again
   * within ten minutes after it died; one more death and `npm start` stops and exits non-zero, so
   * that a process manager can react. 0: exit at the first death.
   */
  EMBEDDED_RESTARTS: z.coerce.number().int().min(0).max(100).default(3),
  /** How many worker processes `npm run cluster` runs (its shape has two; the bench compares one). */
  CLUSTER_WORKERS: z.coerce.number().int().min(1).max(8).default(2),
});

export type Env = z.infer<typeof envSchema>;

/** Where the PEM files for TLS to Temporal are (platform/temporal.ts reads them). */
export interface TemporalTlsFiles {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
}

/** TLS to Temporal when any of its variables is set; a certificate without its key is refused. */
function temporalTlsFilesOf(env: Env): TemporalTlsFiles | undefined {
  const { TEMPORAL_TLS_CERT: certPath, TEMPORAL_TLS_KEY: keyPath } = env;
  const { TEMPORAL_TLS_CA: caPath, TEMPORAL_TLS_SERVER_NAME: serverName } = env;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ConfigError(
      'invalid configuration:\n  TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: set both (mutual TLS) or neither',
    );
  }
  if ([certPath, keyPath, caPath, serverName].every((v) => v === undefined)) return undefined;
  return {
    ...(certPath !== undefined && { certPath }),
    ...(keyPath !== undefined && { keyPath }),
    ...(caPath !== undefined && { caPath }),
    ...(serverName !== undefined && { serverName }),
  };
}

export interface Config {
  env: Env;
  port: number;
  host: string;
  temporal: { address?: string; namespace: string; taskQueue: string; tls?: TemporalTlsFiles };
  mongodbUri?: string;
  auth: {
    /** HS256; unset only when tokens come from an identity provider alone. */
    secret?: string;
    issuer?: string;
    audience?: string;
    jwksUrl?: string;
    maxTokenAgeMs: number;
    clockToleranceMs: number;
  };
  /** Unset only in embedded mode before `npm start` has loaded the keys it keeps under DATA_DIR. */
  signingKeys?: SigningKeys;
  /** As `signingKeys`. */
  payloadKeys?: PayloadKeys;
  /** What seals and checkpoints are signed with (AUDIT_KEYS); as `signingKeys`. */
  auditKeys?: SigningKeys;
  requestTtlMs: number;
  checkpointIntervalMs: number;
  checkpointChunkLeaves: number;
  /** Calendar re-dating jobs: reviews per page, and how long the loading request waits for its job. */
  calendarRedating: { pageSize: number; waitMs: number };
  reconcileIntervalMs: number;
  /** Where checkpoints are written for the operator to copy off the machine (DATA_DIR/checkpoints). */
  checkpointDir: string;
  /** The codec endpoint's credential; as `signingKeys`. */
  codecAuthToken?: string;
  policy: ReviewPolicy;
  timeModel: TimeModel;
  offices: ReviewOffices;
  numberFormats: NumberFormats;
  decisionTimeoutMs: number;
  readTimeoutMs: number;
  uploadTimeoutMs: number;
  rateLimitPerMinute: number;
  bodyLimit: string;
  /** After the review: calendar-day limits, and the length of a day when time is compressed. */
  afterReview: { limits: AfterReviewLimits; dayMs?: number; suggestionsPerMinute: number };
  /** What processes print at start-up about the working-day calendar (provisional or missing years). */
  calendarWarnings: string[];
}

function definedOnly(values: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<string, number>;
}

/** Whether an address to listen on is this machine's loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === 'localhost';
}

/** The signing keys, which every process but an unprepared `npm start` has by now. */
export function signingKeysOf(config: Config): SigningKeys {
  if (!config.signingKeys) throw new ConfigError('invalid configuration:\n  REQUEST_SIGNING_KEYS: required');
  return config.signingKeys;
}

/** The payload keys, as {@link signingKeysOf}. */
export function payloadKeysOf(config: Config): PayloadKeys {
  if (!config.payloadKeys) throw new ConfigError('invalid configuration:\n  TEMPORAL_PAYLOAD_KEYS: required');
  return config.payloadKeys;
}

/** The codec endpoint's credential, as {@link signingKeysOf}. */
export function codecTokenOf(config: Config): string {
  if (!config.codecAuthToken) throw new ConfigError('invalid configuration:\n  CODEC_AUTH_TOKEN: required');
  return config.codecAuthToken;
}

const DAY_MS = 86_400_000;

/**
 * Real time, compressed time (WORKING_DAY_DURATION alone: the calendar is ignored) or a simulated
 * clock (SIMULATED_DATE: compressed by WORKING_DAY_DURATION if set, following the calendar).
 */
function timeModelOf(env: z.infer<typeof envSchema>, now: Date): TimeModel {
  const dayMs = env.WORKING_DAY_DURATION === undefined ? undefined : parseDuration(env.WORKING_DAY_DURATION);
  if (env.SIMULATED_DATE === undefined) {
    if (env.SIMULATED_SINCE !== undefined)
      throw new ConfigError('invalid configuration:\n  SIMULATED_SINCE: only with SIMULATED_DATE');
    return dayMs === undefined ? {} : { workingDayMs: dayMs };
  }
  // Whole real milliseconds per simulated day, dividing the day: every simulated midnight is a whole real millisecond.
  // At least 100 ms, so simulated instants (real ms × up to 864,000) stay exact in a double for months.
  if (dayMs !== undefined && (!Number.isInteger(dayMs) || DAY_MS % dayMs !== 0 || dayMs < 100)) {
    throw new ConfigError(
      `invalid configuration:\n  WORKING_DAY_DURATION: with SIMULATED_DATE it must be at least 100ms and divide a day evenly (such as 500ms, 2s, 3s, 1m); ${env.WORKING_DAY_DURATION} does not`,
    );
  }
  const since = env.SIMULATED_SINCE === undefined ? now : new Date(env.SIMULATED_SINCE);
  return { simulated: { since: since.toISOString(), date: env.SIMULATED_DATE, dayMs: dayMs ?? DAY_MS } };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. `component` mode (`npm run api`) needs the external servers and a real
 * secret, `worker` mode (`npm run worker`) the servers; `embedded` mode (`npm start`) starts
 * servers and may use the development secret. On real time, the working-day calendar must have
 * data for the current year (`now`).
 */
export function loadConfig(
  source: NodeJS.ProcessEnv,
  mode: 'embedded' | 'component' | 'worker',
  now: Date = new Date(),
): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (mode !== 'embedded') {
    const required =
      mode === 'worker'
        ? (['TEMPORAL_ADDRESS', 'MONGODB_URI', 'REQUEST_SIGNING_KEYS', 'TEMPORAL_PAYLOAD_KEYS'] as const)
        : ([
            'TEMPORAL_ADDRESS',
            'MONGODB_URI',
            // Tokens need a key: the secret, or the identity provider's.
            ...(env.AUTH_JWKS_URL === undefined ? (['AUTH_JWT_SECRET'] as const) : []),
            'REQUEST_SIGNING_KEYS',
            'TEMPORAL_PAYLOAD_KEYS',
          ] as const);
    const missing = required.filter((k) => env[k] === undefined);
    if (missing.length > 0)
      throw new ConfigError(`invalid configuration:\n${missing.map((k) => `  ${k}: required`).join('\n')}`);
  }
  const tls = temporalTlsFilesOf(env);
  const host = env.HOST ?? (mode === 'embedded' ? '127.0.0.1' : '0.0.0.0');
  const secret = env.AUTH_JWT_SECRET ?? (mode === 'embedded' ? DEVELOPMENT_JWT_SECRET : undefined);
  if (secret === DEVELOPMENT_JWT_SECRET && !isLoopback(host)) {
    // The development secret is published: anyone who can reach the API could sign any token. Set
    // by default or on purpose, it never signs tokens for an API other machines can reach.
    throw new ConfigError(
      `invalid configuration:\n  HOST: ${host} is reachable from other machines; set AUTH_JWT_SECRET to a secret of your own (the published development secret is only for 127.0.0.1)`,
    );
  }
  const timeModel = timeModelOf(env, now);
  // Compressed time ignores the calendar (API.md), so only real and simulated time need it.
  const calendar =
    timeModel.workingDayMs !== undefined
      ? { warnings: [] }
      : timeModel.simulated
        ? calendarReadiness(new Date(`${timeModel.simulated.date}T00:00:00+08:00`))
        : calendarReadiness(now);
  if (calendar.error) {
    const what = timeModel.simulated ? `SIMULATED_DATE ${timeModel.simulated.date}` : 'working-day calendar';
    throw new ConfigError(`invalid configuration:\n  ${what}: ${calendar.error}`);
  }
  return {
    env,
    port: env.PORT,
    host,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      ...(tls && { tls }),
    },
    mongodbUri: env.MONGODB_URI,
    auth: {
      secret,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
      jwksUrl: env.AUTH_JWKS_URL,
      maxTokenAgeMs: parseDuration(env.AUTH_MAX_TOKEN_AGE) as number,
      clockToleranceMs: parseDuration(env.AUTH_CLOCK_TOLERANCE) as number,
    },
    ...(env.REQUEST_SIGNING_KEYS !== undefined && { signingKeys: parseSigningKeys(env.REQUEST_SIGNING_KEYS) }),
    ...(env.TEMPORAL_PAYLOAD_KEYS !== undefined && { payloadKeys: parsePayloadKeys(env.TEMPORAL_PAYLOAD_KEYS) }),
    ...(env.AUDIT_KEYS !== undefined && { auditKeys: parseSigningKeys(env.AUDIT_KEYS) }),
    requestTtlMs: parseDuration(env.REQUEST_TTL) as number,
    checkpointIntervalMs: parseDuration(env.CHECKPOINT_INTERVAL) as number,
    checkpointChunkLeaves: env.CHECKPOINT_CHUNK_LEAVES,
    calendarRedating: {
      pageSize: env.CALENDAR_REDATING_PAGE_SIZE,
      waitMs: parseDuration(env.CALENDAR_REDATING_WAIT) as number,
    },
    reconcileIntervalMs: parseDuration(env.RECONCILE_INTERVAL) as number,
    checkpointDir: path.resolve(env.DATA_DIR, 'checkpoints'),
    ...(env.CODEC_AUTH_TOKEN !== undefined && { codecAuthToken: env.CODEC_AUTH_TOKEN }),
    policy: {
      reviewWorkingDays: env.REVIEW_WORKING_DAYS,
      consultationWorkingDays: env.CONSULTATION_WORKING_DAYS,
      urgentConsultationWorkingDays: env.URGENT_CONSULTATION_WORKING_DAYS,
      consolidationWorkingDays: env.CONSOLIDATION_WORKING_DAYS,
      signoffWorkingDays: env.SIGNOFF_WORKING_DAYS,
      ...(env.URGENT_REVIEW_WORKING_DAYS !== undefined && { urgentReviewWorkingDays: env.URGENT_REVIEW_WORKING_DAYS }),
      maxExtensionWorkingDays: env.MAX_EXTENSION_WORKING_DAYS,
    },
    offices: env.REVIEW_OFFICES ?? DEFAULT_OFFICES,
    numberFormats: env.NUMBER_FORMATS ?? DEFAULT_NUMBER_FORMATS,
    timeModel,
    decisionTimeoutMs: parseDuration(env.DECISION_TIMEOUT) as number,
    readTimeoutMs: parseDuration(env.READ_TIMEOUT) as number,
    uploadTimeoutMs: parseDuration(env.UPLOAD_TIMEOUT) as number,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    bodyLimit: env.BODY_LIMIT,
    afterReview: {
      limits: {
        filingDays: { ...DEFAULT_AFTER_REVIEW_LIMITS.filingDays, ...definedOnly(env.FILING_DAYS ?? {}) },
        filingReviewDays: env.FILING_REVIEW_DAYS,
        supplementDays: env.FILING_SUPPLEMENT_DAYS,
        correctionReportDays: env.CORRECTION_REPORT_DAYS,
        suggestionReplyDays: env.SUGGESTION_REPLY_DAYS,
        validityReminderMonths: env.VALIDITY_REMINDER_MONTHS,
      },
      ...(env.CALENDAR_DAY_DURATION !== undefined && { dayMs: parseDuration(env.CALENDAR_DAY_DURATION) }),
      suggestionsPerMinute: env.PUBLIC_SUGGESTIONS_PER_MINUTE,
    },
    calendarWarnings: [
      ...(timeModel.simulated
        ? [
            `time is simulated: ${timeModel.simulated.date} 00:00 CST began at ${timeModel.simulated.since}, one day every ${timeModel.simulated.dayMs} ms; ` +
              `set SIMULATED_SINCE=${timeModel.simulated.since} to keep this clock across restarts`,
          ]
        : []),
      ...calendar.warnings,
    ],
  };
}
