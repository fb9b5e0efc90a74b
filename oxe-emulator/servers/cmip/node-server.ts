/**
 * The CMIP server of one emulated OXE node: its configuration objects (see mib/) read, modified,
 * created, deleted and acted upon by managers over CMIP. Scoped M-GETs answer one linked reply
 * per object, then an empty result, as X.711 prescribes. Every change is reported to every open
 * association as an M-EVENT-REPORT (X.721 objectCreation, objectDeletion, attributeValueChange)
 * before the change is confirmed to the manager that made it: a gateway that learns of a new
 * subscriber from the report has taken it in by the time its own request completes.
 */
import {
  type ActionArgument,
  type BaseObject,
  CMIP_OPERATIONS,
  type CmipError,
  CmipEventType,
  type CmipUserInfo,
  type CreateArgument,
  cmipErrorCodec,
  cmipUserInformation,
  encodeEventAttributes,
  type FunctionalUnit,
  findCmipUserInfo,
  type GetArgument,
  mActionConfirmed,
  mCreate,
  mDelete,
  mEventReport,
  mGet,
  mLinkedReply,
  mSetConfirmed,
  negotiateCmipUserInfo,
  type SetArgument,
} from "../../../protocols/cmip/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import type { Directory } from "../../directory/index.js";
import { type MibChange, MibError, type MibResult, NodeMib, SUBSCRIBER_CLASS } from "../../mib/index.js";
import type { Network } from "../../model/index.js";
import { type Association, RoseNodeServer, type RoseServerOptions } from "../common/rose-server.js";

export type CmipServerOptions = Omit<RoseServerOptions, "protocol"> & {
  /**
   * The call model: subscribers created over CMIP become devices that can call, deleted ones
   * stop being (refused while in a call). Without it, changes stay in the configuration.
   */
  network?: Network;
};
type CmipAssociation = Association<CmipError>;

const CHECK_PASSWORD = SUBSCRIBER_CLASS.actions.find((a) => a.name === "Check_Password")!.id;

/** What this node's CMIP supports: scoped and filtered M-GETs with linked replies; no M-CANCEL-GET. */
const SUPPORTED: CmipUserInfo = {
  protocolVersions: ["version1", "version2"],
  functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
};

/** X.701 systems management, and any context under { joint-iso-itu-t(2) ms(9) }. */
function acceptsContext(oid: string): boolean {
  return oid.startsWith("2.9.");
}

export class CmipNodeServer extends RoseNodeServer<CmipError> {
  readonly mib: NodeMib;
  /** change notifications sent (every association counts once) */
  eventsReported = 0;
  /** the functional units each association agreed on in its AARQ/AARE */
  private readonly agreed = new WeakMap<CmipAssociation, ReadonlySet<FunctionalUnit>>();

  constructor(
    private readonly directory: Directory,
    options: CmipServerOptions,
  ) {
    const { network, ...rose } = options;
    super(
      { ...rose, protocol: "cmip" },
      {
        operations: CMIP_OPERATIONS.byCode,
        errors: cmipErrorCodec,
        acceptsContext,
        negotiate: (a, aarq) => {
          // No CMIPUserInfo means its DEFAULTs: version1 and the kernel functional unit only.
          let proposed: CmipUserInfo = { protocolVersions: ["version1"], functionalUnits: [] };
          try {
            proposed = findCmipUserInfo(aarq.userInformation) ?? proposed;
          } catch {
            this.log(`association ${a.id}: malformed CMIPUserInfo, taking the defaults`);
          }
          const answer = negotiateCmipUserInfo(proposed, SUPPORTED) ?? {
            protocolVersions: ["version2"],
            functionalUnits: [],
          };
          this.agreed.set(a, new Set(answer.functionalUnits));
          return [cmipUserInformation(answer)];
        },
        invoked: (a, op, invokeId, arg) => this.onInvoke(a, op, invokeId, arg),
      },
    );
    this.mib = new NodeMib(options.nodeId, directory, network);
  }

