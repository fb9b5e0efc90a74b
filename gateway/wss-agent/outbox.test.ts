import { describe, expect, it } from "vitest";
import { parseInbound } from "./envelope.js";
import { Outbox } from "./outbox.js";

describe("the outbox", () => {
  const text = (seq: number) => `m${seq}`;

  it("numbers messages from 1 and releases them on a cumulative ack", () => {
    const o = new Outbox(100);
    for (let i = 0; i < 5; i++) o.push(text);
    expect(o.pending().map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(o.ack(3)).toBe(3);
    expect(o.pending().map((f) => f.text)).toEqual(["m4", "m5"]);
    expect(o.ack(3)).toBe(0);
    expect(o.find(3)).toBeUndefined();
    expect(o.find(5)?.text).toBe("m5");
    expect(o.nextSeq).toBe(6);
  });

  it("keeps at most its limit, dropping the oldest and counting them", () => {
    const o = new Outbox(3);
    for (let i = 0; i < 5; i++) o.push(text);
    expect(o.pending().map((f) => f.seq)).toEqual([3, 4, 5]);
    expect(o.dropped).toBe(2);
    expect(o.find(2)).toBeUndefined();
    expect(o.find(4)?.text).toBe("m4");
  });

  it("stays right across its compaction of long runs", () => {
    const o = new Outbox(50_000);
    for (let i = 0; i < 10_000; i++) o.push(text);
    for (let s = 1; s <= 9_990; s += 7) o.ack(s);
    o.ack(9_995);
    expect(o.pending().map((f) => f.seq)).toEqual([9_996, 9_997, 9_998, 9_999, 10_000]);
    expect(o.find(9_998)?.text).toBe("m9998");
  });
});

describe("the application's messages", () => {
  it("takes auth, request and ack, and says what is wrong with anything else", () => {
    expect(parseInbound('{"type":"ack","seq":4}')).toEqual({ type: "ack", seq: 4 });
    expect(parseInbound('{"type":"request","id":"1","method":"GET","path":"/api/rest"}')).toMatchObject({
      type: "request",
    });
    expect(parseInbound("not json")).toEqual({ problem: "a message is one JSON object" });
    expect(parseInbound('{"type":"hello"}')).toMatchObject({
      problem: expect.stringMatching(/unknown message type/),
    });
    expect(parseInbound('{"type":"request","id":"1","method":"TRACE","path":"/"}')).toMatchObject({
      problem: expect.stringMatching(/^bad request message/),
    });
    expect(parseInbound('{"type":"request","id":"1","method":"GET","path":"api"}')).toHaveProperty("problem");
    expect(parseInbound('{"type":"ack","seq":-1}')).toHaveProperty("problem");
    expect(parseInbound("null")).toHaveProperty("problem");
  });
});
