import { describe, expect, it, vi } from "vitest";
import { AssociateResult, readAcseApdu, writeAarq } from "../acse/index.js";
import { BerWriter } from "../ber/index.js";
import {
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  type CmipError,
  cmipErrorCodec,
  mSetConfirmed,
  type SetArgument,
} from "../cmip/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  cstaEventReport,
  failure,
  makeCall,
  monitorStart,
  snapshotDevice,
} from "../csta/index.js";
import { encodeFrame, FrameDecoder } from "../framing/index.js";
import { RemoteOperationError, RoseLink, readRoseApdu, writeInvoke } from "./index.js";

/** A client and a server engine wired back to back, with a chunker in between to split the bytes. */
function pair(chunker: (bytes: Buffer) => Buffer[] = (b) => [b]) {
  const log: string[] = [];
  const client: RoseLink<CstaFailure> = new RoseLink(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec, invokeTimeoutMs: 200 },
    {
      output: (bytes) =>
        queueMicrotask(() => {
          for (const c of chunker(bytes)) server.feed(c);
        }),
      associationAnswered: (aare) => log.push(`aare ${aare.result}`),
      invoked: (op, _id, arg) => log.push(`client got ${op.name} ${JSON.stringify(arg)}`),
      protocolError: (m) => log.push(`client error: ${m}`),
    },
  );
  const server: RoseLink<CstaFailure> = new RoseLink(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec },
    {
      output: (bytes) =>
        queueMicrotask(() => {
          for (const c of chunker(bytes)) client.feed(c);
        }),
      associationRequested: (aarq) => {
        if (aarq.credentials?.password === "secret") server.accept(aarq.applicationContext);
        else server.rejectAssociation(aarq.applicationContext, 13);
      },
      invoked: (op, invokeId, arg) => {
        log.push(`server got ${op.name}`);
        if (op === monitorStart) {
          const device = (arg as { device: string }).device;
          if (device === "0") server.replyError(invokeId, failure("operation", "invalidDeviceID"));
          else server.reply(invokeId, monitorStart, { crossRefId: `m${device}` });
        } else if (op === snapshotDevice) {
          // never answered: lets the test see the timeout
        } else {
          server.reply(invokeId, op, undefined);
        }
      },
      protocolError: (m) => log.push(`server error: ${m}`),
    },
  );
  return { client, server, log };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

async function associated(p: ReturnType<typeof pair>) {
  p.client.associate({
    applicationContext: CSTA_APPLICATION_CONTEXT,
    credentials: { login: "o2g", password: "secret" },
  });
  await tick();
  expect(p.client.state).toBe("associated");
}

