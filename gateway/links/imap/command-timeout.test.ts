/**
 * A voice mail that does not answer fails the request that waits for it, within the command
 * timeout, and leaves the link usable: a login the 4645 drops (a password over its line limit),
 * a server that greets and then says nothing.
 */

import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDirectory } from "../../../oxe-emulator/directory/index.js";
import { ImapNodeServer } from "../../../oxe-emulator/servers/imap/index.js";
import { VoiceMailStore } from "../../../oxe-emulator/voicemail/index.js";
import { MailboxError, MailboxLink, type MailboxLinkOptions } from "./mailbox-link.js";

const dir = generateDirectory({ users: 5, nodes: 1, seed: 7 });
const store = new VoiceMailStore({ nodeId: 1, directory: dir, seed: 7, history: false });
const A = dir.subscribers[1]!.directoryNumber;
let oxe: ImapNodeServer;
let silent: Server;
const held: Socket[] = [];

function options(port: number, password: string): MailboxLinkOptions {
  return {
    name: `node 1 IMAP oxe${A}`,
    endpoints: [{ host: "127.0.0.1", port }],
    secure: false,
    login: `oxe${A}`,
    password,
    connectTimeoutMs: 2_000,
    commandTimeoutMs: 400,
    autoIdleMs: 50,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    downloadChunkBytes: 64 * 1024,
    log: () => undefined,
  };
}

beforeAll(async () => {
  oxe = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
  await oxe.listen();
  // Greets, then never answers a command.
  silent = createServer((s) => {
    held.push(s);
    s.on("error", () => undefined);
    s.write("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
  await oxe.close();
});

async function failure(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - t0 };
}

describe("the command timeout", () => {
  it("fails a login the voice mail drops (a 100,000-character password), then serves the right one", async () => {
    const link = new MailboxLink(options(oxe.port, "9".repeat(100_000)));
    const { error, ms } = await failure(link.open());
    expect(error).toBeInstanceOf(MailboxError);
    expect((error as MailboxError).failure).toBe("unavailable");
    expect((error as MailboxError).message).toMatch(/no answer to the login within 400 ms/);
    // Bounded by the timeout, with room for a loaded machine; before, it never settled.
    expect(ms).toBeLessThan(5_000);
    await link.stop();

    const good = new MailboxLink(options(oxe.port, dir.options.password));
    expect((await good.open()).messages).toBeDefined();
    await good.stop();
  });

  it("fails each request to a server that stops answering, and the next one again, on its own", async () => {
    const port = (silent.address() as AddressInfo).port;
    const link = new MailboxLink(options(port, "0000"));
    for (let i = 0; i < 2; i++) {
      const { error, ms } = await failure(link.open());
      expect((error as MailboxError).message).toMatch(/within 400 ms/);
      expect(ms).toBeLessThan(5_000);
    }
    await link.stop();
  });
});
