/**
 * The set-programming floor: the CMIP share of the benchmark's operations done by a bare client,
 * with no gateway in between. One CMIP association with the node over TCP, made as the gateway
 * makes it (same application context and functional units), the node's object model read once
 * (as the gateway does per association, not timed), then the same operations with the same
 * numbering (./ops.ts) and as many in flight as the REST run had: each Set the M-SET the gateway
 * sends for PUT programmeableKeys/{position}; each Get the scoped, filtered M-GET of the set's
 * non-blank keys answered by linked replies, plus the M-GET of the set's key count the first
 * time a set is listed (the gateway keeps that count until the node says it changed).
 * What the gateway takes beyond this is its own share (TLS, HTTP, JSON, sessions, routing);
 * what this takes is the emulator's and the wire's. The codecs are protocols/'s, as the gateway's.
 */
import net from "node:net";
import {
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  type CmipError,
  type CmipValue,
  cmipErrorCodec,
  cmipUserInformation,
  decodeSchema,
  type Filter,
  mGet,
  mSetConfirmed,
  OBJECT_MODEL_CLASS_ID,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import { RoseLink } from "../../protocols/rose/index.js";
import { keyWrite, type Target, targetOf } from "./ops.js";

export interface FloorRun {
  ms: number;
  ops: number;
  /** keys the Gets read (linked replies), so that a run which read nothing shows */
  keysRead: number;
}

export class SetProgrammingFloor {
  private readonly sized = new Set<string>();

  private constructor(
    private readonly link: RoseLink<CmipError>,
    private readonly socket: net.Socket,
    private readonly root: string,
    private readonly classes: Map<string, SchemaClass>,
  ) {}

  /** Associate with the node's CMIP service and read its object model. */
  static async connect(
    endpoint: { host: string; port: number },
    nodeId: number,
    login: string,
    password: string,
  ): Promise<SetProgrammingFloor> {
    const socket = net.connect(endpoint);
    socket.setNoDelay(true);
    const link = await new Promise<RoseLink<CmipError>>((resolve, reject) => {
      const l: RoseLink<CmipError> = new RoseLink<CmipError>(
        { operations: CMIP_OPERATIONS.byCode, errors: cmipErrorCodec, invokeTimeoutMs: 60_000 },
        {
          output: (bytes) => {
            if (!socket.destroyed) socket.write(bytes);
          },
          associationAnswered: (aare) =>
            aare.result === 0 ? resolve(l) : reject(new Error(`association refused (result ${aare.result})`)),
          close: () => socket.destroy(),
        },
      );
      socket.on("connect", () =>
        l.associate({
          applicationContext: CMIP_APPLICATION_CONTEXT,
          credentials: { login, password },
          implementationInformation: "o2g-testbench set-programming floor",
          userInformation: [
            cmipUserInformation({
              protocolVersions: ["version1", "version2"],
              functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
            }),
          ],
        }),
      );
      socket.on("data", (chunk) => l.feed(chunk));
      socket.on("error", reject);
      socket.on("close", () => {
        l.transportClosed();
        reject(new Error(`${endpoint.host}:${endpoint.port} closed`));
      });
    });
    const root = `Node=${nodeId}`;
    const model = await link.invokeAsync(mGet, {
      objectClass: OBJECT_MODEL_CLASS_ID,
      instance: `${root}/ObjectModel=OXE`,
      attributeIds: [OBJECT_MODEL_CLASSES_ATTRIBUTE],
    });
    const attr = model.attributes.find((a) => a.id === OBJECT_MODEL_CLASSES_ATTRIBUTE);
    if (!attr) throw new Error(`node ${nodeId} sent no object model`);
    const classes = new Map(decodeSchema(attr.value).map((c) => [c.name, c]));
    return new SetProgrammingFloor(link, socket, root, classes);
  }

  private cls(name: string): SchemaClass {
    const c = this.classes.get(name);
    if (!c) throw new Error(`the node has no class ${name}`);
    return c;
  }

  private attr(cls: SchemaClass, name: string): number {
    const a = cls.attributes.find((x) => x.name === name);
    if (!a) throw new Error(`class ${cls.name} has no attribute ${name}`);
    return a.id;
  }

  /**
   * Operations from..to of `kind`, `lanes` sequences at once, each sending its next operation
   * when the previous one has answered (as the REST clients do).
   */
  async run(
    kind: "set" | "get",
    targets: readonly Target[],
    from: number,
    to: number,
    lanes: number,
  ): Promise<FloorRun> {
    const key = this.cls("Prog_Key");
    const sub = this.cls("Subscriber");
    const id = {
      number: this.attr(key, "Key_Number"),
      mnemonic: this.attr(key, "Key_Mnemonic"),
      fn: this.attr(key, "Key_Function"),
      locked: this.attr(key, "Key_Locked"),
      progCount: this.attr(sub, "Prog_Key_Count"),
      softCount: this.attr(sub, "Soft_Key_Count"),
    };
    const subscriber = (t: Target) => `${this.root}/Subscriber=${t.number}`;
    const setOne = (i: number): Promise<unknown> => {
      const w = keyWrite(targets, i);
      return this.link.invokeAsync(mSetConfirmed, {
        objectClass: key.id,
        instance: `${subscriber(w.target)}/Prog_Key=${w.position}`,
        modifications: [
          { id: id.number, value: w.number },
          { id: id.mnemonic, value: w.mnemonic },
          { id: id.fn, value: "Speed_Dial" },
        ],
      });
    };
    const held: Filter = {
      or: [
        { not: { equality: { id: id.fn, value: "Not_Assigned" } } },
        { equality: { id: id.locked, value: true } },
      ],
    };
    let keysRead = 0;
    const getOne = (i: number): Promise<unknown> => {
      const t = targetOf(targets, i);
      const keys = new Promise<CmipValue[][]>((resolve, reject) => {
        const out: CmipValue[][] = [];
        this.link.invoke(
          mGet,
          { objectClass: key.id, instance: subscriber(t), scope: "firstLevelOnly", filter: held },
          (err) => (err ? reject(err) : resolve(out)),
          (_apdu, reply) => {
            const r = reply as { kind: string; result?: { attributes: { value: CmipValue }[] } };
            if (r.kind === "getResult" && r.result) {
              keysRead++;
              out.push(r.result.attributes.map((a) => a.value));
            }
          },
        );
      });
      if (this.sized.has(t.number)) return keys;
      this.sized.add(t.number);
      const size = this.link.invokeAsync(mGet, {
        objectClass: sub.id,
        instance: subscriber(t),
        attributeIds: [id.progCount, id.softCount],
      });
      return Promise.all([keys, size]);
    };
    const one = kind === "set" ? setOne : getOne;
    let next = from;
    const lane = async () => {
      while (next < to) await one(next++);
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: lanes }, lane));
    return { ms: performance.now() - t0, ops: to - from, keysRead };
  }

  close(): void {
    this.socket.destroy();
  }
}
