import { describe, expect, it } from "vitest";
import { AssociateResult } from "../acse/index.js";
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
import { RemoteOperationError, RoseLink } from "./index.js";

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
});
