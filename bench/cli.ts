/**
 * npm run bench -- <name> [options] [--json out.json] [--md out.md]
 *   snapshot   startup snapshot time, 1k..100k users, vs the vendor's figures
 *   rest       REST requests/s and latency vs a bare fastify server in the same run
 *   events     CSTA event -> chunk channel latency at 100 and 500 calls/s, and the sustained maximum
 *   callcenter callers through the CCD's pilots: queue wait, agent notified latency, events lost
 *   switchover time to re-link and re-monitor after a main/standby switchover, clean and silent
 *   failover   kill -9 of the active gateway of an HA pair: to the passive one active, to a client's next event
 *   codec      our BER codec vs the generic BER libraries, on CSTA PDUs
 *   set-programming  10,000 Set + 10,000 Get of Phone Set Programming with 1, 2, 4, 8 client workers
 *   directory  directory search on 100,000 users: the index against a scan of every entry
 *   ccstats    the call-center statistics report of a day with 10,000 calls: JSON, CSV, XLSX
 *   gate       the short CI profile compared to bench/baseline.json (exit 1 on regression)
 *   gate-selftest  the gate's profile of the snapshot, REST, set programming and events, as they are and
 *              slowed down 2x: exit 1 unless the gate passes the first and fails the second
 *   fuzz       1,000,000 generated inputs through every decoder and the link engine (exit 1 on a crash)
 */
import { parseArgs } from "node:util";
import { emit } from "./report/index.js";
import { SNAPSHOT_POINTS, snapshotBench } from "./snapshot/index.js";

const USAGE = `usage: npm run bench -- <snapshot|rest|events|callcenter|switchover|failover|codec|set-programming|directory|ccstats|gate|gate-selftest|fuzz> [options] [--json out.json] [--md out.md]
  snapshot  --points 1000,3000,...   --repeat N   --window N
            --nodes N (OXE nodes; default as few as the 20,000-monitor limit allows)
  rest      --duration S   --connections N   --rounds N (gateway and baseline alternated; best kept; default 2)
  events    --rates 100,500   --duration S   --no-max (skip the search for the sustained maximum)
  callcenter --rates 20,50,100   --duration S   --users N (default 2000, a tenth CCD agents)
  switchover --points 1000,5000,20000   --heartbeat MS (default 1000, 2 misses)
  failover  --points 1000,5000,20000 (needs PostgreSQL's initdb/pg_ctl: PATH, /usr/lib/postgresql or PG_BIN)
  codec     --iterations N
  set-programming  --workers 1,2,4,8   --ops N (per phase, default 10000)   --users N (default 2000)
            --inflight N (requests at a time per worker; default 1, the vendor's client thread)
            --no-protocol-floor (skip the HTTPS + CMIP server with no gateway logic)
  directory --users N (default 100000)   --samples N (queries per kind, default 200)
  ccstats   --ops N (calls in the day, default 10000)   --runs N (per kind, default 3)
  gate      --baseline bench/baseline.json   [--update [--runs 3]] (write the baseline: worst of the runs)
            --inject window=1 | slow=snapshot | slow=rest | slow=set-programming | slow=events
                      (a deliberate regression, to see the gate fail)   --parts rest,snapshot,...
  gate-selftest  --baseline bench/baseline.json   --parts snapshot,rest,set-programming,events
  fuzz      --inputs N (default 1000000)   --seed S (default 1)`;

/** A comma-separated list of parts, each one of `known`. */
function gateParts<T extends string>(list: string, known: readonly T[]): T[] {
  const parts = list.split(",").map((x) => x.trim());
  const bad = parts.filter((x) => !known.includes(x as T));
  if (bad.length) throw new Error(`unknown part(s) ${bad.join(", ")}: expected ${known.join(", ")}`);
  return parts as T[];
}