describe("RoseLink", () => {
  it("associates, invokes and gets results", async () => {
    const p = pair();
    await associated(p);
    const res = await p.client.invokeAsync(monitorStart, { device: "10001" });
    expect(res).toEqual({ crossRefId: "m10001" });
    expect(p.log).toContain(`aare ${AssociateResult.accepted}`);
  });

  it("refuses an association with bad credentials", async () => {
    const p = pair();
    p.client.associate({
      applicationContext: CSTA_APPLICATION_CONTEXT,
      credentials: { login: "o2g", password: "nope" },
    });
    await tick();
    expect(p.client.state).toBe("idle");
    expect(p.log).toContain(`aare ${AssociateResult.rejectedPermanent}`);
    await expect(p.client.invokeAsync(monitorStart, { device: "1" })).rejects.toMatchObject({
      failure: { kind: "closed" },
    });
  });

  it("turns a returnError into a typed failure", async () => {
    const p = pair();
    await associated(p);
    const err = await p.client.invokeAsync(monitorStart, { device: "0" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteOperationError);
    expect((err as RemoteOperationError<CstaFailure>).failure).toEqual({
      kind: "error",
      error: failure("operation", "invalidDeviceID"),
    });
  });

  it("times out an invocation with no answer, and the link goes on", async () => {
    const p = pair();
    await associated(p);
    const err = await p.client.invokeAsync(snapshotDevice, { device: "1" }).catch((e: unknown) => e);
    expect((err as RemoteOperationError).failure.kind).toBe("timeout");
    expect(await p.client.invokeAsync(monitorStart, { device: "2" })).toEqual({ crossRefId: "m2" });
  });

  it("counts a deadline from the invocation, whether made while an answer is read or later", async () => {
    const p = pair();
    await associated(p);
    const timedOut = (since: number) =>
      new Promise<number>((resolve) =>
        p.client.invoke(snapshotDevice, { device: "1" }, (err) => {
          expect(err?.failure.kind).toBe("timeout");
          resolve(performance.now() - since);
        }),
      );
    // made from a completion, inside the read of the chunk that answered monitorStart
    const inside = await new Promise<Promise<number>>((resolve) =>
      p.client.invoke(monitorStart, { device: "2" }, () => resolve(timedOut(performance.now()))),
    );
    expect(await inside).toBeGreaterThanOrEqual(195);
    // made well after the last chunk was read: the time that chunk came is long past
    await new Promise((r) => setTimeout(r, 300));
    expect(await timedOut(performance.now())).toBeGreaterThanOrEqual(195);
  });

  it("works when every byte arrives on its own", async () => {
    const p = pair((b) => [...b].map((x) => Buffer.of(x)));
    await associated(p);
    const results = await Promise.all(
      [1, 2, 3].map((d) => p.client.invokeAsync(monitorStart, { device: String(d) })),
    );
    expect(results.map((r) => r.crossRefId)).toEqual(["m1", "m2", "m3"]);
  });

  it("batches a burst of invokes into few writes and matches every reply", async () => {
    let writes = 0;
    const p = pair((b) => {
      writes++;
      return [b];
    });
    await associated(p);
    writes = 0;
    const n = 5000;
    const all = await Promise.all(
      Array.from({ length: n }, (_, i) => p.client.invokeAsync(monitorStart, { device: String(i + 1) })),
    );
    expect(all.every((r, i) => r.crossRefId === `m${i + 1}`)).toBe(true);
    expect(writes).toBeLessThan(10); // one write for the burst, one for the replies (+ slack)
  });

  it("rejects an unknown operation and a mistyped argument without dropping the link", async () => {
    const p = pair();
    await associated(p);
    const frame = (hexBody: string) => {
      const body = Buffer.from(hexBody, "hex");
      return Buffer.concat([Buffer.from([0, body.length]), body]);
    };
    p.server.feed(frame("a107020163020203e7")); // invoke 99 of opcode 999
    p.server.feed(frame("a10902016402010a020105")); // invoke 100: makeCall whose argument is an INTEGER
    await tick();
    expect(p.log).toContain("client error: peer rejected invocation 99 (invoke 1)");
    expect(p.log).toContain("client error: peer rejected invocation 100 (invoke 2)");
    expect(p.log.some((l) => l.startsWith("server error: mistyped argument of makeCall"))).toBe(true);
    expect(await p.client.invokeAsync(monitorStart, { device: "5" })).toEqual({ crossRefId: "m5" });
  });

  it("skips garbage on the wire and carries on", async () => {
    const p = pair();
    await associated(p);
    p.server.feed(Buffer.from("deadbeefcafe", "hex"));
    expect(await p.client.invokeAsync(monitorStart, { device: "6" })).toEqual({ crossRefId: "m6" });
    expect(p.log.some((l) => l.startsWith("server error: skipped"))).toBe(true);
  });

  it("delivers unconfirmed event reports", async () => {
    const p = pair();
    await associated(p);
    p.server.notify(cstaEventReport, {
      crossRefId: "m1",
      event: {
        type: "held",
        heldConnection: { callId: "1", deviceId: "10001" },
        holdingDevice: "10001",
        cause: "normal",
      },
    });
    await tick();
    expect(p.log.some((l) => l.startsWith("client got cSTAEventReport"))).toBe(true);
  });

  it("matches answers given in any order to more invocations than its table's slots, and fails the rest on close", async () => {
    // The server holds every MonitorStart and answers them last first, once all are in: ids that
    // share a slot of the pending table are all in flight at once.
    const held: { id: number; device: string }[] = [];
    const client: RoseLink<CstaFailure> = new RoseLink(
      { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec, invokeTimeoutMs: 60_000 },
      { output: (bytes) => queueMicrotask(() => server.feed(bytes)) },
    );
    const server: RoseLink<CstaFailure> = new RoseLink(
      { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec },
      {
        output: (bytes) => queueMicrotask(() => client.feed(bytes)),
        associationRequested: (aarq) => server.accept(aarq.applicationContext),
        invoked: (_op, invokeId, arg) =>
          held.push({ id: invokeId, device: (arg as { device: string }).device }),
      },
    );
    client.associate({
      applicationContext: CSTA_APPLICATION_CONTEXT,
      credentials: { login: "o", password: "p" },
    });
    await tick();
    const n = 20_000;
    const answers = Array.from({ length: n }, (_, i) =>
      client.invokeAsync(monitorStart, { device: String(i + 1) }),
    );
    // one that is never answered, sent after the rest
    const unanswered = client.invokeAsync(monitorStart, { device: "never" });
    while (held.length < n + 1) await tick();
    expect(client.inFlight).toBe(n + 1);
    for (const h of held.slice(0, n).reverse())
      server.reply(h.id, monitorStart, { crossRefId: `m${h.device}` });
    const all = await Promise.all(answers);
    expect(all.every((r, i) => r.crossRefId === `m${i + 1}`)).toBe(true);
    expect(client.inFlight).toBe(1);
    client.transportClosed();
    await expect(unanswered).rejects.toMatchObject({ failure: { kind: "closed" } });
    expect(client.inFlight).toBe(0);
  });

  it("fails everything in flight when the transport closes", async () => {
    const p = pair();
    await associated(p);
    const pending = p.client.invokeAsync(snapshotDevice, { device: "1" });
    p.client.transportClosed();
    await expect(pending).rejects.toMatchObject({ failure: { kind: "closed" } });
    await expect(
      p.client.invokeAsync(makeCall, { callingDevice: "1", calledDirectoryNumber: "2" }),
    ).rejects.toMatchObject({
      failure: { kind: "closed" },
    });
  });

  it("fails an invocation whose argument does not encode, and keeps the link's output intact", async () => {
    // A CMIP m-Set with an integer no BER INTEGER of ours can carry: the encoder throws with
    // four elements open. Before, the half-written APDU stayed in the shared output buffer and
    // the next flush threw outside any handler, which killed the gateway (hardening issue #1).
    const frames: Buffer[] = [];
    const protocolErrors: string[] = [];
    const server: RoseLink<CmipError> = new RoseLink(
      { operations: CMIP_OPERATIONS.byCode, errors: cmipErrorCodec },
      {
        output: (bytes) => queueMicrotask(() => client.feed(bytes)),
        associationRequested: (aarq) => server.accept(aarq.applicationContext),
        invoked: (_op, invokeId, arg) => {
          const a = arg as SetArgument;
          server.reply(invokeId, mSetConfirmed, {
            objectClass: a.objectClass,
            instance: a.instance,
            attributes: [],
          });
        },
        protocolError: (m) => protocolErrors.push(`server: ${m}`),
      },
    );
    const client: RoseLink<CmipError> = new RoseLink(
      { operations: CMIP_OPERATIONS.byCode, errors: cmipErrorCodec, invokeTimeoutMs: 500 },
      {
        output: (bytes) => {
          frames.push(bytes);
          queueMicrotask(() => server.feed(bytes));
        },
        protocolError: (m) => protocolErrors.push(`client: ${m}`),
      },
    );
    client.associate({ applicationContext: CMIP_APPLICATION_CONTEXT });
    await tick();
    expect(client.state).toBe("associated");
    const set = (value: number) =>
      client.invokeAsync(mSetConfirmed, {
        objectClass: 3,
        instance: "Subscriber=10020",
        modifications: [{ id: 13, value }],
      });
    const good = set(7); // written into the same buffer, before and after the bad ones
    const bad = [set(1e308), set(2 ** 53), set(Number.NaN)];
    const after = set(8);
    for (const b of bad) await expect(b).rejects.toMatchObject({ failure: { kind: "badArgument" } });
    await expect(good).resolves.toMatchObject({ instance: "Subscriber=10020" });
    await expect(after).resolves.toMatchObject({ instance: "Subscriber=10020" });
    expect(protocolErrors).toEqual([]);
    // What went out is whole frames only: the AARQ then one frame with the two good m-Sets.
    const out = Buffer.concat(frames);
    let at = 0;
    let count = 0;
    while (at < out.length) {
      at += 2 + out.readUInt16BE(at);
      count++;
    }
    expect(at).toBe(out.length);
    expect(count).toBe(3);
    // And the link goes on as before.
    await expect(set(9)).resolves.toMatchObject({ instance: "Subscriber=10020" });
  });
});

/** A server engine alone, fed raw frames; what it sends back is decoded for the test to read. */
function lonelyServer(options: { partialFrameTimeoutMs?: number } = {}) {
  const sent: string[] = [];
  let closed = false;
  const decoder = new FrameDecoder({
    frame: (body) => {
      if (body[0]! >= 0x60 && body[0]! <= 0x64) {
        const a = readAcseApdu(body);
        sent.push(a.kind === "abrt" ? `abrt ${a.abrt.source}` : a.kind);
      } else {
        const r = readRoseApdu(body);
        sent.push(`${r.kind} ${r.kind === "reject" ? `${r.problem.kind} ${r.problem.code}` : r.invokeId}`);
      }
    },
    garbage: () => sent.push("garbage"),
  });
  const server: RoseLink<CstaFailure> = new RoseLink(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec, ...options },
    {
      output: (bytes) => decoder.push(bytes),
      associationRequested: (aarq) => server.accept(aarq.applicationContext),
      invoked: (op, invokeId) => {
        if (op === monitorStart) server.reply(invokeId, monitorStart, { crossRefId: "m1" });
      },
      close: () => {
        closed = true;
      },
    },
  );
  const aarq = () => {
    const w = new BerWriter();
    writeAarq(w, {
      applicationContext: CSTA_APPLICATION_CONTEXT,
      credentials: { login: "o2g", password: "x" },
    });
    return encodeFrame(w.toBuffer());
  };
  const invoke = (invokeId: number) => {
    const w = new BerWriter();
    writeInvoke(w, invokeId, monitorStart.opcode, monitorStart.encodeArgument, { device: "10001" });
    return w.toBuffer();
  };
  return { server, sent, aarq, invoke, isClosed: () => closed };
}

