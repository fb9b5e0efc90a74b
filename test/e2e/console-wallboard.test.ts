/**
 * The console's call-center wallboard in Debian's chromium, against the emulated CCD over real
 * CSTA and CMIP links. The sandbox: 50 users, a fifth of them operators (10000..10009 in
 * processing group 7501, whose pilot is 7001). An agent logs on and pauses through the REST API
 * (as the SDK's ccAgent-rest.ts does): the wallboard shows it not ready; a caller dials the
 * pilot: the call shows waiting; the agent gets ready: the call shows delivered to the agent,
 * the agent busy; the caller hangs up: wrap-up. Each state shown is checked against what the
 * REST API answers. No console error; every control labelled.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserLease,
  chromiumPresent,
  openConsolePage,
  stepWithScreenshot,
} from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const haveChromium = chromiumPresent("console-wallboard");
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;

const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)("the call-center wallboard in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ users: 50, agents: 0.2, ccdWrapUpMs: 1500 }, {}, { console: true });
    ({ browser, page, problems } = await openConsolePage({ width: 1400, height: 1000 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const step = (name: string, body: () => Promise<void>) => stepWithScreenshot(page, "wallboard", name, body);

  it("shows agents logging on, ready and busy, and a pilot's call queued then delivered", {
    timeout: 60_000,
  }, async () => {
    const board = page.locator("main.wallboard");
    const agentRow = (login: string) => board.locator(`tr[data-agent="${login}"]`);
    const agentIs = (login: string, state: string) =>
      board.locator(`tr[data-agent="${login}"][data-state="${state}"]`).waitFor(WAIT);
    const pilot = board.locator('article[data-pilot="7001"]');
    const agent = await sb.loginUser("10001");
    const caller = await sb.loginUser("10030");
    const stateOf = async () =>
      (await agent.get<{ mainState: string; subState?: string }>("acdagent", "state")).body;

    await step("open", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "50 / 50 users" }).waitFor(WAIT);
      await page.getByRole("button", { name: "Call center" }).click();
      await agentIs("oxe10001", "logged off");
      // every operator of the CCD, each with its state as the REST API reads it
      expect(await board.locator("tbody tr").count()).toBe(sb.emulator.ccd!.config.operators.length);
      await board.getByTestId("agents-logged-off").filter({ hasText: "10 logged off" }).waitFor(WAIT);
      // the wallboard monitors the pilot through CallCenterPilot
      await pilot.filter({ hasText: "0 waiting" }).waitFor(WAIT);
      await pilot.filter({ hasNotText: "starting monitoring" }).waitFor(WAIT);
      expect(sb.gateway.core.pilotMonitors.isMonitored(1, "7001")).toBe(true);
      // who the operators are is the sandbox's to say, to an administrator only
      const asUser = await agent.send<{ httpStatus: string }>(
        "GET",
        `${sb.gateway.url}/api/console/emulator/ccd`,
      );
      expect(asUser.status).toBe(403);
      expect(asUser.body.httpStatus).toBe("FORBIDDEN");
    });

    await step("logon", async () => {
      const logon = await agent.post("acdagent", "logon", {
        proAcdDeviceNumber: "10001",
        pgGroupNumber: "7501",
      });
      expect(logon.status).toBe(204);
      await agentIs("oxe10001", "not ready");
      expect(await stateOf()).toMatchObject({ mainState: "LOG_ON", subState: "PAUSE" });
      expect(await agentRow("oxe10001").locator("td").nth(4).textContent()).toBe("7501");
      await board.getByTestId("agents-logged-off").filter({ hasText: "9 logged off" }).waitFor(WAIT);
    });

    let callRef = "";
    await step("queued", async () => {
      // the only agent logged on is paused: the call waits in the pilot's queue
      const call = await caller.post<{ callRef: string }>("telephony", "calls", {
        deviceId: "10030",
        callee: "7001",
      });
      expect(call.status).toBe(200);
      callRef = call.body.callRef;
      await pilot.getByTestId("pilot-waiting").filter({ hasText: "1" }).waitFor(WAIT);
      await pilot.locator('li[data-state="QUEUED"]', { hasText: "from 10030" }).waitFor(WAIT);
      expect(sb.emulator.ccd!.queueLength("7501")).toBe(1);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "wallboard.png") });
    });

    await step("ready-and-delivered", async () => {
      expect((await agent.post("acdagent", "ready")).status).toBe(204);
      await pilot
        .locator('li[data-state="DELIVERED"]', { hasText: "from 10030: delivered to 10001" })
        .waitFor(WAIT);
      await pilot.getByTestId("pilot-waiting").filter({ hasText: "0" }).waitFor(WAIT);
      await pilot.getByTestId("pilot-offered").filter({ hasText: "1" }).waitFor(WAIT);
      await agentIs("oxe10001", "busy");
      expect(await stateOf()).toMatchObject({ mainState: "LOG_ON", subState: "BUSY" });
      await board.getByTestId("agents-busy").filter({ hasText: "1 busy" }).waitFor(WAIT);
    });

    await step("wrap-up", async () => {
      expect((await caller.del("telephony", `calls/${encodeURIComponent(callRef)}`)).status).toBe(204);
      await agentIs("oxe10001", "wrap-up");
      await agentIs("oxe10001", "ready");
      expect(await stateOf()).toMatchObject({ mainState: "LOG_ON", subState: "READY" });
      expect((await agent.post("acdagent", "logoff")).status).toBe(204);
      await agentIs("oxe10001", "logged off");
    });

    await step("labels", async () => {
      const unlabelled = await page.evaluate<string[]>(`
        [...document.querySelectorAll("input, select, button")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent.trim())))
          .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled).toEqual([]);
      // the page reached from the keyboard: back to the board and again
      await page.getByRole("button", { name: "Board" }).focus();
      await page.keyboard.press("Enter");
      await board.waitFor({ state: "detached", ...WAIT });
      await page.getByRole("button", { name: "Call center" }).focus();
      await page.keyboard.press("Enter");
      await agentIs("oxe10001", "logged off");
    });
    expect(problems).toEqual([]);
  });
});
