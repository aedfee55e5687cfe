/**
 * The secrets `npm start` generates on first use and keeps under DATA_DIR (`secrets.json`, 0600),
 * so that a restart can still check the signatures and read the payloads it made before. Real
 * deployments set them through the environment instead (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({
  /** `id:secret`, as REQUEST_SIGNING_KEYS is written. */
  requestSigningKeys: z.string().min(1),
  /** `id:base64key`, as TEMPORAL_PAYLOAD_KEYS is written. */
  temporalPayloadKeys: z.string().min(1),
  /** The codec endpoint's credential, as CODEC_AUTH_TOKEN is written. */
  codecAuthToken: z.string().min(32),
  /** `id:secret`, as AUDIT_KEYS is written. */
  auditKeys: z.string().min(1),
});

export type EmbeddedSecrets = z.infer<typeof secretsSchema>;

/** Reads the secrets kept under `dataDir`, creating them the first time. */
export async function embeddedSecrets(dataDir: string): Promise<EmbeddedSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const generated: EmbeddedSecrets = {
    requestSigningKeys: `embedded-1:${randomBytes(32).toString('base64url')}`,
    temporalPayloadKeys: `embedded-1:${randomBytes(32).toString('base64')}`,
    codecAuthToken: randomBytes(32).toString('base64url'),
    auditKeys: `embedded-audit-1:${randomBytes(32).toString('base64url')}`,
  };
  if (text !== undefined) {
    const kept = JSON.parse(text) as Partial<EmbeddedSecrets>;
    const complete = secretsSchema.parse({ ...generated, ...kept });
    // A file from before a secret existed gets the new one added; the ones it has are kept.
    if (Object.keys(complete).some((k) => !(k in kept))) {
      await writeFile(file, `${JSON.stringify(complete, null, 2)}\n`, { mode: 0o600 });
    }
    // A file made before it was kept private (or copied in loosely) is made so.
    await chmod(file, 0o600);
    return complete;
  }
  const secrets = generated;
  // `wx`: if another process created it meanwhile, fail rather than overwrite its keys.
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}