describe("RoseLink conformance (ACSE states, framing)", () => {
  it("answers an invoke sent with indefinite lengths", async () => {
    const s = lonelyServer();
    s.server.feed(s.aarq());
    const definite = s.invoke(42);
    const l0 = definite[1]!;
    const contents = definite.subarray(l0 < 0x80 ? 2 : 2 + (l0 & 0x7f));
    s.server.feed(encodeFrame(Buffer.concat([Buffer.from([0xa1, 0x80]), contents, Buffer.alloc(2)])));
    await vi.waitFor(() => expect(s.sent).toEqual(["aare", "returnResult 42"]));
  });

  it("aborts (ABRT, provider) on a second AARQ on an open association", async () => {
    const s = lonelyServer();
    s.server.feed(s.aarq());
    s.server.feed(s.aarq());
    await vi.waitFor(() => expect(s.sent).toEqual(["aare", "abrt provider"]));
    expect(s.server.state).toBe("closed");
    expect(s.isClosed()).toBe(true);
  });

  it("aborts (ABRT) an invoke that comes before the association, rather than rejecting it", async () => {
    const s = lonelyServer();
    s.server.feed(encodeFrame(s.invoke(7)));
    await vi.waitFor(() => expect(s.sent).toEqual(["abrt provider"]));
    expect(s.isClosed()).toBe(true);
  });

  it("gives up a frame that stalls after a plausible 0xFFFF header, and serves what follows", async () => {
    const s = lonelyServer({ partialFrameTimeoutMs: 50 });
    s.server.feed(s.aarq());
    // header + element header promising 65535 bytes, then silence; then a real invoke
    s.server.feed(Buffer.from("ffffa182fffb", "hex"));
    s.server.feed(encodeFrame(s.invoke(9)));
    await vi.waitFor(() => expect(s.sent).toEqual(["aare", "returnResult 9"]), { timeout: 3000 });
    expect(s.server.state).toBe("associated");
  });

  it("gives a stalled frame up on time even when the wall clock jumps back meanwhile", async () => {
    const s = lonelyServer({ partialFrameTimeoutMs: 50 });
    s.server.feed(s.aarq());
    // The frame starts while Date says 452 days later (a test faking Date, an NTP step back):
    // timed on Date, its stall timer waited 452 days, which setTimeout makes 1 ms, again and again.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 452 * 86_400_000);
      s.server.feed(Buffer.from("ffffa182fffb", "hex"));
    } finally {
      vi.useRealTimers();
    }
    s.server.feed(encodeFrame(s.invoke(9)));
    await vi.waitFor(() => expect(s.sent).toEqual(["aare", "returnResult 9"]), { timeout: 3000 });
  });
});
