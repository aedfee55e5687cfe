/**
 * Temporal connections and the one-off set-up the review workflows need on a namespace.
 */
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../domain/messages';
import { encryptingDataConverter, type PayloadKeys } from './payload-codec';

/** A client whose payloads are encrypted (runtime/payload-codec.ts). */
export async function connectClient(address: string, namespace: string, payloadKeys: PayloadKeys): Promise<Client> {
  const connection = await Connection.connect({ address });
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
