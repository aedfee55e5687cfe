/** What the API is built from; `api/server.ts` and the tests supply real ones. */
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { Config } from '../runtime/config';
import type { ApiMetrics, Logger } from '../runtime/observability';
import type { SigningKeys } from '../runtime/signing';
import type { Models } from '../store/models';

export interface ApiDeps {
  config: Config;
  models: Models;
  /** One Temporal client per process, never per request. */
  temporal: Client;
  /** What the API signs its requests to the review workflows with. */
  signingKeys: SigningKeys;
  /** Whether MongoDB and Temporal answer right now (for `/readyz`). */
  readiness: () => Promise<{ mongodb: boolean; temporal: boolean }>;
  /**
   * Serve the remote codec endpoint at `/codec` (loopback only) so the Temporal UI can show the
   * encrypted payloads: `npm start` does; a production API does not (operators run their own).
   */
  codec?: { codec: PayloadCodec; allowedOrigins: string[] };
  /** Where the request log goes; silent when omitted (tests). */
  logger?: Logger;
  /** The API's metrics; a fresh registry when omitted. */
  metrics?: ApiMetrics;
  /** The Temporal worker's own metrics, when this process runs one: `/metrics` appends them. */
  workerMetricsUrl?: string;
  /** The built console to serve at `/` (web/dist); found beside the sources when omitted; '' serves none. */
  consoleDir?: string;
  /** The clock for deadlines and timestamps; tests may pin it. */
  now?: () => Date;
}
