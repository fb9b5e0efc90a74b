/**
 * The pg-mem thread as a gateway run from the sources starts it (`npm start`, `npm run gateway`):
 * through memory-worker-boot.mjs, which loads the TypeScript worker with tsx. The test run
 * itself uses a bundled worker (test/support/global-setup.ts), so this is the one test of the
 * boot file.
 */
import { Worker } from "node:worker_threads";
import { afterAll, expect, it } from "vitest";
import type { EngineReply, EngineRequest } from "./memory-worker.js";

const worker = new Worker(new URL("./memory-worker-boot.mjs", import.meta.url));
afterAll(() => worker.terminate());

function ask(m: EngineRequest): Promise<EngineReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (r: EngineReply) => {
      if (r.id !== m.id) return;
      worker.off("message", onMessage);
      resolve(r);
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
    worker.postMessage(m);
  });
}

it("boots the TypeScript worker through tsx and answers a query", async () => {
  expect(await ask({ id: 1, db: 1, op: "open" })).toEqual({ id: 1, ok: true, value: undefined });
  const r = await ask({ id: 2, db: 1, op: "query", sql: "SELECT $1::integer + 1 AS two", params: [1] });
  expect(r).toMatchObject({ id: 2, ok: true });
  expect(JSON.stringify((r as { value: unknown }).value)).toContain('"two":2');
});
