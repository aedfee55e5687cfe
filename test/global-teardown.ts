/** Where test/global-setup.ts leaves its handle; both run in the Jest parent process. */
export const HANDLE_KEY = '__legalityReviewTestServers';

export interface TestServersHandle {
  stop(): Promise<void>;
}

/** Stops the servers test/global-setup.ts started and removes their temporary directory. */
export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as Record<string, unknown>;
  const handle = registry[HANDLE_KEY] as TestServersHandle | undefined;
  delete registry[HANDLE_KEY];
  await handle?.stop();
}
