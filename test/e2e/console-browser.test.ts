/**
 * The web console in a real browser: Debian's chromium driven by playwright-core (no browser
 * download). The demo of issue #18: log in, place a call between two phones, see it ring on
 * the board, answer it from the phone panel, transfer it, see the communication log entry,
 * switch the node over and see the links come back; no console errors on the way, and the
 * basics of accessibility (every control labelled, the board usable from the keyboard).
 * On a failure, a screenshot of the page is kept under test-artifacts/console/.
 *
 * Skips, saying so, only when there is no chromium (CHROMIUM_PATH, default /usr/bin/chromium);
 * .ci/run installs it.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserLease, CHROMIUM, leaseBrowser } from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts/console");
/** where to write the README's screenshots, when asked (scripts/console-screenshots.sh) */
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `console-browser: SKIPPED, no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );

const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)("the web console in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox(
      { users: 12, redundant: true },
      { links: { heartbeatMs: 250, heartbeatMisses: 2, reconnectMinMs: 50, reconnectMaxMs: 500 } },
      { console: true },
    );
    browser = await leaseBrowser();
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1400, height: 900 },
    });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const row = (login: string) => page.locator(`.row[data-login="${login}"]`);
  const phone = () => page.locator("section.phone");
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };
  /** Runs a step; on failure, the page as it was is kept as a test artifact. */
  const step = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      throw new Error(`step "${name}" failed (screenshot: ${file}): ${(err as Error).message}`);
    }
  };
  const stateOf = (login: string, state: string): Locator =>
    page.locator(`.row[data-login="${login}"][data-state="${state}"]`);
  const openPhone = async (login: string) => {
    await row(login).getByRole("button").click();
    await phone()
      .locator("h2", { hasText: login.replace("oxe", "") })
      .waitFor(WAIT);
  };

  it("logs in, calls, answers, transfers, shows the log, survives a switchover", async () => {
    await step("login", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "12 / 12 users" }).waitFor(WAIT);
      await page.locator('.links [data-link="csta"]', { hasText: "CSTA up" }).waitFor(WAIT);
    });

    await step("call", async () => {
      await openPhone("oxe10001");
      await phone().getByLabel("Number").fill("10002");
      await phone().getByRole("button", { name: "Call", exact: true }).click();
      // on the board: the callee rings, the caller is calling
      await stateOf("oxe10002", "RINGING").waitFor(WAIT);
      await stateOf("oxe10001", "CALLING").waitFor(WAIT);
      expect(await row("oxe10002").locator(".state").textContent()).toBe("ringing");
      await shot("board");
    });

    await step("answer", async () => {
      await openPhone("oxe10002");
      await phone().getByRole("button", { name: "Answer" }).click();
      await stateOf("oxe10002", "IN_CALL").waitFor(WAIT);
      await stateOf("oxe10001", "IN_CALL").waitFor(WAIT);
      await page.getByTestId("call-count").filter({ hasText: "1" }).waitFor(WAIT);
    });

    await step("transfer", async () => {
      // 10002 consults 10003 (a call while one is active puts it on hold), 10003 lifts the
      // handset on the set (the emulator control API), then 10002 transfers.
      await phone().getByLabel("Number").fill("10003");
      await phone().getByRole("button", { name: "Call", exact: true }).click();
      await stateOf("oxe10003", "RINGING").waitFor(WAIT);
      await phone().locator('.call[data-state="HELD"]').waitFor(WAIT);
      await shot("phone");
      await openPhone("oxe10003");
      await phone().getByRole("button", { name: "Lift handset" }).click();
      await stateOf("oxe10003", "IN_CALL").waitFor(WAIT);
      await openPhone("oxe10002");
      await phone().getByRole("button", { name: "Transfer" }).click();
      await stateOf("oxe10002", "FREE").waitFor(WAIT);
      await stateOf("oxe10001", "IN_CALL").waitFor(WAIT);
      await stateOf("oxe10003", "IN_CALL").waitFor(WAIT);
    });

    await step("comlog", async () => {
      // 10002's log: the call from 10001 and the one to 10003, both ended by the transfer
      await phone().locator(".comlog tbody tr").nth(1).waitFor(WAIT);
      expect(await phone().locator(".comlog tbody tr").count()).toBe(2);
    });

    await step("switchover", async () => {
      await page.getByRole("button", { name: "Switch over" }).click();
      await page.locator(".log li", { hasText: "node 1: OnCtiLinkDown" }).waitFor(WAIT);
      await page.locator(".log li", { hasText: "node 1: OnCtiLinkUp" }).waitFor(WAIT);
      await page.locator('.links [data-link="csta"]', { hasText: "CSTA up" }).waitFor(WAIT);
      await page.locator(".links .detail", { hasText: "connected secondary" }).waitFor(WAIT);
      // the call survived the switchover
      await stateOf("oxe10001", "IN_CALL").waitFor(WAIT);
      await shot("switchover");
    });

    expect(problems).toEqual([]);
  });

  it("labels every control and works from the keyboard", async () => {
    await step("accessibility", async () => {
      // Run in the page (this file is typed for Node, without the DOM's types).
      const unlabelled = await page.evaluate<string[]>(`
        [...document.querySelectorAll("input, select, button")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent.trim())))
          .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled).toEqual([]);
      // Keyboard only: focus the first row of the board, Enter opens that user's phone.
      await page.getByLabel("Search").fill("oxe10005");
      await page.getByLabel("Search").press("Tab");
      await page.keyboard.press("Enter");
      await phone().locator("h2", { hasText: "10005" }).waitFor(WAIT);
    });
    expect(problems).toEqual([]);
  });
});
