/**
 * Does the console's board stay smooth with 100,000 users? A sandbox of N users (one node), the
 * console in Debian's chromium, logged in as the administrator; once the board holds every
 * user, the list is scrolled for a few seconds (a wheel's worth of rows per frame, then jumps
 * across the whole list) while requestAnimationFrame records each frame's time, with demo-like
 * calls going on so the store keeps changing.
 *
 * The machine is shared and its load moves: the big board is measured next to a small one
 * (--vs, 1,000 users) in the same minute, several rounds, and the page's own work is counted
 * too: the CPU time of its main thread per frame (from /proc), Chromium's script, layout and
 * style time, long tasks, not frame times alone.
 * --profile adds a CPU profile of the page while it scrolls: its top functions by self time,
 * mapped back to the console's TypeScript through the bundle's source map.
 *
 *   npx tsx scripts/console-100k.ts [users=100000] [seconds=5] [--vs=1000] [--rounds=2] [--profile]
 *     [--state=FREE] [--search=TEXT]
 *
 * --vs=0: the big board alone. --state, --search: the board filtered so (the calls keep moving
 * users in and out of a state). O2G_DEMO_TRAFFIC=0: no calls meanwhile (the scroll alone).
 * Prints Markdown.
 */
import { readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import { type Browser, chromium } from "playwright-core";
import { startDemoTraffic } from "../console/server/index.js";
import { ADMIN, startSandbox } from "../scenarios/environment.js";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const flag = (name: string): string | undefined => {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  return a === undefined ? undefined : (a.split("=")[1] ?? "");
};
const users = Number(positional[0] ?? 100_000);
const seconds = Number(positional[1] ?? 5);
const vs = Number(flag("vs") ?? 1000);
const rounds = Number(flag("rounds") ?? 2);
const profile = flag("profile") !== undefined;
const stateFilter = flag("state");
const search = flag("search");

/**
 * CPU time (ms) the chromium processes under this one have used, from /proc (Linux): the
 * renderers' main threads (CrRendererMain: script, style, layout, paint), whole renderers, the
 * GPU process. CPU time, not wall time: on a machine other work shares, a frame's wall time
 * grows with the load, the work the page asks for does not.
 */
function chromiumCpu(): { main: number; renderer: number; gpu: number } {
  const out = { main: 0, renderer: 0, gpu: 0 };
  const hz = 100; // USER_HZ
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / hz;
  };
  const parent = new Map<number, number>();
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      pids.push(pid);
    } catch {
      /* gone meanwhile */
    }
  }
  const ours = (pid: number) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) return true;
    return false;
  };
  for (const pid of pids) {
    if (!ours(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("--type=gpu-process")) out.gpu += ticks(readFileSync(`/proc/${pid}/stat`, "utf8"));
      if (!cmd.includes("--type=renderer")) continue;
      out.renderer += ticks(readFileSync(`/proc/${pid}/stat`, "utf8"));
      // CrRendererMain is the process's first thread (Chromium does not rename a main thread)
      out.main += ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8"));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

interface ProfileLine {
  selfMs: number;
  fn: string;
  where: string;
}

interface Run {
  users: number;
  load: number;
  sandboxS: number;
  /** login click to a board counting every user */
  boardS: number;
  logins: { ms: number; kb: number };
  frames: number[];
  longTasks: number;
  longMs: number;
  domRows: number;
  /** Chromium's own accounting over the scroll (Performance.getMetrics deltas), ms */
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  taskMs: number;
  heapMb: number;
  calls: number;
  errors: string[];
  /** the sandbox's own CPU (gateway + emulator, this process) over the scroll, ms */
  serverCpuMs: number;
  /** chromium's CPU over the scroll, ms (see chromiumCpu) */
  mainCpuMs: number;
  rendererCpuMs: number;
  gpuCpuMs: number;
  top?: Profiled;
}

async function measure(browser: Browser, n: number): Promise<Run> {
  const t0 = performance.now();
  // Every user monitored (the emulated node's default cap is 20,000 monitors): the big board
  // gets the events of every call, as the small one does, not a fifth of them.
  const sb = await startSandbox({ users: n, maxMonitorsPerNode: Math.max(20_000, n) }, {}, { console: true });
  const sandboxS = (performance.now() - t0) / 1000;
  const traffic = startDemoTraffic(sb.emulator, {
    intervalMs: process.env.O2G_DEMO_TRAFFIC === "0" ? 3_600_000 : 100,
    maxCalls: 40,
    answerAfterMs: [500, 2000],
  });
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(`${sb.gateway.url}/console`);
    await page.getByLabel("Login").fill(ADMIN.login);
    await page.getByLabel("Password").fill(ADMIN.password);
    const t1 = performance.now();
    await page.getByRole("button", { name: "Log in" }).click();
    await page
      .getByTestId("user-count")
      .filter({ hasText: `${n} / ${n} users` })
      .waitFor({ timeout: 120_000 });
    const boardS = (performance.now() - t1) / 1000;
    // of which the logins' request (the gateway's answer and its transfer)
    const logins = await page.evaluate<{ ms: number; kb: number }>(`(() => {
      const e = performance.getEntriesByType("resource").find((x) => x.name.includes("/logins"));
      return { ms: e ? e.responseEnd - e.startTime : 0, kb: e ? e.encodedBodySize / 1024 : 0 };
    })()`);
    if (stateFilter) await page.getByLabel("State").selectOption(stateFilter);
    if (search) await page.getByLabel("Search").fill(search);
    await page.waitForTimeout(1500); // the first rows' details, the demo's first calls

    const metrics = async () => {
      const { metrics: m } = await cdp.send("Performance.getMetrics");
      return new Map(m.map((x) => [x.name, x.value]));
    };
    const before = await metrics();
    if (profile) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
      await cdp.send("Profiler.start");
    }
    const cpu0 = process.cpuUsage();
    const chrome0 = chromiumCpu();
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
    const cpu = process.cpuUsage(cpu0);
    const chrome1 = chromiumCpu();
    const top = profile
      ? topFunctions(
          (await cdp.send("Profiler.stop")).profile,
          await sourceMap(sb.gateway.url, (u) => context.request.get(u)),
        )
      : undefined;
    const after = await metrics();
    const delta = (k: string) => ((after.get(k) ?? 0) - (before.get(k) ?? 0)) * 1000;
    return {
      users: n,
      load: os.loadavg()[0] ?? 0,
      sandboxS,
      boardS,
      logins,
      frames: measured.times,
      longTasks: measured.longTasks,
      longMs: measured.longMs,
      domRows: await page.locator(".rows .row").count(),
      scriptMs: delta("ScriptDuration"),
      layoutMs: delta("LayoutDuration"),
      styleMs: delta("RecalcStyleDuration"),
      taskMs: delta("TaskDuration"),
      heapMb: (after.get("JSHeapUsedSize") ?? 0) / 1e6,
      calls: traffic.placed,
      errors,
      serverCpuMs: (cpu.user + cpu.system) / 1000,
      mainCpuMs: chrome1.main - chrome0.main,
      rendererCpuMs: chrome1.renderer - chrome0.renderer,
      gpuCpuMs: chrome1.gpu - chrome0.gpu,
      ...(top ? { top } : {}),
    };
  } finally {
    traffic.stop();
    await context.close();
    await sb.stop();
  }
}

