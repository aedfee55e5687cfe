/**
 * Temporal connections and the one-off set-up the review workflows need on a namespace.
 */
import { readFile } from 'node:fs/promises';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type TLSConfig,
} from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../domain/messages';
import type { TemporalTlsFiles } from './config';
import { encryptingDataConverter, type PayloadKeys } from './payload-codec';

/**
 * The TLS settings of a connection to Temporal (client and worker alike), read from the PEM files
 * configured; undefined when TLS is not configured.
 */
export async function temporalTls(files: TemporalTlsFiles | undefined): Promise<TLSConfig | undefined> {
  if (!files) return undefined;
  const read = (file: string, what: string) =>
    readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`cannot read ${what} ${file}: ${err.code ?? err.message}`);
    });
  return {
    ...(files.certPath !== undefined &&
      files.keyPath !== undefined && {
        clientCertPair: {
          crt: await read(files.certPath, 'TEMPORAL_TLS_CERT'),
          key: await read(files.keyPath, 'TEMPORAL_TLS_KEY'),
        },
      }),
    ...(files.caPath !== undefined && { serverRootCACertificate: await read(files.caPath, 'TEMPORAL_TLS_CA') }),
    ...(files.serverName !== undefined && { serverNameOverride: files.serverName }),
  };
}

/**
 * The SDK's own retries of a failed gRPC call: four attempts within about 1.5 s (3 s when the server
 * says it is busy). The API bounds every call by its budget and answers 503 or 429 itself, so longer
 * retries would only run on after the caller has been answered: the SDK's retry timers are not
 * cancelled with the call.
 */
const GRPC_RETRIES = defaultGrpcRetryOptions({ maxAttempts: 4, maxIntervalMs: () => 1_000 });

/** A client whose payloads are encrypted (platform/payload-codec.ts), over TLS when `tls` is given. */
export async function connectClient(
  address: string,
  namespace: string,
  payloadKeys: PayloadKeys,
  tls?: TLSConfig,
): Promise<Client> {
  const connection = await Connection.connect({
    address,
    ...(tls && { tls }),
    interceptors: [makeGrpcRetryInterceptor(GRPC_RETRIES)],
  });
  return new Client({ connection, namespace, dataConverter: encryptingDataConverter(payloadKeys) });
}

/**
 * Registers the review search attributes (origin region, stage, status, document id) on the
 * namespace if they are missing, so supervisors can filter reviews in Temporal's own UI.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const operator = client.connection.operatorService;
  const existing = await operator.listSearchAttributes({ namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in known));
  if (missing.length === 0) return;
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await operator.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, keyword])),
  });
}
