/**
 * The sandboxes of one machine share one local CA and server certificate. Making them costs two
 * RSA key pairs and two signatures, about 0.5 s of CPU on an idle 2-core machine and seconds on a
 * loaded one, on the event loop the emulator and the gateway share; the test suite starts a
 * hundred sandboxes. So the material is made once per machine (by the gateway's own ensureTls, in
 * a private directory of the temporary folder) and copied into each new sandbox's data directory,
 * where the gateway finds and reuses it as it would its own from an earlier start.
 *
 * Only the throw-away sandboxes of tests and scenarios use this: `npm start` keeps its data
 * directory (and its CA) across starts anyway, and a real deployment makes its own.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureTls } from "../gateway/index.js";

const FILES = ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"] as const;

function cacheDir(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return path.join(os.tmpdir(), `o2g-testbench-sandbox-tls-${uid}`);
}

/** The folder this process found good (ensureTls reads and checks the certificate: ~1 ms). */
let checked: string | undefined;

/** The machine's shared sandbox TLS folder, made (or renewed by ensureTls) when needed. */
function sharedTls(): string {
  const dir = cacheDir();
  const tls = path.join(dir, "tls");
  const present = FILES.every((f) => existsSync(path.join(tls, f)));
  if (present && checked === tls) return tls;
  // ensureTls reuses what is there and still good (names, expiry), renews it otherwise.
  if (present) {
    ensureTls(dir);
    checked = tls;
    return tls;
  }
  // Made aside and renamed into place: test files started side by side may race to make it;
  // one rename wins and the others use its result.
  const scratch = mkdtempSync(`${dir}-`);
  ensureTls(scratch);
  try {
    renameSync(scratch, dir);
  } catch {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!FILES.every((f) => existsSync(path.join(dir, "tls", f)))) ensureTls(dir);
  return path.join(dir, "tls");
}

/** Put the shared sandbox CA and server certificate into `dataDir`, for the gateway to reuse. */
export function seedSandboxTls(dataDir: string): void {
  const from = sharedTls();
  const to = path.join(dataDir, "tls");
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const f of FILES) copyFileSync(path.join(from, f), path.join(to, f));
}
