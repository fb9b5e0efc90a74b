/**
 * One client of the set-programming benchmark, in its own thread: an administrator session of
 * its own (one HTTPS connection, as one client thread of the vendor's test), then, each time the
 * driver says so, a run of Phone Set Programming operations one after the other, each sent when
 * the previous one has answered (or `inflight` such sequences at once, to measure capacity rather
 * than the vendor's figure). It reports how long the run took and each operation's latency.
 */
import { parentPort, workerData } from "node:worker_threads";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { Http1Client } from "./http1.js";
import { keyWrite, type Target, targetOf } from "./ops.js";

export type { Target } from "./ops.js";

export interface WorkerInit {
  url: string;
  ca: string;
  /**
   * The administrator each worker opens a session as; none: no login and no cookie, the paths
   * the gateway's discovery gives (the protocol-only server has no sessions, ./protocol-server.ts).
   */
  admin?: { login: string; password: string };
  targets: Target[];
  /** requests each worker keeps in flight (1: the vendor's client thread; more: to find the capacity) */
  inflight: number;
}

/** What the driver asks: `kind` operations numbered from..to (their numbers pick user and key). */
export interface RunRequest {
  kind: "set" | "get" | "reference";
  from: number;
  to: number;
  /** which values the Sets write (./ops.ts keyWrite) */
  variant?: number;
}

export interface RunReport {
  ms: number;
  ops: number;
  errors: number;
  firstError?: string;
  /** per-operation latencies, ms */
  latencies: number[];
}

const init = workerData as WorkerInit;
const port = parentPort!;

const session = init.admin
  ? await O2gClient.login({
      baseUrl: init.url,
      ...init.admin,
      ca: init.ca,
      applicationName: "set-programming bench",
    })
  : undefined;
const base = session
  ? new URL(session.url("phonesetprogramming")).pathname
  : "/api/rest/1.0/phonesetprogramming";
const usersBase = session ? new URL(session.url("users")).pathname : "/api/rest/1.0/users";
const origin = new URL(init.url).origin;
// One connection per request in flight, one request at a time on each: with inflight 1, a
// client thread of the vendor's test. The session's cookie authenticates every request.
const inflight = Math.max(1, init.inflight);
const headers: Record<string, string> = session ? { Cookie: session.cookieHeader } : {};
const lanes = Array.from({ length: inflight }, () => new Http1Client(origin, init.ca, headers));

function operation(
  kind: RunRequest["kind"],
  i: number,
  variant: number,
): { method: "GET" | "PUT"; path: string; body?: string } {
  const t = targetOf(init.targets, i);
  if (kind === "reference") return { method: "GET", path: `${usersBase}/${t.login}` };
  const keys = `${base}/${t.login}/devices/${t.number}/programmeableKeys`;
  if (kind === "get") return { method: "GET", path: keys };
  const { position, number, mnemonic } = keyWrite(init.targets, i, variant);
  return {
    method: "PUT",
    path: `${keys}/${position}`,
    body: JSON.stringify({ position, number, mnemonic }),
  };
}

async function run(req: RunRequest): Promise<RunReport> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = req.from;
  const lane = async (client: Http1Client) => {
    while (next < req.to) {
      const op = operation(req.kind, next++, req.variant ?? 0);
      const s = performance.now();
      const res = await client.request(op.method, op.path, op.body);
      latencies.push(performance.now() - s);
      if (res.status >= 300) {
        errors++;
        firstError ??= `${op.method} ${op.path} -> ${res.status} ${res.body.slice(0, 200)}`;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(lanes.map(lane));
  return {
    ms: performance.now() - t0,
    ops: req.to - req.from,
    errors,
    ...(firstError ? { firstError } : {}),
    latencies,
  };
}

port.on("message", (msg: RunRequest | "stop") => {
  if (msg === "stop") {
    for (const l of lanes) l.close();
    void (session ? session.close() : Promise.resolve()).then(() => process.exit(0));
    return;
  }
  run(msg).then(
    (r) => port.postMessage(r),
    (err: unknown) =>
      port.postMessage({
        ms: 0,
        ops: 0,
        errors: 1,
        firstError: String((err as Error).stack ?? err),
        latencies: [],
      }),
  );
});
port.postMessage("ready");
