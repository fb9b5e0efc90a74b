/**
 * A bare CSTA client of the emulator, for the benchmarks' floors: one RoseLink over TCP,
 * associated as the gateway associates, with no gateway in between. Each floor adds its own
 * work (monitors, snapshots, calls, reading events) once the association is accepted.
 */
import net from "node:net";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
} from "../../protocols/csta/index.js";
import { RoseLink } from "../../protocols/rose/index.js";

export interface BareCstaOptions {
  endpoint: { host: string; port: number };
  login: string;
  password: string;
  /** who this client is, in the association request */
  name: string;
  invokeTimeoutMs: number;
  /** as the gateway's link: a turn's invokes leave in one write */
  flushOn?: "immediate";
  /** the association was accepted: the floor's own work starts */
  associated(link: RoseLink<CstaFailure>): void;
  /** an invoke from the switch (event reports, the heartbeat) */
  invoked?(link: RoseLink<CstaFailure>, op: unknown, invokeId: number, argument: unknown): void;
  /** the association refused, a socket error, or the connection closed while `closedIsFailure()` */
  failed(err: Error): void;
  /** whether the connection closing now is a failure (default: always) */
  closedIsFailure?(): boolean;
}

export function connectBareCsta(o: BareCstaOptions): { link: RoseLink<CstaFailure>; socket: net.Socket } {
  const socket = net.connect(o.endpoint);
  socket.setNoDelay(true);
  const link: RoseLink<CstaFailure> = new RoseLink<CstaFailure>(
    {
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      invokeTimeoutMs: o.invokeTimeoutMs,
      ...(o.flushOn ? { flushOn: o.flushOn } : {}),
    },
    {
      output: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      associationAnswered: (aare) => {
        if (aare.result !== 0) o.failed(new Error(`association refused (result ${aare.result})`));
        else o.associated(link);
      },
      ...(o.invoked ? { invoked: (op, invokeId, arg) => o.invoked!(link, op, invokeId, arg) } : {}),
      close: () => socket.destroy(),
    },
  );
  socket.on("connect", () =>
    link.associate({
      applicationContext: CSTA_APPLICATION_CONTEXT,
      credentials: { login: o.login, password: o.password },
      implementationInformation: `o2g-testbench ${o.name}`,
    }),
  );
  socket.on("data", (chunk) => link.feed(chunk));
  socket.on("error", (err) => o.failed(err));
  socket.on("close", () => {
    link.transportClosed();
    if (o.closedIsFailure?.() ?? true) o.failed(new Error(`${o.endpoint.host}:${o.endpoint.port} closed`));
  });
  return { link, socket };
}
