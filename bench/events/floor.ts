/**
 * The events benchmark's in-run reference: a bare CSTA client of the same emulator, in the same
 * process as the O2G client, monitoring every callee. The time from a callee's Delivered emitted
 * to this client having decoded it is the floor (the emulator's share, the wire and one wake-up
 * of this process); the O2G client's OnCallCreated for the same call comes later by what the
 * gateway adds. Both are read by the same process, under the same load, in the same run.
 */
import { cstaEventReport, type EventReport, monitorStart } from "../../protocols/csta/index.js";
import { connectBareCsta } from "../support/bare-csta.js";

export interface FloorClient {
  /** per callee login, when each Delivered was decoded here (performance.timeOrigin + performance.now()) */
  arrivals: Map<string, number[]>;
  close(): void;
}

/** Associate with `endpoint` and monitor each device of `logins` (device -> login). */
export function startFloorClient(
  endpoint: { host: string; port: number },
  login: string,
  password: string,
  logins: ReadonlyMap<string, string>,
): Promise<FloorClient> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<string, number[]>();
    const byCrossRef = new Map<string, string>();
    let settled = false;
    const { link, socket } = connectBareCsta({
      endpoint,
      login,
      password,
      name: "events floor",
      invokeTimeoutMs: 60_000,
      invoked: (_link, op, _id, arg) => {
        if (op !== cstaEventReport) return;
        const report = arg as EventReport;
        if (report.event.type !== "delivered") return;
        const t = performance.timeOrigin + performance.now();
        const who = byCrossRef.get(report.crossRefId);
        if (who === undefined) return;
        let list = arrivals.get(who);
        if (!list) {
          list = [];
          arrivals.set(who, list);
        }
        list.push(t);
      },
      associated: () => monitorAll(),
      failed: (err) => fail(err),
    });
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };
    const client: FloorClient = { arrivals, close: () => socket.destroy() };
    const devices = [...logins.keys()];
    let next = 0;
    let done = 0;
    const window = 200;
    const one = (device: string) => {
      link.invoke(monitorStart, { device }, (err, res) => {
        if (err || !res) return fail(new Error(`MonitorStart ${device}: ${err?.message ?? "no result"}`));
        byCrossRef.set(res.crossRefId, logins.get(device)!);
        if (++done === devices.length) {
          settled = true;
          resolve(client);
        } else if (next < devices.length) one(devices[next++]!);
      });
    };
    const monitorAll = () => {
      while (next < devices.length && next < window) one(devices[next++]!);
    };
  });
}
