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
 * The protocol-only server (./protocol-server.ts) does each of its operations with this code too.
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
  readLinkedGetRowValues,
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

/** A programmable key as the gateway answers it (GET .../programmeableKeys): its JSON's fields. */
export interface KeyRow {
  position: number;
  number?: string;
  mnemonic?: string;
  locked?: boolean;
}

/** The attribute ids the operations name, from the node's object model. */
interface Ids {
  key: number;
  subscriber: number;
  position: number;
  number: number;
  mnemonic: number;
  fn: number;
  locked: number;
  progCount: number;
  softCount: number;
}

export class SetProgrammingFloor {
  /** each set's programmable key count, read the first time the set is listed (as the gateway) */
  private readonly sizes = new Map<string, Promise<number>>();
  private readonly ids: Ids;
  private readonly held: Filter;
  /** where a listing's row puts each attribute it reads: position, number, mnemonic, locked */
  private readonly rowPositions: ReadonlyMap<number, number>;

  private constructor(
    private readonly link: RoseLink<CmipError>,
    private readonly socket: net.Socket,
    private readonly root: string,
    classes: Map<string, SchemaClass>,
  ) {
    const cls = (name: string): SchemaClass => {
      const c = classes.get(name);
      if (!c) throw new Error(`the node has no class ${name}`);
      return c;
    };
    const attr = (c: SchemaClass, name: string): number => {
      const a = c.attributes.find((x) => x.name === name);
      if (!a) throw new Error(`class ${c.name} has no attribute ${name}`);
      return a.id;
    };
    const key = cls("Prog_Key");
    const sub = cls("Subscriber");
    this.ids = {
      key: key.id,
      subscriber: sub.id,
      position: attr(key, "Key_Position"),
      number: attr(key, "Key_Number"),
      mnemonic: attr(key, "Key_Mnemonic"),
      fn: attr(key, "Key_Function"),
      locked: attr(key, "Key_Locked"),
      progCount: attr(sub, "Prog_Key_Count"),
      softCount: attr(sub, "Soft_Key_Count"),
    };
    // The gateway's filter for a listing of every position: the keys that hold a function, and
    // the blank ones the administrator locked.
    this.held = {
      or: [
        { not: { equality: { id: this.ids.fn, value: "Not_Assigned" } } },
        { equality: { id: this.ids.locked, value: true } },
      ],
    };
    const { position, number, mnemonic, locked } = this.ids;
    this.rowPositions = new Map([position, number, mnemonic, locked].map((id, i) => [id, i]));
  }

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
          // The node reports every change to every association, ours included: taken in and
          // dropped, as a manager does (without this handler each would be answered by a reject).
          invoked: () => {},
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

  private subscriber(t: Pick<Target, "number">): string {
    return `${this.root}/Subscriber=${t.number}`;
  }

  /**
   * The M-SET the gateway sends for PUT programmeableKeys/{position}: a key with a number
   * dials it, one without is cleared.
   */
  async setOne(
    target: Pick<Target, "number">,
    position: number,
    number: string,
    mnemonic: string,
  ): Promise<void> {
    await this.link.invokeAsync(mSetConfirmed, {
      objectClass: this.ids.key,
      instance: `${this.subscriber(target)}/Prog_Key=${position}`,
      modifications: [
        { id: this.ids.number, value: number },
        { id: this.ids.mnemonic, value: mnemonic },
        { id: this.ids.fn, value: number === "" ? "Not_Assigned" : "Speed_Dial" },
      ],
    });
  }

  /**
   * What the gateway asks the node for GET programmeableKeys: the scoped, filtered M-GET of the
   * set's keys that hold something (every attribute asked for, as the gateway does; the rows
   * read by position as its scopedRows reads them), and the set's key count the first time.
   */
  async getKeys(target: Pick<Target, "number">): Promise<{ held: KeyRow[]; count: number }> {
    const held: KeyRow[] = [];
    const values = new Array<CmipValue | undefined>(4);
    const keys = new Promise<void>((resolve, reject) => {
      this.link.invoke(
        mGet,
        {
          objectClass: this.ids.key,
          instance: this.subscriber(target),
          scope: "firstLevelOnly",
          filter: this.held,
        },
        (err) => (err ? reject(err) : resolve()),
        (_apdu, row) => {
          if (!row) return;
          // The fields in the order the gateway's answer has them.
          const k: KeyRow = { position: Number(values[0]) };
          if (values[1]) k.number = String(values[1]);
          if (values[2]) k.mnemonic = String(values[2]);
          k.locked = values[3] === true;
          held.push(k);
        },
        (r) => readLinkedGetRowValues(r, this.rowPositions, values),
      );
    });
    const [, count] = await Promise.all([keys, this.keyCount(target)]);
    return { held, count };
  }

  private keyCount(target: Pick<Target, "number">): Promise<number> {
    let p = this.sizes.get(target.number);
    if (!p) {
      p = this.link
        .invokeAsync(mGet, {
          objectClass: this.ids.subscriber,
          instance: this.subscriber(target),
          attributeIds: [this.ids.progCount, this.ids.softCount],
        })
        .then((r) => Number(r.attributes.find((a) => a.id === this.ids.progCount)?.value ?? 0));
      this.sizes.set(target.number, p);
      p.catch(() => this.sizes.delete(target.number));
    }
    return p;
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
    /** which values the Sets write (./ops.ts keyWrite) */
    variant = 0,
  ): Promise<FloorRun> {
    let keysRead = 0;
    const one =
      kind === "set"
        ? (i: number) => {
            const w = keyWrite(targets, i, variant);
            return this.setOne(w.target, w.position, w.number, w.mnemonic);
          }
        : async (i: number) => {
            // Not `keysRead += await ...`: that reads keysRead before the wait, and the lanes'
            // sums would overwrite each other.
            const { held } = await this.getKeys(targetOf(targets, i));
            keysRead += held.length;
          };
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

/**
 * GET programmeableKeys's answer as the gateway makes it: every position of the set, the blank
 * ones filled in between the keys the node listed (in position order, as it lists them).
 */
export function everyPosition(held: readonly KeyRow[], count: number): KeyRow[] {
  const out: KeyRow[] = [];
  let j = 0;
  for (let p = 1; p <= count; p++) {
    if (held[j]?.position === p) out.push(held[j++]!);
    else out.push({ position: p, locked: false });
  }
  return out;
}
