/**
 * The console's Benchmarks page in Debian's chromium: a switchover of the sandbox's node timed
 * from the page (links down, CTI link up, every user monitored again, in that order), and the
 * startup snapshot bench run from the page (its own emulator and gateway processes, 1,000
 * users): the progress bar fills, the row and the chart (ours and the vendor's line) show. The
 * bench API refuses a user (403), a size out of bounds or an unknown bench (400).
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

const haveChromium = chromiumPresent("console-bench");
const SHOTS = process.env.O2G_CONSOLE_SCREENSHOTS;

const WAIT = { timeout: 20_000 };
const ms = (text: string | null) => Number(/^(\d+) ms$/.exec(text ?? "")?.[1] ?? Number.NaN);

describe.skipIf(!haveChromium)("the Benchmarks page in Chromium", () => {
  let sb: Sandbox;
  let browser: BrowserLease;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    sb = await startSandbox(
      { users: 12, redundant: true },
      { links: { heartbeatMs: 250, heartbeatMisses: 2, reconnectMinMs: 50, reconnectMaxMs: 500 } },
      { console: true },
    );
    ({ browser, page, problems } = await openConsolePage({ width: 1400, height: 1100 }));
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.stop();
  });

  const step = (name: string, body: () => Promise<void>) => stepWithScreenshot(page, "bench", name, body);

  it("times a switchover and runs the snapshot bench with its chart", { timeout: 90_000 }, async () => {
    await step("open", async () => {
      await page.goto(`${sb.gateway.url}/console`);
      await page.getByLabel("Login").fill("admin");
      await page.getByLabel("Password").fill("Sandbox-Admin-1");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("user-count").filter({ hasText: "12 / 12 users" }).waitFor(WAIT);
      await page.getByRole("button", { name: "Benchmarks" }).click();
    });

    await step("switchover", async () => {
      await page.getByRole("button", { name: "Switch over and time it" }).click();
      await page
        .getByTestId("switch-recovered")
        .filter({ hasText: /^\d+ ms$/ })
        .waitFor(WAIT);
      const down = ms(await page.getByTestId("switch-down").textContent());
      const up = ms(await page.getByTestId("switch-up").textContent());
      const recovered = ms(await page.getByTestId("switch-recovered").textContent());
      expect(down).toBeGreaterThanOrEqual(0);
      expect(up).toBeGreaterThanOrEqual(down);
      expect(recovered).toBeGreaterThanOrEqual(up);
      expect(recovered).toBeLessThan(15_000);
      // the board's links agree: on the standby now
      await page.locator(".links .detail", { hasText: "connected secondary" }).waitFor(WAIT);
    });

    await step("snapshot", async () => {
      await page.getByRole("button", { name: "Run the snapshot bench" }).click();
      const run = page.getByTestId("bench-run");
      await run.and(page.locator('[data-state="running"]')).waitFor(WAIT);
      await run.and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
      const bar = run.getByRole("progressbar", { name: "bench progress" });
      expect(await bar.getAttribute("value")).toBe(await bar.getAttribute("max"));
      const cells = run.getByRole("table", { name: "bench results" }).locator("tbody tr td");
      // users, nodes, ms, ... vendorMs: 1,000 users, the vendor's 9,000 ms
      expect(await cells.nth(0).textContent()).toBe("1000");
      expect(Number(await cells.nth(2).textContent())).toBeGreaterThan(0);
      await run.locator("td", { hasText: "9000" }).first().waitFor(WAIT);
      const chart = run.locator('img[alt^="snapshot.svg"]');
      await chart.waitFor(WAIT);
      // the SVG decoded (an image the browser could not read has no natural width)
      const width = await chart.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
      expect(width).toBeGreaterThan(100);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "benchmarks.png"), fullPage: true });
    });
    expect(problems).toEqual([]);
  });

  it("answers O2G errors: 403 for a user, 400 for a size out of bounds, 404 for an unknown run", async () => {
    const base = `${sb.gateway.url}/api/console/bench`;
    const user = await sb.loginUser("10003");
    const asUser = await user.send<{ httpStatus: string }>("POST", `${base}/snapshot/runs`, {
      points: [1000],
    });
    expect(asUser.status).toBe(403);
    const admin = await sb.loginAdmin();
    expect((await admin.send("POST", `${base}/snapshot/runs`, { points: [100_000] })).status).toBe(400);
    expect((await admin.send("POST", `${base}/fuzz/runs`, {})).status).toBe(400);
    expect((await admin.send("GET", `${base}/runs/999`)).status).toBe(404);
  });
});
