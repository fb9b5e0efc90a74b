/**
 * The node's CSTA services for callbacks (ECMA-269 callBack, callBackNonCallRelated,
 * cancelCallBack, getCallBack: all standard) and the answer to the OXE's private text message
 * requests (carried by the escape service, see protocols/csta/text-messages.ts). The requests
 * themselves live in the model (model/callbacks.ts, model/mini-messages.ts).
 */
import {
  callBack,
  callBackNonCallRelated,
  cancelCallBack,
  type EscapeResult,
  encodeTextMessageAnswer,
  getCallBack,
  type TextMessageRequest,
} from "../../../protocols/csta/index.js";
import { type Device, ModelError, type Network } from "../../model/index.js";
import type { FeatureHost } from "./feature-handlers.js";

function isLocal(h: FeatureHost, d: Device): boolean {
  try {
    h.localDevice(d.number);
    return true;
  } catch {
    return false;
  }
}

/** A device of the numbering plan (a callback's other party may be on another node). */
function anyDevice(net: Network, number: string): Device {
  const d = net.devices.get(number);
  if (!d) throw new ModelError("invalidDevice", `no device ${number}`);
  return d;
}

export function registerCallbackHandlers(h: FeatureHost): void {
  const net = h.net;
  h.on(callBack, (a, id, arg) => {
    const { device, call } = h.resolve(arg.callbackConnection);
    const req = net.callbacks.requestOnCall(device, call);
    a.link.reply(id, callBack, { targetDevice: req.target.number });
  });
  h.on(callBackNonCallRelated, (a, id, arg) => {
    net.callbacks.request(h.localDevice(arg.originatingDevice), anyDevice(net, arg.targetDevice));
    a.link.reply(id, callBackNonCallRelated, undefined);
  });
  h.on(cancelCallBack, (a, id, arg) => {
    // Either end may cancel: the caller withdrawing it, the callee deleting it.
    const originator = anyDevice(net, arg.originatingDevice);
    const target = anyDevice(net, arg.targetDevice);
    if (!isLocal(h, originator) && !isLocal(h, target))
      throw new ModelError("invalidDevice", "neither party of the callback is on this node");
    if (!net.callbacks.cancel(originator, target))
      throw new ModelError("invalidDevice", `no callback from ${originator.number} on ${target.number}`);
    a.link.reply(id, cancelCallBack, undefined);
  });
  h.on(getCallBack, (a, id, arg) => {
    const device = h.localDevice(arg.device);
    a.link.reply(id, getCallBack, {
      callBackList: net.callbacks.involving(device).map((r) => ({
        originatingDevice: r.originator.number,
        targetDevice: r.target.number,
      })),
    });
  });
}

/** The answer to a private text message request; `local` resolves a device of this node. */
export function answerTextMessage(
  net: Network,
  req: TextMessageRequest,
  local: (number: string) => Device,
): EscapeResult {
  switch (req.op) {
    case "send":
      net.miniMessages.send(local(req.sender), anyDevice(net, req.recipient), req.text);
      return undefined;
    case "read": {
      const m = net.miniMessages.takeNewest(local(req.device));
      return {
        privateData: encodeTextMessageAnswer(
          m ? { kind: "message", sender: m.sender, sentAt: m.sentAt, text: m.text } : { kind: "none" },
        ),
      };
    }
    case "count":
      return {
        privateData: encodeTextMessageAnswer({
          kind: "counts",
          ...net.miniMessages.counts(local(req.device)),
        }),
      };
  }
}
