/**
 * `npm run codec-server`: the remote codec for an operator who holds the payload keys, so the
 * Temporal UI or CLI can show the encrypted payloads of review histories. It listens on this
 * machine's loopback only, answers only holders of its credential (CODEC_AUTH_TOKEN), and the
 * browser only from the UI origins given.
 *
 *   TEMPORAL_PAYLOAD_KEYS=k1:<base64> CODEC_AUTH_TOKEN=<32+ bytes> CODEC_PORT=8888 \
 *     CODEC_UI_ORIGINS=http://127.0.0.1:8080 npm run codec-server
 *   TEMPORAL_CODEC_AUTH="Bearer $CODEC_AUTH_TOKEN" \
 *     temporal workflow show --workflow-id 'review:…:1' --codec-endpoint http://127.0.0.1:8888
 *
 * Without TEMPORAL_PAYLOAD_KEYS or CODEC_AUTH_TOKEN it uses those `npm start` keeps under DATA_DIR.
 */
import path from 'node:path';
import express from 'express';
import { codecEndpoint } from '../api/codec-endpoint';
import { errorMiddleware } from '../api/errors';
import { envSchema } from '../platform/config';
import { embeddedSecrets } from '../platform/embedded-secrets';
import { EncryptionCodec, parsePayloadKeys } from '../platform/payload-codec';

async function main(): Promise<void> {
  const given = envSchema.pick({ CODEC_AUTH_TOKEN: true }).parse(process.env).CODEC_AUTH_TOKEN;
  const kept =
    process.env.TEMPORAL_PAYLOAD_KEYS && given
      ? undefined
      : await embeddedSecrets(path.resolve(process.env.DATA_DIR ?? '.data'));
  const keys = process.env.TEMPORAL_PAYLOAD_KEYS ?? kept!.temporalPayloadKeys;
  const token = given ?? kept!.codecAuthToken;
  const port = Number(process.env.CODEC_PORT ?? 8888);
  const origins = (process.env.CODEC_UI_ORIGINS ?? 'http://127.0.0.1:8080,http://localhost:8080')
    .split(',')
    .map((o) => o.trim());
  const app = express();
  app.disable('x-powered-by');
  app.use(codecEndpoint(new EncryptionCodec(parsePayloadKeys(keys)), { token, allowedOrigins: origins }));
  app.use(errorMiddleware);
  app.listen(port, '127.0.0.1', () => {
    console.log(`codec server on http://127.0.0.1:${port} for ${origins.join(', ')}`);
    console.log(`a browser opens its session at http://127.0.0.1:${port}/ with the credential (docs/security.md)`);
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
