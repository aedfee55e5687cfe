/** The payload codec: AES-256-GCM with the key id in the metadata, rotation without losing old payloads. */
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parsePayloadKeys } from '../platform/payload-codec';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const k1 = parsePayloadKeys(`k1:${key(1)}`);
const rotated = parsePayloadKeys(`k2:${key(2)},k1:${key(1)}`);
const k2Only = parsePayloadKeys(`k2:${key(2)}`);

const payload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const value = (p: Parameters<typeof defaultPayloadConverter.fromPayload>[0]) => defaultPayloadConverter.fromPayload(p);

describe('payload codec', () => {
  test('when a payload is encoded and decoded, it comes back whole, small and large alike', async () => {
    const codec = new EncryptionCodec(k1);
    for (const original of [{ a: 1 }, { text: '意见'.repeat(2000) }]) {
      const [encoded] = await codec.encode([payload(original)]);
      expect(new TextDecoder().decode(encoded.metadata!.encoding)).toBe('binary/encrypted');
      expect(new TextDecoder().decode(encoded.metadata!['encryption-key-id'])).toBe('k1');
      const [decoded] = await codec.decode([encoded]);
      expect(value(decoded)).toEqual(original);
    }
  });

  test('when the keys are rotated, new payloads use the new key and old ones still decode', async () => {
    const [old] = await new EncryptionCodec(k1).encode([payload({ v: 'old' })]);
    const codec = new EncryptionCodec(rotated);
    const [fresh] = await codec.encode([payload({ v: 'new' })]);
    expect(new TextDecoder().decode(fresh.metadata!['encryption-key-id'])).toBe('k2');
    expect((await codec.decode([old, fresh])).map(value)).toEqual([{ v: 'old' }, { v: 'new' }]);
    await expect(new EncryptionCodec(k2Only).decode([old])).rejects.toThrow(/key "k1", which is not configured/);
  });

  test('when a payload was written before encryption, it is passed through; a tampered one is refused', async () => {
    const codec = new EncryptionCodec(k1);
    const plain = payload({ legacy: true });
    expect((await codec.decode([plain])).map(value)).toEqual([{ legacy: true }]);
    const [sealed] = await codec.encode([payload({ x: 1 })]);
    const tampered = { ...sealed, data: Uint8Array.from(sealed.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
  });
});
