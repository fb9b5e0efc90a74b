/**
 * The node's CSTA routeing services for its RSI points (ccd/rsi.ts): an association registers a
 * point (routeRegister), then gets its calls' route requests, re-routes and route ends as
 * invokes that expect no answer, and answers with routeSelect or routeEnd. The guides (tones,
 * voice guides, digit collection) come as escape private requests (`service: "rsi"`) and what
 * they report goes back as escapes from the switch (protocols/csta/routing-services.ts).
 *
 * An association that closes gives its points up: their waiting calls get the default treatment.
 */
import {
  type CstaFailure,
  type EscapeResult,
  escapeService,
  failure,
  type RsiPrivateRequest,
  reRoute,
  routeEnd,
  routeRegister,
  routeRegisterCancel,
  routeRequest,
  routeSelect,
} from "../../../protocols/csta/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import type { RsiApplication, RsiPoints } from "../../ccd/rsi.js";
import type { Call } from "../../model/index.js";
import type { Association } from "../common/rose-server.js";

type A = Association<CstaFailure>;

export interface RsiHost {
  rsi: RsiPoints | undefined;
  nodeId: number;
  on<Arg, R>(op: OperationSpec<Arg, R>, handler: (a: A, invokeId: number, arg: Arg) => void): void;
  callId(call: Call): string;
}

/** The application an association is, for the RSI points: one per association. */
function applicationOf(h: RsiHost, a: A, apps: WeakMap<A, RsiApplication>): RsiApplication {
  let app = apps.get(a);
  if (app) return app;
  const tell = (o: RsiPrivateRequest) => a.link.notify(escapeService, { privateData: o });
  const created: RsiApplication = {
    routeRequest: (r) => {
      const callId = h.callId(r.call);
      a.link.notify(routeRequest, {
        crossRefId: r.crossRefId,
        registerReqId: r.registerReqId,
        currentRoute: r.point,
        callingDevice: r.caller,
        routeingDevice: r.point,
        routedCall: { callId, deviceId: r.point },
        replyTimeout: r.replyTimeoutS,
      });
    },
    reRoute: (r) =>
      a.link.notify(reRoute, { crossRefId: r.crossRefId, registerReqId: r.registerReqId, reason: r.reason }),
    routeEnd: (r) => a.link.notify(routeEnd, { crossRefId: r.crossRefId, registerReqId: r.registerReqId }),
    toneStart: (point, call, tone) =>
      tell({ v: 1, service: "rsi", event: "toneStart", tone, point, callId: h.callId(call) }),
    toneStop: (point, call) =>
      tell({ v: 1, service: "rsi", event: "toneStop", point, callId: h.callId(call) }),
    digitsCollected: (point, call, collCrid, digits, cause) =>
      tell({
        v: 1,
        service: "rsi",
        event: "digitsCollected",
        point,
        callId: h.callId(call),
        collCrid,
        digits,
        cause,
      }),
  };
  app = created;
  apps.set(a, app);
  a.socket.once("close", () => h.rsi?.cancelAll(created));
  return app;
}

export function registerRsiHandlers(h: RsiHost): {
  /** an escape's `service: "rsi"` request: its result, or the refusal */
  escape(a: A, req: RsiPrivateRequest): { ok: EscapeResult } | { refused: CstaFailure };
} {
  const apps = new WeakMap<A, RsiApplication>();
  const NOT_SUPPORTED = failure("operation", "serviceNotSupported");
  /** a routeing service: refused when the network has no RSI points (no CCD) */
  const on = <Arg, R>(op: OperationSpec<Arg, R>, fn: (rsi: RsiPoints, a: A, id: number, arg: Arg) => void) =>
    h.on(op, (a, id, arg: Arg) => {
      if (!h.rsi) a.link.replyError(id, NOT_SUPPORTED);
      else fn(h.rsi, a, id, arg);
    });
  on(routeRegister, (rsi, a, id, arg) => {
    const registerReqId = rsi.register(arg.routeingDevice, h.nodeId, applicationOf(h, a, apps));
    a.link.reply(id, routeRegister, { registerReqId });
  });
  on(routeRegisterCancel, (rsi, a, id, arg) => {
    if (!rsi.cancel(arg.registerReqId, applicationOf(h, a, apps))) {
      a.link.replyError(id, failure("operation", "invalidCrossRefID"));
      return;
    }
    a.link.reply(id, routeRegisterCancel, undefined);
  });
  on(routeSelect, (rsi, a, id, arg) => {
    rsi.select(arg.crossRefId, applicationOf(h, a, apps), arg.routeSelected, {
      toVoiceMail: arg.routeToVoiceMail === true,
      ...(arg.callingLine !== undefined ? { callingLine: arg.callingLine } : {}),
      ...(arg.correlatorData ? { correlatorData: arg.correlatorData } : {}),
    });
    a.link.reply(id, routeSelect, undefined);
  });
  on(routeEnd, (rsi, a, id, arg) => {
    rsi.end(arg.crossRefId, applicationOf(h, a, apps));
    a.link.reply(id, routeEnd, undefined);
  });
  return {
    escape(a, req) {
      if (!h.rsi) return { refused: NOT_SUPPORTED };
      const app = applicationOf(h, a, apps);
      if ("event" in req) return { refused: failure("operation", "invalidFeature") };
      switch (req.op) {
        case "playTone":
          h.rsi.playTone(req.point, req.callId, app, req.tone, req.durationMs);
          return { ok: undefined };
        case "stopTone":
          h.rsi.stopTone(req.point, req.callId, app);
          return { ok: undefined };
        case "playVoiceGuide":
          h.rsi.playVoiceGuide(req.point, req.callId, app, req.guide, req.durationMs);
          return { ok: undefined };
        case "collectDigits": {
          const collCrid = h.rsi.collectDigits(req.point, req.callId, app, {
            numChars: req.numChars,
            ...(req.flushChar !== undefined ? { flushChar: req.flushChar } : {}),
            ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
          });
          return { ok: { privateData: Buffer.from(JSON.stringify({ collCrid }), "utf8") } };
        }
        case "stopCollect":
          h.rsi.stopCollect(req.point, req.collCrid, app);
          return { ok: undefined };
      }
    },
  };
}