async function main(): Promise<number> {
  const name = process.argv[2];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(3),
      options: {
        json: { type: "string" },
        md: { type: "string" },
        points: { type: "string" },
        repeat: { type: "string" },
        window: { type: "string" },
        duration: { type: "string" },
        connections: { type: "string" },
        rounds: { type: "string" },
        rates: { type: "string" },
        iterations: { type: "string" },
        baseline: { type: "string" },
        update: { type: "boolean" },
        inject: { type: "string" },
        runs: { type: "string" },
        workers: { type: "string" },
        ops: { type: "string" },
        users: { type: "string" },
        samples: { type: "string" },
        inflight: { type: "string" },
        heartbeat: { type: "string" },
        inputs: { type: "string" },
        seed: { type: "string" },
        parts: { type: "string" },
        nodes: { type: "string" },
        "no-max": { type: "boolean" },
        "no-protocol-floor": { type: "boolean" },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const out = {
    ...(values.json ? { json: String(values.json) } : {}),
    ...(values.md ? { md: String(values.md) } : {}),
  };
  const progress = (line: string) => console.log(line);
  const list = (s: unknown, def: number[]) => (typeof s === "string" ? s.split(",").map(Number) : def);
  switch (name) {
    case "snapshot": {
      const { res, charts } = await snapshotBench({
        points: list(values.points, SNAPSHOT_POINTS),
        repeat: Number(values.repeat ?? 1),
        ...(values.window ? { window: Number(values.window) } : {}),
        ...(values.nodes !== undefined ? { nodes: Number(values.nodes) } : {}),
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Startup snapshot",
        intro: "How long the gateway takes to monitor and snapshot every user at start.",
      });
      return 0;
    }
    case "rest": {
      const rounds = Number(values.rounds ?? 2);
      if (!Number.isInteger(rounds) || rounds < 1)
        throw new Error(`--rounds: ${values.rounds} is not a count`);
      const { restBench } = await import("./rest/index.js");
      const { res, charts } = await restBench({
        durationS: Number(values.duration ?? 5),
        connections: Number(values.connections ?? 20),
        // Two, as the gate: a gateway's first seconds of a request kind are V8 compiling its
        // paths (helper R: 1,490 us of CPU per make+release in a fresh gateway's first window,
        // ~900 in the next), which a deployed gateway pays once; the baseline gets the same.
        rounds,
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "REST throughput",
        intro:
          "Requests per second through the gateway, and a bare fastify server answering the same JSON over the same TLS in the same run.",
      });
      return 0;
    }
    case "events": {
      const { eventsBench } = await import("./events/index.js");
      const { res, charts } = await eventsBench({
        rates: list(values.rates, [100, 500]),
        durationS: Number(values.duration ?? 5),
        // The search for the sustained maximum takes longer than the rates themselves.
        findMax: values["no-max"] !== true,
        stages: true,
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Event latency",
        intro: "From the CSTA event in the emulator to the JSON line read on the chunk channel.",
      });
      return 0;
    }
    case "callcenter": {
      const { callCenterBench } = await import("./callcenter/index.js");
      const { res, charts } = await callCenterBench({
        rates: list(values.rates, [20, 50, 100]),
        durationS: Number(values.duration ?? 5),
        ...(values.users ? { users: Number(values.users) } : {}),
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Call center",
        intro:
          "Callers through the CCD's pilots with the emulated agents answering: queue wait, the agents' events through the gateway, events lost.",
      });
      return 0;
    }
    case "switchover": {
      const { switchoverBench } = await import("./switchover/index.js");
      const { res, charts } = await switchoverBench({
        points: list(values.points, [1000, 5000, 20000]),
        flavours: ["clean", "silent"],
        heartbeatMs: Number(values.heartbeat ?? 1000),
        heartbeatMisses: 2,
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Switchover",
        intro:
          "From the main call server's failure to the gateway's OnCtiLinkUp on the standby, every user monitored again.",
      });
      return 0;
    }
    case "failover": {
      const { failoverBench, FAILOVER_POINTS } = await import("./failover/index.js");
      const { res, charts } = await failoverBench({
        points: list(values.points, FAILOVER_POINTS),
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "HA failover",
        intro:
          "kill -9 of the active gateway of a pair: until the passive one is active with every user monitored, and until an SDK-like client has logged in again and receives events; comlog records lost.",
      });
      return 0;
    }
    case "codec": {
      const { codecBench } = await import("./codec/index.js");
      const res = codecBench(Number(values.iterations ?? 100_000));
      emit(res, {
        ...out,
        title: "BER codec",
        intro: "Encode+decode of CSTA PDUs (a MonitorStart invoke, a SnapshotDevice result).",
      });
      return 0;
    }
    case "set-programming": {
      const { setProgrammingBench } = await import("./set-programming/index.js");
      const { res, charts } = await setProgrammingBench({
        workers: list(values.workers, [1, 2, 4, 8]),
        ops: Number(values.ops ?? 10_000),
        users: Number(values.users ?? 2000),
        referenceWorkers: 4,
        inflight: Number(values.inflight ?? 1),
        floor: true,
        protocolFloor: values["no-protocol-floor"] !== true,
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Phone set programming throughput",
        intro:
          "The vendor's API test: 10,000 Set then 10,000 Get of Phone Set Programming through the REST API, against the number of client workers (each one request at a time). Goal: 20,000 operations in 3 s with 4 workers.",
      });
      return 0;
    }
    case "directory": {
      const { directoryBench } = await import("./directory/index.js");
      const { res, charts } = directoryBench({
        users: Number(values.users ?? 100_000),
        samples: Number(values.samples ?? 200),
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Directory search",
        intro:
          "Search time of the gateway's phone book index against a scan of every entry, per kind of criterion.",
      });
      return 0;
    }
    case "ccstats": {
      const { ccStatsBench } = await import("./ccstats/index.js");
      const { res, charts } = await ccStatsBench({
        calls: Number(values.ops ?? 10_000),
        runs: Number(values.runs ?? 3),
        progress,
      });
      emit(res, {
        ...out,
        charts,
        title: "Call-center statistics report",
        intro:
          "The statistics report of one day of CCD calls through CallCenterStatistics: JSON, and CSV and XLSX files built in the background. Goal: under 2 s.",
      });
      return 0;
    }
    case "fuzz": {
      const { fuzzBench } = await import("./fuzz/index.js");
      const { res, failed } = await fuzzBench({
        inputs: Number(values.inputs ?? 1_000_000),
        seed: Number(values.seed ?? 1),
        progress,
      });
      emit(res, {
        md: "bench/out/fuzz.md",
        ...out,
        title: "Protocol fuzzing",
        intro:
          "Generated inputs through the BER, framing, ROSE, ACSE, CSTA, CMIP and IMAP decoders, then garbage through live RoseLinks.",
      });
      return failed ? 1 : 0;
    }
    case "gate": {
      const { runGate, GATE_PARTS } = await import("./gate/index.js");
      return runGate({
        baseline: String(values.baseline ?? "bench/baseline.json"),
        update: values.update === true,
        ...(values.runs ? { runs: Number(values.runs) } : {}),
        ...(values.inject ? { inject: String(values.inject) } : {}),
        ...(values.parts ? { parts: gateParts(String(values.parts), GATE_PARTS) } : {}),
        ...out,
        progress,
      });
    }
    case "gate-selftest": {
      const { runGateSelftest } = await import("./gate/selftest.js");
      const { SLOW_PATHS } = await import("./gate/index.js");
      return runGateSelftest({
        baseline: String(values.baseline ?? "bench/baseline.json"),
        ...(values.parts
          ? { parts: gateParts(String(values.parts), Object.keys(SLOW_PATHS) as (keyof typeof SLOW_PATHS)[]) }
          : {}),
        ...out,
        progress,
      });
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
