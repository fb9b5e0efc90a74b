/**
 * The console's phone, its O2G side, in Debian's chromium (playwright-core): the four links of
 * each node on the board (CSTA, CMIP, SSH, IMAP), routing (a forward set and cancelled, DND on
 * and off, each checked through the REST API as another application would see it), a missed
 * call in the event summary and the communication log as it happens, a directory search, and,
 * logged in as the user, a voice message deposited on the 4645 that shows at once and plays in
 * the browser's <audio> from the gateway's download. No console error on the way; every control
 * labelled. Screenshots of failures under test-artifacts/console/.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BrowserLease, CHROMIUM, leaseBrowser } from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts/console");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console-o2g-side: SKIPPED, no chromium at ${CHROMIUM}`);

const WAIT = { timeout: 15_000 };

/** Polls (the page's CSP forbids the string functions waitForFunction would evaluate). */
async function until(cond: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!haveChromium)("the phone's O2G side in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let admin: O2gClient;
  const problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ users: 12 }, {}, { console: true });
    admin = await sb.loginAdmin();
    browser = await leaseBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    return page;
  };
  const login = async (page: Page, name: string, password: string) => {
    await page.goto(`${sb.gateway.url}/console`);
    await page.getByLabel("Login").fill(name);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
  };
  const step = async (page: Page, name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `o2g-side-${name}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      throw new Error(`step "${name}" failed (screenshot: ${file}): ${(err as Error).message}`);
    }
  };
  const routingOf = async (login: string) =>
    (
      await admin.get<{ forwardType?: string; destinations: { type: string; number?: string }[] }>(
        "routing",
        "forwardroute",
        { loginName: login },
      )
    ).body;
  const dndOf = async (login: string) =>
    (await admin.get<{ activate: boolean }>("routing", "dnd", { loginName: login })).body.activate;

  it("shows four links per node; routes, DND, missed calls and directory of a user, as an administrator", {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    const phone = page.locator("section.phone");
    await step(page, "links", async () => {
      await login(page, "admin", "Sandbox-Admin-1");
      await page.getByTestId("user-count").filter({ hasText: "12 / 12 users" }).waitFor(WAIT);
      for (const [link, text] of [
        ["csta", "CSTA up"],
        ["cmip", "CMIP up"],
        ["ssh", "SSH up"],
        ["imap", "IMAP up"],
      ])
        await page.locator(`.links [data-link="${link}"]`, { hasText: text }).waitFor(WAIT);
    });

    await step(page, "forward", async () => {
      await page.locator('.row[data-login="oxe10001"]').getByRole("button").click();
      await phone.getByTestId("forward-state").filter({ hasText: "no forward" }).waitFor(WAIT);
      await phone.getByLabel("Forward to").fill("10003");
      await phone.getByRole("button", { name: "Set forward" }).click();
      await phone.getByTestId("forward-state").filter({ hasText: "immediate, to 10003" }).waitFor(WAIT);
      expect(await routingOf("oxe10001")).toEqual({
        destinations: [expect.objectContaining({ type: "NUMBER", number: "10003" })],
      });
      // a conditional forward to the voice mail
      await phone.getByLabel("When").selectOption("BUSY");
      await phone.getByLabel("to voice mail").check();
      await phone.getByRole("button", { name: "Set forward" }).click();
      await phone.getByTestId("forward-state").filter({ hasText: "on busy, to voice mail" }).waitFor(WAIT);
      expect(await routingOf("oxe10001")).toMatchObject({
        forwardType: "BUSY",
        destinations: [{ type: "VOICEMAIL" }],
      });
      await phone.getByRole("button", { name: "Cancel forward" }).click();
      await phone.getByTestId("forward-state").filter({ hasText: "no forward" }).waitFor(WAIT);
      expect((await routingOf("oxe10001")).destinations).toEqual([]);
    });

    await step(page, "forward-elsewhere", async () => {
      // Set by another application: the panel hears of it (OnRoutingStateChanged).
      const r = await admin.post(
        "routing",
        "forwardroute",
        { forwardRoute: { destinations: [{ type: "NUMBER", number: "10005" }] } },
        { loginName: "oxe10001" },
      );
      expect(r.status).toBe(200);
      await phone.getByTestId("forward-state").filter({ hasText: "immediate, to 10005" }).waitFor(WAIT);
      await admin.del("routing", "forwardroute", { loginName: "oxe10001" });
      await phone.getByTestId("forward-state").filter({ hasText: "no forward" }).waitFor(WAIT);
    });

    await step(page, "dnd", async () => {
      const toggle = phone.getByRole("button", { name: "Do not disturb" });
      expect(await toggle.getAttribute("aria-pressed")).toBe("false");
      await toggle.click();
      await phone.getByTestId("dnd-state").filter({ hasText: "DND on" }).waitFor(WAIT);
      expect(await toggle.getAttribute("aria-pressed")).toBe("true");
      expect(await dndOf("oxe10001")).toBe(true);
      await toggle.click();
      await phone.getByTestId("dnd-state").filter({ hasText: "DND off" }).waitFor(WAIT);
      expect(await dndOf("oxe10001")).toBe(false);
    });

    await step(page, "missed", async () => {
      await phone.getByTestId("summary-missed").filter({ hasText: /^0$/ }).waitFor(WAIT);
      // 10002 calls 10001 on the set and gives up before an answer: a missed call for 10001.
      sb.emulator.phone("10002").dial("10001");
      await page.locator('.row[data-login="oxe10001"][data-state="RINGING"]').waitFor(WAIT);
      sb.emulator.phone("10002").hangUp();
      await phone.getByTestId("summary-missed").filter({ hasText: /^1$/ }).waitFor(WAIT);
      await phone.locator(".comlog tr.missed").first().waitFor(WAIT);
      await phone.getByTestId("missed-count").filter({ hasText: "1 missed" }).waitFor(WAIT);
    });

    await step(page, "directory", async () => {
      const someone = sb.emulator.directory.subscribers[6]!;
      await phone.getByLabel("Look up a contact").fill(someone.lastName);
      await phone.getByRole("button", { name: "Look up", exact: true }).click();
      const found = phone.getByTestId("contacts");
      await found.locator("li", { hasText: someone.directoryNumber }).waitFor(WAIT);
      // a call from the result, through the REST API
      await found.getByRole("button", { name: `Call ${someone.firstName} ${someone.lastName}` }).click();
      await page.locator(`.row[data-login="${someone.loginName}"][data-state="RINGING"]`).waitFor(WAIT);
      sb.emulator.phone("10001").hangUp();
      await page.locator(`.row[data-login="${someone.loginName}"][data-state="FREE"]`).waitFor(WAIT);
    });

    await step(page, "labels", async () => {
      const unlabelled = await page.evaluate<string[]>(`
        [...document.querySelectorAll("input, select, button, audio")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent.trim())))
          .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled).toEqual([]);
    });
    expect(problems).toEqual([]);
  });

  it("shows a voice message at once and plays it in the browser, as the user", {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    const phone = page.locator("section.phone");
    await step(page, "voicemail", async () => {
      await login(page, "oxe10004", sb.emulator.directory.options.password);
      await phone.getByTestId("vm-count").filter({ hasText: "0 new / 0" }).waitFor(WAIT);
      await phone.getByTestId("summary-voicemail").filter({ hasText: /^0$/ }).waitFor(WAIT);
      // A caller leaves a message on the 4645: the gateway hears of it over IMAP, the page at once.
      sb.emulator.node(1).voicemail.deposit("10004", { caller: "10002", durationSec: 2 });
      await phone.getByTestId("summary-voicemail").filter({ hasText: /^1$/ }).waitFor(WAIT);
      await phone.getByTestId("vm-count").filter({ hasText: "1 new / 1" }).waitFor(WAIT);
      const message = phone.locator(".messages li[data-voicemail]");
      await message.getByRole("button", { name: "Play" }).click();
      const audio = message.locator("audio");
      await audio.waitFor(WAIT);
      // The browser fetched and decoded the gateway's WAV: its length, then it plays to the end.
      const media = () =>
        page.evaluate<{ readyState: number; duration: number; currentTime: number; error: number | null }>(`
          (({ readyState, duration, currentTime, error }) => ({ readyState, duration, currentTime, error: error?.code ?? null }))(
            document.querySelector(".messages audio"))`);
      await until(async () => (await media()).readyState >= 1, "the audio's metadata");
      const { duration, error } = await media();
      expect(error).toBeNull();
      expect(duration).toBeGreaterThan(1.5);
      expect(duration).toBeLessThan(2.5);
      await until(async () => (await media()).currentTime > 0, "the audio to play");
      // Heard: the download marked it read on the 4645.
      await phone.getByTestId("vm-count").filter({ hasText: "0 new / 1" }).waitFor(WAIT);
      await message.getByRole("button", { name: /Delete the message/ }).click();
      await phone.locator(".messages li.none").waitFor(WAIT);
    });
    expect(problems).toEqual([]);
  });
});
