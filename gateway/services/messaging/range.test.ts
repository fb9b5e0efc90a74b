/** The byte ranges the download serves (the SDK acknowledges with `Range: bytes=0-1`). */
import { describe, expect, it } from "vitest";
import { byteRange } from "./index.js";

describe("byteRange", () => {
  it("resolves single ranges against the size, and tells the unsatisfiable from the ignored", () => {
    expect(byteRange("bytes=0-1", 100)).toEqual({ start: 0, end: 1 });
    expect(byteRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange("bytes=50-1000", 100)).toEqual({ start: 50, end: 99 });
    expect(byteRange("bytes=100-", 100)).toBeNull();
    expect(byteRange("bytes=-0", 100)).toBeNull();
    // Not served as a range: the whole content.
    expect(byteRange("bytes=0-1,5-6", 100)).toBeUndefined();
    expect(byteRange("items=0-1", 100)).toBeUndefined();
    expect(byteRange("bytes=5-2", 100)).toBeUndefined();
  });
});
