/**
 * The README's console screenshots (docs/console/*.png): a sandbox with demo traffic, the
 * console in Debian's chromium, the board, a phone with a call, and the links after a
 * switchover. `npx tsx scripts/console-screenshots.ts [outDir]`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startDemoTraffic } from "../console/server/index.js";
import { ADMIN, startSandbox } from "../scenarios/environment.js";

const out = path.resolve(process.argv[2] ?? "docs/console");
mkdirSync(out, { recursive: true });
const sb = await startSandbox(
  { users: 300, redundant: true },
  { links: { heartbeatMs: 250, heartbeatMisses: 2, reconnectMinMs: 50, reconnectMaxMs: 500 } },
  { console: true },
);
const traffic = startDemoTraffic(sb.emulator, { intervalMs: 250, maxCalls: 14, answerAfterMs: [2000, 6000] });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 860 } });
  await page.goto(`${sb.gateway.url}/console`);
  await page.screenshot({ path: path.join(out, "login.png") });
  await page.getByLabel("Login").fill(ADMIN.login);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("user-count").waitFor();
  await page.waitForTimeout(8000); // the demo traffic fills the board
  await page.getByLabel("State").selectOption("");
  await page.screenshot({ path: path.join(out, "board.png") });
  await page.locator('.row[data-state="IN_CALL"] button').first().click();
  await page.locator("section.phone .call").first().waitFor();
  await page.screenshot({ path: path.join(out, "phone.png") });
  await page.getByRole("button", { name: "Switch over" }).click();
  await page.locator(".log li", { hasText: "OnCtiLinkUp" }).waitFor({ timeout: 15000 });
  await page.locator(".links .detail", { hasText: "connected secondary" }).waitFor({ timeout: 15000 });
  await page.screenshot({ path: path.join(out, "switchover.png") });
  console.log(`screenshots in ${out} (${traffic.placed} demo calls placed)`);
} finally {
  traffic.stop();
  await browser.close();
  await sb.stop();
}
