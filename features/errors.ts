/**
 * The application's one error type, and the one place that tells what any failure means for the
 * caller (zod, body parsing, domain refusals, Temporal, MongoDB): a contract code, or undefined for
 * the unexpected. The API's error middleware (api/errors.ts) turns the result into the answer.
 */
import {
  ApplicationFailure,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { z } from 'zod';
import { FIELD_ZH, hasHan, issueMessageZh, messageZh } from '../domain/messages-zh';
import { Refusal, type FieldProblem, type RefusalCode } from '../domain/rules';
import { isDuplicateKey } from '../store/mongo';

export type ErrorCode =
  | RefusalCode
  | 'unauthenticated'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'idempotency_mismatch'
  | 'request_header_fields_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_assignee: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  rate_limited: 429,
  request_header_fields_too_large: 431,
  internal: 500,
  unavailable: 503,
};

const REFUSAL_CODES: readonly string[] = [
  'validation_failed',
  'forbidden',
  'not_found',
  'conflict',
  'not_assignee',
] satisfies RefusalCode[];

/** An error whose message is safe to show to the caller. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS_BY_CODE[code];
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message: string): AppError {
    return new AppError('forbidden', message);
  }

  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }

  static invalid(path: string, message: string): AppError {
    return new AppError('validation_failed', message, [{ path, message }]);
  }

  /** The contract's error body: every message in it said in Chinese (domain/messages-zh.ts). */
  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    const details = Array.isArray(this.details) ? this.details.map(detailZh) : this.details;
    return {
      error: {
        code: this.code,
        message: messageZh(this.message, this.code),
        ...(details !== undefined && { details }),
      },
    };
  }
}

/** A field problem with its message said in Chinese; anything else as it is. */
function detailZh(detail: unknown): unknown {
  if (typeof detail !== 'object' || detail === null || typeof (detail as FieldProblem).message !== 'string')
    return detail;
  return { ...detail, message: messageZh((detail as FieldProblem).message) };
}

// zod says what is wrong in the catalogue's words, while it still sees the input (missing or of a wrong type).
z.config({ localeError: (issue) => issueMessageZh(issue) });

/** One entry per failing field; an unknown key is reported at its own path. */
export function zodProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const join = (path: PropertyKey[]) => [...(prefix ? [prefix] : []), ...path.map(String)].join('.');
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ path: join([...issue.path, key]), message: FIELD_ZH.unknownField });
    } else {
      problems.push({
        path: join(issue.path) || '(body)',
        message: hasHan(issue.message) ? issue.message : issueMessageZh(issue),
      });
    }
  }
  return problems;
}

/** The store's errors that mean "not reachable right now" (the driver's and Mongoose's names). */
const MONGO_UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'PoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
  'MongoServerClosedError',
  'MongoClientClosedError',
]);
/**
 * MongoDB server error codes that mean "not now" rather than "not this": a primary stepping down or
 * an election under way, a node shutting down or out of reach, an operation out of time.
 */
const MONGO_UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * FerretDB passes PostgreSQL's failures on as a server error whose message carries the SQLSTATE
 * (code 1, "… (SQLSTATE 53100)"), or pgx's connection error when PostgreSQL is not there. Classes
 * 08 (connection), 53 (insufficient resources: disk full, out of memory, too many connections),
 * 57 (operator intervention: shutdown, cannot connect now, a query cancelled) and 58 (system error) mean the store cannot serve right now.
 */
const POSTGRES_UNAVAILABLE =
  /SQLSTATE (?:08|53|57|58)[0-9A-Z]{3}|failed to connect to|connection refused|connect: no such file|conn closed|unexpected EOF/i;

/** Whether a store error means its server, or the database behind it, cannot serve right now. */
export function isStoreUnavailable(err: Error): boolean {
  if (MONGO_UNAVAILABLE.has(err.name)) return true;
  // A store error labelled as transient by the driver.
  const labels = (err as { errorLabelSet?: Set<string> }).errorLabelSet;
  if (labels?.has('ResetPool') || labels?.has('RetryableWriteError')) return true;
  if (err.name === 'MongooseError' && /buffering timed out|not connected|client must be connected/i.test(err.message))
    return true;
  if (err.name !== 'MongoServerError' && err.name !== 'MongoBulkWriteError' && err.name !== 'MongoWriteConcernError')
    return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'number' && MONGO_UNAVAILABLE_CODES.has(code)) || POSTGRES_UNAVAILABLE.test(err.message);
}

// gRPC status codes that mean "the server is not there right now": UNAVAILABLE, DEADLINE_EXCEEDED.
const GRPC_UNAVAILABLE = new Set([14, 4]);
// RESOURCE_EXHAUSTED: Temporal's limits, e.g. ten Updates in flight per workflow.
const GRPC_RESOURCE_EXHAUSTED = 8;

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = (err as { cause?: unknown })?.cause;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (isStoreUnavailable(err)) return true;
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const cause = (err as { cause?: unknown }).cause;
  if (err instanceof ServiceError) return isGrpcServiceError(cause) ? GRPC_UNAVAILABLE.has(cause.code) : true;
  if (isGrpcServiceError(err)) return GRPC_UNAVAILABLE.has(err.code);
  return false;
}

/** Maps any thrown value to an {@link AppError}, or `undefined` when it is unexpected (a 500). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return new AppError('validation_failed', 'the request is not valid', zodProblems(err));
  if (err instanceof Refusal) return new AppError(err.code, err.message, err.details);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type && REFUSAL_CODES.includes(cause.type)) {
      // The workflow puts the field problems in details[0]; an empty list means "no field in particular".
      const first: unknown = Array.isArray(cause.details) ? cause.details[0] : undefined;
      const details = Array.isArray(first) && first.length === 0 ? undefined : (first ?? undefined);
      return new AppError(cause.type as RefusalCode, cause.message, details);
    }
    return undefined;
  }
  if (err instanceof WorkflowNotFoundError) return AppError.notFound('review');
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return AppError.conflict('a review with this id is already running');
  if (grpcCode(err) === GRPC_RESOURCE_EXHAUSTED) {
    return new AppError('rate_limited', 'the review engine is busy with this review; retry in a moment');
  }
  if (isUnavailable(err)) return new AppError('unavailable', 'a dependency is unavailable; retry shortly');
  if (err instanceof Error && isDuplicateKey(err)) return AppError.conflict('the resource already exists');
  // body-parser's errors carry `type`, `status` and `expose`; the router's a `status`.
  const http = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown; code?: unknown };
  if (http?.type === 'entity.too.large') return new AppError('payload_too_large', 'the request body is too large');
  if (http?.type === 'entity.parse.failed')
    return new AppError('validation_failed', 'the request body is not valid JSON', [
      { path: '(body)', message: 'malformed JSON' },
    ]);
  if (http?.status === 415) return new AppError('unsupported_media_type', String(http.message));
  if (err instanceof URIError || (typeof http?.message === 'string' && /^Failed to decode param/.test(http.message)))
    return new AppError('validation_failed', 'the request path is not valid URL encoding', [
      { path: '(path)', message: 'malformed percent-encoding' },
    ]);
  // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ERR_…): a body whose Content-Encoding it does not match.
  if (typeof http?.code === 'string' && /^(Z_|ERR_(BROTLI|ZLIB))/.test(http.code))
    return new AppError('validation_failed', 'the request body could not be decompressed', [
      { path: '(body)', message: 'does not match its Content-Encoding' },
    ]);
  if (typeof http?.status === 'number' && http.status >= 400 && http.status < 500 && http.expose === true)
    return new AppError('validation_failed', String(http.message));
  return undefined;
}
