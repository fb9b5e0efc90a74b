/**
 * The CMIP link to one node: a RoseClient with CMIP's operations, and the node's object model,
 * read once per association, to speak in class and attribute names rather than local ids.
 * Requests are pipelined on the one association (the RoseLink matches answers by invoke id), so
 * a burst of REST requests for a node becomes a burst of PDUs, not a queue of round trips. The
 * node's change notifications (M-EVENT-REPORT) are decoded into names and handed to listeners.
 */
import {
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  type CmipError,
  type CmipEventName,
  type CmipValue,
  cmipErrorCodec,
  cmipUserInformation,
  decodeEventAttributes,
  type EventReportArgument,
  eventName,
  type Filter,
  type ModifyOperator,
  mActionConfirmed,
  mCreate,
  mDelete,
  mEventReport,
  mGet,
  mSetConfirmed,
  readLinkedGetRowValues,
  type SchemaAttribute,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../protocols/rose/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import type { LinkLog } from "./csta-client.js";
import { objectModelRead } from "./object-model.js";
import { RoseClient } from "./rose-client.js";

export type NamedAttributes = Record<string, CmipValue>;

/** One object as a scoped M-GET returns it. */
export interface CmipObject {
  instance: string;
  attributes: NamedAttributes;
}

/** A node's change notification (M-EVENT-REPORT), in names. */
export interface CmipEvent {
  type: CmipEventName;
  className: string;
  instance: string;
  time: Date | undefined;
  /** creation: the new object's attributes; change: those that changed; deletion: none */
  attributes: NamedAttributes;
}

/** A class or attribute name the node's object model does not have (a caller's mistake, not the link's). */
export class UnknownNameError extends Error {
  override readonly name = "UnknownNameError";
  constructor(
    readonly kind: "class" | "attribute",
    readonly what: string,
    message: string,
  ) {
    super(message);
  }
}

export class CmipClient {
  readonly rose: RoseClient<CmipError>;
  private classes = new Map<string, SchemaClass>();
  private classesById = new Map<number, SchemaClass>();
  private readonly attributeNames = new WeakMap<SchemaClass, Map<number, string>>();
  private readonly eventListeners = new Set<{
    className: string | undefined;
    listener: (e: CmipEvent) => void;
  }>();
  readonly root: string;

  constructor(
    private readonly node: NodeConfig,
    links: GatewayConfig["links"],
    log: LinkLog,
  ) {
    this.root = `Node=${node.nodeId}`;
    const endpoints = [node.cmip, ...(node.cmipSecondary ? [node.cmipSecondary] : [])];
    this.rose = new RoseClient<CmipError>({
      name: `node ${node.nodeId} CMIP`,
      endpoints,
      applicationContext: CMIP_APPLICATION_CONTEXT,
      // X.711: scoped, filtered gets answered by linked replies need these functional units
      userInformation: [
        cmipUserInformation({
          protocolVersions: ["version1", "version2"],
          functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
        }),
      ],
      login: node.login,
      password: node.password,
      operations: CMIP_OPERATIONS.byCode,
      errors: cmipErrorCodec,
      invokeTimeoutMs: links.invokeTimeoutMs,
      connectTimeoutMs: links.connectTimeoutMs,
      reconnectMinMs: links.reconnectMinMs,
      reconnectMaxMs: links.reconnectMaxMs,
      log,
    });
    this.rose.on("invoked", (op, _invokeId, arg) => {
      if (op === mEventReport) this.onEventReport(arg as EventReportArgument);
    });
  }

  /**
   * Be told of the node's configuration changes (of objects of `className` only, when given: the
   * others are not even decoded); returns the function that stops it.
   */
  get isUp(): boolean {
    return this.rose.isUp;
  }

  /** Be told each time the association comes (back) up: the node's model may have changed. */
  onUp(listener: () => void): () => void {
    this.rose.on("up", listener);
    return () => this.rose.off("up", listener);
  }

  onEvent(listener: (e: CmipEvent) => void, className?: string): () => void {
    const entry = { className, listener };
    this.eventListeners.add(entry);
    return () => this.eventListeners.delete(entry);
  }

  private onEventReport(arg: EventReportArgument): void {
    const cls = this.classesById.get(arg.objectClass);
    const type = eventName(arg.eventType);
    // Before the model is read there is nobody to tell: the read that follows sees the change.
    if (!cls || !type) return;
    let e: CmipEvent | undefined;
    for (const { className, listener } of this.eventListeners) {
      if (className !== undefined && className !== cls.name) continue;
      e ??= {
        type,
        className: cls.name,
        instance: arg.instance,
        time: arg.eventTime,
        attributes: this.named(cls, decodeEventAttributes(arg.info)),
      };
      listener(e);
    }
  }

  start(): void {
    this.rose.start();
  }

  /** Release the association (see RoseClient.stop). */
  stop(): Promise<void> {
    return this.rose.stop();
  }

  get schema(): ReadonlyMap<string, SchemaClass> {
    return this.classes;
  }

  /** Read the node's object model (after each association: the node may have been upgraded). */
  async loadSchema(): Promise<void> {
    const read = objectModelRead(this.node.nodeId, this.root);
    const classes = await this.rose.invoke(read.op, read.argument);
    this.classes = new Map(classes.map((c) => [c.name, c]));
    this.classesById = new Map(classes.map((c) => [c.id, c]));
  }

  classDef(name: string): SchemaClass {
    const c = this.classes.get(name);
    if (!c) throw new UnknownNameError("class", name, `node ${this.node.nodeId} has no class ${name}`);
    return c;
  }

  attributeDef(cls: SchemaClass, name: string): SchemaAttribute {
    const a = cls.attributes.find((x) => x.name === name);
    if (!a) throw new UnknownNameError("attribute", name, `class ${cls.name} has no attribute ${name}`);
    return a;
  }

  private attrId(cls: SchemaClass, name: string): number {
    return this.attributeDef(cls, name).id;
  }

  private named(cls: SchemaClass, attrs: { id: number; value: CmipValue }[]): NamedAttributes {
    // Once per class, not a search of its attributes per attribute per object: the startup
    // reads every subscriber of the node this way (20,000 objects of ~20 attributes each).
    let names = this.attributeNames.get(cls);
    if (!names) {
      names = new Map(cls.attributes.map((a) => [a.id, a.name]));
      this.attributeNames.set(cls, names);
    }
    const out: NamedAttributes = {};
    for (const a of attrs) {
      const name = names.get(a.id);
      if (name !== undefined) out[name] = a.value;
    }
    return out;
  }

  /**
   * Every object of `className` under `base` (the node by default), one callback per linked
   * reply: a 20,000-user node streams in without the whole answer ever being held at once.
   */
  scopedGet(
    className: string,
    attributes: string[] | undefined,
    onObject: (instance: string, attrs: NamedAttributes) => void,
    filter?: Filter,
    base: string = this.root,
  ): Promise<void> {
    const cls = this.classDef(className);
    const link = this.rose.link;
    if (!link) return Promise.reject(new RemoteOperationError<CmipError>(mGet.name, { kind: "closed" }));
    return new Promise((resolve, reject) => {
      const getArg = {
        objectClass: cls.id,
        instance: base,
        scope: "firstLevelOnly" as const,
        ...(attributes ? { attributeIds: attributes.map((n) => this.attrId(cls, n)) } : {}),
        ...(filter ? { filter } : {}),
      };
      link.invoke(
        mGet,
        getArg,
        (err) => (err ? reject(err) : resolve()),
        (_apdu, reply) => {
          const r = reply as {
            kind: string;
            result?: { instance?: string; attributes: { id: number; value: CmipValue }[] };
          };
          if (r.kind === "getResult" && r.result?.instance)
            onObject(r.result.instance, this.named(cls, r.result.attributes));
        },
      );
    });
  }

  /**
   * scopedGet's values by position rather than by name: `onRow` gets each object's values in
   * the order of `attributes` (undefined where the object has none), in an array it must not
   * keep (the next object reuses it). The replies are decoded straight into that array: no
   * object per attribute nor dictionary by name per object, a quarter of the CPU the startup
   * read of a node's subscribers took that way. No caller wanted the objects' instances: they
   * are not decoded (scopedGet gives them).
   *
   * `opts.base` and `opts.filter` as scopedGet's; `opts.askAll` asks for every attribute (no
   * attribute list in the request, the bytes scopedGet sends without one) and keeps `attributes`.
   */
  scopedRows(
    className: string,
    attributes: readonly string[],
    onRow: (values: readonly (CmipValue | undefined)[]) => void,
    opts: { base?: string; filter?: Filter; askAll?: boolean } = {},
  ): Promise<void> {
    const cls = this.classDef(className);
    const link = this.rose.link;
    if (!link) return Promise.reject(new RemoteOperationError<CmipError>(mGet.name, { kind: "closed" }));
    const attributeIds = attributes.map((n) => this.attrId(cls, n));
    const positions = new Map(attributeIds.map((id, i) => [id, i]));
    const values = new Array<CmipValue | undefined>(attributes.length);
    const getArg = {
      objectClass: cls.id,
      instance: opts.base ?? this.root,
      scope: "firstLevelOnly" as const,
      ...(opts.askAll ? {} : { attributeIds }),
      ...(opts.filter ? { filter: opts.filter } : {}),
    };
    return new Promise((resolve, reject) => {
      link.invoke(
        mGet,
        getArg,
        (err) => (err ? reject(err) : resolve()),
        (_apdu, named) => {
          if (named) onRow(values);
        },
        (r) => readLinkedGetRowValues(r, positions, values),
      );
    });
  }

  /** The objects of `className` under `base`, collected. */
  async list(
    className: string,
    opts: { base?: string; attributes?: string[]; filter?: Filter } = {},
  ): Promise<CmipObject[]> {
    const out: CmipObject[] = [];
    await this.scopedGet(
      className,
      opts.attributes,
      (instance, attributes) => out.push({ instance, attributes }),
      opts.filter,
      opts.base ?? this.root,
    );
    return out;
  }

  async get(className: string, instance: string, attributes?: string[]): Promise<NamedAttributes> {
    const cls = this.classDef(className);
    const res = await this.rose.invoke(mGet, {
      objectClass: cls.id,
      instance,
      ...(attributes ? { attributeIds: attributes.map((n) => this.attrId(cls, n)) } : {}),
    });
    return this.named(cls, res.attributes);
  }

  async action(
    className: string,
    instance: string,
    actionName: string,
    info?: CmipValue,
  ): Promise<CmipValue | undefined> {
    const cls = this.classDef(className);
    const action = cls.actions.find((a) => a.name === actionName);
    if (!action) throw new Error(`class ${className} has no action ${actionName}`);
    const res = await this.rose.invoke(mActionConfirmed, {
      objectClass: cls.id,
      instance,
      actionType: action.id,
      ...(info !== undefined ? { info } : {}),
    });
    return res.reply;
  }

  /**
   * M-SET: `values` replace, `toDefault` go back to their default. Answers the modified
   * attributes as the node now holds them (write-only ones excepted).
   */
  async set(
    className: string,
    instance: string,
    values: NamedAttributes,
    toDefault: string[] = [],
  ): Promise<NamedAttributes> {
    const cls = this.classDef(className);
    const modifications: { operator?: ModifyOperator; id: number; value?: CmipValue }[] = [];
    for (const [name, value] of Object.entries(values))
      modifications.push({ id: this.attrId(cls, name), value });
    for (const name of toDefault)
      modifications.push({ operator: "setToDefault", id: this.attrId(cls, name) });
    const res = await this.rose.invoke(mSetConfirmed, { objectClass: cls.id, instance, modifications });
    return this.named(cls, res.attributes);
  }

  /** M-CREATE below `superior` (the node by default); answers the new object as the node made it. */
  async create(
    className: string,
    values: NamedAttributes,
    superior: string = this.root,
  ): Promise<CmipObject> {
    const cls = this.classDef(className);
    const res = await this.rose.invoke(mCreate, {
      objectClass: cls.id,
      superiorInstance: superior,
      attributes: Object.entries(values).map(([name, value]) => ({ id: this.attrId(cls, name), value })),
    });
    return { instance: res.instance ?? "", attributes: this.named(cls, res.attributes) };
  }

  async delete(className: string, instance: string): Promise<void> {
    const cls = this.classDef(className);
    await this.rose.invoke(mDelete, { objectClass: cls.id, instance });
  }
}
