/**
 * The stack every browser journey runs on: a test harness (real Temporal and store), its API on a
 * loopback port, and Chromium, started together; `stop` stops whatever did start.
 */
import type { Browser } from 'playwright-core';
import { startHarness, type Harness } from '../harness';
import { launchChromium, listen } from './browser';

export interface JourneyStack {
  h: Harness;
  browser: Browser;
  baseUrl: string;
  stop: () => Promise<void>;
}

export async function startJourneyStack(env: Record<string, string> = {}): Promise<JourneyStack> {
  // Both settle before a failure is thrown, so that what did start is stopped: a harness still
  // starting when the run ends keeps connections open and jest from exiting.
  const [harness, launched] = await Promise.allSettled([startHarness(env), launchChromium()]);
  const h = harness.status === 'fulfilled' ? harness.value : undefined;
  const browser = launched.status === 'fulfilled' ? launched.value : undefined;
  const server: { close?: () => Promise<void> } = {};
  const stop = async () => {
    // Each is stopped even when another fails to stop.
    const stopped = await Promise.allSettled([browser?.close(), server.close?.(), h?.stop()]);
    const failed = stopped.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  if (!h || !browser) {
    await stop().catch(() => undefined);
    throw harness.status === 'rejected' ? harness.reason : (launched as PromiseRejectedResult).reason;
  }
  const listening = await listen(h.app);
  server.close = listening.close;
  return { h, browser, baseUrl: listening.baseUrl, stop };
}
