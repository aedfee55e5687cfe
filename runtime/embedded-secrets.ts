/**
 * The secrets `npm start` generates on first use and keeps under DATA_DIR (`secrets.json`, 0600),
 * so that a restart can still check the signatures and read the payloads it made before. Real
 * deployments set them through the environment instead (README, "Keys").
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({
  /** `id:secret`, as REQUEST_SIGNING_KEYS is written. */
  requestSigningKeys: z.string().min(1),
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
  if (text !== undefined) return secretsSchema.parse(JSON.parse(text));
  const secrets: EmbeddedSecrets = {
    requestSigningKeys: `embedded-1:${randomBytes(32).toString('base64url')}`,
  };
  // `wx`: if another process created it meanwhile, fail rather than overwrite its keys.
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}
