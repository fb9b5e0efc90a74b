/**
 * The CMIP link to one node: a RoseClient with CMIP's operations, and the node's object model,
 * read once per association, to speak in class and attribute names rather than local ids.
 */
import {
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  type CmipError,
  type CmipValue,
  cmipErrorCodec,
  decodeSchema,
  type Filter,
  mActionConfirmed,
  mGet,
  OBJECT_MODEL_CLASS_ID,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../protocols/rose/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import type { LinkLog } from "./csta-client.js";
import { RoseClient } from "./rose-client.js";

export type NamedAttributes = Record<string, CmipValue>;

export class CmipClient {
  readonly rose: RoseClient<CmipError>;
  private classes = new Map<string, SchemaClass>();
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
  }

  start(): void {
    this.rose.start();
  }

  stop(): void {
    this.rose.stop();
  }

  get schema(): ReadonlyMap<string, SchemaClass> {
    return this.classes;
  }

  /** Read the node's object model (after each association: the node may have been upgraded). */
  async loadSchema(): Promise<void> {
    const res = await this.rose.invoke(mGet, {
      objectClass: OBJECT_MODEL_CLASS_ID,
      instance: `${this.root}/ObjectModel=OXE`,
      attributeIds: [OBJECT_MODEL_CLASSES_ATTRIBUTE],
    });
    const attr = res.attributes.find((a) => a.id === OBJECT_MODEL_CLASSES_ATTRIBUTE);
    if (!attr) throw new Error(`node ${this.node.nodeId} sent no object model`);
    this.classes = new Map(decodeSchema(attr.value).map((c) => [c.name, c]));
  }

  classDef(name: string): SchemaClass {
    const c = this.classes.get(name);
    if (!c) throw new Error(`node ${this.node.nodeId} has no class ${name}`);
    return c;
  }

  private attrId(cls: SchemaClass, name: string): number {
    const a = cls.attributes.find((x) => x.name === name);
    if (!a) throw new Error(`class ${cls.name} has no attribute ${name}`);
    return a.id;
  }

  private named(cls: SchemaClass, attrs: { id: number; value: CmipValue }[]): NamedAttributes {
    const out: NamedAttributes = {};
    for (const a of attrs) {
      const def = cls.attributes.find((x) => x.id === a.id);
      if (def) out[def.name] = a.value;
    }
    return out;
  }

  /**
   * Every object of `className` under the node, one callback per linked reply: a 20,000-user
   * node streams in without the whole answer ever being held at once.
   */
  scopedGet(
    className: string,
    attributes: string[] | undefined,
    onObject: (instance: string, attrs: NamedAttributes) => void,
    filter?: Filter,
  ): Promise<void> {
    const cls = this.classDef(className);
    const link = this.rose.link;
    if (!link) return Promise.reject(new RemoteOperationError<CmipError>(mGet.name, { kind: "closed" }));
    return new Promise((resolve, reject) => {
      const getArg = {
        objectClass: cls.id,
        instance: this.root,
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
}
