/**
 * What the use cases are built from: the configuration, the store's models, the process's one
 * Temporal client and the keys the API signs its requests to workflows with. The composition root
 * (bin/) makes one per process; tests make one per suite.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config';
import type { SigningKeys } from '../platform/signing';
import type { Models } from '../store/models';

export interface AppContext {
  config: Config;
  models: Models;
  /** One Temporal client per process, never per request. */
  temporal: Client;
  /** What requests to the review workflows are signed with. */
  signingKeys: SigningKeys;
  /** The clock for deadlines and timestamps; tests may pin it. */
  now: () => Date;
  /** Called once per decision with its outcome (the answer's HTTP status), for metrics. */
  onDecision?: (outcome: { kind: string; decision: string; status: number }) => void;
}
