import { execFile, spawnSync } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { ImapFlow } from "imapflow";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateDirectory } from "../../directory/index.js";
import { VoiceMailStore, WAV_HEADER_BYTES } from "../../voicemail/index.js";
import { ImapNodeServer } from "./node-server.js";

const dir = generateDirectory({ users: 30, nodes: 2, seed: 4, password: "4645pw" });
const [alice, bob] = dir.byNode.get(1)!;
const carol = dir.byNode.get(2)![0]!;
const A = alice!.directoryNumber;
const B = bob!.directoryNumber;

let store: VoiceMailStore;
let server: ImapNodeServer;
let port: number;
/** the server's certificate: imapflow takes STARTTLS when offered, and must trust it */
let ca: string;

beforeAll(async () => {
  store = new VoiceMailStore({ nodeId: 1, directory: dir, seed: 4, history: false });
  server = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
  port = await server.listen();
  ca = await server.certificate();
});
afterAll(() => server.close());

/** A's mailbox, emptied then filled with two messages (UIDs keep growing across tests). */
function fillAlice() {
  store.delete(
    A,
    store.list(A).map((m) => m.uid),
  );
  const first = store.deposit(A, { caller: B, callerName: "Bob Example", durationSec: 2 });
  const second = store.deposit(A, { caller: "0146281234", durationSec: 1, highPriority: true });
  return { first, second };
}

// ---- a raw client, to see the protocol itself -----------------------------------------

