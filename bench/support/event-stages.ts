/**
 * Where an event's time goes inside the benchmark's gateway process (the events benchmark's
 * per-stage breakdown). Only the bench's gateway worker loads this, and only when
 * O2G_BENCH_STAGES is set: the gateway itself carries no hook for it.
 *
 * For every telephony OnCallCreated it notes, on the machine's clock (performance.timeOrigin +
 * performance.now(), comparable across processes):
 *   read       the node link's bytes that carried the CSTA event began to be decoded
 *   published  the event reached the bus (decode, node link and telephony engine done)
 *   written    the chunk response holding it was handed to the TLS socket
 * and the garbage collector's pauses of this process (./gc-pauses.ts). A line "stages" on stdin
 * prints "STAGES {json}" ({ stamps: per login, [read, published, written] per event; gc: the
 * pauses }) and forgets them.
 */
import { createInterface } from "node:readline";
import { EventBus, Subscription } from "../../gateway/events/index.js";
import { RoseLink } from "../../protocols/rose/index.js";
import { type GcPause, recordGcPauses } from "./gc-pauses.js";

export type Stamp = [read: number, published: number, written: number];

export interface StagesReport {
  stamps: Record<string, Stamp[]>;
  gc: GcPause[];
}

export function installEventStages(): void {
  const clock = () => performance.timeOrigin + performance.now();
  let lastRead = 0;
  let stamps: Record<string, Stamp[]> = {};
  let unwritten: Stamp[] = [];
  const gc = recordGcPauses();

  const link = RoseLink.prototype as unknown as { feed(chunk: Uint8Array): void };
  const feed = link.feed;
  link.feed = function (this: unknown, chunk: Uint8Array) {
    lastRead = clock();
    feed.call(this, chunk);
  };

  const bus = EventBus.prototype;
  const publish = bus.publish;
  bus.publish = function (this: EventBus, pkg, login, event) {
    if (pkg === "telephony" && login !== null && event.eventName === "OnCallCreated") {
      const s: Stamp = [lastRead, clock(), 0];
      const list = stamps[login];
      if (list) list.push(s);
      else stamps[login] = [s];
      unwritten.push(s);
    }
    publish.call(this, pkg, login, event);
  };

  // The chunk response's batch goes out in Subscription's flush (see subscriptions.ts).
  const sub = Subscription.prototype as unknown as { flush(): void };
  const flush = sub.flush;
  if (typeof flush !== "function")
    throw new Error("event-stages: Subscription has no flush() to time any more");
  sub.flush = function (this: unknown) {
    flush.call(this);
    if (unwritten.length === 0) return;
    const t = clock();
    for (const s of unwritten) s[2] = t;
    unwritten = [];
  };

  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line.trim() !== "stages") return;
    const report: StagesReport = { stamps, gc: gc.take() };
    console.log(`STAGES ${JSON.stringify(report)}`);
    stamps = {};
  });
}
