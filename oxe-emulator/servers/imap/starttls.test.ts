/**
 * STARTTLS on the voice mail's IMAP (RFC 3501 6.2.1), LOGINDISABLED when TLS is required
 * (6.2.3), and BAD for commands outside their state: over a raw socket upgraded by hand, with
 * imapflow, and with curl's --ssl-reqd.
 */
import { execFile, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDirectory } from "../../directory/index.js";
import { VoiceMailStore } from "../../voicemail/index.js";
import { ImapNodeServer } from "./node-server.js";

const dir = generateDirectory({ users: 10, nodes: 1, seed: 5, password: "4645pw" });
const A = dir.byNode.get(1)![0]!.directoryNumber;

let store: VoiceMailStore;
let open: ImapNodeServer;
let strict: ImapNodeServer;
let ca: string;

beforeAll(async () => {
  store = new VoiceMailStore({ nodeId: 1, directory: dir, seed: 5, history: false });
  store.deposit(A, { caller: "0146281234", durationSec: 1 });
  open = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
  strict = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0, requireTls: true });
  await open.listen();
  await strict.listen();
  ca = await open.certificate();
});
afterAll(async () => {
  await open.close();
  await strict.close();
});

/** A line-oriented client whose transport can be swapped for TLS in the middle. */
class Conversation {
  private buf = "";
  private constructor(private stream: net.Socket) {
    this.listen(stream);
  }

  private listen(s: net.Socket): void {
    s.on("data", (d: Buffer) => {
      this.buf += d.toString("latin1");
    });
  }

  static async to(server: ImapNodeServer): Promise<Conversation> {
    const socket = net.connect(server.port, "127.0.0.1");
    await once(socket, "connect");
    const c = new Conversation(socket);
    c.greeting = await c.until(/\r\n/);
    return c;
  }

  greeting = "";

  async until(re: RegExp, ms = 3000): Promise<string> {
    const start = Date.now();
    while (!re.test(this.buf)) {
      if (Date.now() - start > ms) throw new Error(`timed out; got: ${this.buf.slice(-300)}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const out = this.buf;
    this.buf = "";
    return out;
  }

  async cmd(tag: string, text: string): Promise<string> {
    this.stream.write(`${tag} ${text}\r\n`);
    return this.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`));
  }

  /** Send raw bytes as they are (several commands in one segment). */
  write(text: string): void {
    this.stream.write(text);
  }

  /** The TLS handshake on the same connection, the server's certificate checked against `ca`. */
  async upgrade(): Promise<tls.TLSSocket> {
    const secure = tls.connect({ socket: this.stream, ca, servername: "localhost" });
    await once(secure, "secureConnect");
    this.stream = secure;
    this.listen(secure);
    return secure;
  }

  /** Whatever came in since the last answer. */
  get pending(): string {
    return this.buf;
  }

  close(): void {
    this.stream.destroy();
  }
}

describe("STARTTLS", () => {
  it("is offered before TLS, upgrades the connection, and is not offered after", async () => {
    const c = await Conversation.to(open);
    expect(c.greeting).toMatch(/^\* OK \[CAPABILITY [^\]]* STARTTLS AUTH=PLAIN\]/);
    expect(await c.cmd("t1", "STARTTLS")).toBe("t1 OK Begin TLS negotiation now\r\n");
    const secure = await c.upgrade();
    expect(secure.authorized).toBe(true);
    const caps = await c.cmd("t2", "CAPABILITY");
    expect(caps).toMatch(/^\* CAPABILITY IMAP4rev1 .*AUTH=PLAIN\r\n/);
    expect(caps).not.toMatch(/STARTTLS|LOGINDISABLED/);
    expect(await c.cmd("t3", "STARTTLS")).toMatch(/^t3 BAD /m);
    expect(await c.cmd("t4", `LOGIN ${A} 4645pw`)).toMatch(/^t4 OK /m);
    expect(await c.cmd("t5", "SELECT INBOX")).toMatch(/\* 1 EXISTS\r\n[\s\S]*t5 OK /);
    c.close();
  });

  it("runs no command the client pipelined behind STARTTLS in cleartext", async () => {
    const c = await Conversation.to(open);
    // An attacker's LOGIN in the same segment as STARTTLS (CVE-2011-0411): never answered.
    c.write(`t1 STARTTLS\r\nt2 LOGIN ${A} 4645pw\r\n`);
    expect(await c.until(/t1 OK [^\r]*\r\n/)).toBe("t1 OK Begin TLS negotiation now\r\n");
    await c.upgrade();
    expect(await c.cmd("t3", "NOOP")).toBe("t3 OK NOOP completed\r\n");
    expect(await c.cmd("t4", "SELECT INBOX")).toMatch(
      /^t4 BAD \[CLIENTBUG\] SELECT is not valid in this state/,
    );
    c.close();
  });

  it("is not valid once logged in: BAD", async () => {
    const c = await Conversation.to(open);
    expect(await c.cmd("t1", `LOGIN ${A} 4645pw`)).toMatch(/^t1 OK /m);
    expect(await c.cmd("t2", "STARTTLS")).toMatch(
      /^t2 BAD \[CLIENTBUG\] STARTTLS is not valid in this state/,
    );
    c.close();
  });
});

