/**
 * The ACSE side of the node's ROSE servers over a real socket, spoken by hand: what the server
 * answers to an AARQ with a wrong or missing authentication mechanism, to a release request,
 * and to a frame header that promises more than ever comes.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AcseApdu,
  AcseServiceUserDiagnostic,
  AssociateResult,
  readAcseApdu,
  writeAarq,
  writeRlrq,
} from "../../../protocols/acse/index.js";
import { BerWriter } from "../../../protocols/ber/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  monitorStart,
} from "../../../protocols/csta/index.js";
import { encodeFrame, FrameDecoder } from "../../../protocols/framing/index.js";
import { readRoseApdu, writeInvoke } from "../../../protocols/rose/index.js";
import { RoseNodeServer } from "./rose-server.js";

let server: RoseNodeServer<CstaFailure>;
const serverLog: string[] = [];

beforeAll(async () => {
  server = new RoseNodeServer<CstaFailure>(
    {
      nodeId: 1,
      protocol: "test",
      host: "127.0.0.1",
      port: 0,
      login: "o2g",
      password: "pw",
      maxLinks: 4,
      partialFrameTimeoutMs: 100,
      log: (l) => serverLog.push(l),
    },
    {
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      acceptsContext: () => true,
      invoked: (a, op, invokeId) => {
        if (op === monitorStart) a.link.reply(invokeId, monitorStart, { crossRefId: "x" });
      },
    },
  );
  await server.listen();
});

afterAll(async () => {
  await server?.close();
});

/** A raw client: sends frames, collects what comes back as readable lines. */
async function rawClient() {
  const socket = net.connect({ host: "127.0.0.1", port: server.port });
  await new Promise<void>((r) => socket.once("connect", () => r()));
  const got: string[] = [];
  let closed = false;
  const decoder = new FrameDecoder({
    frame: (body) => {
      if (body[0]! >= 0x60 && body[0]! <= 0x64) got.push(show(readAcseApdu(body)));
      else {
        const r = readRoseApdu(body);
        got.push(`${r.kind} ${r.invokeId}`);
      }
    },
    garbage: () => got.push("garbage"),
  });
  socket.on("data", (c) => decoder.push(c));
  socket.on("close", () => {
    closed = true;
  });
  return {
    got,
    send: (bytes: Buffer) => socket.write(bytes),
    closed: () => closed,
    end: () => socket.destroy(),
  };
}

function show(a: AcseApdu): string {
  if (a.kind === "aare")
    return `aare ${a.aare.result} ${a.aare.diagnostic.source} ${a.aare.diagnostic.value}`;
  if (a.kind === "abrt") return `abrt ${a.abrt.source}`;
  return a.kind;
}

function aarq(mechanismName?: string): Buffer {
  const w = new BerWriter();
  writeAarq(w, {
    applicationContext: CSTA_APPLICATION_CONTEXT,
    credentials: { login: "o2g", password: "pw" },
    ...(mechanismName ? { mechanismName } : {}),
  });
  return encodeFrame(w.toBuffer());
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe.sequential("RoseNodeServer ACSE conformance", () => {
  it("accepts ACSE's password-1 mechanism", async () => {
    const c = await rawClient();
    c.send(aarq());
    await waitFor(() => c.got.length > 0);
    expect(c.got).toEqual([`aare ${AssociateResult.accepted} user 0`]);
    c.end();
  });

  it("refuses another mechanism with authentication-mechanism-name-not-recognized", async () => {
    const c = await rawClient();
    c.send(aarq("2.5.3.1"));
    await waitFor(() => c.got.length > 0);
    expect(c.got).toEqual([
      `aare ${AssociateResult.rejectedPermanent} user ${AcseServiceUserDiagnostic.authenticationMechanismNameNotRecognized}`,
    ]);
    c.end();
  });

  it("refuses credentials without a mechanism with authentication-mechanism-name-required", async () => {
    const c = await rawClient();
    // the same AARQ with its mechanism-name [11] (8b 03 52 03 01) cut out
    const body = aarq().subarray(2);
    const at = body.indexOf(Buffer.from("8b03520301", "hex"));
    const cut = Buffer.concat([body.subarray(0, at), body.subarray(at + 5)]);
    cut[1] = cut[1]! - 5;
    c.send(encodeFrame(cut));
    await waitFor(() => c.got.length > 0);
    expect(c.got).toEqual([
      `aare ${AssociateResult.rejectedPermanent} user ${AcseServiceUserDiagnostic.authenticationMechanismNameRequired}`,
    ]);
    c.end();
  });

  it("answers a release request with a release response and closes", async () => {
    const c = await rawClient();
    c.send(aarq());
    await waitFor(() => c.got.length === 1);
    const w = new BerWriter();
    writeRlrq(w, 0);
    c.send(encodeFrame(w.toBuffer()));
    await waitFor(() => c.closed());
    expect(c.got.slice(1)).toEqual(["rlre"]);
  });

  it("does not let a stalled 0xFFFF frame hold the link: resynchronizes behind it", async () => {
    const c = await rawClient();
    c.send(aarq());
    await waitFor(() => c.got.length === 1);
    c.send(Buffer.from("ffffa182fffb", "hex"));
    const w = new BerWriter();
    writeInvoke(w, 5, monitorStart.opcode, monitorStart.encodeArgument, { device: "1" });
    c.send(encodeFrame(w.toBuffer()));
    await waitFor(() => c.got.length === 2);
    expect(c.got[1]).toBe("returnResult 5");
    c.end();
  });

  it("is released in order when the gateway's link client stops (RLRQ, RLRE, close)", async () => {
    const { RoseClient } = await import("../../../gateway/links/rose-client.js");
    const c = new RoseClient<CstaFailure>({
      name: "gw",
      endpoints: [{ host: "127.0.0.1", port: server.port }],
      applicationContext: CSTA_APPLICATION_CONTEXT,
      login: "o2g",
      password: "pw",
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      invokeTimeoutMs: 2000,
      connectTimeoutMs: 2000,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      log: () => {},
    });
    await new Promise<void>((r) => {
      c.once("up", () => r());
      c.start();
    });
    const before = server.linkCount;
    serverLog.length = 0;
    await c.stop();
    expect(serverLog.some((l) => / released$/.test(l))).toBe(true);
    await waitFor(() => server.linkCount === before - 1);
    expect(c.state).toBe("stopped");
  });
});
