/**
 * Mutual TLS to Temporal, as production runs it (docs/security.md, "Temporal in production"): the API's client
 * and the worker connect with the certificate and key TEMPORAL_TLS_* name and check the server's
 * certificate against TEMPORAL_TLS_CA; a caller without a certificate of that CA is refused.
 *
 * The run's Temporal dev server speaks plaintext, so the test puts a TLS front before it that asks
 * every caller for a client certificate signed by the test's CA (certificates made with openssl).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { Connection } from '@temporalio/client';
import { castOf, startHarness, type Claims, type Harness } from './harness';

const SERVER_NAME = 'temporal.test';
let dir: string;
let front: Server;
let frontAddress: string;
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  } catch (err) {
    const detail = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`openssl ${args[0]} failed (the TLS test needs the openssl command): ${detail}`);
  }
}

/** A CA, and a certificate it signs for `name` with the extensions of `usage`. */
function makeCa(ca: string): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${ca}`,
    '-keyout', `${ca}.key`, '-out', `${ca}.crt`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'); // prettier-ignore
}
async function makeCertificate(ca: string, name: string, usage: 'serverAuth' | 'clientAuth'): Promise<void> {
  await writeFile(
    file(`${name}.ext`),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=${usage}\n` +
      `subjectAltName=DNS:${name === 'server' ? SERVER_NAME : `${name}.clients.test`}\n`,
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`); // prettier-ignore
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'temporal-tls-'));
  makeCa('ca');
  makeCa('other-ca');
  await makeCertificate('ca', 'server', 'serverAuth');
  await makeCertificate('ca', 'api', 'clientAuth');
  await makeCertificate('other-ca', 'stranger', 'clientAuth');
  const [temporalHost, temporalPort] = (process.env.TEST_TEMPORAL_ADDRESS as string).split(':');
  front = createServer(
    {
      key: await readFile(file('server.key')),
      cert: await readFile(file('server.crt')),
      ca: await readFile(file('ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const upstream = connect(Number(temporalPort), temporalHost);
      socket.pipe(upstream).pipe(socket);
      for (const s of [socket, upstream]) s.on('error', () => (s === socket ? upstream : socket).destroy());
    },
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontAddress = `127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => front?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const people = {
  drafter: { sub: 'tls-d', region: 'hebei', roles: ['drafter'], org: '河北省交通运输厅' },
  reviewer: { sub: 'tls-r', region: 'hebei', roles: ['reviewer'] },
} satisfies Record<string, Claims>;

test('when Temporal requires client certificates, the API and the worker connect with theirs and a review runs', async () => {
  let h: Harness | undefined;
  try {
    h = await startHarness(
      {
        TEMPORAL_TLS_CERT: file('api.crt'),
        TEMPORAL_TLS_KEY: file('api.key'),
        TEMPORAL_TLS_CA: file('ca.crt'),
        TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      },
      { temporalAddress: frontAddress },
    );
    const harness = h;
    const { post, accept } = castOf(() => harness, people);
    const documentId = (
      await post('drafter', '/v1/documents', {
        title: '河北省公路养护管理办法',
        articles: [{ number: '1', text: '为加强公路养护，制定本办法。' }],
        legalBasis: ['《公路法》'],
        materials: { draftingExplanation: '说明' },
      }).expect(201)
    ).body.id as string;
    const started = await post('drafter', `/v1/documents/${documentId}/reviews`).expect(202);
    const accepted = await accept('reviewer', started.body.reviewId as string); // the worker ran it
    expect(accepted.review).toEqual({ status: 'in_review', stage: 'origin_review' });
  } finally {
    await h?.stop();
  }
});

test('when a caller has no client certificate, or one from another CA, or speaks plaintext, Temporal is out of reach', async () => {
  const ca = await readFile(file('ca.crt'));
  const attempt = (tls: Parameters<typeof Connection.connect>[0]) =>
    Connection.connect({ address: frontAddress, connectTimeout: '3s', ...tls }).then(
      async (connection) => {
        await connection.close();
        return 'connected';
      },
      (err: unknown) => `refused: ${err instanceof Error ? err.message : String(err)}`,
    );
  const outcomes = {
    noCertificate: await attempt({ tls: { serverRootCACertificate: ca, serverNameOverride: SERVER_NAME } }),
    otherCa: await attempt({
      tls: {
        serverRootCACertificate: ca,
        serverNameOverride: SERVER_NAME,
        clientCertPair: { crt: await readFile(file('stranger.crt')), key: await readFile(file('stranger.key')) },
      },
    }),
    plaintext: await attempt({}),
    withCertificate: await attempt({
      tls: {
        serverRootCACertificate: ca,
        serverNameOverride: SERVER_NAME,
        clientCertPair: { crt: await readFile(file('api.crt')), key: await readFile(file('api.key')) },
      },
    }),
  };
  expect(outcomes).toEqual({
    noCertificate: expect.stringMatching(/^refused/),
    otherCa: expect.stringMatching(/^refused/),
    plaintext: expect.stringMatching(/^refused/),
    withCertificate: 'connected',
  });
});
