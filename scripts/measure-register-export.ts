/**
 * The register's exports alone, at scale, without the review journeys `npm run measure:register`
 * seeds (393 s and more for 100,000): N synthetic register rows (three per instant, 400 s apart,
 * titles and search terms like real ones) inserted straight into an embedded store kept in DATA
 * (reused by the next run), the API in a child process as measure:register runs it, then the CSV
 * and the XLSX of every row through HTTP: time to the headers, to the second chunk, whole; bytes;
 * CSV rows counted; the API's RSS before and its peak (VmHWM, reset through clear_refs).
 *
 *   N=100000 npx tsx scripts/measure-register-export.ts [csv|xlsx|both]
 *
 * BACKFILL=1 runs `backfillRegisterDays` first (rows stored before `receivedOn`); DEBUG_QUERIES=1
 * prints each store call of the API; Q=?year=2025 exports a query.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import os from 'node:os';
import { createApp } from '../api/app';
import { connectMongo } from '../bin/connections';
import type { AppContext } from '../features/context';
import { searchTerms, cstDay } from '../domain/register';
import { loadConfig } from '../platform/config';
import { startEmbeddedStore } from '../platform/embedded-store';
import { provision } from '../platform/servers';
import { backfillRegisterDays, createModels, ensureIndexes, noteReviewMonth } from '../store/models';

const N = Number(process.env.N ?? 20_000);
const DATA = process.env.DATA ?? `/tmp/export-data-${N}`;
const SECRET = 'measure-secret-that-is-at-least-32-bytes-long';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const REGIONS = ['beijing', 'tianjin', 'hebei'] as const;
const WORDS = '北京市天津河北省交通民政养老服务补贴管理办法规定若干措施促进一体化共享单车停放机构监督';

function row(i: number) {
  const at = Date.UTC(2025, 0, 1) + Math.floor(i / 3) * 400_000; // ties: three rows per instant
  const title = Array.from({ length: 14 }, (_, k) => WORDS[(i * 7 + k * 13) % WORDS.length]).join('') + i;
  return {
    _id: `rv-${String((i * 7919) % 1_000_003).padStart(7, '0')}-${i}`,
    documentId: `doc-${i}`,
    region: REGIONS[i % 3],
    year: new Date(at).getUTCFullYear(),
    receivedOn: cstDay(new Date(at)),
    status: 'approved',
    registrationNumber: `京审登〔2025〕${i}号`,
    opinionNumber: `京审意〔2025〕${i}号`,
    org: '北京市交通委员会',
    receivedAt: new Date(at),
    acceptedAt: new Date(at + 3600_000).toISOString(),
    closedAt: new Date(at + 10 * 86_400_000).toISOString(),
    conclusion: 'legal',
    workingDaysUsed: 7,
    extensions: 0,
    extensionWorkingDays: 0,
    caseOfficer: { sub: 'bj-r', name: '李审' },
    lastSeq: 12,
    title,
    terms: searchTerms(title, `京审登〔2025〕${i}号`, '北京市交通委员会'),
    clock: { startedAt: new Date(at).toISOString() },
  };
}

async function serve(uri: string): Promise<void> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      MONGODB_URI: uri,
      AUTH_JWT_SECRET: SECRET,
      HOST: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      REQUEST_SIGNING_KEYS: 'm-1:measure-request-signing-key-at-least-32-bytes',
      TEMPORAL_PAYLOAD_KEYS: 'm-1:dGVzdC1wYXlsb2FkLWtleS0zMi1ieXRlcy1sb25nISE=',
    },
    'component',
  );
  const conn = await connectMongo(uri);
  if (process.env.DEBUG_QUERIES)
    conn.set('debug', (coll: string, method: string) =>
      console.log(`  [store] ${new Date().toISOString()} ${coll}.${method}`),
    );
  const models = createModels(conn);
  const ctx = { config, models, temporal: undefined, signingKeys: undefined, now: () => new Date() };
  const app = createApp({
    app: ctx as unknown as AppContext,
    readiness: () => Promise.resolve({ mongodb: true, temporal: true }),
    consoleDir: '',
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  process.send?.({ port: (server.address() as { port: number }).port });
  process.on('disconnect', () => process.exit(0));
}

const kb = async (pid: number, f: string) =>
  Number(new RegExp(`${f}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]);

async function main() {
  const { ferretdb } = await provision();
  await mkdir(DATA, { recursive: true });
  await chmod(DATA, 0o755);
  const store = await startEmbeddedStore({ ferretdbPath: ferretdb, dataDir: DATA, durable: false });
  const uri = `${store.uri}/repro`;
  const mongo = await mongoose.createConnection(uri, { socketTimeoutMS: 600_000 }).asPromise();
  let api: ChildProcess | undefined;
  try {
    const models = createModels(mongo);
    await ensureIndexes(models);
    let have = await models.RegisterRow.countDocuments({}).maxTimeMS(600_000);
    const t0 = performance.now();
    for (; have < N; have += 1000) {
      await models.RegisterRow.insertMany(
        Array.from({ length: Math.min(1000, N - have) }, (_, k) => row(have + k)),
        { ordered: false },
      );
    }
    const b0 = performance.now();
    if (process.env.BACKFILL) await backfillRegisterDays(models);
    console.log(`backfill ${((performance.now() - b0) / 1000).toFixed(1)} s`);
    await noteReviewMonth(models, '2025-01');
    console.log(
      `rows: ${have} (seeding ${((performance.now() - t0) / 1000).toFixed(0)} s); load ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    api = fork(__filename, ['--serve', uri], { execArgv: ['--import', 'tsx'] });
    const port = await new Promise<number>((resolve) => api!.once('message', (m: { port: number }) => resolve(m.port)));
    const pid = api.pid!;
    const token = jwt.sign({ sub: 's', region: 'beijing', roles: ['supervisor'] }, SECRET, { expiresIn: '2h' });
    const which = process.argv[2] ?? 'both';
    for (const [name, accept] of [
      ['csv', 'text/csv'],
      ['xlsx', XLSX],
    ] as const) {
      if (which !== 'both' && which !== name) continue;
      await writeFile(`/proc/${pid}/clear_refs`, '5');
      const before = await kb(pid, 'VmRSS');
      const started = performance.now();
      let bytes = 0;
      let first = 0;
      let chunks = 0;
      const parts: Buffer[] = [];
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/register${process.env.Q ?? ''}`, {
          headers: { Authorization: `Bearer ${token}`, Accept: accept },
        });
        const headersAt = performance.now() - started;
        for await (const c of res.body!) {
          if (++chunks === 2) first = performance.now() - started;
          bytes += (c as Uint8Array).length;
          parts.push(Buffer.from(c as Uint8Array));
        }
        const body = Buffer.concat(parts);
        let lines: number;
        if (name === 'csv') lines = body.toString('utf8').split('\r\n').length - 2;
        else {
          const book = new ExcelJS.Workbook();
          await book.xlsx.load(body as unknown as ArrayBuffer);
          lines = book.worksheets[0].rowCount - 1;
        }
        console.log(
          `${name}: ${res.status}, headers ${(headersAt / 1000).toFixed(1)} s, 2nd chunk ${(first / 1000).toFixed(1)} s, whole ${((performance.now() - started) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB, rows ${lines}, RSS before ${(before / 1024).toFixed(0)} MB, peak ${((await kb(pid, 'VmHWM')) / 1024).toFixed(0)} MB`,
        );
      } catch (err) {
        console.log(
          `${name}: FAILED after ${((performance.now() - started) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB (${(err as Error).message}; ${String((err as { cause?: unknown }).cause)}); 2nd chunk at ${(first / 1000).toFixed(1)} s; peak ${((await kb(pid, 'VmHWM')) / 1024).toFixed(0)} MB`,
        );
      }
    }
  } finally {
    api?.kill();
    await mongo.close();
    await store.stop();
  }
}

if (process.argv[2] === '--serve') void serve(process.argv[3]);
else
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
