/**
 * A real browser for the console tests: Debian's Chromium through playwright-core (CHROMIUM_PATH,
 * default /usr/bin/chromium), the API of a test harness listening on loopback, an accessibility
 * check with axe-core, and screenshots under test-artifacts/screenshots (git-ignored).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type express from 'express';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium, or fails saying how to install it: never a silent skip. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath} (the console's browser tests need it). ` +
        'Install it as root with: apt-get update && apt-get install -y chromium ' +
        '(or point CHROMIUM_PATH at a Chromium binary).',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
}

/** Serves `app` on a free loopback port; answers its base URL and a stop function. */
export async function listen(app: express.Express): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Saves a full-page screenshot as `<name>.png` for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The serious and critical accessibility violations on the page (WCAG 2 A/AA rules). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/**
 * Reloads `page` until `locator` shows, for what the workflow stores a moment after the answer
 * (a new task): polling with a deadline, never a fixed sleep.
 */
export async function reloadUntilVisible(
  page: Page,
  locator: Locator,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Generous per attempt: each reload re-renders the console, and the machine is shared.
      await locator.first().waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch {
      if (Date.now() > deadline) {
        await screenshot(page, `timed-out-${what.replace(/\W+/g, '-')}`).catch(() => undefined);
        throw new Error(`timed out waiting for ${what} (screenshot in ${SCREENSHOT_DIR})`);
      }
      await page.reload();
    }
  }
}
