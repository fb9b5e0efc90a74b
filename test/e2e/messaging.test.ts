/**
 * Messaging end to end: a voice message deposited on the emulated 4645 reaches the user's
 * mailbox through the gateway's IMAP link (IDLE: the counters rise without anyone asking), is
 * downloaded as a WAV over HTTPS, acknowledged the way the SDK does it (GET with a Range) and
 * deleted; every refusal answers with its status and O2G's error body.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VoiceMailService } from "../../gateway/domain/messaging/index.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let alice: O2gClient;
let bob: O2gClient;
let admin: O2gClient;
let A: { number: string; login: string };
let B: { number: string; login: string; first: string; last: string };

/** The gateway's voice mail (counters included), in process. */
const voicemail = () => (sb.gateway.core as unknown as { voicemail: VoiceMailService }).voicemail;

beforeAll(async () => {
  // A main/standby pair: the last test switches the node over.
  sb = await startSandbox({ redundant: true });
  const subs = sb.emulator.directory.subscribers;
  A = { number: subs[4]!.directoryNumber, login: subs[4]!.loginName };
  B = {
    number: subs[5]!.directoryNumber,
    login: subs[5]!.loginName,
    first: subs[5]!.firstName,
    last: subs[5]!.lastName,
  };
  alice = await sb.loginUser(A.number);
  bob = await sb.loginUser(B.number);
  admin = await sb.loginAdmin();
});
afterAll(async () => {
  await sb?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await pause(5);
  }
}

interface VoiceMessage {
  voicemailId: string;
  from?: { id: { loginName?: string; phoneNumber?: string }; firstName?: string; lastName?: string };
  duration: number;
  date: string;
  unread: boolean;
  highPriority: boolean;
}

