/**
 * REST throughput: autocannon against the gateway's main endpoints, then against a bare
 * fastify server answering the same bodies over the same TLS (bench/support/baseline-server),
 * in the same run. Gateway, emulator and baseline each run in their own process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BenchResult, barChart, type Row, result } from "../report/index.js";
import { cpuMs, cpuPerOp } from "../support/cpu.js";
import { spawnEmulator, spawnGateway, spawnTs } from "../support/processes.js";
import { type MakeReleaseFloor, measureMakeReleaseFloor } from "./floor.js";

export interface RestOptions {
  durationS: number;
  connections: number;
  /** gateway/baseline rounds per endpoint; the best of each is kept */
  rounds?: number;
  /** a deliberate slowdown of the gateway (bench/support/slow.ts), for the gate's self-test */
  slow?: string;
  /**
   * also place and release the same calls with a bare CSTA client once the gateway has stopped
   * (./floor.ts): the make+release row's floor. `npm run bench -- rest` does; the gate does not
   * (its figures are ratios of its own, and the floor costs its rounds again).
   */
  floor?: boolean;
  progress?: (line: string) => void;
}

interface Endpoint {
  name: string;
  requests: autocannon.Request[];
  headers: Record<string, string>;
}

function cannon(url: string, ca: string, e: Endpoint, opts: RestOptions): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url,
        connections: opts.connections,
        duration: opts.durationS,
        headers: e.headers,
        requests: e.requests,
        tlsOptions: { ca, servername: "localhost" },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    inst.on("error", reject);
  });
}

/** Callers (every other number from `from`, each calling the next) lent to one sequence at a time. */
function makeCallerPool(from: number, size: number) {
  const all = Array.from({ length: size }, (_, i) => from + 2 * i);
  let free = [...all];
  return {
    all,
    take(): number {
      // More sequences than callers only if some never gave theirs back (cut at the end of a
      // round): share the first then rather than stop.
      return free.shift() ?? all[0]!;
    },
    give(caller: number): void {
      if (!free.includes(caller)) free.push(caller);
    },
    reset(): void {
      free = [...all];
    },
  };
}