  private onInvoke(
    a: CmipAssociation,
    op: OperationSpec<unknown, unknown>,
    invokeId: number,
    arg: unknown,
  ): void {
    try {
      if (op === mGet) this.get(a, invokeId, arg as GetArgument);
      else if (op === mSetConfirmed) {
        const r = this.mib.set(arg as SetArgument);
        this.report(r.changes);
        a.link.reply(invokeId, mSetConfirmed, r.result);
      } else if (op === mCreate) {
        const r = this.mib.create(arg as CreateArgument);
        this.log(`created ${r.result.instance}`);
        this.report(r.changes);
        a.link.reply(invokeId, mCreate, r.result);
      } else if (op === mDelete) {
        const r = this.mib.delete(arg as BaseObject);
        if (r.changes.length) this.log(`deleted ${r.result.instance}`);
        this.report(r.changes);
        a.link.reply(invokeId, mDelete, r.result);
      } else if (op === mActionConfirmed) this.action(a, invokeId, arg as ActionArgument);
      else {
        this.log(`association ${a.id}: ${op.name} is not an operation a manager invokes on this node`);
        a.link.replyError(invokeId, { error: "mistypedOperation" });
      }
    } catch (err) {
      if (err instanceof MibError) {
        // The node's own words stay in its log (an OXE's incident log); X.711 carries the error's
        // parameter, and the text only inside a processingFailure.
        this.log(`${op.name} refused, ${err.code}: ${err.message}`);
        a.link.replyError(invokeId, err.error);
      } else {
        // ProcessingFailure would have to name the object class; an internal failure may not
        // know it, and X.711 makes the parameter OPTIONAL for this reason.
        this.log(`${op.name} failed: ${(err as Error).stack ?? err}`);
        a.link.replyError(invokeId, { error: "processingFailure" });
      }
    }
  }

  /**
   * A change made on the node itself (a set's prefix, the node's own console), reported to the
   * managers as their own changes are.
   */
  localChange(change: (mib: NodeMib) => MibResult): MibResult {
    const r = change(this.mib);
    this.report(r.changes);
    return r;
  }

  /** Tell every open association what changed. */
  private report(changes: MibChange[]): void {
    if (changes.length === 0) return;
    const eventTime = new Date();
    for (const c of changes) {
      const arg = {
        objectClass: c.objectClass,
        instance: c.instance,
        eventTime,
        eventType: CmipEventType[c.type],
        info: encodeEventAttributes(c.attributes),
      };
      for (const x of this.associations) {
        if (!x.accepted) continue;
        x.link.notify(mEventReport, arg);
        this.eventsReported++;
      }
    }
  }

  /** The functional unit a request needs and the association did not agree on, if any. */
  private missingUnit(a: CmipAssociation, arg: BaseObject): FunctionalUnit | undefined {
    const agreed = this.agreed.get(a);
    if (arg.scope !== undefined && arg.scope !== "baseObject") {
      if (!agreed?.has("multipleObjectSelection")) return "multipleObjectSelection";
      if (!agreed.has("multipleReply")) return "multipleReply";
    }
    if (arg.filter && !agreed?.has("filter")) return "filter";
    return undefined;
  }

  private get(a: CmipAssociation, invokeId: number, arg: GetArgument): void {
    const missing = this.missingUnit(a, arg);
    if (missing) {
      this.log(`association ${a.id}: no ${missing} functional unit agreed, request refused`);
      a.link.replyError(invokeId, {
        error: "complexityLimitation",
        limitation: missing === "filter" ? { filter: arg.filter! } : { scope: arg.scope! },
      });
      return;
    }
    const scoped = arg.scope !== undefined && arg.scope !== "baseObject";
    if (!scoped) {
      const [o] = [...this.mib.select(arg.objectClass, arg.instance, "baseObject", arg.filter)];
      if (!o) {
        // The filter selected no object: answered, as this node always has, as an absent one.
        a.link.replyError(invokeId, { error: "noSuchObjectInstance", instance: arg.instance });
        return;
      }
      a.link.reply(invokeId, mGet, {
        objectClass: o.cls.id,
        instance: o.instance,
        attributes: this.mib.attributes(o, arg.attributeIds),
      });
      return;
    }
    for (const o of this.mib.select(arg.objectClass, arg.instance, arg.scope, arg.filter)) {
      a.link.linkedReply(invokeId, mLinkedReply, {
        kind: "getResult",
        result: {
          objectClass: o.cls.id,
          instance: o.instance,
          attributes: this.mib.attributes(o, arg.attributeIds),
        },
      });
    }
    a.link.reply(invokeId, mGet, { attributes: [] });
  }

  private action(a: CmipAssociation, invokeId: number, arg: ActionArgument): void {
    if (arg.objectClass !== SUBSCRIBER_CLASS.id || arg.actionType !== CHECK_PASSWORD) {
      a.link.replyError(invokeId, {
        error: "noSuchAction",
        objectClass: arg.objectClass,
        actionType: arg.actionType,
      });
      return;
    }
    const s = this.mib.subscriber(arg.instance);
    a.link.reply(invokeId, mActionConfirmed, {
      objectClass: SUBSCRIBER_CLASS.id,
      instance: arg.instance,
      actionType: CHECK_PASSWORD,
      reply: typeof arg.info === "string" && arg.info === s.password,
    });
  }

  get directorySize(): number {
    return this.directory.subscribers.length;
  }
}