/** GET with the caller's cookie, the body as bytes. */
async function raw(c: O2gClient, path: string, headers: Record<string, string> = {}) {
  const res = await request(c.url("voicemail", path), {
    headers: { cookie: c.cookieHeader, ...headers },
    dispatcher: sb.dispatcher,
  });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

describe("a voice message, from deposit to deletion", () => {
  it("reaches the mailbox at once, is downloaded, acknowledged and deleted", async () => {
    expect(alice.services.get("voicemail")).toMatch(/\/api\/rest\/1\.0\/voicemail$/);
    const boxes = await alice.get<{ mailboxes: { id: string; name: string; capabilities: object }[] }>(
      "voicemail",
    );
    expect(boxes.body.mailboxes).toEqual([
      {
        id: A.number,
        name: expect.any(String),
        capabilities: expect.objectContaining({ listMessages: true }),
      },
    ]);

    const info0 = await alice.post<{ totalVoiceMsg: number; newVoiceMsg: number; storageUsage: number }>(
      "voicemail",
      A.number,
      undefined,
      { withUserPwd: "" },
    );
    const counts = voicemail().counters;
    expect(counts.get(A.login)).toEqual({ unread: info0.body.newVoiceMsg, total: info0.body.totalVoiceMsg });

    // Deposited on the node: the gateway hears of it through IMAP IDLE, nobody asking.
    await pause(300);
    const t0 = performance.now();
    const m = sb.emulator
      .node(1)
      .voicemail.deposit(A.number, { caller: B.number, callerName: "B", durationSec: 3 });
    await until(() => counts.get(A.login)?.total === info0.body.totalVoiceMsg + 1, "the counter to rise");
    const idleMs = performance.now() - t0;
    expect(counts.get(A.login)?.unread).toBe(info0.body.newVoiceMsg + 1);
    expect(idleMs).toBeLessThan(1000);

    const list = await alice.get<{ voicemails: VoiceMessage[] }>("voicemail", `${A.number}/voicemails`, {
      newOnly: "true",
    });
    const mine = list.body.voicemails[0]!;
    expect(mine).toEqual({
      voicemailId: String(m.uid),
      from: {
        id: { loginName: B.login, phoneNumber: B.number },
        firstName: B.first,
        lastName: B.last,
        displayName: `${B.first} ${B.last}`,
        type: { main: "USER" },
      },
      duration: 3,
      date: new Date(Math.floor(m.date / 1000) * 1000).toISOString(),
      unread: true,
      highPriority: false,
    });

    // The download: the WAV, whole; then it counts as heard.
    const wav = await raw(alice, `${A.number}/voicemails/${m.uid}`);
    expect(wav.status).toBe(200);
    expect(wav.headers["content-type"]).toBe("audio/wav");
    expect(wav.body.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.body.toString("ascii", 8, 12)).toBe("WAVE");
    expect(wav.body.equals(sb.emulator.node(1).voicemail.audio(m))).toBe(true);
    await until(() => counts.get(A.login)?.unread === info0.body.newVoiceMsg, "the counter to fall");

    // The SDK's acknowledge: GET with Range bytes=0-1.
    const m2 = sb.emulator
      .node(1)
      .voicemail.deposit(A.number, { caller: "0146281234", durationSec: 2, highPriority: true });
    await until(() => counts.get(A.login)?.unread === info0.body.newVoiceMsg + 1, "the second deposit");
    const ack = await raw(alice, `${A.number}/voicemails/${m2.uid}`, { range: "bytes=0-1" });
    expect(ack.status).toBe(206);
    expect(ack.body.toString("ascii")).toBe("RI");
    expect(ack.headers["content-range"]).toBe(`bytes 0-1/${sb.emulator.node(1).voicemail.audio(m2).length}`);
    // A range past the end: 416 in O2G's error shape, the size in Content-Range.
    const size = sb.emulator.node(1).voicemail.audio(m2).length;
    const past = await raw(alice, `${A.number}/voicemails/${m2.uid}`, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers["content-range"]).toBe(`bytes */${size}`);
    expect(JSON.parse(past.body.toString())).toMatchObject({ code: 416, type: "RANGE_NOT_SATISFIABLE" });
    expect(counts.get(A.login)?.unread).toBe(info0.body.newVoiceMsg);
    const info1 = await alice.post<{ totalVoiceMsg: number; newVoiceMsg: number }>("voicemail", A.number);
    expect(info1.body).toMatchObject({
      totalVoiceMsg: info0.body.totalVoiceMsg + 2,
      newVoiceMsg: info0.body.newVoiceMsg,
    });

    // Paging, newest first.
    const page = await alice.get<{ voicemails: VoiceMessage[] }>("voicemail", `${A.number}/voicemails`, {
      offset: "0",
      limit: "1",
    });
    expect(page.body.voicemails.map((v) => v.voicemailId)).toEqual([String(m2.uid)]);

    // Delete one, then several at once (the SDK joins ids with ;).
    await alice.del("voicemail", `${A.number}/voicemails/${m.uid}`);
    const m3 = sb.emulator.node(1).voicemail.deposit(A.number, { caller: B.number, durationSec: 1 });
    await until(() => counts.get(A.login)?.total === info0.body.totalVoiceMsg + 2, "the third deposit");
    const many = await alice.send(
      "DELETE",
      alice.url("voicemail", `${A.number}/voicemails`, { msgIds: `${m2.uid};${m3.uid}` }),
    );
    expect(many.status).toBe(204);
    expect(counts.get(A.login)?.total).toBe(info0.body.totalVoiceMsg);
    expect(
      sb.emulator
        .node(1)
        .voicemail.list(A.number)
        .map((x) => x.uid),
    ).not.toContain(m2.uid);
  });

  it("lets an administrator act for a user with loginName", async () => {
    const r = await admin.get<{ mailboxes: { id: string }[] }>("voicemail", "", { loginName: B.login });
    expect(r.body.mailboxes.map((x) => x.id)).toEqual([B.number]);
    const list = await admin.get<{ voicemails: unknown[] }>("voicemail", `${B.number}/voicemails`, {
      loginName: B.login,
    });
    expect(list.body.voicemails.length).toBe(sb.emulator.node(1).voicemail.list(B.number).length);
  });
});

describe("bad input and refusals", () => {
  it("answers each with its status and O2G's error body", async () => {
    const other = sb.emulator.directory.subscribers[6]!;
    const cases: [O2gClient, string, string, Record<string, string>, number][] = [
      [alice, "GET", `${B.number}/voicemails`, {}, 403],
      [alice, "POST", B.number, {}, 403],
      [alice, "GET", "99999/voicemails", {}, 404],
      [alice, "GET", `${A.number}/voicemails/987654`, {}, 404],
      [alice, "GET", `${A.number}/voicemails/not-an-id`, {}, 404],
      [alice, "DELETE", `${A.number}/voicemails/987654`, {}, 404],
      [alice, "DELETE", `${A.number}/voicemails`, {}, 400],
      [alice, "DELETE", `${A.number}/voicemails`, { msgIds: ";" }, 400],
      [alice, "DELETE", `${A.number}/voicemails`, { msgIds: "987654;987655" }, 404],
      [alice, "GET", `${A.number}/voicemails`, { offset: "-1" }, 400],
      [alice, "GET", `${A.number}/voicemails`, { offset: "x" }, 400],
      [alice, "GET", `${A.number}/voicemails`, { limit: "0" }, 400],
      [alice, "GET", `${A.number}/voicemails`, { newOnly: "maybe" }, 400],
      [admin, "GET", "", {}, 400],
      [admin, "GET", "", { loginName: "oxe-nobody" }, 404],
      // A user with no session gave the gateway no password for the mailbox.
      [admin, "GET", `${other.directoryNumber}/voicemails`, { loginName: other.loginName }, 403],
    ];
    for (const [who, method, path, q, status] of cases) {
      const r = await who.send<Record<string, unknown>>(
        method as "GET",
        who.url("voicemail", path, q),
        method === "POST" ? {} : undefined,
      );
      expect({ method, path, q, status: r.status }).toEqual({ method, path, q, status });
      expect(r.body).toMatchObject({
        code: status,
        httpStatus: expect.any(String),
        helpMessage: expect.any(String),
      });
    }
    // A user naming someone else is answered for themself, as the SDK documents: her own mailbox.
    const named = await alice.get<{ mailboxes: { id: string }[] }>("voicemail", "", { loginName: B.login });
    expect(named.body.mailboxes.map((x) => x.id)).toEqual([A.number]);
    const badBody = await alice.send("POST", alice.url("voicemail", A.number), { password: 5 });
    expect(badBody.status).toBe(400);
    const wrong = await admin.send(
      "POST",
      admin.url("voicemail", other.directoryNumber, { loginName: other.loginName }),
      {
        password: "not-it",
      },
    );
    expect(wrong.status).toBe(403);
    const right = await admin.send<{ totalVoiceMsg: number }>(
      "POST",
      admin.url("voicemail", other.directoryNumber, { loginName: other.loginName }),
      { password: sb.emulator.directory.options.password },
    );
    expect(right.status).toBe(200);
    expect(right.body.totalVoiceMsg).toBe(sb.emulator.node(1).voicemail.list(other.directoryNumber).length);
  });

  it("answers 503 while the voice mail cannot be reached, and loses nothing", async () => {
    const imap = sb.emulator.node(1).imap;
    const before = (await bob.get<{ voicemails: unknown[] }>("voicemail", `${B.number}/voicemails`)).body
      .voicemails.length;
    imap.faults.refuseUntil = Date.now() + 400;
    imap.dropLinks();
    sb.emulator.node(1).voicemail.deposit(B.number, { caller: A.number, durationSec: 2 });
    const r = await bob.send<{ code: number; canRetry: boolean }>(
      "GET",
      bob.url("voicemail", `${B.number}/voicemails`),
    );
    if (r.status !== 200) expect(r.body).toMatchObject({ code: 503, canRetry: true });
    await pause(450);
    const after = await bob.get<{ voicemails: unknown[] }>("voicemail", `${B.number}/voicemails`);
    expect(after.body.voicemails.length).toBe(before + 1);
  });
});

describe("a switchover of the node", () => {
  it("finds the voice mail on the new main, with what was deposited meanwhile", async () => {
    const before = (await alice.get<{ voicemails: unknown[] }>("voicemail", `${A.number}/voicemails`)).body
      .voicemails.length;
    sb.emulator.switchover(1);
    const m = sb.emulator.node(1).voicemail.deposit(A.number, { caller: B.number, durationSec: 2 });
    const end = Date.now() + 5000;
    let list: VoiceMessage[] = [];
    while (Date.now() < end) {
      const r = await alice.send<{ voicemails: VoiceMessage[] }>(
        "GET",
        alice.url("voicemail", `${A.number}/voicemails`),
      );
      if (r.status === 200) {
        list = r.body.voicemails;
        if (list.some((v) => v.voicemailId === String(m.uid))) break;
      }
      await pause(25);
    }
    expect(list.length).toBe(before + 1);
    expect(list[0]?.voicemailId).toBe(String(m.uid));
  });
});
