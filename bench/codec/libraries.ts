/**
 * The same two CSTA-shaped PDUs (a ROSE invoke of MonitorStart and the ROSE returnResult of a
 * SnapshotDevice with two connections) encoded and decoded by our hand codec and by the generic
 * BER libraries the project considered. The structure (tags, nesting, types) is identical in each,
 * and each decoder reads every field back, so the figures compare like with like.
 */
import asn1 from "asn1";
import { ASN1Construction, ASN1TagClass, BERElement } from "asn1-ts";
import * as asn1js from "asn1js";
import { app, appC, BerReader, BerWriter, ctx, ctxC, U } from "../../protocols/ber/index.js";

export interface CodecCandidate {
  name: string;
  encodeInvoke(invokeId: number, device: string): Uint8Array;
  decodeInvoke(buf: Uint8Array): { invokeId: number; device: string };
  encodeSnapshot(invokeId: number, callIds: string[]): Uint8Array;
  decodeSnapshot(buf: Uint8Array): { invokeId: number; callIds: string[] };
}

const OP_MONITOR_START = 71;
const OP_SNAPSHOT_DEVICE = 74;

const hand: CodecCandidate = (() => {
  const w = new BerWriter(512);
  return {
    name: "hand (protocols/ber)",
    encodeInvoke(invokeId, device) {
      w.reset();
      w.begin(ctxC(1)).integer(invokeId).integer(OP_MONITOR_START);
      w.begin(U.SEQUENCE).begin(ctxC(0)).string(device, ctx(0)).end().end();
      w.end();
      return w.toBuffer();
    },
    decodeInvoke(buf) {
      const r = new BerReader(buf).enter(ctxC(1));
      const invokeId = r.integer();
      r.integer();
      r.enter().enter(ctxC(0));
      const device = r.string(ctx(0));
      return { invokeId, device };
    },
    encodeSnapshot(invokeId, callIds) {
      w.reset();
      w.begin(ctxC(2)).integer(invokeId).begin(U.SEQUENCE).integer(OP_SNAPSHOT_DEVICE);
      w.begin(U.SEQUENCE).begin(U.SEQUENCE);
      for (const c of callIds) {
        w.begin(U.SEQUENCE)
          .begin(appC(11))
          .octets(Buffer.from(c, "latin1"), ctx(0))
          .end()
          .enumerated(3, app(14))
          .end();
      }
      w.end().end().end().end();
      return w.toBuffer();
    },
    decodeSnapshot(buf) {
      const r = new BerReader(buf).enter(ctxC(2));
      const invokeId = r.integer();
      r.enter().integer();
      r.enter().enter();
      const callIds: string[] = [];
      while (!r.atEnd()) {
        r.enter().enter(appC(11));
        callIds.push(Buffer.from(r.octets(ctx(0))).toString("latin1"));
        r.leave();
        r.enumerated(app(14));
        r.leave();
      }
      return { invokeId, callIds };
    },
  };
})();

const ldapjsAsn1: CodecCandidate = {
  name: "asn1 (ldapjs)",
  encodeInvoke(invokeId, device) {
    const w = new asn1.BerWriter();
    w.startSequence(0xa1);
    w.writeInt(invokeId);
    w.writeInt(OP_MONITOR_START);
    w.startSequence(0x30);
    w.startSequence(0xa0);
    w.writeString(device, 0x80);
    w.endSequence();
    w.endSequence();
    w.endSequence();
    return w.buffer;
  },
  decodeInvoke(buf) {
    const r = new asn1.BerReader(Buffer.from(buf.buffer, buf.byteOffset, buf.length));
    r.readSequence(0xa1);
    const invokeId = r.readInt() ?? 0;
    r.readInt();
    r.readSequence(0x30);
    r.readSequence(0xa0);
    const device = r.readString(0x80) ?? "";
    return { invokeId, device };
  },
  encodeSnapshot(invokeId, callIds) {
    const w = new asn1.BerWriter();
    w.startSequence(0xa2);
    w.writeInt(invokeId);
    w.startSequence(0x30);
    w.writeInt(OP_SNAPSHOT_DEVICE);
    w.startSequence(0x30);
    w.startSequence(0x30);
    for (const c of callIds) {
      w.startSequence(0x30);
      w.startSequence(0x6b);
      w.writeString(c, 0x80);
      w.endSequence();
      w.writeEnumeration(3, 0x4e);
      w.endSequence();
    }
    w.endSequence();
    w.endSequence();
    w.endSequence();
    w.endSequence();
    return w.buffer;
  },
  decodeSnapshot(buf) {
    const r = new asn1.BerReader(Buffer.from(buf.buffer, buf.byteOffset, buf.length));
    r.readSequence(0xa2);
    const invokeId = r.readInt() ?? 0;
    r.readSequence(0x30);
    r.readInt();
    r.readSequence(0x30);
    r.readSequence(0x30);
    const end = r.offset + r.length;
    const callIds: string[] = [];
    while (r.offset < end) {
      r.readSequence(0x30);
      r.readSequence(0x6b);
      callIds.push(r.readString(0x80) ?? "");
      // The library reads implicitly tagged integers only through a private method.
      (r as unknown as { _readTag(tag: number): number })._readTag(0x4e);
    }
    return { invokeId, callIds };
  },
};

const ctxTagged = (n: number, constructed: boolean) => ({
  tagClass: 3,
  tagNumber: n,
  isConstructed: constructed,
});

