import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProgrammeableKeySchema } from "../../gateway/services/phonesetprogramming/schemas.js";
import { type Emulator, startEmulator } from "../../oxe-emulator/emulator.js";
import { seedSandboxTls } from "../../scenarios/sandbox-tls.js";
import { readyOf, type Spawned } from "../support/processes.js";
import { Http1Client } from "./http1.js";
import { spawnProtocolServer } from "./index.js";
import type { Target } from "./ops.js";

let emu: Emulator;
let server: Spawned<{ url: string; caFile: string }>;
let client: Http1Client;
let dataDir: string;
let target: Target;

beforeAll(async () => {
  emu = await startEmulator({ users: 200, nodes: 1, seed: 1 });
  const ready = readyOf(emu);
  const s = emu.directory.subscribers.find((x) => x.stationType.keys >= 3)!;
  target = { login: s.loginName, number: s.directoryNumber, keys: s.stationType.keys };
  dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-protocol-server-"));
  seedSandboxTls(dataDir);
  server = await spawnProtocolServer(ready, dataDir, 30_000);
  client = new Http1Client(server.ready.url, readFileSync(server.ready.caFile, "utf8"), {});
}, 60_000);

afterAll(async () => {
  client?.close();
  await server?.stop();
  await emu?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const keys = () =>
  `/api/rest/1.0/phonesetprogramming/${target.login}/devices/${target.number}/programmeableKeys`;

describe("the protocol-only server (HTTPS + CMIP, no gateway logic)", () => {
  it("writes a key with PUT and lists it with GET, in the gateway's answer's shape", async () => {
    const put = await client.request(
      "PUT",
      `${keys()}/2`,
      JSON.stringify({ position: 2, number: "24680", mnemonic: "Bench" }),
    );
    expect(put).toEqual({ status: 204, body: "" });
    const get = await client.request("GET", keys());
    expect(get.status).toBe(200);
    const { pkeys } = JSON.parse(get.body) as { pkeys: Record<string, unknown>[] };
    // Every position of the set, in order, the written one as written.
    expect(pkeys.map((k) => k.position)).toEqual(Array.from({ length: target.keys }, (_, i) => i + 1));
    expect(pkeys[1]).toEqual({ position: 2, number: "24680", mnemonic: "Bench", locked: false });
    // The gateway's fields, in the order its serializer writes them (its response schema's).
    const order = Object.keys(ProgrammeableKeySchema.properties);
    for (const k of pkeys) {
      const fields = Object.keys(k);
      expect(fields).toEqual(order.filter((f) => fields.includes(f)));
    }
    // A blank position is what the gateway answers for one: its position, not locked.
    expect(pkeys.find((k) => k.position !== 2 && !k.number)).toEqual(
      expect.objectContaining({ locked: false }),
    );
  });

  it("answers an error when the node refuses the operation", async () => {
    const put = await client.request(
      "PUT",
      `/api/rest/1.0/phonesetprogramming/${target.login}/devices/99999999/programmeableKeys/1`,
      JSON.stringify({ number: "1234" }),
    );
    expect(put.status).toBeGreaterThanOrEqual(400);
  });
});