/** The console bundle's inline source map, to name the profile's functions in TypeScript. */
async function sourceMap(
  base: string,
  get: (url: string) => Promise<{ ok(): boolean; text(): Promise<string> }>,
): Promise<SourceMap | undefined> {
  const res = await get(`${base}/console/main.js`).catch(() => undefined);
  const js = res?.ok() ? await res.text() : "";
  const m = /sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)/.exec(js);
  return m?.[1] ? new SourceMap(JSON.parse(Buffer.from(m[1], "base64").toString("utf8"))) : undefined;
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

interface Profiled {
  /** top functions by self time over the whole scroll */
  all: ProfileLine[];
  /** the same inside stretches of main-thread work over 50 ms (what long tasks are made of) */
  long: ProfileLine[];
  longStretches: number;
}

function topFunctions(p: CpuProfile, map: SourceMap | undefined): Profiled {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const names = new Map<number, { fn: string; where: string }>();
  const name = (id: number) => {
    let n = names.get(id);
    if (n) return n;
    const cf = byId.get(id)?.callFrame ?? { functionName: "?", url: "", lineNumber: 0, columnNumber: 0 };
    let where = cf.url ? `${cf.url.replace(/^https?:\/\/[^/]+/, "")}:${cf.lineNumber + 1}` : "";
    let fn = cf.functionName || "(anonymous)";
    if (map && cf.url.endsWith("/console/main.js")) {
      const e = map.findEntry(cf.lineNumber, cf.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        name?: string;
      };
      if (e.originalSource) {
        where = `${e.originalSource.replace(/^.*?(console\/app\/|node_modules\/)/, "$1")}:${(e.originalLine ?? 0) + 1}`;
        if (e.name) fn = e.name;
      }
    }
    n = { fn, where };
    names.set(id, n);
    return n;
  };
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  const add = (into: Map<string, ProfileLine>, id: number, ms: number) => {
    const { fn, where } = name(id);
    const key = `${fn} ${where}`;
    const line = into.get(key) ?? { selfMs: 0, fn, where };
    line.selfMs += ms;
    into.set(key, line);
  };
  const all = new Map<string, ProfileLine>();
  const long = new Map<string, ProfileLine>();
  let longStretches = 0;
  // a sample's time is the delta to the next one; a stretch is a run of samples not idle
  let stretch: { id: number; ms: number }[] = [];
  let stretchMs = 0;
  const close = () => {
    if (stretchMs > 50) {
      longStretches++;
      for (const x of stretch) add(long, x.id, x.ms);
    }
    stretch = [];
    stretchMs = 0;
  };
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] ?? -1;
    const ms = (deltas[i + 1] ?? 0) / 1000;
    if (name(id).fn === "(idle)") {
      close();
      continue;
    }
    add(all, id, ms);
    stretch.push({ id, ms });
    stretchMs += ms;
  }
  close();
  const top = (m: Map<string, ProfileLine>) =>
    [...m.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 15);
  return { all: top(all), long: top(long), longStretches };
}

