/**
 * Serving the app: listening on a port, answering what Node's HTTP parser refuses, and closing
 * cleanly. The processes that serve it are in bin/.
 */
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createApp } from './app';
import type { ApiDeps } from './deps';
import { AppError } from '../features/errors';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Builds the app and listens on `port` (0: any free port). `close` stops accepting and ends idle connections. */
export function startApi(deps: ApiDeps, port: number, host?: string): Promise<RunningApi> {
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = host ? app.listen(port, host) : app.listen(port);
    server.on('clientError', answerMalformed);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const shownHost = host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost';
      resolve({
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
            // Requests still running get a moment to finish, then their sockets are closed.
            setTimeout(() => server.closeAllConnections(), 5000).unref();
          }),
      });
    });
  });
}

/**
 * What Node's HTTP parser refuses before Express sees it (headers too large, a broken request
 * line) still gets an answer in the contract's format rather than an empty one.
 */
function answerMalformed(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const error = tooLarge
    ? new AppError(
        'request_header_fields_too_large',
        'the request headers are too large (a token this long is not one of ours)',
      )
    : new AppError('validation_failed', 'the request is not valid HTTP');
  const body = JSON.stringify(error.toBody());
  socket.end(
    `HTTP/1.1 ${error.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
