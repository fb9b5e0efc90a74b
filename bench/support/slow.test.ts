import { afterEach, describe, expect, it } from "vitest";
import { RoseLink } from "../../protocols/rose/index.js";
import { installSlowdown } from "./slow.js";

type Invoke = (...args: unknown[]) => number;
const proto = RoseLink.prototype as unknown as { invoke: Invoke; invokeWith: Invoke };
const real = proto.invoke;
const realWith = proto.invokeWith;

afterEach(() => {
  proto.invoke = real;
  proto.invokeWith = realWith;
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

  it("holds back the snapshot's requests made with a context, and hands the context back", async () => {
    proto.invokeWith = (...args: unknown[]) => {
      (args[3] as (err: unknown, res: unknown, ctx: unknown) => void)(null, "answer", args[2]);
      return 8;
    };
    const remove = installSlowdown({ kind: "node-links" });
    const context = { device: "30001" };
    let got: unknown[] | undefined;
    const id = proto.invokeWith.call(
      undefined,
      "op",
      "arg",
      context,
      (_e: unknown, r: unknown, c: unknown) => {
        got = [r, c];
      },
    );
    expect(id).toBe(8);
    expect(got).toBeUndefined(); // held back: answered on a later turn of the event loop
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(["answer", context]);
    remove();
    expect(proto.invokeWith).not.toBe(realWith); // our recorder is back
  });
});
