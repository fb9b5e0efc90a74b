import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { Subscription } from "./subscriptions.js";

/** The part of a chunk response a subscription uses, recording what is written to it. */
class FakeResponse extends EventEmitter {
  writes: string[] = [];
  writableEnded = false;
  destroyed = false;
  writeHead(): this {
    return this;
  }
  write(s: string): boolean {
    this.writes.push(s);
    return true;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
  /** every event line written so far, in order, without the channel's first line */
  lines(): string[] {
    return this.writes
      .join("")
      .split("\n")
      .filter((l) => l && !l.includes("OnChannelInformation"));
  }
}

const subscription = () =>
  new Subscription({
    sessionToken: "t",
    restrictTo: null,
    selectors: [{ ids: [], names: ["telephony"] }],
    queueLimit: 100,
    keepAliveMs: 60_000,
    chunkMaxMs: 60_000,
    webhookRetryMaxMs: 1000,
    webhookTimeoutMs: 1000,
    log: () => undefined,
  });
const tick = () => new Promise((r) => process.nextTick(r));

describe("a chunk subscription's delivery", () => {
  it("writes the events of one tick in one write, in order", async () => {
    const sub = subscription();
    const res = new FakeResponse();
    sub.attach(res as unknown as ServerResponse);
    const before = res.writes.length;
    for (let i = 0; i < 5; i++) sub.deliver(`{"n":${i}}`);
    expect(res.writes.length).toBe(before);
    await tick();
    expect(res.writes.length).toBe(before + 1);
    expect(res.lines()).toEqual([0, 1, 2, 3, 4].map((i) => `{"n":${i}}`));
    sub.deliver(`{"n":5}`);
    await tick();
    expect(res.writes.length).toBe(before + 2);
    sub.close();
  });

  it("keeps the events of a response that went away before they were written, for the next poll", async () => {
    const sub = subscription();
    const first = new FakeResponse();
    sub.attach(first as unknown as ServerResponse);
    sub.deliver(`{"n":0}`);
    first.destroyed = true;
    await tick();
    expect(first.lines()).toEqual([]);
    expect(sub.queued).toBe(1);
    const second = new FakeResponse();
    sub.attach(second as unknown as ServerResponse);
    expect(second.lines()).toEqual([`{"n":0}`]);
    sub.close();
  });

  it("hands the batched events to the response it ends, ahead of the next one's", () => {
    const sub = subscription();
    const first = new FakeResponse();
    sub.attach(first as unknown as ServerResponse);
    sub.deliver(`{"n":0}`);
    const second = new FakeResponse();
    sub.attach(second as unknown as ServerResponse); // a new poll ends the previous response
    sub.deliver(`{"n":1}`);
    expect(first.writableEnded).toBe(true);
    expect(first.lines()).toEqual([`{"n":0}`]);
    sub.close();
    expect(second.lines()).toEqual([`{"n":1}`]);
  });
});
