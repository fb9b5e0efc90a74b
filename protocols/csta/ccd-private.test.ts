import { describe, expect, it } from "vitest";
import { BerReader, BerWriter, U } from "../ber/index.js";
import { type CcdPrivateRequest, escapeService, readCcdPrivate, writeCcdPrivate } from "./index.js";

function roundTrip(privateData: CcdPrivateRequest): unknown {
  const w = new BerWriter();
  escapeService.encodeArgument!(w, { privateData });
  return escapeService.decodeArgument!(new BerReader(w.toBuffer())).privateData;
}

function decodeRaw(json: string): unknown {
  const w = new BerWriter();
  w.begin(U.SEQUENCE).octets(Buffer.from(json)).end();
  return escapeService.decodeArgument!(new BerReader(w.toBuffer())).privateData;
}

describe("the CCD's supervision requests in escape (ours)", () => {
  it("each request reads back as sent", () => {
    const reqs: CcdPrivateRequest[] = [
      { v: 1, service: "ccd", op: "helpRequest", operator: "10004" },
      { v: 1, service: "ccd", op: "helpCancel", operator: "10000", other: "10004" },
      { v: 1, service: "ccd", op: "listen", operator: "10000", other: "10004" },
      { v: 1, service: "ccd", op: "listenStop", operator: "10000" },
      { v: 1, service: "ccd", op: "intrude", operator: "10000", other: "10004", mode: "DISCRETE" },
      { v: 1, service: "ccd", op: "intrusionMode", operator: "10000", mode: "STOP" },
    ];
    for (const r of reqs) expect(roundTrip(r)).toEqual(r);
  });

  it("a malformed request is thrown out, member by member", () => {
    expect(() => decodeRaw('{"v":1,"service":"ccd","op":"helpRequest"}')).toThrow(/no operator/);
    expect(() => decodeRaw('{"v":1,"service":"ccd","op":"listen","operator":"10000"}')).toThrow(/listen/);
    expect(() =>
      decodeRaw('{"v":1,"service":"ccd","op":"intrude","operator":"1","other":"2","mode":"LOUD"}'),
    ).toThrow(/intrude/);
    expect(() => decodeRaw('{"v":1,"service":"ccd","op":"explode","operator":"1"}')).toThrow(/explode/);
    expect(() => decodeRaw('{"v":1,"service":"ccd","op":"helpRequest","operator":"1; rm"}')).toThrow();
  });

  it("the help detail of an agent event's private data reads back; a malformed one is dropped", () => {
    const w = new BerWriter();
    w.begin(U.SEQUENCE);
    writeCcdPrivate(w, { mainState: "LOG_ON", help: { agent: "10004", supervisor: "10000", on: true } });
    w.end();
    const r = new BerReader(w.toBuffer());
    r.enter();
    expect(readCcdPrivate(r)).toEqual({
      mainState: "LOG_ON",
      help: { agent: "10004", supervisor: "10000", on: true },
    });
    const w2 = new BerWriter();
    w2.begin(U.SEQUENCE);
    writeCcdPrivate(w2, { mainState: "LOG_ON", help: { agent: "10004" } } as never);
    w2.end();
    const r2 = new BerReader(w2.toBuffer());
    r2.enter();
    expect(readCcdPrivate(r2)).toEqual({ mainState: "LOG_ON" });
  });
});
