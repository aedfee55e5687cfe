/**
 * The store's disk fills up: PostgreSQL refuses to extend a table (SQLSTATE 53100), FerretDB passes
 * that on, and the API answers 503 with Retry-After, never 500; /readyz says the store cannot write.
 * Once there is room again a submission goes through (the time it takes is printed). The store runs
 * on a small tmpfs of this file's own, which only root may mount (CI runs as root).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../platform/embedded-store';
import { provision, startTemporalServer, type TemporalServer } from '../platform/servers';
import { castOf, eventually, startHarness, type Claims, type Harness } from './harness';

const people: Record<string, Claims> = {
  drafter: { sub: 'df-d', region: 'beijing', roles: ['drafter'], org: '北京市生态环境局' },
  supervisor: { sub: 'df-s', region: 'beijing', roles: ['supervisor'] },
};
const draft = {
  title: '北京市扬尘污染防治办法',
  articles: [{ number: '1', text: '为防治扬尘污染，制定本办法。' }],
  legalBasis: ['《中华人民共和国大气污染防治法》'],
  materials: { draftingExplanation: '起草说明' },
};

let dir: string;
let mounted = false;
let store: EmbeddedStore;
let server: TemporalServer;
let h: Harness;
const filler = () => path.join(dir, 'filler');

/** Only root may mount the tmpfs; anyone else is told why the test does not run (CI runs as root). */
const asRoot = process.getuid?.() === 0;
if (!asRoot)
  console.warn('test/disk-full.test.ts is skipped: it mounts a tmpfs for the store to fill, which needs root');

beforeAll(async () => {
  if (!asRoot) return;
  const binaries = await provision();
  dir = await mkdtemp(path.join(os.tmpdir(), 'legality-review-disk-full-'));
  // Room for the cluster and its first WAL segments, and little more.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160m,mode=0755', 'tmpfs', dir]);
  mounted = true;
  [server, store] = await Promise.all([
    startTemporalServer({ binaryPath: binaries.temporal }),
    startEmbeddedStore({ ferretdbPath: binaries.ferretdb, dataDir: path.join(dir, 'store'), durable: false }),
  ]);
  h = await startHarness({}, { temporalAddress: server.address, mongodbUri: store.uri });
}, 180_000);

afterAll(async () => {
  await h?.stop();
  await Promise.allSettled([server?.stop(), store?.stop()]);
  if (mounted) execFileSync('umount', ['-l', dir]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const { get, post } = castOf(() => h, people);

/** Fills what is left of the store's disk. */
async function fillDisk(): Promise<void> {
  const free = Number(execFileSync('df', ['--output=avail', '-B1', dir]).toString().split('\n')[1].trim());
  await writeFile(filler(), Buffer.alloc(0));
  try {
    await writeFile(filler(), Buffer.alloc(free));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err; // full, as wanted
  }
}

(asRoot ? test : test.skip)(
  'when the store disk is full, writes answer 503 with Retry-After, /readyz 503, and a submission goes through once there is room',
  async () => {
    const documentId = (await post('drafter', '/v1/documents', draft).expect(201)).body.id as string;
    await fillDisk();
    try {
      // Pages PostgreSQL already holds take a few more rows: write until the first refusal.
      const answers: number[] = [];
      let refused: Awaited<ReturnType<typeof post>> | undefined;
      for (let i = 0; i < 500 && !refused; i += 1) {
        const write = await post('drafter', '/v1/documents', draft);
        answers.push(write.status);
        if (write.status !== 201) refused = write;
      }
      console.log(`disk full: ${answers.length - 1} more documents stored, then ${refused?.status}`);
      expect({ status: refused?.status, retryAfter: refused?.headers['retry-after'] }).toEqual({
        status: 503,
        retryAfter: '1',
      });
      const ready = await get('supervisor', '/readyz');
      expect(ready.status).toBe(503);
    } finally {
      await rm(filler(), { force: true });
    }
    const roomAgain = performance.now();
    await eventually(
      async () => ((await post('drafter', `/v1/documents/${documentId}/reviews`)).status === 202 ? true : undefined),
      'a submission after the disk has room again',
      60_000,
    );
    console.log(`disk has room again: a submission completed ${Math.round(performance.now() - roomAgain)} ms later`);
    expect((await get('supervisor', '/readyz')).status).toBe(200);
  },
  180_000,
);