const asn1jsCandidate: CodecCandidate = {
  name: "asn1js",
  encodeInvoke(invokeId, device) {
    const pdu = new asn1js.Constructed({
      idBlock: ctxTagged(1, true),
      value: [
        new asn1js.Integer({ value: invokeId }),
        new asn1js.Integer({ value: OP_MONITOR_START }),
        new asn1js.Sequence({
          value: [
            new asn1js.Constructed({
              idBlock: ctxTagged(0, true),
              value: [
                new asn1js.Primitive({
                  idBlock: ctxTagged(0, false),
                  valueHex: Buffer.from(device, "latin1"),
                }),
              ],
            }),
          ],
        }),
      ],
    });
    return new Uint8Array(pdu.toBER());
  },
  decodeInvoke(buf) {
    const { result } = asn1js.fromBER(buf);
    const outer = result as asn1js.Constructed;
    const [id, , arg] = outer.valueBlock.value as [asn1js.Integer, asn1js.Integer, asn1js.Constructed];
    const inner = (arg.valueBlock.value[0] as asn1js.Constructed).valueBlock.value[0] as asn1js.Primitive;
    return {
      invokeId: id.valueBlock.valueDec,
      device: Buffer.from(inner.valueBlock.valueHexView).toString("latin1"),
    };
  },
  encodeSnapshot(invokeId, callIds) {
    const items = callIds.map(
      (c) =>
        new asn1js.Sequence({
          value: [
            new asn1js.Constructed({
              idBlock: { tagClass: 2, tagNumber: 11, isConstructed: true },
              value: [
                new asn1js.Primitive({ idBlock: ctxTagged(0, false), valueHex: Buffer.from(c, "latin1") }),
              ],
            }),
            new asn1js.Primitive({
              idBlock: { tagClass: 2, tagNumber: 14 },
              valueHex: Uint8Array.of(3),
            }),
          ],
        }),
    );
    const pdu = new asn1js.Constructed({
      idBlock: ctxTagged(2, true),
      value: [
        new asn1js.Integer({ value: invokeId }),
        new asn1js.Sequence({
          value: [
            new asn1js.Integer({ value: OP_SNAPSHOT_DEVICE }),
            new asn1js.Sequence({ value: [new asn1js.Sequence({ value: items })] }),
          ],
        }),
      ],
    });
    return new Uint8Array(pdu.toBER());
  },
  decodeSnapshot(buf) {
    const { result } = asn1js.fromBER(buf);
    const outer = result as asn1js.Constructed;
    const [id, res] = outer.valueBlock.value as [asn1js.Integer, asn1js.Sequence];
    const list = ((res.valueBlock.value[1] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence)
      .valueBlock.value;
    const callIds = list.map((item) => {
      const conn = (item as asn1js.Sequence).valueBlock.value[0] as asn1js.Constructed;
      const p = conn.valueBlock.value[0] as asn1js.Primitive;
      return Buffer.from(p.valueBlock.valueHexView).toString("latin1");
    });
    return { invokeId: id.valueBlock.valueDec, callIds };
  },
};

function tsEl(cls: ASN1TagClass, constructed: boolean, n: number): BERElement {
  return new BERElement(cls, constructed ? ASN1Construction.constructed : ASN1Construction.primitive, n);
}
function tsInt(v: number): BERElement {
  const e = tsEl(ASN1TagClass.universal, false, 2);
  e.integer = v;
  return e;
}

const asn1ts: CodecCandidate = {
  name: "asn1-ts",
  encodeInvoke(invokeId, device) {
    const str = tsEl(ASN1TagClass.context, false, 0);
    str.value = Buffer.from(device, "latin1");
    const obj = tsEl(ASN1TagClass.context, true, 0);
    obj.sequence = [str];
    const arg = tsEl(ASN1TagClass.universal, true, 16);
    arg.sequence = [obj];
    const pdu = tsEl(ASN1TagClass.context, true, 1);
    pdu.sequence = [tsInt(invokeId), tsInt(OP_MONITOR_START), arg];
    return pdu.toBytes();
  },
  decodeInvoke(buf) {
    const el = new BERElement();
    el.fromBytes(buf);
    const [id, , arg] = el.sequence as [BERElement, BERElement, BERElement];
    const str = (arg.sequence[0] as BERElement).sequence[0] as BERElement;
    return { invokeId: Number(id.integer), device: Buffer.from(str.value).toString("latin1") };
  },
  encodeSnapshot(invokeId, callIds) {
    const items = callIds.map((c) => {
      const cid = tsEl(ASN1TagClass.context, false, 0);
      cid.value = Buffer.from(c, "latin1");
      const conn = tsEl(ASN1TagClass.application, true, 11);
      conn.sequence = [cid];
      const st = tsEl(ASN1TagClass.application, false, 14);
      st.enumerated = 3;
      const item = tsEl(ASN1TagClass.universal, true, 16);
      item.sequence = [conn, st];
      return item;
    });
    const list = tsEl(ASN1TagClass.universal, true, 16);
    list.sequence = items;
    const data = tsEl(ASN1TagClass.universal, true, 16);
    data.sequence = [list];
    const res = tsEl(ASN1TagClass.universal, true, 16);
    res.sequence = [tsInt(OP_SNAPSHOT_DEVICE), data];
    const pdu = tsEl(ASN1TagClass.context, true, 2);
    pdu.sequence = [tsInt(invokeId), res];
    return pdu.toBytes();
  },
  decodeSnapshot(buf) {
    const el = new BERElement();
    el.fromBytes(buf);
    const [id, res] = el.sequence as [BERElement, BERElement];
    const list = ((res.sequence[1] as BERElement).sequence[0] as BERElement).sequence;
    const callIds = list.map((item) => {
      const conn = item.sequence[0] as BERElement;
      return Buffer.from((conn.sequence[0] as BERElement).value).toString("latin1");
    });
    return { invokeId: Number(id.integer), callIds };
  },
};

export const candidates: CodecCandidate[] = [hand, ldapjsAsn1, asn1jsCandidate, asn1ts];
