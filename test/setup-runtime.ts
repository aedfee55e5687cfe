/** Keeps the Temporal SDK's per-worker INFO lines out of the test output; warnings still show. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
