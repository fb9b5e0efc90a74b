/**
 * The console's scenario player in Debian's chromium: the library listed, basic-call run live
 * against the console's sandbox (its calls on the board as they happen), each step and expected
 * event turning green, the Markdown and JUnit reports downloaded; then the same scenario with
 * Bob's handset already off the hook, whose expected ringing turns red and whose report says
 * so. The player's API refuses a user (403), an unknown scenario (404), a second run at once (409).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserLease, CHROMIUM, leaseBrowser } from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts/console");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console-scenarios: SKIPPED, no chromium at ${CHROMIUM}`);
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;

const WAIT = { timeout: 20_000 };

describe.skipIf(!haveChromium)("the scenario player in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ users: 12 }, {}, { console: true });
    browser = await leaseBrowser();
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      acceptDownloads: true,
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    page.on("console", (m) => {
      // A refused request (the 409 below, asked on purpose) is the browser's log, not the page's error.
      if (m.type() === "error" && !m.text().includes("409")) problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const step = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `scenarios-${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      throw new Error(`step "${name}" failed (screenshot: ${file}): ${(err as Error).message}`);
    }
  };
  const download = async (name: string): Promise<string> => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name }).click()]);
    const file = await d.path();
    return readFileSync(file, "utf8");
  };

  it("runs basic-call live: steps green, reports downloaded; a failing run turns red", {
    timeout: 90_000,
  }, async () => {
    const steps = page.locator("ol.steps > li.step");
    await step("open", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "12 / 12 users" }).waitFor(WAIT);
      await page.getByRole("button", { name: "Scenarios" }).click();
      await page.getByLabel("Choose a scenario").selectOption("basic-call.yaml");
      await page.locator(".sc-pick .hint", { hasText: "runs live against this sandbox" }).waitFor(WAIT);
      // Every step is listed before the run, grey; the expect steps name their events.
      expect(await steps.count()).toBe(11);
      expect(await page.locator("li.step.pending").count()).toBe(11);
      await page.locator(".expects li", { hasText: "bob: OnCallCreated" }).waitFor(WAIT);
    });

    await step("run", async () => {
      // From the keyboard: the scenario's list, Tab, Enter on Run.
      await page.getByLabel("Choose a scenario").focus();
      await page.keyboard.press("Tab");
      expect(await page.evaluate<string>("document.activeElement.textContent")).toBe("Run");
      await page.keyboard.press("Enter");
      await page.getByTestId("run-status").and(page.locator('[data-state="done"]')).waitFor(WAIT);
      expect(await page.getByTestId("run-status").getAttribute("data-ok")).toBe("true");
      expect(await page.locator('li.step[data-state="ok"]').count()).toBe(11);
      expect(await page.locator('.expects li[data-state="ok"]').count()).toBeGreaterThanOrEqual(6);
      expect(await page.locator('.expects li:not([data-state="ok"])').count()).toBe(0);
      await page.getByTestId("run-status").filter({ hasText: "passed" }).waitFor(WAIT);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "scenario-player.png") });
    });

    await step("reports", async () => {
      const md = await download("Markdown report");
      expect(md).toContain("basic call");
      expect(md).toMatch(/pass/i);
      const xml = await download("JUnit report");
      expect(xml).toContain("<testsuite");
      expect(xml).toContain('failures="0"');
    });

    await step("red", async () => {
      // Bob (the directory's user 2) has his handset off: the call does not ring him.
      const bob = sb.emulator.directory.subscribers[2]!.directoryNumber;
      sb.emulator.phone(bob).offHook();
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page.getByTestId("run-status").filter({ hasText: "running" }).waitFor(WAIT);
      await page
        .getByTestId("run-status")
        .and(page.locator('[data-state="done"]'))
        .waitFor({ timeout: 40_000 });
      sb.emulator.phone(bob).hangUp();
      expect(await page.getByTestId("run-status").getAttribute("data-ok")).toBe("false");
      expect(await page.locator('li.step[data-state="failed"]').count()).toBe(1);
      const failed = page.locator('li.step[data-state="failed"]');
      expect(await failed.locator(".expects li.failed").count()).toBeGreaterThan(0);
      await failed.locator(".error").waitFor(WAIT);
      await page.locator("pre.error[role=alert]").waitFor(WAIT);
      const xml = await download("JUnit report");
      expect(xml).toContain('failures="1"');
    });
    expect(problems).toEqual([]);
  });

  it("answers O2G errors: 403 for a user, 404 for an unknown scenario or run, 409 while one runs", {
    timeout: 60_000,
  }, async () => {
    const user = await sb.loginUser("10005");
    const base = `${sb.gateway.url}/api/console/scenarios`;
    const asUser = await user.send<{ httpStatus: string }>("GET", base);
    expect(asUser.status).toBe(403);
    expect(asUser.body.httpStatus).toBe("FORBIDDEN");
    const admin = await sb.loginAdmin();
    expect((await admin.send("POST", `${base}/no-such-thing.yaml/runs`)).status).toBe(404);
    expect((await admin.send("POST", `${base}/..%2Fsecret.yaml/runs`)).status).toBe(400);
    expect((await admin.send("GET", `${base}/runs/999`)).status).toBe(404);
    const first = await admin.send<{ runId: number }>("POST", `${base}/hold-retrieve.yaml/runs`);
    expect(first.status).toBe(202);
    const second = await admin.send<{ httpStatus: string }>("POST", `${base}/basic-call.yaml/runs`);
    expect(second.status).toBe(409);
    expect(second.body.httpStatus).toBe("CONFLICT");
    // the report of a run still going is not there yet
    expect((await admin.send("GET", `${base}/runs/${first.body.runId}/report.md`)).status).toBe(409);
    for (let i = 0; i < 200; i++) {
      const r = await admin.send<{ state: string; ok: boolean }>("GET", `${base}/runs/${first.body.runId}`);
      if (r.body.state === "done") {
        expect(r.body.ok).toBe(true);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("hold-retrieve did not end");
  });
});
