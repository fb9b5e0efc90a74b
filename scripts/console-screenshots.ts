/**
 * The README's console screenshots (docs/console/*.png): a sandbox with demo traffic, the
 * console in Debian's chromium, the board, a phone with a call, the links after a
 * switchover, and the scenario player after a live run of basic-call (the demo traffic
 * stopped and its calls ended first, so that the scenario's users are free); then an IP Touch
 * set's XML screen on the sample directory application, and the call-center wallboard with
 * agents logged on and a call waiting at a pilot.
 * `npx tsx scripts/console-screenshots.ts [outDir]`.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { startDemoTraffic } from "../console/server/index.js";
import { XML_STATION_TYPES } from "../oxe-emulator/index.js";
import { ADMIN, startSandbox } from "../scenarios/environment.js";
import { keypadDigits, XmlDirectoryApp } from "../scenarios/xml-apps/index.js";

const out = path.resolve(process.argv[2] ?? "docs/console");
mkdirSync(out, { recursive: true });
const xmlApp = await XmlDirectoryApp.start([
  { lastName: "Martin", firstName: "Anne", number: "10001" },
  { lastName: "Martinez", firstName: "Luis", number: "10002" },
  { lastName: "Dupont", firstName: "Marc", number: "10003" },
]);
const sb = await startSandbox(
  { users: 300, redundant: true, agents: 0.05 },
  {
    links: { heartbeatMs: 250, heartbeatMisses: 2, reconnectMinMs: 50, reconnectMaxMs: 500 },
    xmlPrs: { ca: xmlApp.ca },
  },
  { console: true },
);
sb.emulator.node(1).xml.setApplication(xmlApp.url);
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
  traffic.stop();
  for (const s of sb.emulator.directory.subscribers) {
    try {
      sb.emulator.phone(s.directoryNumber).hangUp();
    } catch {
      /* no call on this set */
    }
  }
  await page.getByRole("button", { name: "Scenarios" }).click();
  await page.getByLabel("Choose a scenario").selectOption("basic-call.yaml");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await page.locator('[data-testid="run-status"][data-state="done"]').waitFor({ timeout: 30000 });
  await page.screenshot({ path: path.join(out, "scenario-player.png") });

  // An IP Touch set's XML screen: the directory application's results for "Martin".
  const ipTouch = sb.emulator.directory.subscribers.find(
    (s) => s.nodeId === 1 && XML_STATION_TYPES.has(s.stationType.name),
  );
  if (!ipTouch) throw new Error("no IP Touch set with an XML browser on node 1");
  await page.getByRole("button", { name: "Board" }).click();
  await page.getByLabel("Search").fill(ipTouch.loginName);
  await page.locator(`.row[data-login="${ipTouch.loginName}"]`).getByRole("button").click();
  const xml = page.locator("section.xml-set");
  await xml.getByRole("button", { name: "XML key" }).click();
  await xml.getByRole("button", { name: "Search by name" }).click();
  await xml.getByLabel("Keypad", { exact: true }).fill(keypadDigits("Martin"));
  await xml.getByRole("button", { name: "Type", exact: true }).click();
  await xml.getByRole("button", { name: "OK", exact: true }).click();
  await xml.getByTestId("xml-title").filter({ hasText: "Results" }).waitFor({ timeout: 15000 });
  await xml.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, "xml-screen.png") });

  // The wallboard: three agents logged on: one ready, who takes a first caller's call (busy),
  // one paused, one withdrawn; so a second caller waits at their pilot.
  const ccd = sb.emulator.ccd!.config;
  const agents = ccd.operators.filter((o) => o.type === "agent").slice(0, 3);
  const group = agents[0]!.groups[0]!;
  const pilot = ccd.pilots.find((p) => p.rules.some((r) => r.pg === group))!;
  const callers = sb.emulator.directory.subscribers
    .filter((s) => s.nodeId === 1 && !ccd.operators.some((o) => o.number === s.directoryNumber))
    .slice(-2);
  await page.getByRole("button", { name: "Call center" }).click();
  await page.locator(`tr[data-agent="${agents[0]!.loginName}"]`).waitFor({ timeout: 15000 });
  for (const [i, a] of agents.entries()) {
    const o2g = await sb.loginUser(a.number);
    await o2g.post("acdagent", "logon", { proAcdDeviceNumber: a.number, pgGroupNumber: group });
    if (i === 0) await o2g.post("acdagent", "ready");
    if (i === 2) await o2g.post("acdagent", "withdraw", { reasonIndex: 2 });
  }
  const card = page.locator(`article[data-pilot="${pilot.number}"]`);
  for (const [i, c] of callers.entries()) {
    const o2g = await sb.loginUser(c.directoryNumber);
    await o2g.post("telephony", "calls", { deviceId: c.directoryNumber, callee: pilot.number });
    await card.locator(`li[data-state="${i === 0 ? "DELIVERED" : "QUEUED"}"]`).waitFor({ timeout: 15000 });
  }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(out, "wallboard.png") });
  console.log(`screenshots in ${out} (${traffic.placed} demo calls placed)`);
} finally {
  traffic.stop();
  await browser.close();
  await sb.stop();
  await xmlApp.stop();
}
