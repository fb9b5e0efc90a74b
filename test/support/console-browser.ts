/**
 * What every Chromium test of the console shares: Debian's chromium (CHROMIUM_PATH to point
 * elsewhere; the suite is skipped, loudly, without it), a page whose console errors and uncaught
 * exceptions are collected (each test asserts there are none), and steps that leave a
 * screenshot under test-artifacts/console when they fail.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts/console");

/** Whether chromium is here; when not, says which suite is skipped. */
export function chromiumPresent(suite: string): boolean {
  const here = existsSync(CHROMIUM);
  if (!here) console.warn(`${suite}: SKIPPED, no chromium at ${CHROMIUM}`);
  return here;
}

/** What a test file holds of the shared browser: its own contexts, closed when it is done. */
export interface BrowserLease {
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes the contexts opened through this lease; the browser stays for the next file. */
  close(): Promise<void>;
}

let launched: Promise<Browser> | undefined;

/**
 * One chromium per test process, shared by the browser files that run in it one after the
 * other (the shared project shares processes): a launch cost some 1.5 s of CPU and a second of
 * waiting, paid by nine files. Each file works in contexts of its own (cookies, storage and
 * pages apart). The browser ends with the process: chromium quits when its pipe to
 * playwright closes, even when the process is killed.
 */
function sharedBrowser(): Promise<Browser> {
  launched ??= chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true }).then(
    (browser) => {
      browser.once("disconnected", () => {
        launched = undefined;
      });
      return browser;
    },
    (err: unknown) => {
      launched = undefined;
      throw err;
    },
  );
  return launched;
}

export async function leaseBrowser(): Promise<BrowserLease> {
  const browser = await sharedBrowser();
  const contexts: BrowserContext[] = [];
  return {
    async newContext(options) {
      const context = await browser.newContext(options);
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    },
  };
}

export interface ConsolePage {
  browser: BrowserLease;
  page: Page;
  /** console errors and page errors, as they happen */
  problems: string[];
}

export async function openConsolePage(viewport: { width: number; height: number }): Promise<ConsolePage> {
  const browser = await leaseBrowser();
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { browser, page, problems };
}

/** Runs `body`; on failure saves `<prefix>-<name>.png` of the page and names it in the error. */
export async function stepWithScreenshot(
  page: Page,
  prefix: string,
  name: string,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${prefix}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    throw new Error(`step "${name}" failed (screenshot: ${file}): ${(err as Error).message}`);
  }
}
