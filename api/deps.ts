/** What the API is built from; the composition root (bin/) and the tests supply real ones. */
import type { PayloadCodec } from '@temporalio/common';
import type { CodecAccess } from './codec-endpoint';
import type { AppContext } from '../features/context';
import type { ApiMetrics, Logger } from '../platform/observability';

/** Whether MongoDB (reads and writes) and Temporal answer right now (`/readyz`). */
export type Readiness = () => Promise<{ mongodb: boolean; temporal: boolean }>;

export interface ApiDeps {
  /** The application: its use cases run in this context (features/). */
  app: AppContext;
  /** Whether MongoDB and Temporal answer right now (for `/readyz`). */
  readiness: Readiness;
  /**
   * Serve the remote codec endpoint at `/codec` (loopback only, to holders of its credential) so
   * the Temporal UI can show the encrypted payloads: `npm start` does; a production API does not
   * (operators run their own).
   */
  codec?: { codec: PayloadCodec } & CodecAccess;
  /** Where the request log goes; silent when omitted (tests). */
  logger?: Logger;
  /** The API's metrics; a fresh registry when omitted. */
  metrics?: ApiMetrics;
  /** The Temporal worker's own metrics, when this process runs one: `/metrics` appends them. */
  workerMetricsUrl?: string;
  /** The built console to serve at `/` (web/dist); found beside the sources when omitted; '' serves none. */
  consoleDir?: string;
}
