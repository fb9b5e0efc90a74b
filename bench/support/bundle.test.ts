import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundled, MEMORY_WORKER } from "./bundle.js";

/** Every script a bench or test spawns (bench/support/processes.ts' callers), and the pg-mem thread. */
const SPAWNED = [
  "bench/support/gateway-worker.ts",
  "bench/support/baseline-server.ts",
  "bench/events/emulator-worker.ts",
  "bench/set-programming/protocol-server.ts",
  "oxe-emulator/cli.ts",
  MEMORY_WORKER,
];

describe("the bundles spawned processes run", () => {
  it.each(SPAWNED)(
    "%s bundles into a module node accepts",
    async (script) => {
      const file = await bundled(script);
      const check = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
      expect(check.stderr).toBe("");
      expect(check.status).toBe(0);
      // Each source's own location, not the bundle's (the test license key, the pg-mem boot file).
      expect(readFileSync(file, "utf8")).not.toMatch(/import\.meta\.(url|dirname)/);
    },
    60_000,
  );

  it("builds a script once per process", async () => {
    expect(await bundled("oxe-emulator/cli.ts")).toBe(await bundled("oxe-emulator/cli.ts"));
  });
});
