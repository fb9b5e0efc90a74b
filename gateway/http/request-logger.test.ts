import { Writable } from "node:stream";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { deferredChildLogger } from "./request-logger.js";

function capture(): { log: FastifyBaseLogger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  return {
    log: pino({ level: "info" }, stream) as unknown as FastifyBaseLogger,
    lines: () =>
      out
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("the per-request logger", () => {
  it("makes no child until a line is logged, then logs with the request's bindings", () => {
    const { log, lines } = capture();
    let children = 0;
    const child = log.child.bind(log);
    log.child = (b, o) => {
      children++;
      return child(b, o);
    };
    const req = deferredChildLogger(log, { reqId: "req-7" }, {});
    expect(req.level).toBe("info");
    req.debug("below the level");
    expect(lines()).toEqual([]);
    expect(children).toBe(1); // a debug call asks the child, which drops it
    req.info({ user: "alice" }, "hello %s", "world");
    req.warn("second");
    expect(children).toBe(1);
    expect(lines().map((l) => [l.reqId, l.msg, l.level, l.user])).toEqual([
      ["req-7", "hello world", 30, "alice"],
      ["req-7", "second", 40, undefined],
    ]);
  });

  it("makes nothing for a request that never logs, and answers the parent's level", () => {
    const { log } = capture();
    let children = 0;
    const child = log.child.bind(log);
    log.child = (b, o) => {
      children++;
      return child(b, o);
    };
    const req = deferredChildLogger(log, { reqId: "req-8" }, {});
    expect(req.level).toBe("info");
    expect(children).toBe(0);
  });

  it("children of the request's logger carry both bindings", () => {
    const { log, lines } = capture();
    deferredChildLogger(log, { reqId: "req-9" }, {}).child({ sub: "s1" }).error("boom");
    expect(lines()[0]).toMatchObject({ reqId: "req-9", sub: "s1", msg: "boom", level: 50 });
  });
});
