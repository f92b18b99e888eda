import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Response,
} from 'playwright-core';
import type { Exposure } from './secrets';

/** Debian's Chromium (.ci/run installs it); playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');

/** One headless Chromium per test file, with a fresh profile and no network beyond loopback. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (see .ci/run)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A browser tab that records everything it received and every script error or CSP report. */
export interface RecordedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every answer's body, for the secret scans. */
  readonly exposures: Exposure[];
  /** Console errors and uncaught exceptions (a CSP violation shows up here). */
  readonly problems: string[];
  /** Waits for every recorded answer's body to be read. */
  settle(): Promise<void>;
}

export async function openPage(browser: Browser): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const exposures: Exposure[] = [];
  const problems: string[] = [];
  const pending: Promise<void>[] = [];
  const record = async (response: Response) => {
    const request = response.request();
    const where = `${request.method()} ${response.url()} ${response.status()}`;
    try {
      const headers = JSON.stringify(await response.allHeaders());
      exposures.push({ where, text: `${headers}\n${await response.text()}` });
    } catch {
      // A redirect or a body the page navigated away from: nothing was delivered.
    }
  };
  page.on('response', (response) => pending.push(record(response)));
  page.on('console', (message) => {
    // Refused requests (401, 403) are logged by Chromium too; those are the tests' business.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return {
    context,
    page,
    exposures,
    problems,
    settle: async () => {
      await Promise.all(pending);
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A page on another origin (another loopback port) that runs `script`, as an attacker's would. */
export async function serveForeignPage(
  script: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><body>foreign page<script src="/page.js"></script></body>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