class Raw {
  buf = "";
  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf += d.toString("latin1");
    });
  }

  static async open(): Promise<Raw> {
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    const r = new Raw(socket);
    await r.until((b) => b.includes("\r\n"));
    return r;
  }

  until(done: (buf: string) => boolean, ms = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const start = Date.now();
      const t = setInterval(() => {
        if (done(this.buf)) {
          clearInterval(t);
          resolve(this.buf);
        } else if (Date.now() - start > ms) {
          clearInterval(t);
          reject(new Error(`timed out; got: ${this.buf.slice(-500)}`));
        }
      }, 2);
    });
  }

  /** Send a command, return everything up to and including its tagged answer. */
  async cmd(tag: string, text: string): Promise<string> {
    const from = this.buf.length;
    this.socket.write(`${tag} ${text}\r\n`);
    const re = new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r]*\\r\\n`);
    await this.until((b) => re.test(b.slice(from)));
    return this.buf.slice(from);
  }

  close(): void {
    this.socket.destroy();
  }
}

const raws: Raw[] = [];
const openRaw = async () => {
  const r = await Raw.open();
  raws.push(r);
  return r;
};
afterEach(() => {
  for (const r of raws.splice(0)) r.close();
});

async function loggedIn(user = A, password = "4645pw"): Promise<Raw> {
  const r = await openRaw();
  expect(await r.cmd("l", `LOGIN ${user} ${password}`)).toMatch(/^l OK /m);
  return r;
}

describe("IMAP over a raw socket", () => {
  beforeEach(() => {
    fillAlice();
  });

  it("greets, refuses what needs a login, and answers BAD to nonsense without dying", async () => {
    const r = await openRaw();
    expect(r.buf).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 [^\]]*IDLE[^\]]*\] /);
    // a command outside its states is not valid there: BAD (RFC 3501 6), not NO
    expect(await r.cmd("a1", "SELECT INBOX")).toMatch(
      /^a1 BAD \[CLIENTBUG\] SELECT is not valid in this state/m,
    );
    expect(await r.cmd("a2", "FLY AWAY")).toMatch(/^a2 BAD Unknown command/m);
    expect(await r.cmd("a3", 'LOGIN "unterminated')).toMatch(/^a3 BAD /m);
    r.socket.write(Buffer.from([0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x28, 0x29, 0x0d, 0x0a]));
    expect(await r.cmd("a4", "NOOP")).toMatch(/^a4 OK/m);
    expect(await r.cmd("a5", "LOGIN oxe99999 x")).toMatch(/^a5 NO \[AUTHENTICATIONFAILED\]/m);
    expect(await r.cmd("a6", `LOGIN ${A} wrong`)).toMatch(/^a6 NO \[AUTHENTICATIONFAILED\]/m);
    expect(await r.cmd("a7", `LOGIN ${carol.directoryNumber} 4645pw`)).toMatch(/^\* BYE .*\r\na7 NO /m);
  });

  it("survives random bytes, before and after login", async () => {
    let x = 12345;
    const noise = Buffer.alloc(20_000, 0).map(() => {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const b = x >> 16;
      // plenty of the bytes the parser cares about
      return b % 7 === 0 ? 0x0a : b % 11 === 0 ? 0x7b : b % 13 === 0 ? 0x28 : b & 0xff;
    });
    for (const login of [false, true]) {
      const r = login ? await loggedIn() : await openRaw();
      if (login) await r.cmd("s", "SELECT INBOX");
      for (let i = 0; i < noise.length; i += 997) r.socket.write(noise.subarray(i, i + 997));
      r.socket.write("\r\n");
    }
    const fresh = await loggedIn();
    expect(await fresh.cmd("n1", "SELECT INBOX")).toMatch(/^n1 OK/m);
    expect(server.connectionCount).toBeGreaterThan(0);
  });

  it("takes a login with a synchronizing literal, and AUTHENTICATE PLAIN", async () => {
    const r = await openRaw();
    r.socket.write(`s1 LOGIN {${A.length}}\r\n`);
    await r.until((b) => b.includes("+ Ready"));
    r.socket.write(`${A} 4645pw\r\n`);
    await r.until((b) => /\r\ns1 OK /.test(b));
    const plain = Buffer.from(`\0oxe${B}\x004645pw`).toString("base64");
    const p = await openRaw();
    p.socket.write("p1 AUTHENTICATE PLAIN\r\n");
    await p.until((b) => b.includes("+ \r\n"));
    p.socket.write(`${plain}\r\n`);
    await p.until((b) => /\r\np1 OK \[CAPABILITY/.test(b));
    const q = await openRaw();
    expect(await q.cmd("q1", `AUTHENTICATE PLAIN ${Buffer.from(`\0${A}\0bad`).toString("base64")}`)).toMatch(
      /^q1 NO \[AUTHENTICATIONFAILED\]/m,
    );
  });

  it("selects INBOX only: the user's own voice mails, nobody else's", async () => {
    const r = await loggedIn();
    const list = await r.cmd("b1", 'LIST "" "*"');
    expect(list.match(/^\* LIST .*$/gm)).toEqual(['* LIST (\\HasNoChildren) "/" INBOX']);
    expect(await r.cmd("b2", `SELECT ${B}`)).toMatch(/^b2 NO \[NONEXISTENT\]/m);
    expect(await r.cmd("b3", `STATUS "user/${B}" (MESSAGES)`)).toMatch(/^b3 NO /m);
    expect(await r.cmd("b4", "FETCH 1 FLAGS")).toMatch(/^b4 BAD .*no mailbox selected/m);
    const sel = await r.cmd("b5", "SELECT inbox");
    expect(sel).toMatch(/^\* 2 EXISTS\r$/m);
    expect(sel).toMatch(/^\* OK \[UIDVALIDITY \d+\]/m);
    expect(sel).toMatch(/^\* OK \[UNSEEN 1\]/m);
    expect(sel).toMatch(/^b5 OK \[READ-WRITE\]/m);
    const status = await r.cmd("b6", "STATUS INBOX (MESSAGES UNSEEN UIDNEXT)");
    expect(status).toMatch(/^\* STATUS INBOX \(MESSAGES 2 UNSEEN 2 UIDNEXT \d+\)/m);
  });

  it("fetches the mail's parts, sets \\Seen only without PEEK, and searches", async () => {
    const { first } = fillAlice();
    const r = await loggedIn();
    await r.cmd("c0", "SELECT INBOX");
    const headers = await r.cmd("c1", "FETCH 1 (UID BODY.PEEK[HEADER.FIELDS (From X-OXE-Duration)])");
    expect(headers).toContain(`* 1 FETCH (UID ${first.uid} BODY[HEADER.FIELDS (From X-OXE-Duration)] {`);
    expect(headers).toContain(`From: "Bob Example" <${B}@node1.oxe.invalid>\r\nX-OXE-Duration: 2\r\n\r\n)`);
    const mime = await r.cmd("c2", "FETCH 1 BODY.PEEK[2.MIME]");
    expect(mime).toContain("Content-Type: audio/wav");
    const partial = await r.cmd("c3", "FETCH 1 BODY.PEEK[2]<0.8>");
    expect(partial).toContain("BODY[2]<0> {8}\r\nUklGR");
    expect(await r.cmd("c4", "SEARCH UNSEEN")).toMatch(/^\* SEARCH 1 2\r$/m);
    const body = await r.cmd("c5", "FETCH 1 BODY[1]");
    expect(body).toMatch(/You have a new voice message/);
    expect(body).toMatch(/FLAGS \(\\Seen\)\)/);
    expect(await r.cmd("c6", "SEARCH UNSEEN")).toMatch(/^\* SEARCH 2\r$/m);
    expect(await r.cmd("c7", `UID SEARCH FROM "${B}"`)).toMatch(
      new RegExp(`^\\* SEARCH ${first.uid}\\r$`, "m"),
    );
    expect(await r.cmd("c8", "SEARCH HEADER Importance high")).toMatch(/^\* SEARCH 2\r$/m);
    expect(await r.cmd("c9", "SEARCH CHARSET KOI8-R ALL")).toMatch(/^c9 NO \[BADCHARSET/m);
    expect(await r.cmd("c10", "FETCH 1 (BODY[9] BODY[1.2])")).toMatch(/BODY\[9\] NIL BODY\[1\.2\] NIL/);
  });

  it("keeps EXAMINE read-only", async () => {
    const r = await loggedIn();
    expect(await r.cmd("d1", "EXAMINE INBOX")).toMatch(/^d1 OK \[READ-ONLY\]/m);
    expect(await r.cmd("d2", "STORE 1 +FLAGS (\\Deleted)")).toMatch(/^d2 NO \[READ-ONLY\]/m);
    await r.cmd("d3", "FETCH 1 BODY[]");
    expect([...store.list(A)[0]!.flags]).toEqual([]);
  });

  it("tells an IDLE session of deposits, flag changes and expunges by others at once", async () => {
    const { first } = fillAlice();
    const watcher = await loggedIn();
    await watcher.cmd("e1", "SELECT INBOX");
    watcher.socket.write("e2 IDLE\r\n");
    await watcher.until((b) => b.endsWith("+ idling\r\n"));
    const other = await loggedIn();
    await other.cmd("f1", "SELECT INBOX");
    await other.cmd("f2", "STORE 1 +FLAGS.SILENT (\\Seen)");
    await watcher.until((b) => b.includes(`* 1 FETCH (UID ${first.uid} FLAGS (\\Seen))\r\n`));
    store.deposit(A, { caller: "123", durationSec: 1 });
    await watcher.until((b) => b.includes("* 3 EXISTS\r\n"));
    await other.cmd("f3", "NOOP");
    await other.cmd("f4", "STORE 1 +FLAGS (\\Deleted)");
    expect(await other.cmd("f5", "EXPUNGE")).toMatch(/^\* 1 EXPUNGE\r\nf5 OK/m);
    await watcher.until((b) => b.includes("* 1 EXPUNGE\r\n"));
    watcher.socket.write("DONE\r\n");
    await watcher.until((b) => b.includes("e2 OK IDLE terminated"));
    expect(await watcher.cmd("e3", "FETCH 1:* UID")).not.toMatch(/EXPUNGE|EXISTS/);
  });

  it("holds back another session's expunge during FETCH, and reports it on NOOP", async () => {
    fillAlice();
    const r = await loggedIn();
    await r.cmd("g1", "SELECT INBOX");
    store.delete(A, [store.list(A)[0]!.uid]);
    const fetch = await r.cmd("g2", "FETCH 1:* (FLAGS)");
    expect(fetch).not.toMatch(/EXPUNGE/);
    expect(fetch.match(/^\* \d FETCH/gm)).toHaveLength(2);
    expect(await r.cmd("g3", "NOOP")).toMatch(/^\* 1 EXPUNGE\r\ng3 OK/m);
  });

  it("logs out with BYE and closes", async () => {
    const r = await loggedIn();
    const closed = once(r.socket, "close");
    expect(await r.cmd("z", "LOGOUT")).toMatch(/^\* BYE .*\r\nz OK LOGOUT/m);
    await closed;
  });
});

// ---- imapflow, the gateway's client ------------------------------------------------------

function flow(user: string, pass = "4645pw") {
  return new ImapFlow({
    host: "127.0.0.1",
    port,
    secure: false,
    tls: { ca },
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
  });
}

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe("with imapflow", () => {
  it("lists, opens, fetches a voice mail and its WAV, flags it seen, deletes it", async () => {
    const { first, second } = fillAlice();
    const c = flow(`oxe${A}`);
    await c.connect();
    try {
      const boxes = await c.list();
      expect(boxes.map((b) => b.path)).toEqual(["INBOX"]);
      const box = await c.mailboxOpen("INBOX");
      expect(box.exists).toBe(2);
      const msg = await c.fetchOne(
        String(first.uid),
        {
          uid: true,
          envelope: true,
          bodyStructure: true,
          flags: true,
          size: true,
          headers: ["x-oxe-caller-number"],
        },
        { uid: true },
      );
      if (!msg) throw new Error("no message");
      expect(msg.envelope?.from?.[0]).toMatchObject({
        name: "Bob Example",
        address: `${B}@node1.oxe.invalid`,
      });
      expect(msg.envelope?.subject).toBe(`Voice message from Bob Example (${B})`);
      expect(msg.bodyStructure?.childNodes?.map((n) => n.type)).toEqual(["text/plain", "audio/wav"]);
      expect(msg.headers?.toString()).toContain(`X-OXE-Caller-Number: ${B}`);
      expect(msg.flags?.has("\\Seen")).toBe(false);

      const { content, meta } = await c.download(String(first.uid), "2", { uid: true });
      if (!content || !meta) throw new Error("no part 2");
      const wav = await streamToBuffer(content);
      expect(meta.contentType).toBe("audio/wav");
      expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
      expect(wav.toString("ascii", 8, 12)).toBe("WAVE");
      expect(wav.length).toBe(WAV_HEADER_BYTES + 2 * 8000);
      expect(wav.equals(store.audio(first))).toBe(true);

      await c.messageFlagsAdd(String(first.uid), ["\\Seen"], { uid: true });
      expect(store.get(A, first.uid)?.flags.has("\\Seen")).toBe(true);

      await c.messageDelete(String(second.uid), { uid: true });
      expect(store.list(A).map((m) => m.uid)).toEqual([first.uid]);
      const status = await c.status("INBOX", { messages: true, unseen: true });
      expect(status === false ? undefined : status.messages).toBe(1);
    } finally {
      await c.logout();
    }
  });

  it("hears of a deposit and of a deletion while it IDLEs", async () => {
    fillAlice();
    const c = flow(A);
    await c.connect();
    try {
      await c.mailboxOpen("INBOX");
      const exists = new Promise<{ count: number }>((resolve) => c.on("exists", resolve));
      const expunge = new Promise<{ seq: number }>((resolve) => c.on("expunge", resolve));
      const idling = c.idle();
      await new Promise((r) => setTimeout(r, 30));
      store.deposit(A, { caller: "0611223344", durationSec: 4 });
      expect((await exists).count).toBe(3);
      store.delete(A, [store.list(A)[0]!.uid]);
      expect((await expunge).seq).toBe(1);
      await c.noop();
      await idling;
    } finally {
      await c.logout();
    }
  });

  it("is refused with a wrong password, and cannot open another user's mailbox", async () => {
    const bad = flow(A, "nope");
    await expect(bad.connect()).rejects.toThrow();
    bad.close();
    const c = flow(B);
    await c.connect();
    try {
      await expect(c.mailboxOpen(A)).rejects.toThrow();
      await expect(c.mailboxOpen(`oxe${A}`)).rejects.toThrow();
      const box = await c.mailboxOpen("INBOX");
      expect(box.exists).toBe(store.list(B).length);
    } finally {
      await c.logout();
    }
  });
});

// ---- Python's imaplib --------------------------------------------------------------------

const hasPython = spawnSync("python3", ["--version"]).status === 0;

const PYTHON = String.raw`
import base64, email, imaplib, json, sys
port, user, other = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
try:
    imaplib.IMAP4("127.0.0.1", port).login(user, "wrong")
    out["wrong_password"] = "accepted"
except imaplib.IMAP4.error as e:
    out["wrong_password"] = "refused"
M = imaplib.IMAP4("127.0.0.1", port)
out["login"] = M.login(user, "4645pw")[0]
out["list"] = [x.decode() for x in M.list()[1]]
typ, data = M.select("INBOX")
out["select"] = [typ, data[0].decode()]
out["other"] = M.select(other)[0]
M.select("INBOX")
typ, data = M.fetch("1", "(BODY.PEEK[])")
msg = email.message_from_bytes(data[0][1])
parts = [p for p in msg.walk() if not p.is_multipart()]
out["types"] = [p.get_content_type() for p in parts]
wav = parts[1].get_payload(decode=True)
out["riff"] = [wav[:4].decode(), wav[8:12].decode(), len(wav)]
out["duration"] = msg["X-OXE-Duration"]
out["unseen_before"] = M.search(None, "UNSEEN")[1][0].decode()
M.store("1", "+FLAGS", "\\Seen")
out["unseen_after"] = M.search(None, "UNSEEN")[1][0].decode()
M.store("2", "+FLAGS", "\\Deleted")
out["expunged"] = [x.decode() for x in M.expunge()[1] if x]
out["count"] = M.select("INBOX")[1][0].decode()
M.logout()
print(json.dumps(out))
`;

describe.skipIf(!hasPython)("with Python's imaplib", () => {
  it("logs in, lists, selects, fetches the WAV, flags, deletes and expunges", async () => {
    fillAlice();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile("python3", ["-c", PYTHON, String(port), A, B], { timeout: 10_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).toEqual({
      wrong_password: "refused",
      login: "OK",
      list: ['(\\HasNoChildren) "/" INBOX'],
      select: ["OK", "2"],
      other: "NO",
      types: ["text/plain", "audio/wav"],
      riff: ["RIFF", "WAVE", WAV_HEADER_BYTES + 2 * 8000],
      duration: "2",
      unseen_before: "1 2",
      unseen_after: "2",
      expunged: ["2"],
      count: "1",
    });
  });
});

// ---- curl's imap:// ------------------------------------------------------------------------

const curlVersion = spawnSync("curl", ["--version"]);
const hasCurlImap = curlVersion.status === 0 && /Protocols:.*\bimap\b/.test(String(curlVersion.stdout));

function curl(...args: string[]): Promise<{ code: number; out: Buffer }> {
  return new Promise((resolve) => {
    execFile(
      "curl",
      ["-s", "--max-time", "5", ...args],
      { encoding: "buffer", timeout: 10_000 },
      (err, out) => resolve({ code: err ? Number(err.code) : 0, out }),
    );
  });
}

describe.skipIf(!hasCurlImap)("with curl's imap://", () => {
  it("lists, fetches the audio part by UID, and is refused a wrong password", async () => {
    const { first } = fillAlice();
    const base = `imap://127.0.0.1:${port}`;
    const list = await curl(`${base}/`, "-u", `${A}:4645pw`);
    expect(list.code).toBe(0);
    expect(list.out.toString()).toBe('* LIST (\\HasNoChildren) "/" INBOX\r\n');
    const part = await curl(`${base}/INBOX;UID=${first.uid};SECTION=2`, "-u", `oxe${A}:4645pw`);
    expect(part.code).toBe(0);
    const wav = Buffer.from(part.out.toString().replace(/\s+/g, ""), "base64");
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.equals(store.audio(first))).toBe(true);
    const refused = await curl(`${base}/`, "-u", `${A}:wrong`);
    expect(refused.code).toBe(67);
  });
});

describe("a non-synchronizing literal too large to read", () => {
  it("is refused with BAD, then BYE, and the connection closes instead of swallowing a gigabyte", async () => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
    });
    socket.on("error", () => {}); // the server may close before our last write
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    await new Promise<void>((r) => socket.once("connect", () => r()));
    socket.write("a1 LOGIN {999999999+}\r\n");
    socket.write(Buffer.alloc(4096, 0x41));
    socket.write("\r\na2 NOOP\r\n");
    await closed;
    expect(text).toMatch(/^\* OK /);
    expect(text).toContain("a1 BAD Literal too large\r\n* BYE ");
    expect(text).not.toContain("a2 ");
  });
});
