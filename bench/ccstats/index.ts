/**
 * CallCenterStatistics: how long the statistics report of a day with 10,000 CCD calls takes to
 * build (goal: under 2 s), through the REST API as a client sees it. The emulator seeds the day
 * (its history, pinned to a fixed instant); the gateway reads the day's ticket file over SSH
 * (cold: the first request; warm: the closed file is kept), sums it per quarter hour for every
 * agent and pilot with every attribute, and answers JSON, or builds a CSV or an XLSX file in the
 * background (timed until the OnAcdStatsProgress FORMATED event, then downloaded).
 */
import { request } from "undici";
import { startSandbox } from "../../scenarios/environment.js";
import { type BenchResult, barChart, type Row, result } from "../report/index.js";

interface Options {
  calls: number;
  runs: number;
  progress: (line: string) => void;
}

/** The seeded day ends here: the report is of 2026-01-14 (UTC). */
const PINNED = Date.UTC(2026, 0, 15, 12);
const DAY = "2026-01-14";
const GOAL_MS = 2000;

export async function ccStatsBench(
  o: Options,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  o.progress(`starting a sandbox with ${o.calls} CCD calls on ${DAY}...`);
  const sb = await startSandbox({
    users: 1000,
    agents: 0.1,
    ccdStats: { historyDays: 1, callsPerDay: o.calls, now: PINNED },
  });
  const rows: Row[] = [];
  try {
    const admin = await sb.loginAdmin();
    const S = "acd statistics";
    const agents = sb.emulator.ccd!.config.operators.filter((x) => x.type === "agent").map((x) => x.number);
    await admin.post(S, "scope", {
      supervisor: { identifier: "bench", language: "EN", timezone: "UTC" },
      agents: agents.map((number) => ({ number })),
    });
    const ctx = await admin.post<{ id: string }>(S, "scope/bench/ctx", {
      filter: {
        agentFilter: { agentAttributes: ["ALL"], pilotAttributes: ["ALL"] },
        pilotFilter: { attributes: ["ALL"] },
      },
    });
    const path = `scope/bench/ctx/${ctx.body.id}/oneday/data`;
    const events = await admin.subscribe([{ names: ["acdstats"] }]);

    const json = async () => {
      const t = performance.now();
      const r = await admin.get<{ pilotsStats: { rows: { dnbTotReceivedCalls: number }[] }[] }>(S, path, {
        date: DAY,
      });
      const ms = performance.now() - t;
      const calls = r.body.pilotsStats.reduce(
        (s, slot) => s + slot.rows.reduce((x, row) => x + row.dnbTotReceivedCalls, 0),
        0,
      );
      return { ms, calls, bytes: JSON.stringify(r.body).length };
    };
    const file = async (format: "csv" | "xls") => {
      const t = performance.now();
      const r = await admin.send("GET", admin.url(S, path, { date: DAY, format, async: "true" }));
      if (r.status !== 202) throw new Error(`${format}: ${r.status} ${JSON.stringify(r.body)}`);
      const done = await events.next((e) => e.step === "FORMATED" || e.step === "ERROR", 60_000);
      const ms = performance.now() - t;
      if (done.step !== "FORMATED") throw new Error(`${format}: the build failed`);
      const dl = await request(`${sb.gateway.url}${String(done.fullResPath)}`, {
        headers: { cookie: admin.cookieHeader },
        dispatcher: sb.dispatcher,
      });
      const bytes = (await dl.body.arrayBuffer()).byteLength;
      return { ms, calls: o.calls, bytes };
    };

    const kinds: [string, () => Promise<{ ms: number; calls: number; bytes: number }>][] = [
      ["JSON, by quarter hour", json],
      ["CSV file (zipped)", () => file("csv")],
      ["XLSX file (zipped)", () => file("xls")],
    ];
    for (const [name, run] of kinds) {
      for (let i = 0; i < o.runs; i++) {
        const r = await run();
        const cold = name.startsWith("JSON") && i === 0;
        o.progress(`${name} run ${i + 1}${cold ? " (cold: file read over SSH)" : ""}: ${r.ms.toFixed(0)} ms`);
        rows.push({
          report: name,
          run: i + 1,
          ssh: cold ? "read over SSH" : "kept",
          calls: r.calls,
          ms: Math.round(r.ms),
          kB: Math.round(r.bytes / 1024),
          [`under ${GOAL_MS} ms`]: r.ms < GOAL_MS,
        });
      }
    }
  } finally {
    await sb.stop();
  }
  const worst = (name: string) => Math.max(...rows.filter((r) => r.report === name).map((r) => Number(r.ms)));
  const res = result("ccstats", rows, [
    `One day with ${o.calls.toLocaleString("en-US")} calls offered to the node's pilots (seeded history), every agent and pilot, every attribute, 96 quarter-hour slots.`,
    "Times are from the request to the JSON answer, or to the OnAcdStatsProgress FORMATED event of a file built in the background.",
    "The first JSON run reads the day's ticket file over the node's SSH link; a closed day's file is then kept by the gateway.",
    `Goal: under ${GOAL_MS} ms for the day's report.`,
  ]);
  const charts = {
    "ccstats.svg": barChart({
      title: `Statistics report of a day of ${o.calls} calls (worst run)`,
      unit: "ms",
      groups: ["JSON, by quarter hour", "CSV file (zipped)", "XLSX file (zipped)"].map((label) => ({
        label,
        values: [{ name: "ms", value: worst(label) }],
      })),
    }),
  };
  return { res, charts };
}