describe("with TLS required", () => {
  it("says LOGINDISABLED, refuses LOGIN and AUTHENTICATE in cleartext, and takes them over TLS", async () => {
    const c = await Conversation.to(strict);
    expect(c.greeting).toMatch(/\[CAPABILITY [^\]]* STARTTLS LOGINDISABLED\]/);
    expect(c.greeting).not.toMatch(/AUTH=PLAIN/);
    expect(await c.cmd("t1", `LOGIN ${A} 4645pw`)).toMatch(/^t1 NO \[PRIVACYREQUIRED\] /);
    const plain = Buffer.from(`\0${A}\x004645pw`).toString("base64");
    expect(await c.cmd("t2", `AUTHENTICATE PLAIN ${plain}`)).toMatch(/^t2 NO \[PRIVACYREQUIRED\] /);
    expect(await c.cmd("t3", "SELECT INBOX")).toMatch(/^t3 BAD /);
    expect(await c.cmd("t4", "STARTTLS")).toMatch(/^t4 OK /);
    await c.upgrade();
    expect(await c.cmd("t5", "CAPABILITY")).toMatch(/^\* CAPABILITY .*AUTH=PLAIN\r\n/);
    expect(await c.cmd("t6", `AUTHENTICATE PLAIN ${plain}`)).toMatch(/^t6 OK /m);
    c.close();
  });

  it("is logged in to by imapflow, which takes STARTTLS when offered", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: strict.port,
      secure: false,
      doSTARTTLS: true,
      tls: { ca },
      auth: { user: A, pass: "4645pw" },
      logger: false,
      disableAutoIdle: true,
    });
    await client.connect();
    expect(client.secureConnection).toBe(true);
    const box = await client.mailboxOpen("INBOX");
    expect(box.exists).toBeGreaterThan(0);
    await client.logout();
  });

  it("refuses imapflow when it is told not to use STARTTLS", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: strict.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: A, pass: "4645pw" },
      logger: false,
    });
    client.on("error", () => {});
    await expect(client.connect()).rejects.toThrow();
  });
});

// ---- curl's imap:// with --ssl-reqd ---------------------------------------------------------

const curlVersion = spawnSync("curl", ["--version"]);
const hasCurlImap = curlVersion.status === 0 && /Protocols:.*\bimap\b/.test(String(curlVersion.stdout));

function curl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile("curl", ["-s", "--max-time", "5", ...args], { timeout: 10_000 }, (err, out) =>
      resolve({ code: err ? Number(err.code) : 0, out }),
    );
  });
}

describe.skipIf(!hasCurlImap)("with curl's imap:// and --ssl-reqd", () => {
  let tmp: string;
  let caFile: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "imap-tls-"));
    caFile = path.join(tmp, "ca.pem");
    writeFileSync(caFile, ca);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("lists INBOX over STARTTLS, trusting the node's certificate", async () => {
    for (const server of [open, strict]) {
      const r = await curl(
        "--ssl-reqd",
        "--cacert",
        caFile,
        `imap://localhost:${server.port}/`,
        "-u",
        `${A}:4645pw`,
      );
      expect(r).toEqual({ code: 0, out: '* LIST (\\HasNoChildren) "/" INBOX\r\n' });
    }
  });

  it("refuses the certificate when curl is not told to trust it", async () => {
    const r = await curl("--ssl-reqd", `imap://localhost:${open.port}/`, "-u", `${A}:4645pw`);
    expect(r.code).toBe(60); // CURLE_PEER_FAILED_VERIFICATION
  });

  it("is refused the login in cleartext when TLS is required", async () => {
    const r = await curl(`imap://localhost:${strict.port}/`, "-u", `${A}:4645pw`);
    expect(r.code).not.toBe(0);
  });
});