const sizes = vs > 0 ? [vs, users] : [users];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const runs: Run[] = [];
try {
  for (let r = 0; r < rounds; r++) for (const n of sizes) runs.push(await measure(browser, n));
} finally {
  await browser.close();
}

const f = (x: number, d = 1) => x.toFixed(d);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const out: string[] = [
  `Board scroll, ${seconds} s a run, ${process.env.O2G_DEMO_TRAFFIC === "0" ? "no calls" : "demo calls meanwhile"}${stateFilter ? `, state filter ${stateFilter}` : ""}${search ? `, search "${search}"` : ""}; ${os.cpus().length} cores. CPU ms/frame: CPU time of the page's main thread (CrRendererMain, from /proc) over the scroll, per frame: the page's work, which the machine's load does not inflate as it does frame times and Chromium's own (wall-clock) durations.`,
  "",
  "| users | load (1 min) | sandbox up s | board after login s (GET /logins ms, KB) | frames (fps) | p50 ms | p95 ms | p99 ms | max ms | long tasks (ms) | CPU ms/frame: main thread / renderer / GPU | wall ms: script / layout / style / all tasks | JS heap MB | DOM rows | calls | sandbox CPU ms | page errors |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
];
for (const r of runs) {
  const s = [...r.frames].sort((a, b) => a - b);
  out.push(
    `| ${r.users} | ${f(r.load)} | ${f(r.sandboxS)} | ${f(r.boardS, 2)} (${Math.round(r.logins.ms)}, ${Math.round(r.logins.kb)}) | ${s.length} (${f(s.length / seconds)}) | ${f(pct(s, 50))} | ${f(pct(s, 95))} | ${f(pct(s, 99))} | ${f(s.at(-1) ?? 0)} | ${r.longTasks} (${Math.round(r.longMs)}) | ${f(r.mainCpuMs / Math.max(1, s.length))} / ${f(r.rendererCpuMs / Math.max(1, s.length))} / ${f(r.gpuCpuMs / Math.max(1, s.length))} | ${Math.round(r.scriptMs)} / ${Math.round(r.layoutMs)} / ${Math.round(r.styleMs)} / ${Math.round(r.taskMs)} | ${f(r.heapMb)} | ${r.domRows} | ${r.calls} | ${Math.round(r.serverCpuMs)} | ${r.errors.length ? r.errors.join("; ") : "none"} |`,
  );
}
for (const r of runs) {
  if (!r.top) continue;
  const table = (title: string, lines: ProfileLine[]) => {
    out.push("", title, "", "| self ms | function | where |", "| ---: | --- | --- |");
    for (const l of lines) out.push(`| ${f(l.selfMs)} | ${l.fn} | ${l.where} |`);
  };
  table(`CPU profile of the page, ${r.users} users, top self time over the ${seconds} s scroll:`, r.top.all);
  table(
    `Same, ${r.users} users, inside the ${r.top.longStretches} stretches of main-thread work over 50 ms:`,
    r.top.long,
  );
}
console.log(out.join("\n"));
