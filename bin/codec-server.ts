/**
 * `npm run codec-server`: the remote codec for an operator who holds the payload keys, so the
 * Temporal UI or CLI can show the encrypted payloads of review histories. It listens on this
 * machine's loopback only and answers the browser only from the UI origins given.
 *
 *   TEMPORAL_PAYLOAD_KEYS=k1:<base64> CODEC_PORT=8888 \
 *     CODEC_UI_ORIGINS=http://127.0.0.1:8080 npm run codec-server
 *   temporal workflow show --workflow-id 'review:…:1' --codec-endpoint http://127.0.0.1:8888
 *
 * Without TEMPORAL_PAYLOAD_KEYS it uses the keys `npm start` keeps under DATA_DIR.
 */
import path from 'node:path';
import express from 'express';
import { codecEndpoint } from '../api/codec-endpoint';
import { errorMiddleware } from '../api/errors';
import { embeddedSecrets } from '../platform/embedded-secrets';
import { EncryptionCodec, parsePayloadKeys } from '../platform/payload-codec';

async function main(): Promise<void> {
  const keys =
    process.env.TEMPORAL_PAYLOAD_KEYS ??
    (await embeddedSecrets(path.resolve(process.env.DATA_DIR ?? '.data'))).temporalPayloadKeys;
  const port = Number(process.env.CODEC_PORT ?? 8888);
  const origins = (process.env.CODEC_UI_ORIGINS ?? 'http://127.0.0.1:8080,http://localhost:8080')
    .split(',')
    .map((o) => o.trim());
  const app = express();
  app.disable('x-powered-by');
  app.use(codecEndpoint(new EncryptionCodec(parsePayloadKeys(keys)), origins));
  app.use(errorMiddleware);
  app.listen(port, '127.0.0.1', () => {
    console.log(`codec server on http://127.0.0.1:${port} for ${origins.join(', ')}`);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
