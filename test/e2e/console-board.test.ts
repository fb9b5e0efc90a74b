/**
 * The console's supervision board with a few thousand users, in Debian's chromium: only the
 * rows in view are in the DOM, a scroll to the end shows the last users with their details,
 * and the filters (state, node, text) follow the live states as calls ring, are answered and
 * end on the emulated sets (the board keeps a filtered list from the users that changed, not
 * by walking every user: what is checked here is that it still shows the right ones).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserLease,
  chromiumPresent,
  openConsolePage,
  stepWithScreenshot,
} from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const haveChromium = chromiumPresent("console-board");
const WAIT = { timeout: 15_000 };
const USERS = 3000;

describe.skipIf(!haveChromium)("the console's board with many users", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ users: USERS }, {}, { console: true });
    ({ browser, page, problems } = await openConsolePage({ width: 1400, height: 900 }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const step = (name: string, body: () => Promise<void>) => stepWithScreenshot(page, "board", name, body);
  const count = (shown: number) =>
    page
      .getByTestId("user-count")
      .filter({ hasText: `${shown} / ${USERS} users` })
      .waitFor(WAIT);
  const row = (login: string) => page.locator(`.rows .row[data-login="${login}"]`);
  const filterState = (s: string) => page.getByLabel("State").selectOption(s);

  it("scrolls to the last user and filters by live state, node and text", { timeout: 90_000 }, async () => {
    const subs = sb.emulator.directory.subscribers;
    const caller = subs[1]!;
    const callee = subs[USERS - 2]!; // far down the list: not in view unless filtered
    const last = subs[USERS - 1]!;

    await step("login", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await count(USERS);
      await row(caller.loginName).waitFor(WAIT);
    });

    await step("virtualized", async () => {
      // a few dozen rows in the DOM, not thousands
      expect(await page.locator(".rows .row").count()).toBeLessThan(100);
      expect(await row(last.loginName).count()).toBe(0);
      await page.locator(".rows").evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      // once the scroll stops the rows in view get their details (number, name)
      await row(last.loginName).locator(".num", { hasText: last.directoryNumber }).waitFor(WAIT);
      expect(await row(caller.loginName).count()).toBe(0);
      expect(await page.locator(".rows .row").count()).toBeLessThan(100);
      await page.locator(".rows").evaluate((el) => {
        el.scrollTop = 0;
      });
      await row(caller.loginName).waitFor(WAIT);
    });

    await step("ringing filter", async () => {
      await filterState("RINGING");
      await count(0);
      sb.emulator.phone(caller.directoryNumber).dial(callee.directoryNumber);
      await count(1);
      await page.locator(`.rows .row[data-login="${callee.loginName}"][data-state="RINGING"]`).waitFor(WAIT);
      expect(await page.locator(".rows .row").count()).toBe(1);
    });

    await step("in-call filter", async () => {
      sb.emulator.phone(callee.directoryNumber).answer();
      await count(0);
      await filterState("IN_CALL");
      await count(2);
      expect(
        await page.locator(".rows .row").evaluateAll((rows) => rows.map((r) => r.dataset.login)),
      ).toEqual([caller.loginName, callee.loginName]);
    });

    await step("node and text filters", async () => {
      await filterState("");
      await count(USERS);
      await page.getByRole("combobox", { name: /^Node/ }).selectOption("1");
      await count(USERS);
      await page.getByLabel("Search").fill(callee.loginName);
      await count(1);
      await page.locator(`.rows .row[data-login="${callee.loginName}"][data-state="IN_CALL"]`).waitFor(WAIT);
      sb.emulator.phone(callee.directoryNumber).hangUp();
      await page.locator(`.rows .row[data-login="${callee.loginName}"][data-state="FREE"]`).waitFor(WAIT);
      await page.getByLabel("Search").fill("");
      await count(USERS);
    });

    expect(problems).toEqual([]);
  });
});
