/**
 * A mailbox link against an emulated node's 4645 over loopback IMAP: the list, IDLE pushing a
 * deposit at once, actions, the audio, a refused password, a dropped link re-established without
 * losing what was deposited meanwhile, and the pool closing idle links.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDirectory } from "../../../oxe-emulator/directory/index.js";
import { ImapNodeServer } from "../../../oxe-emulator/servers/imap/index.js";
import { VoiceMailStore } from "../../../oxe-emulator/voicemail/index.js";
import {
  decodeWords,
  MailboxError,
  MailboxLink,
  type MailboxLinkOptions,
  parseHeaderLines,
} from "./mailbox-link.js";
import { MailboxPool } from "./pool.js";

const dir = generateDirectory({ users: 20, nodes: 1, seed: 4 });
const store = new VoiceMailStore({ nodeId: 1, directory: dir, seed: 4, history: false });
let server: ImapNodeServer;
const logs: string[] = [];
const A = dir.subscribers[1]!.directoryNumber;
const B = dir.subscribers[2]!.directoryNumber;
const password = dir.options.password;

function options(login: string, over: Partial<MailboxLinkOptions> = {}): MailboxLinkOptions {
  return {
    name: `node 1 IMAP ${login}`,
    endpoints: [{ host: "127.0.0.1", port: server.port }],
    secure: false,
    login,
    password,
    connectTimeoutMs: 2000,
    autoIdleMs: 50,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    downloadChunkBytes: 64 * 1024,
    log: (level, line) => logs.push(`${level} ${line}`),
    ...over,
  };
}

function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() > end) reject(new Error("timed out"));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

beforeAll(async () => {
  server = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe("header helpers", () => {
  it("decodes encoded words and unfolds header lines", () => {
    expect(decodeWords("=?UTF-8?B?w5xsa8O8?= Smith")).toBe("Ülkü Smith");
    expect(decodeWords("=?ISO-8859-1?Q?J=E9r=F4me_D?=")).toBe("Jérôme D");
    const h = parseHeaderLines("X-OXE-Duration: 12\r\nX-OXE-Caller-Name: a\r\n b\r\n\r\n");
    expect(h.get("x-oxe-duration")).toBe("12");
    expect(h.get("x-oxe-caller-name")).toBe("a b");
  });
});

describe("MailboxLink", () => {
  it("lists the mailbox, hears of a deposit at once (IDLE), flags, deletes, fetches the WAV", async () => {
    const first = store.deposit(A, { caller: B, callerName: "Bob B", durationSec: 3 });
    const link = new MailboxLink(options(`oxe${A}`));
    try {
      const view = await link.open();
      expect(view.messages).toEqual([
        {
          uid: first.uid,
          date: Math.floor(first.date / 1000) * 1000,
          caller: B,
          callerName: "Bob B",
          durationSec: 3,
          highPriority: false,
          seen: false,
          size: expect.any(Number),
        },
      ]);
      await new Promise((r) => setTimeout(r, 100)); // IDLE has started
      const changed = new Promise<number>((r) => link.once("changed", (v) => r(v.messages.length)));
      const t0 = performance.now();
      const second = store.deposit(A, { caller: "0611223344", durationSec: 2, highPriority: true });
      expect(await changed).toBe(2);
      expect(performance.now() - t0).toBeLessThan(500);
      expect(link.view?.messages[1]).toMatchObject({
        uid: second.uid,
        highPriority: true,
        caller: "0611223344",
      });

      const wav = await link.audioBytes(first.uid);
      expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
      expect(wav.equals(store.audio(first))).toBe(true);

      await link.markSeen([first.uid]);
      expect(store.get(A, first.uid)?.flags.has("\\Seen")).toBe(true);
      expect(link.view?.messages[0]?.seen).toBe(true);
      await link.remove([first.uid, second.uid]);
      expect(store.list(A)).toEqual([]);
      expect(link.view?.messages).toEqual([]);
      await expect(link.markSeen([first.uid])).rejects.toMatchObject({ failure: "noMessage" });
    } finally {
      await link.stop();
    }
  });

  it("is refused a wrong password, and says so once", async () => {
    const link = new MailboxLink(options(`oxe${A}`, { password: "nope" }));
    let refused = 0;
    link.on("refused", () => refused++);
    const err = await link.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as MailboxError).failure).toBe("auth");
    expect(refused).toBe(1);
    await link.stop();
  });

  it("a held link comes back by itself after a drop, with what was deposited meanwhile", async () => {
    const link = new MailboxLink(options(B));
    const release = link.hold();
    try {
      await until(() => link.isOpen);
      const before = link.view!.messages.length;
      logs.length = 0;
      const down = new Promise((r) => link.once("down", r));
      server.faults.refuseUntil = Date.now() + 150;
      server.dropLinks();
      await down;
      const m = store.deposit(B, { caller: A, durationSec: 5 });
      await until(() => link.view?.messages.some((x) => x.uid === m.uid) ?? false);
      expect(link.view!.messages.length).toBe(before + 1);
      expect(logs.filter((l) => l.includes(" down "))).toHaveLength(1);
      expect(logs.filter((l) => l.includes(" up on ") && l.endsWith("again"))).toHaveLength(1);
      expect(logs.filter((l) => l.includes("cannot reconnect")).length).toBeLessThanOrEqual(1);
    } finally {
      release();
      await link.stop();
    }
  });

  it("a link nobody holds is simply reopened by the next request", async () => {
    const link = new MailboxLink(options(A));
    try {
      await link.open();
      const down = new Promise((r) => link.once("down", r));
      server.dropLinks();
      await down;
      expect(link.state).toBe("closed");
      const m = store.deposit(A, { caller: B, durationSec: 2 });
      const view = await link.open();
      expect(view.messages.map((x) => x.uid)).toContain(m.uid);
    } finally {
      await link.stop();
    }
  });
});

describe("a voice mail with two addresses (a redundant pair)", () => {
  it("goes to the second address when the first cannot be reached, and back on a switchover", async () => {
    const standby = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
    await standby.listen();
    // The main refuses (a standby OXE takes no links): the link finds the other member.
    server.faults.refuseUntil = Number.POSITIVE_INFINITY;
    const link = new MailboxLink(
      options(A, {
        endpoints: [
          { host: "127.0.0.1", port: server.port },
          { host: "127.0.0.1", port: standby.port },
        ],
      }),
    );
    const release = link.hold();
    try {
      logs.length = 0;
      await until(() => link.isOpen);
      expect(standby.loggedIn).toEqual([A]);
      expect(
        logs.some((l) => l.includes("(second address)")),
        logs.join("\n"),
      ).toBe(true);
      // Switchover: the standby goes away, the main takes links again.
      server.faults.refuseUntil = 0;
      standby.faults.refuseUntil = Number.POSITIVE_INFINITY;
      const down = new Promise((r) => link.once("down", r));
      standby.dropLinks();
      await down;
      const m = store.deposit(A, { caller: B, durationSec: 2 });
      await until(() => link.view?.messages.some((x) => x.uid === m.uid) ?? false);
      expect(server.loggedIn).toContain(A);
    } finally {
      release();
      server.faults.refuseUntil = 0;
      await link.stop();
      await standby.close();
    }
  });
});

describe("a voice mail that takes logins over TLS only (STARTTLS, LOGINDISABLED)", () => {
  let strict: ImapNodeServer;
  let ca: string;
  beforeAll(async () => {
    strict = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0, requireTls: true });
    await strict.listen();
    ca = await strict.certificate();
  });
  afterAll(async () => {
    await strict.close();
  });
  const at = (over: Partial<MailboxLinkOptions>) =>
    options(`oxe${A}`, { endpoints: [{ host: "127.0.0.1", port: strict.port }], ...over });

  it("is opened over STARTTLS, the node's CA trusted, and works as over cleartext", async () => {
    const m = store.deposit(A, { caller: B, durationSec: 2 });
    const link = new MailboxLink(at({ startTls: "offered", ca }));
    try {
      const view = await link.open();
      expect(view.messages.map((x) => x.uid)).toContain(m.uid);
      const audio = await link.audioBytes(m.uid);
      expect(audio.subarray(0, 4).toString("ascii")).toBe("RIFF");
    } finally {
      await link.stop();
    }
    const required = new MailboxLink(at({ startTls: "required", ca }));
    try {
      expect((await required.open()).messages.map((x) => x.uid)).toContain(m.uid);
    } finally {
      await required.stop();
    }
  });

  it("is refused a certificate it was not told to trust", async () => {
    const link = new MailboxLink(at({ startTls: "offered" }));
    const err = await link.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    expect((err as MailboxError).failure).toBe("unavailable");
    await link.stop();
  });

  it("cannot log in without STARTTLS (the default), the voice mail refusing a cleartext login", async () => {
    const link = new MailboxLink(at({}));
    const err = await link.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxError);
    await link.stop();
  });
});

describe("MailboxPool", () => {
  it("closes links unused for idleCloseMs, but not held ones, and reuses a live one", async () => {
    const pool = new MailboxPool({ idleCloseMs: 150, maxLinks: 2 });
    pool.start();
    try {
      const a = pool.get("a", () => options(A));
      expect(pool.get("a", () => options(A))).toBe(a);
      await a.open();
      const b = pool.get("b", () => options(B));
      const release = b.hold();
      await until(() => b.isOpen);
      await until(() => pool.peek("a") === undefined, 2000);
      await until(() => server.loggedIn.length === 1);
      expect(server.loggedIn).toEqual([B]);
      expect(pool.peek("b")).toBe(b);
      // A changed password makes a new link.
      expect(pool.get("b", () => options(B, { password: "other" }))).not.toBe(b);
      release();
    } finally {
      await pool.stop();
    }
  });
});
