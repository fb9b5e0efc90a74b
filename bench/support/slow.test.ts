import { afterEach, describe, expect, it } from "vitest";
import { RoseLink } from "../../protocols/rose/index.js";
import { installSlowdown } from "./slow.js";

type Invoke = (...args: unknown[]) => number;
const proto = RoseLink.prototype as unknown as { invoke: Invoke };
const real = proto.invoke;

afterEach(() => {
  proto.invoke = real;
});

describe("the node-links slowdown", () => {
  it("passes every argument after the callback through (a linked replies' decoder was once dropped, so the snapshot read no user)", async () => {
    const seen: unknown[][] = [];
    proto.invoke = (...args: unknown[]) => {
      seen.push(args);
      (args[2] as (err: unknown, res: unknown) => void)(null, "answer");
      return 7;
    };
    const remove = installSlowdown({ kind: "node-links" });
    const linked = () => {};
    const decode = () => {};
    const answered = new Promise((resolve) => {
      const id = proto.invoke.call(
        undefined,
        "op",
        "arg",
        (_e: unknown, r: unknown) => resolve(r),
        linked,
        decode,
      );
      expect(id).toBe(7);
    });
    await expect(answered).resolves.toBe("answer");
    expect(seen[0]?.slice(3)).toEqual([linked, decode]);
    remove();
    expect(proto.invoke).not.toBe(real); // our recorder is back, not the real one
  });
});
