/**
 * Once per `vitest run`, before any worker starts: the pg-mem thread from a bundle, as the
 * benches' gateways run it (bench/support/bundle.ts). From the sources, each test process's
 * thread booted tsx's loader (a loader thread of its own and every file compiled on import)
 * before it could load pg-mem: some 0.5 s of CPU per process, a dozen processes per run. The
 * workers inherit the environment set here. A variable already set (a bundle of one's own) is
 * left as it is.
 */
import { bundled, MEMORY_WORKER } from "../../bench/support/bundle.js";

export default async function setup(): Promise<void> {
  process.env.O2G_MEMORY_WORKER ??= await bundled(MEMORY_WORKER);
}
