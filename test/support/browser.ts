/**
 * A real browser for the console tests: Chromium through playwright-core, the API of a test harness
 * listening on loopback, an accessibility check with axe-core, and screenshots under
 * test-artifacts/screenshots (git-ignored).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import PackagedChromium from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
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

/** Debian's Chromium, the first choice when installed. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Where the packaged Chromium is unpacked and the font configuration written: once per install. */
const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'console-browser');

/**
 * @sparticuz/chromium's recommended flags that suit its serverless hosts but would make the browser
 * under test unlike a person's: no same-origin policy or site isolation (they would hide what the
 * journey checks) and one process for everything (measure-console's figures would not compare).
 */
const NOT_FOR_TESTS = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--single-process',
]);

/**
 * Launches Chromium: CHROMIUM_PATH when set (failing, saying so, when no file is there: never a
 * silent skip), else Debian's when installed, else the one the npm package @sparticuz/chromium
 * ships, so that `npm test` needs nothing installed by hand. Either way it draws Chinese with a
 * font from the npm registry (Noto Sans Hans), so screenshots show glyphs, not empty boxes.
 */
export async function launchChromium(): Promise<Browser> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen !== undefined && !existsSync(chosen)) {
    throw new Error(
      `CHROMIUM_PATH names no file: ${chosen} (the console's browser tests need Chromium). ` +
        `Unset it to use ${SYSTEM_CHROMIUM} when installed, or else the Chromium of the npm package @sparticuz/chromium.`,
    );
  }
  const env = { ...process.env, FONTCONFIG_FILE: await fontConfig() } as Record<string, string>;
  const system = chosen ?? (existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (system !== undefined)
    return chromium.launch({ executablePath: system, args: CHROMIUM_FLAGS, headless: true, env });
  const args = [...PackagedChromium.args.filter((flag) => !NOT_FOR_TESTS.has(flag)), ...CHROMIUM_FLAGS];
  return chromium.launch({ executablePath: await packagedChromium(), args, headless: true, env });
}

/**
 * Unpacks the Chromium of @sparticuz/chromium (shipped brotli-compressed) once per installed
 * version. The package unpacks into the temporary directory, which other users and versions share
 * and where it reuses any `chromium` it finds; so it runs in a child process whose temporary
 * directory is a fresh one of ours, renamed into place once complete (two runs may race).
 */
async function packagedChromium(): Promise<string> {
  const entry = require.resolve('@sparticuz/chromium');
  const packageJson = path.join(path.dirname(entry), '..', '..', 'package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const dir = path.join(CACHE_DIR, `sparticuz-chromium-${version}`);
  const binary = path.join(dir, 'chromium');
  if (existsSync(binary)) return binary;
  await mkdir(CACHE_DIR, { recursive: true });
  const staging = await mkdtemp(`${dir}.unpacking-`);
  try {
    const unpack = `require(${JSON.stringify(entry)}).executablePath().then((p) => process.stdout.write(p))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', unpack], {
      env: { ...process.env, TMPDIR: staging },
    });
    if (stdout !== path.join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}`);
    await rename(staging, dir).catch((err: unknown) => {
      if (!existsSync(binary)) throw err; // else another run finished first
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

/**
 * A fontconfig file: the system's fonts (when it has any) and Noto Sans Hans, Simplified Chinese
 * from the npm package @embedpdf/fonts-sc (no Chinese font comes with Debian's Chromium or the
 * packaged one).
 */
async function fontConfig(): Promise<string> {
  const chineseFonts = path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  const file = path.join(CACHE_DIR, 'fonts.conf');
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const content = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${xml(chineseFonts)}</dir>`,
    `  <cachedir>${xml(path.join(CACHE_DIR, 'fontconfig'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  if ((await readFile(file, 'utf8').catch(() => '')) !== content) {
    // Written aside and renamed: a browser another run is starting never reads half a file.
    await mkdir(CACHE_DIR, { recursive: true });
    const draft = `${file}.${process.pid}`;
    await writeFile(draft, content);
    await rename(draft, file);
  }
  return file;
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

/**
 * Latin-script words a person may read: file formats, in any case (a file's name shows its extension),
 * and the names of standards the record cites (GB/T 9704, SHA-256).
 */
const ALLOWED_LATIN = new Set(['PDF', 'DOC', 'DOCX', 'OFD', 'GB', 'SHA']);

/** The Latin-script words in the page's visible text that are not allowed; ids, hashes and numbers have none. */
export async function latinWords(page: Page): Promise<string[]> {
  const text = (await page.evaluate<string>('document.body.innerText')).replace(/\b[0-9a-f]{16,}\b/g, ' ');
  return [...new Set(text.match(/[A-Za-z]{2,}/g) ?? [])].filter((w) => !ALLOWED_LATIN.has(w.toUpperCase()));
}

/** The serious and critical accessibility violations on the page (WCAG 2 A/AA rules). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // A frozen record's frame is left out: it is a sandboxed page without scripts, which axe cannot
  // enter (it waits 30 s per frame, minutes on a busy machine); frozenPageProblems checks its page.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('[data-testid="record-frame"]')
    .analyze();
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

/** The accessibility problems of a frozen record's page (`html`), opened on a page of its own. */
export async function frozenPageProblems(context: BrowserContext, html: string): Promise<string[]> {
  const page = await context.newPage();
  try {
    await page.setContent(html);
    return await accessibilityProblems(page);
  } finally {
    await page.close();
  }
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
