/**
 * The CMIP server of one emulated OXE node: its configuration objects (see mib/) read and
 * acted upon by the gateway over CMIP. Scoped M-GETs answer one linked reply per object, then
 * an empty result, as X.711 prescribes.
 */
import {
  type ActionArgument,
  CMIP_OPERATIONS,
  type CmipError,
  cmipErrorCodec,
  type GetArgument,
  mActionConfirmed,
  mGet,
  mLinkedReply,
} from "../../../protocols/cmip/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import type { Directory } from "../../directory/index.js";
import { MibError, NodeMib, SUBSCRIBER_CLASS } from "../../mib/index.js";
import { type Association, RoseNodeServer, type RoseServerOptions } from "../common/rose-server.js";

export type CmipServerOptions = Omit<RoseServerOptions, "protocol">;
type CmipAssociation = Association<CmipError>;

const CHECK_PASSWORD = SUBSCRIBER_CLASS.actions.find((a) => a.name === "Check_Password")!.id;

/** X.701 systems management, and any context under { joint-iso-itu-t(2) ms(9) }. */
function acceptsContext(oid: string): boolean {
  return oid.startsWith("2.9.");
}

export class CmipNodeServer extends RoseNodeServer<CmipError> {
  readonly mib: NodeMib;

  constructor(
    private readonly directory: Directory,
    options: CmipServerOptions,
  ) {
    super(
      { ...options, protocol: "cmip" },
      {
        operations: CMIP_OPERATIONS.byCode,
        errors: cmipErrorCodec,
        acceptsContext,
        invoked: (a, op, invokeId, arg) => this.onInvoke(a, op, invokeId, arg),
      },
    );
    this.mib = new NodeMib(options.nodeId, directory);
  }

  private onInvoke(
    a: CmipAssociation,
    op: OperationSpec<unknown, unknown>,
    invokeId: number,
    arg: unknown,
  ): void {
    try {
      if (op === mGet) this.get(a, invokeId, arg as GetArgument);
      else if (op === mActionConfirmed) this.action(a, invokeId, arg as ActionArgument);
      else {
        a.link.replyError(invokeId, {
          error: "processingFailure",
          text: `${op.name} is not supported by this node`,
        });
      }
    } catch (err) {
      if (err instanceof MibError) a.link.replyError(invokeId, { error: err.code, text: err.message });
      else {
        this.log(`${op.name} failed: ${(err as Error).stack ?? err}`);
        a.link.replyError(invokeId, { error: "processingFailure", text: "internal error" });
      }
    }
  }

  private get(a: CmipAssociation, invokeId: number, arg: GetArgument): void {
    const scoped = arg.scope !== undefined && arg.scope !== "baseObject";
    if (!scoped) {
      const [o] = [...this.mib.select(arg.objectClass, arg.instance, "baseObject", arg.filter)];
      if (!o) {
        a.link.replyError(invokeId, {
          error: "noSuchObjectInstance",
          text: `${arg.instance} does not match the filter`,
        });
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
        text: `no action ${arg.actionType} on class ${arg.objectClass}`,
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