export async function measureRest(opts: RestOptions): Promise<Row[]> {
  const pairs = opts.connections;
  // The callers (2 x connections pairs, from first + 10) and whom they call.
  const emu = await spawnEmulator(Math.max(1000, pairs * 4 + 12), 1);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-rest-"));
  const stops: (() => Promise<void>)[] = [emu.stop];
  try {
    const gw = await spawnGateway(emu.ready, { dataDir, ...(opts.slow ? { slow: opts.slow } : {}) });
    stops.unshift(gw.stop);
    const ca = readFileSync(gw.ready.caFile, "utf8");
    const first = 10000;
    // A user in an active call, so the calls body is a real one.
    const a = await O2gClient.login({ baseUrl: gw.ready.url, login: `oxe${first}`, password: "0000", ca });
    const b = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: `oxe${first + 1}`,
      password: "0000",
      ca,
    });
    const ref = (
      await a.post<{ callRef: string }>("telephony", "calls", {
        deviceId: String(first),
        callee: String(first + 1),
      })
    ).body.callRef;
    await new Promise((r) => setTimeout(r, 200));
    await b.post("telephony", `calls/${ref}/answer`, { deviceId: String(first + 1) });
    await new Promise((r) => setTimeout(r, 200));
    const admin = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: "admin",
      password: "Sandbox-Admin-1",
      ca,
    });
    const bodies = {
      calls: (await a.get("telephony", "calls")).body,
      user: (await a.get("users", `oxe${first}`)).body,
      discovery: (await a.raw("GET", `${gw.ready.url}/api/rest`)).body,
    };
    const bodiesFile = path.join(dataDir, "bodies.json");
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const base = await spawnTs<{ url: string }>("bench/support/baseline-server.ts", [dataDir, bodiesFile]);
    stops.unshift(base.stop);

    // make call + release. autocannon starts each connection's sequence afresh with an empty
    // context, so a caller is not "the connection's": each sequence borrows a free pair and gives
    // it back once its call is released. Two sequences never share a caller (one device placing
    // two calls at once is a consultation, not what this measures), and a failed POST skips the
    // DELETE instead of releasing "calls/undefined".
    const callers = makeCallerPool(first + 10, pairs * 2);
    const makeAndRelease: autocannon.Request[] = [
      {
        method: "POST",
        setupRequest: (req, context) => {
          const ctx = context as { caller?: number };
          ctx.caller ??= callers.take();
          return {
            ...req,
            path: `/api/rest/1.0/telephony/calls?loginName=oxe${ctx.caller}`,
            body: JSON.stringify({ deviceId: String(ctx.caller), callee: String(ctx.caller + 1) }),
          };
        },
        onResponse: (status, body, context) => {
          const ctx = context as { caller: number; ref?: string };
          if (status !== 200) {
            if (process.env.DEBUG_REST) console.log("POST", status, body.slice(0, 300));
            callers.give(ctx.caller);
            return;
          }
          ctx.ref = (JSON.parse(body) as { callRef: string }).callRef;
        },
      },
      {
        method: "DELETE",
        setupRequest: (req, context) => {
          const ctx = context as { caller: number; ref?: string };
          // A falsy request ends the sequence here (autocannon counts it as a reset).
          if (!ctx.ref) return null as unknown as autocannon.Request;
          return { ...req, path: `/api/rest/1.0/telephony/calls/${ctx.ref}?loginName=oxe${ctx.caller}` };
        },
        onResponse: (status, body, context) => {
          const ctx = context as { caller: number; ref: string };
          if (status >= 400 && process.env.DEBUG_REST)
            console.log("DELETE", status, ctx.ref, body.slice(0, 300));
          callers.give(ctx.caller);
        },
      },
    ];
    /**
     * autocannon stops mid-sequence: calls placed and never released (ringing for a minute)
     * would turn the next round's POSTs into consultation calls. Release them between rounds.
     */
    const releaseLeftovers = async () => {
      for (const caller of callers.all) {
        const { calls } = (
          await admin.get<{ calls: { callRef: string }[] }>("telephony", "calls", {
            loginName: `oxe${caller}`,
          })
        ).body;
        for (const c of calls) {
          await admin
            .send("DELETE", admin.url("telephony", `calls/${c.callRef}`, { loginName: `oxe${caller}` }))
            .catch(() => undefined);
        }
      }
      callers.reset();
    };
    const endpoints: Endpoint[] = [
      { name: "GET /api/rest (discovery)", requests: [{ method: "GET", path: "/api/rest" }], headers: {} },
      {
        name: "GET telephony/calls",
        requests: [{ method: "GET", path: "/api/rest/1.0/telephony/calls" }],
        headers: { cookie: a.cookieHeader },
      },
      {
        name: "GET users/{login}",
        requests: [{ method: "GET", path: `/api/rest/1.0/users/oxe${first}` }],
        headers: { cookie: a.cookieHeader },
      },
      {
        name: "POST calls + DELETE calls/{ref}",
        requests: makeAndRelease,
        headers: { cookie: admin.cookieHeader, "content-type": "application/json" },
      },
    ];
    const rows: Row[] = [];
    /** the emulator's CPU per make+release request through the gateway (lowest round) */
    let emuCpu: number | undefined;
    for (const e of endpoints) {
      // Alternate gateway and baseline, and keep each one's best round: a burst of load from
      // elsewhere on a shared machine then spoils one round, not the figure.
      let g: autocannon.Result | undefined;
      let bl: autocannon.Result | undefined;
      // CPU per request of each server, the lowest of the rounds (the least disturbed).
      let gCpu: number | undefined;
      let blCpu: number | undefined;
      let gMain: number | undefined;
      let blMain: number | undefined;
      let errors = 0;
      const lowest = (a: number | undefined, b: number | undefined) =>
        a === undefined ? b : b === undefined ? a : Math.min(a, b);
      const total = (r: autocannon.Result) => r.requests.total;
      for (let round = 1; round <= (opts.rounds ?? 1); round++) {
        opts.progress?.(`rest: ${e.name} on the gateway for ${opts.durationS} s (round ${round})...`);
        const emu0 = cpuMs(emu.child.pid);
        const gr = await cpuPerOp(gw.child.pid, () => cannon(gw.ready.url, ca, e, opts), total);
        const emu1 = cpuMs(emu.child.pid);
        if (e.requests === makeAndRelease && emu0 !== undefined && emu1 !== undefined && total(gr.result) > 0)
          emuCpu = lowest(emuCpu, ((emu1 - emu0) * 1000) / total(gr.result));
        if (e.requests === makeAndRelease) await releaseLeftovers();
        opts.progress?.(
          `rest: ${e.name} on the bare fastify baseline for ${opts.durationS} s (round ${round})...`,
        );
        const br = await cpuPerOp(base.child.pid, () => cannon(base.ready.url, ca, e, opts), total);
        callers.reset();
        errors += gr.result.errors + gr.result.non2xx;
        if (!g || gr.result.requests.average > g.requests.average) g = gr.result;
        if (!bl || br.result.requests.average > bl.requests.average) bl = br.result;
        gCpu = lowest(gCpu, gr.usPerOp);
        blCpu = lowest(blCpu, br.usPerOp);
        gMain = lowest(gMain, gr.mainUsPerOp);
        blMain = lowest(blMain, br.mainUsPerOp);
      }
      if (!g || !bl) throw new Error("no round ran");
      rows.push({
        endpoint: e.name,
        rps: Math.round(g.requests.average),
        p50Ms: g.latency.p50,
        p99Ms: g.latency.p99,
        errors,
        statuses: Object.entries(g.statusCodeStats ?? {})
          .map(([k, v]) => `${k}:${(v as { count: number }).count}`)
          .join(" "),
        baselineRps: Math.round(bl.requests.average),
        ratio: Number((g.requests.average / bl.requests.average).toFixed(2)),
        cpuUs: gCpu === undefined ? null : Math.round(gCpu),
        baselineCpuUs: blCpu === undefined ? null : Math.round(blCpu),
        cpuRatio: gCpu === undefined || blCpu === undefined ? null : Number((gCpu / blCpu).toFixed(2)),
        mainCpuUs: gMain === undefined ? null : Math.round(gMain),
        baselineMainCpuUs: blMain === undefined ? null : Math.round(blMain),
        mainCpuRatio:
          gMain === undefined || blMain === undefined ? null : Number((gMain / blMain).toFixed(2)),
      });
    }
    const mr = rows.find((r) => String(r.endpoint).startsWith("POST"))!;
    let floor: MakeReleaseFloor | undefined;
    if (opts.floor) {
      // The gateway's monitors would double the emulator's events: the bare client goes alone.
      await gw.stop();
      for (let round = 1; round <= (opts.rounds ?? 1); round++) {
        opts.progress?.(
          `rest: make+release by a bare CSTA client for ${opts.durationS} s (round ${round})...`,
        );
        const f = await measureMakeReleaseFloor(emu.ready, {
          callers: callers.all,
          concurrency: opts.connections,
          durationS: opts.durationS,
          emulatorPid: emu.child.pid,
        });
        if (!floor || f.rps > floor.rps) floor = f;
      }
    }
    // Only the make+release row has a floor; the others carry nulls to keep the columns aligned.
    for (const r of rows) {
      const own = r === mr && floor;
      const at = Object.keys(r).indexOf("ratio") + 1;
      const entries = Object.entries(r);
      entries.splice(
        at,
        0,
        ["floorRps", own ? floor!.rps : null],
        ["floorRatio", own ? Number((floor!.rps / Number(r.baselineRps)).toFixed(2)) : null],
      );
      entries.push(
        ["floorCpuUs", own ? floor!.cpuUs : null],
        ["emuCpuUs", r === mr && emuCpu !== undefined ? Math.round(emuCpu) : null],
        ["floorEmuCpuUs", own ? floor!.emulatorCpuUs : null],
      );
      for (const k of Object.keys(r)) delete r[k];
      Object.assign(r, Object.fromEntries(entries));
    }
    return rows;
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function restBench(
  opts: RestOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const rows = await measureRest({ floor: true, ...opts });
  const res = result("rest", rows, [
    `autocannon, ${opts.connections} connections, ${opts.durationS} s per endpoint and round, ${opts.rounds ?? 1} round(s), gateway and baseline alternated, the best round of each kept; HTTPS; rps = requests/s (a make+release pair counts two).`,
    "baselineRps: a bare fastify server answering the same JSON bodies over the same certificate, in the same run; ratio = rps / baselineRps.",
    "errors: failed or non-2xx answers over every round (a release that overtakes the call's own events would be a 404 here).",
    "cpuUs, baselineCpuUs: CPU µs each server process spends per request (lowest round); cpuRatio = cpuUs / baselineCpuUs: the gateway's cost, whoever is the bottleneck.",
    "mainCpuUs, baselineMainCpuUs, mainCpuRatio: the same for each server's main thread (its event loop) alone, without V8's helper threads (background compilation, concurrent marking) and the gateway's store thread; the gate judges this ratio.",
    "floorRps (make+release only): the same calls placed and released by a bare CSTA client on the same emulator once the gateway has stopped (one link, every caller and callee monitored, MakeCall then ClearConnection, as many sequences as connections; best round); floorRatio = floorRps / baselineRps, the ratio a gateway costing nothing beyond the CSTA link would reach.",
    "floorCpuUs: CPU µs the bare client spends per request (its share of the work the gateway does: encode, decode every event); emuCpuUs, floorEmuCpuUs: the emulator's CPU µs per request behind the gateway and behind the bare client (lowest round).",
  ]);
  const charts = {
    "rest.svg": barChart({
      title: "Requests per second: gateway vs bare fastify",
      unit: "req/s",
      groups: rows.map((r) => ({
        label: String(r.endpoint),
        values: [
          { name: "gateway", value: Number(r.rps) },
          { name: "bare fastify, same JSON", value: Number(r.baselineRps) },
        ],
      })),
    }),
  };
  return { res, charts };
}
