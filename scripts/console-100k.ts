/**
 * Does the console's board stay smooth with 100,000 users? A sandbox of 100,000 users (one
 * node), the console in Debian's chromium, logged in as the administrator; once the board holds
 * every user, the list is scrolled for a few seconds (a wheel's worth of rows per frame, then
 * jumps across the whole list) while requestAnimationFrame records each frame's time, with
 * demo-like calls going on so the store keeps changing. Prints the frame times (p50, p95, p99,
 * max) and the time to a full board.
 *
 *   npx tsx scripts/console-100k.ts [users=100000] [seconds=5]
 */
import { chromium } from "playwright-core";
import { startDemoTraffic } from "../console/server/index.js";
import { ADMIN, startSandbox } from "../scenarios/environment.js";

const users = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 5);

const t0 = performance.now();
const sb = await startSandbox({ users }, {}, { console: true });
const startMs = performance.now() - t0;
// O2G_DEMO_TRAFFIC=0: no calls meanwhile (the scroll alone)
const traffic = startDemoTraffic(sb.emulator, {
  intervalMs: process.env.O2G_DEMO_TRAFFIC === "0" ? 3_600_000 : 100,
  maxCalls: 40,
  answerAfterMs: [500, 2000],
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ ignoreHTTPSErrors: true, viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${sb.gateway.url}/console`);
  await page.getByLabel("Login").fill(ADMIN.login);
  await page.getByLabel("Password").fill(ADMIN.password);
  const t1 = performance.now();
  await page.getByRole("button", { name: "Log in" }).click();
  await page
    .getByTestId("user-count")
    .filter({ hasText: `${users} / ${users} users` })
    .waitFor({ timeout: 120_000 });
  const boardMs = performance.now() - t1;
  await page.waitForTimeout(1500); // the first rows' details, the demo's first calls

  // In the page: scroll while recording the time between animation frames.
  const measured = await page.evaluate<{
    times: number[];
    longTasks: number;
    longMs: number;
  }>(`new Promise((done) => {
    const box = document.querySelector(".rows");
    const times = [];
    // main-thread work over 50 ms (the page's own scripts, layout) while it scrolls
    let longTasks = 0, longMs = 0;
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) { longTasks++; longMs += e.duration; } });
    obs.observe({ type: "longtask" });
    const end = performance.now() + ${seconds * 1000};
    let last = performance.now();
    let n = 0;
    const frame = (now) => {
      times.push(now - last);
      last = now;
      n++;
      // mostly a fast wheel (30 rows a frame), every 20th frame a jump anywhere in the list
      if (n % 20 === 0) box.scrollTop = Math.floor(Math.random() * box.scrollHeight);
      else box.scrollTop += 30 * 32;
      if (box.scrollTop + box.clientHeight >= box.scrollHeight) box.scrollTop = 0;
      if (now < end) requestAnimationFrame(frame);
      else { obs.disconnect(); done({ times: times.slice(1), longTasks, longMs }); }
    };
    requestAnimationFrame(frame);
  })`);
  const frames = measured.times;
  const rows = await page.locator(".rows .row").count();
  const sorted = [...frames].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const f = (x: number) => x.toFixed(1);
  console.log(
    [
      `users ${users}: sandbox up in ${(startMs / 1000).toFixed(1)} s, full board ${(boardMs / 1000).toFixed(1)} s after login`,
      `rows in the DOM while scrolling: ${rows}`,
      `scrolling ${seconds} s: ${frames.length} frames (${f(frames.length / seconds)} fps); frame time p50 ${f(pct(50))} ms, p95 ${f(pct(95))} ms, p99 ${f(pct(99))} ms, max ${f(sorted.at(-1) ?? 0)} ms`,
      `main-thread tasks over 50 ms: ${measured.longTasks}, ${Math.round(measured.longMs)} ms in all`,
      `machine load average: ${(await import("node:os")).loadavg()[0]?.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`,
      `demo calls placed meanwhile: ${traffic.placed}; page errors: ${errors.length ? errors.join("; ") : "none"}`,
    ].join("\n"),
  );
} finally {
  traffic.stop();
  await browser.close();
  await sb.stop();
}
