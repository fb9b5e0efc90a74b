/**
 * An IP Touch set's XML screen in the console's phone panel, in Debian's chromium: the sample
 * directory application (scenarios/xml-apps) is the node's XML application; the administrator
 * opens an IP Touch user's phone, presses the XML key, chooses "Search by name", types the
 * digits of "Martin" on the keypad, presses OK and sees the results page, goes back with a
 * softkey and opens the queue status; what the set shows is checked against the emulator's own
 * screen, and a key pressed on the set itself (not through the page) shows within a poll. A set
 * that is no IP Touch has no XML screen. No console error; every control labelled.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XML_STATION_TYPES } from "../../oxe-emulator/index.js";
import { keypadDigits, XmlDirectoryApp } from "../../scenarios/xml-apps/index.js";
import {
  type BrowserLease,
  chromiumPresent,
  openConsolePage,
  stepWithScreenshot,
} from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const haveChromium = chromiumPresent("console-xml");
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;

const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)("an IP Touch set's XML screen in the console, in Chromium", () => {
  let app: XmlDirectoryApp;
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    app = await XmlDirectoryApp.start([
      { lastName: "Martin", firstName: "Anne", number: "10001" },
      { lastName: "Martinez", firstName: "Luis", number: "10002" },
      { lastName: "Dupont", firstName: "Marc", number: "10003" },
    ]);
    sb = await startSandbox({ users: 20 }, { xmlPrs: { ca: app.ca } }, { console: true });
    sb.emulator.node(1).xml.setApplication(app.url);
    const end = Date.now() + 10_000;
    while (!sb.emulator.node(1).xml.linked) {
      if (Date.now() > end) throw new Error("no PRS link");
      await new Promise((r) => setTimeout(r, 20));
    }
    ({ browser, page, problems } = await openConsolePage({ width: 1400, height: 1100 }));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
    await app?.stop();
  });

  const step = (name: string, body: () => Promise<void>) => stepWithScreenshot(page, "xml", name, body);

  it("presses the XML key, navigates the directory application's menu and keypad, follows the set", {
    timeout: 60_000,
  }, async () => {
    const subs = sb.emulator.directory.byNode.get(1) ?? [];
    const ipTouch = subs.find((s) => XML_STATION_TYPES.has(s.stationType.name));
    const other = subs.find((s) => !XML_STATION_TYPES.has(s.stationType.name));
    if (!ipTouch || !other) throw new Error("the sandbox needs an XML IP Touch set and another set");
    const dn = ipTouch.directoryNumber;
    const set = sb.emulator.xmlSet(dn);
    const xml = page.locator("section.xml-set");
    const display = xml.getByTestId("xml-display");
    const open = async (sub: { loginName: string; directoryNumber: string }) => {
      await page.getByLabel("Search").fill(sub.loginName);
      await page.locator(`.row[data-login="${sub.loginName}"]`).getByRole("button").click();
      await page.locator("section.phone .num", { hasText: sub.directoryNumber }).waitFor(WAIT);
    };

    await step("open", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "20 / 20 users" }).waitFor(WAIT);
      // a set that is no IP Touch: its phone has no XML screen
      await open(other);
      await page.locator("section.phone h3", { hasText: "Communication log" }).waitFor(WAIT);
      await page.waitForTimeout(500);
      expect(await xml.count()).toBe(0);
      await open(ipTouch);
      await display.filter({ hasText: "Idle" }).waitFor(WAIT);
      expect(set.screen.state).toBe("idle");
    });

    await step("xml-key", async () => {
      await xml.getByRole("button", { name: "XML key" }).click();
      await xml.getByTestId("xml-title").filter({ hasText: "Directory" }).waitFor(WAIT);
      expect(await xml.getByTestId("xml-lines").textContent()).toBe("Company directory");
      const menu = xml.getByRole("list", { name: "menu" }).getByRole("button");
      expect(await menu.allTextContents()).toEqual(["Search by name", "Queue status"]);
      expect(
        await xml.getByRole("group", { name: "softkeys" }).getByRole("button").allTextContents(),
      ).toEqual(["Exit"]);
      expect(set.screen).toMatchObject({ state: "page", title: "Directory" });
    });

    const digits = keypadDigits("Martin");
    await step("search", async () => {
      await xml.getByRole("button", { name: "Search by name" }).click();
      await xml.getByTestId("xml-title").filter({ hasText: "Search" }).waitFor(WAIT);
      await xml.getByTestId("xml-input").filter({ hasText: "Name:" }).waitFor(WAIT);
      // typed with the keyboard, sent with Enter; one digit too many, taken back
      const keypad = xml.getByLabel("Keypad", { exact: true });
      await keypad.fill(`${digits}9`);
      await keypad.press("Enter");
      await xml
        .getByTestId("xml-input")
        .filter({ hasText: `Name: ${digits}9` })
        .waitFor(WAIT);
      await xml.getByRole("button", { name: "Backspace" }).click();
      await xml
        .getByTestId("xml-input")
        .filter({ hasText: `Name: ${digits}_` })
        .waitFor(WAIT);
      expect(set.screen.input?.value).toBe(digits);
      await xml.getByRole("button", { name: "OK", exact: true }).click();
      await xml
        .getByTestId("xml-title")
        .filter({ hasText: `Results ${digits}` })
        .waitFor(WAIT);
      expect(await xml.getByTestId("xml-lines").locator("p").allTextContents()).toEqual([
        "Martin Anne 10001",
        "Martinez Luis 10002",
      ]);
      if (SHOTS) await xml.screenshot({ path: path.join(SHOTS, "xml-screen.png") });
    });

    await step("softkeys", async () => {
      await xml.getByRole("group", { name: "softkeys" }).getByRole("button", { name: "Menu" }).click();
      await xml.getByTestId("xml-title").filter({ hasText: "Directory" }).waitFor(WAIT);
      await xml.getByRole("button", { name: "Queue status" }).click();
      await xml.getByTestId("xml-title").filter({ hasText: "Queue status" }).waitFor(WAIT);
      expect(await xml.getByTestId("xml-lines").locator("p").allTextContents()).toEqual(set.screen.lines);
    });

    await step("follows-the-set", async () => {
      // pressed on the set, not through the page: the screen shows it within a poll
      set.exit();
      await display.filter({ hasText: "Idle" }).waitFor(WAIT);
    });

    await step("labels", async () => {
      const unlabelled = await page.evaluate<string[]>(`
        [...document.querySelectorAll("input, select, button")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent.trim())))
          .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled).toEqual([]);
      // the XML key reachable from the keyboard
      await xml.getByRole("button", { name: "XML key" }).focus();
      await page.keyboard.press("Enter");
      await xml.getByTestId("xml-title").filter({ hasText: "Directory" }).waitFor(WAIT);
    });
    expect(problems).toEqual([]);
  });
});
