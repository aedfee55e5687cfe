/**
 * Review text never reaches Temporal in the clear. Every payload the client and the worker exchange
 * (workflow input, Update arguments and results, activity inputs and results, query results,
 * failure details) is encrypted with AES-256-GCM under a key from configuration before it leaves
 * the process, and decrypted when it comes back. The key id travels in the payload's metadata, so
 * keys can be rotated: the first key encrypts, every configured key decrypts, and histories written
 * under an older key stay readable as long as that key is configured. Payloads written before
 * encryption existed (plain JSON) are passed through on decoding.
 *
 * An operator with the keys reads histories in the Temporal UI or CLI through the codec endpoint
 * (`codecServer` below, served by the API on loopback and by `npm run codec-server`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
/** Set when the plaintext was deflated before encryption (JSON shrinks to a fraction; ciphertext does not). */
const COMPRESSION = 'compression';
const COMPRESS_FROM_BYTES = 256;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKeys {
  /** The id of the key new payloads are encrypted with. */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id:base64key[,id:base64key…]` (the first encrypts); each key 32 bytes (AES-256). */
export function parsePayloadKeys(text: string): PayloadKeys {
  const entries = text.split(',').map((part) => {
    const at = part.indexOf(':');
    const id = part.slice(0, at).trim();
    if (at <= 0 || !/^[A-Za-z0-9_-]{1,40}$/.test(id)) throw new Error('each key must be written id:base64key');
    const key = Buffer.from(part.slice(at + 1).trim(), 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes, base64-encoded`);
    return [id, key] as const;
  });
  return { currentId: entries[0][0], keys: new Map(entries) };
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  // async: a payload that cannot be read rejects the promise, as the codec contract expects.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keys.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, iv);
    const encoded = temporal.api.common.v1.Payload.encode(payload).finish();
    const compressed = encoded.length >= COMPRESS_FROM_BYTES;
    const plain = compressed ? deflateRawSync(encoded) : encoded;
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8(ENCRYPTED_ENCODING),
        [KEY_ID]: utf8(keyId),
        ...(compressed && { [COMPRESSION]: utf8('deflate') }),
      },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption
    const keyId = text(payload.metadata?.[KEY_ID]) ?? '';
    const key = this.keys.keys.get(keyId);
    if (!key) throw new Error(`payload encrypted with key "${keyId}", which is not configured`);
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    const encoded = text(payload.metadata?.[COMPRESSION]) === 'deflate' ? inflateRawSync(plain) : plain;
    return temporal.api.common.v1.Payload.decode(encoded);
  }
}

/**
 * The data converter of every client and worker. Failure messages stay readable: they are the
 * engine's own (a refusal's reason, an error's), never review text; their details are payloads.
 */
export function encryptingDataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** Payloads as the Temporal UI and CLI send them to a remote codec: protobuf JSON, bytes in base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** Answers the remote-codec protocol (`POST /encode`, `POST /decode` with `{ payloads }`). */
export async function codecServer(
  codec: PayloadCodec,
  operation: 'encode' | 'decode',
  body: unknown,
): Promise<{ payloads: JsonPayload[] }> {
  const payloads = (body as { payloads?: unknown })?.payloads;
  if (!Array.isArray(payloads)) throw new Error('expected { payloads: [...] }');
  const decoded = payloads.map((p) => fromJson(p as JsonPayload));
  const result = operation === 'encode' ? await codec.encode(decoded) : await codec.decode(decoded);
  return { payloads: result.map(toJson) };
}
