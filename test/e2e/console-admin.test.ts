/**
 * The console's Administration page in Debian's chromium: an incident the node raises shows in
 * the incidents table (read over SSH by the gateway's Analytics), a call made and ended shows in
 * the charging table and its SVG chart, the PBX objects browser walks from the Node object to a
 * subscriber's attributes, a user is removed from O2G and provisioned again, and a set's key is
 * programmed and cleared; each change checked through the REST API as another application
 * would see it. The header's SSH and IMAP links go down when the node's SSH server and 4645
 * refuse, and come back. No console error; every control labelled.
 */
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import {
  type BrowserLease,
  chromiumPresent,
  openConsolePage,
  stepWithScreenshot,
} from "../support/console-browser.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const haveChromium = chromiumPresent("console-admin");
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;

const WAIT = { timeout: 15_000 };

describe.skipIf(!haveChromium)("the Administration page in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  let admin: O2gClient;
  let problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ users: 12 }, {}, { console: true });
    admin = await sb.loginAdmin();
    ({ browser, page, problems } = await openConsolePage({ width: 1400, height: 1200 }));
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const step = (name: string, body: () => Promise<void>) => stepWithScreenshot(page, "admin", name, body);

  it("shows incidents and charging, browses PBX objects, provisions users, programs keys", {
    timeout: 60_000,
  }, async () => {
    const section = (name: string) => page.locator(`section.${name}`);
    await step("open", async () => {
      // An incident before the page opens, one call to charge.
      sb.emulator.node(1).analytics.incidents.raise({ code: 9345, text: "Console test A", severity: 1 });
      sb.emulator.phone("10001").dial("10002");
      await new Promise((r) => setTimeout(r, 300));
      sb.emulator.phone("10002").offHook();
      await new Promise((r) => setTimeout(r, 1200));
      sb.emulator.phone("10001").hangUp();
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "12 / 12 users" }).waitFor(WAIT);
      await page.getByRole("button", { name: "Administration" }).click();
    });

    await step("incidents", async () => {
      await section("incidents").locator('tr[data-code="9345"]').first().waitFor(WAIT);
      // One raised now: a refresh shows it once the gateway has it. It comes over the node's SSH
      // incident feed, so a refresh clicked at once may overtake it (seen under a loaded suite):
      // refresh until it is there, within the same bound.
      sb.emulator.node(1).analytics.incidents.raise({ code: 9346, text: "Console test B", severity: 2 });
      const row = section("incidents").locator('tr[data-code="9346"]').first();
      const until = Date.now() + WAIT.timeout;
      do {
        await page.getByRole("button", { name: "Refresh incidents" }).click();
        if (
          await row.waitFor({ timeout: 1_000 }).then(
            () => true,
            () => false,
          )
        )
          break;
      } while (Date.now() < until);
      await row.waitFor(WAIT);
    });

    await step("charging", async () => {
      await page.getByRole("button", { name: "Refresh charging" }).click();
      const row = section("charging").locator("tbody tr", { hasText: "10001" }).first();
      await row.waitFor(WAIT);
      // the chart has a bar per caller and says its values to a screen reader
      const chart = section("charging").getByRole("img");
      expect(await chart.getAttribute("aria-label")).toMatch(/^Calls per caller \(top 10\): /);
      expect(await chart.locator("rect").count()).toBeGreaterThan(0);
      const answer = (
        await admin.get<{ chargings: { caller: string }[] }>("analytics", "charging", {
          nodeId: "1",
          all: "true",
        })
      ).body;
      expect(await section("charging").locator("tbody tr").count()).toBe(answer.chargings.length);
    });

    await step("pbx", async () => {
      const pbx = section("pbx");
      await pbx.getByRole("button", { name: "Subscriber", exact: true }).click();
      await pbx.getByTestId("pbx-ids").getByRole("button", { name: "10003", exact: true }).click();
      const attrs = pbx.getByTestId("pbx-attributes");
      await attrs.locator("tr", { hasText: "Directory_Number" }).waitFor(WAIT);
      expect(await attrs.locator("tr", { hasText: "Directory_Number" }).locator("td").textContent()).toBe(
        "10003",
      );
      // back up the path
      await pbx
        .getByRole("navigation", { name: "object path" })
        .getByRole("button", { name: "Subscriber" })
        .click();
      await pbx.getByTestId("pbx-ids").waitFor(WAIT);
    });

    await step("provisioning", async () => {
      const prov = section("provisioning");
      await prov.getByTestId("o2g-user-count").filter({ hasText: "12" }).waitFor(WAIT);
      await prov.getByRole("button", { name: "Remove oxe10008" }).click();
      await prov.getByTestId("o2g-user-count").filter({ hasText: "11" }).waitFor(WAIT);
      expect((await admin.send("GET", admin.url("usermanagement", "oxe10008"))).status).toBe(404);
      await prov.getByLabel("Subscriber number").fill("10008");
      await prov.getByRole("button", { name: "Make O2G user" }).click();
      await prov.getByTestId("o2g-user-count").filter({ hasText: "12" }).waitFor(WAIT);
      await prov.getByRole("status").filter({ hasText: "made oxe10008 an O2G user" }).waitFor(WAIT);
      expect((await admin.send("GET", admin.url("usermanagement", "oxe10008"))).status).toBe(200);
    });

    await step("keys", async () => {
      const keys = section("keys");
      const owner = sb.emulator.directory.subscribers.find((s) => s.stationType.keys > 0);
      if (!owner) throw new Error("no set with programmable keys among the sandbox's users");
      await keys.getByLabel("User login").fill(owner.loginName);
      await keys.getByRole("button", { name: "Open set" }).click();
      await keys.getByTestId("keys").waitFor(WAIT);
      await keys.getByRole("button", { name: "Edit key 2", exact: true }).click();
      await keys.getByLabel("Key 2 number").fill("10009");
      await keys.getByLabel("Label", { exact: true }).fill("Bob");
      await keys.getByRole("button", { name: "Program key" }).click();
      await keys.locator('tr[data-key="2"]', { hasText: "10009" }).waitFor(WAIT);
      const programmed = await admin.get<{
        pkeys: { position: number; number?: string; mnemonic?: string }[];
      }>("phonesetprogramming", `${owner.loginName}/devices/${owner.directoryNumber}/programmedKeys`);
      expect(programmed.body.pkeys).toContainEqual(
        expect.objectContaining({ position: 2, number: "10009", mnemonic: "Bob" }),
      );
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "administration.png") });
      await keys.getByRole("button", { name: "Clear key 2", exact: true }).click();
      await keys
        .getByRole("button", { name: "Clear key 2", exact: true })
        .waitFor({ state: "detached", ...WAIT });
    });

    await step("links", async () => {
      // The node's SSH server and its 4645 stop answering: the header says so within a poll
      // (O2G has no event for them), then says they are back.
      const node = sb.emulator.node(1);
      const link = (name: string, state: string) => page.locator(`.links [data-link="${name}"].${state}`);
      await link("ssh", "UP").waitFor(WAIT);
      await link("imap", "UP").waitFor(WAIT);
      node.ssh.faults.refuseUntil = Number.POSITIVE_INFINITY;
      node.imap.faults.refuseUntil = Number.POSITIVE_INFINITY;
      node.ssh.dropLinks();
      await page.locator('.links [data-link="ssh"]:not(.UP)').waitFor(WAIT);
      await link("imap", "DOWN").waitFor(WAIT);
      node.ssh.faults.refuseUntil = 0;
      node.imap.faults.refuseUntil = 0;
      await link("ssh", "UP").waitFor(WAIT);
      await link("imap", "UP").waitFor(WAIT);
    });

    await step("labels", async () => {
      const unlabelled = await page.evaluate<string[]>(`
        [...document.querySelectorAll("input, select, button")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent.trim())))
          .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unlabelled).toEqual([]);
    });
    expect(problems).toEqual([]);
  });
});
