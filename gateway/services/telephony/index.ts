/**
 * The Telephony service: O2G's calls, legs and participants over the node's CSTA link. Each
 * request resolves the user it acts for, finds their device and call, and invokes the CSTA
 * service that does it; the outcome reaches clients as events, folded by the telephony engine.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ConnectionId } from "../../../protocols/csta/index.js";
import {
  alternateCall,
  answerCall,
  clearConnection,
  conferenceCall,
  consultationCall,
  deflectCall,
  generateDigits,
  holdCall,
  makeCall,
  reconnectCall,
  retrieveCall,
  singleStepTransfer,
  transferCall,
} from "../../../protocols/csta/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import type { GatewayCore } from "../../core.js";
import type { GwUser } from "../../domain/directory.js";
import type { Call } from "../../domain/telephony/index.js";
import { session, targetUser, userDevice } from "../../http/context.js";
import { notImplemented } from "../../http/errors.js";
import { badValue, callNotFound, fromCsta, incompatible, legNotFound, nodeUnavailable } from "./errors.js";
import * as S from "./schemas.js";

const NUMBER = /^[0-9+*#]{1,32}$/;

export async function telephonyService(app: FastifyInstance): Promise<void> {
  const core = app.core;

  const user = (req: FastifyRequest) => targetUser(core, req, session(core, req));

  async function invoke<A, R>(u: GwUser, op: OperationSpec<A, R>, arg: NoInfer<A>): Promise<R> {
    const node = core.node(u.nodeId);
    if (!node?.csta.rose.isUp) throw nodeUnavailable(u.nodeId);
    try {
      return await node.csta.rose.invoke(op, arg);
    } catch (err) {
      throw fromCsta(err, u.nodeId);
    }
  }

  function callOf(u: GwUser, callRef: string): Call {
    const c = core.telephony.call(u, callRef);
    if (!c) throw callNotFound(callRef);
    return c;
  }

  /** The user's connection in a call: the leg on `deviceId`, or their only leg. */
  function leg(u: GwUser, call: Call, deviceId?: string): ConnectionId {
    const l = deviceId ? call.legs.find((x) => x.deviceId === deviceId) : call.legs[0];
    if (!l) {
      if (deviceId) userDevice(u, deviceId);
      throw legNotFound(deviceId ?? call.callRef);
    }
    return { callId: call.callRef, deviceId: l.deviceId };
  }

  /**
   * The connection an action on `callRef` applies to. The gateway's view follows the node's
   * events, which may trail the answer to the request that created the call: when the view does
   * not know the call yet, the action still goes to the switch on the user's device, and the
   * switch, which knows, accepts it or answers invalidCallID (a 404).
   */
  function conn(u: GwUser, callRef: string, deviceId?: string): ConnectionId {
    const call = core.telephony.call(u, callRef);
    if (call) return leg(u, call, deviceId);
    return { callId: callRef, deviceId: userDevice(u, deviceId).id };
  }

  function checkNumber(n: unknown, what: string): string {
    if (typeof n !== "string" || !NUMBER.test(n))
      throw badValue(`${what} "${String(n)}" is not a phone number`, "INVALID_DESTINATION");
    return n;
  }

  function correlator(hex: string | undefined): Uint8Array | undefined {
    if (hex === undefined) return undefined;
    if (!/^([0-9a-fA-F]{2}){1,32}$/.test(hex))
      throw badValue("hexaBinaryAssociatedData must be 1 to 32 bytes in hexadecimal");
    return Buffer.from(hex, "hex");
  }

  /**
   * Place a call from the user's device. With a call already active on it, the OXE places a
   * consultation call (the active one is held), which is what O2G clients expect.
   */
  async function placeCall(u: GwUser, body: S.MakeCallBody): Promise<{ callRef: string }> {
    const device = userDevice(u, body.deviceId);
    const callee = checkNumber(body.callee, "callee");
    const corr = correlator(body.hexaBinaryAssociatedData);
    const activeCall = () =>
      core.telephony
        .calls(u)
        .find((c) =>
          c.legs.some(
            (l) => l.deviceId === device.id && (l.state === "ACTIVE" || l.state === "RINGING_OUTGOING"),
          ),
        );
    const consult = async (ref: string) =>
      (
        await invoke(u, consultationCall, {
          existingCall: { callId: ref, deviceId: device.id },
          consultedDevice: callee,
        })
      ).initiatedCall.callId ?? "";
    const make = async () =>
      (
        await invoke(u, makeCall, {
          callingDevice: device.id,
          calledDirectoryNumber: callee,
          autoOriginate: body.autoAnswer === false ? "prompt" : "doNotPrompt",
          ...(corr ? { correlatorData: corr } : {}),
        })
      ).callingDevice.callId ?? "";
    // The view may trail the switch by the events still in flight: when the switch disagrees
    // with the first choice, the other one is what it means.
    const active = activeCall();
    if (active) {
      try {
        return { callRef: await consult(active.callRef) };
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err;
        return { callRef: await make() };
      }
    }
    try {
      return { callRef: await make() };
    } catch (err) {
      const now = activeCall();
      if ((err as { status?: number }).status !== 409 || !now) throw err;
      return { callRef: await consult(now.callRef) };
    }
  }

  // ---- placing and answering -------------------------------------------------------------

  app.post("/basicCall", { schema: S.makeCall }, async (req) =>
    placeCall(user(req), req.body as S.MakeCallBody),
  );
  app.post("/calls", { schema: S.makeCall }, async (req) => placeCall(user(req), req.body as S.MakeCallBody));

  app.post("/basicCall/answer", { schema: S.deviceBody }, async (req, reply) => {
    const u = user(req);
    const device = userDevice(u, (req.body as S.DeviceBody).deviceId);
    const ringing = core.telephony
      .calls(u)
      .find((c) => c.legs.some((l) => l.deviceId === device.id && l.state === "RINGING_INCOMING"));
    if (!ringing) throw incompatible(`nothing is ringing on ${device.id}`, "INVALID_DEVICE_STATE");
    await invoke(u, answerCall, { connection: { callId: ringing.callRef, deviceId: device.id } });
    return reply.code(204).send();
  });

  app.post("/basicCall/dropme", async (req, reply) => {
    const u = user(req);
    const active = core.telephony.calls(u).find((c) => c.legs.some((l) => l.state !== "HELD"));
    if (!active) throw incompatible(`${u.loginName} has no active call`);
    await invoke(u, clearConnection, { connection: leg(u, active) });
    return reply.code(204).send();
  });

  // ---- calls -----------------------------------------------------------------------------

  app.get("/calls", async (req) => ({ calls: core.telephony.calls(user(req)) }));

  app.get<{ Params: { callRef: string } }>("/calls/:callRef", async (req) =>
    callOf(user(req), req.params.callRef),
  );

  const release = async (
    req: FastifyRequest<{ Params: { callRef: string } }>,
    reply: import("fastify").FastifyReply,
  ) => {
    const u = user(req);
    await invoke(u, clearConnection, { connection: conn(u, req.params.callRef) });
    return reply.code(204).send();
  };
  app.delete<{ Params: { callRef: string } }>("/calls/:callRef", release);
  app.post<{ Params: { callRef: string } }>("/calls/:callRef/dropme", release);

  const onLeg =
    (op: OperationSpec<{ connection: ConnectionId }, undefined>) =>
    async (req: FastifyRequest<{ Params: { callRef: string } }>, reply: import("fastify").FastifyReply) => {
      const u = user(req);
      await invoke(u, op, {
        connection: conn(u, req.params.callRef, (req.body as S.DeviceBody | undefined)?.deviceId),
      });
      return reply.code(204).send();
    };
  app.post("/calls/:callRef/answer", { schema: S.deviceBody }, onLeg(answerCall));
  app.post("/calls/:callRef/hold", { schema: S.optionalDeviceBody }, onLeg(holdCall));
  app.post("/calls/:callRef/retrieve", { schema: S.optionalDeviceBody }, onLeg(retrieveCall));

  /** The user's other call to pair with `callRef` for transfer and merge. */
  function heldAndActive(u: GwUser, activeRef: string, heldRef: string) {
    if (activeRef === heldRef) throw badValue("the active and held calls must differ");
    const active = core.telephony.call(u, activeRef);
    const held = core.telephony.call(u, heldRef);
    let device: string | undefined;
    if (active && held) {
      device = active.legs.find((l) => held.legs.some((h) => h.deviceId === l.deviceId))?.deviceId;
      if (!device) throw incompatible("the two calls are not on the same device", "INVALID_DEVICE");
    } else {
      device = (active ?? held)?.legs[0]?.deviceId ?? userDevice(u, undefined).id;
    }
    return {
      activeCall: { callId: activeRef, deviceId: device },
      heldCall: { callId: heldRef, deviceId: device },
    };
  }

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/transfer",
    { schema: S.heldCallBody },
    async (req, reply) => {
      const u = user(req);
      await invoke(
        u,
        transferCall,
        heldAndActive(u, req.params.callRef, (req.body as S.HeldCallBody).heldCallRef),
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/merge",
    { schema: S.heldCallBody },
    async (req, reply) => {
      const u = user(req);
      await invoke(
        u,
        conferenceCall,
        heldAndActive(u, req.params.callRef, (req.body as S.HeldCallBody).heldCallRef),
      );
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/alternate",
    { schema: S.deviceBody },
    async (req, reply) => {
      const u = user(req);
      const held = callOf(u, req.params.callRef);
      const heldLeg = leg(u, held, (req.body as S.DeviceBody).deviceId);
      const active = core.telephony
        .calls(u)
        .find(
          (c) =>
            c.callRef !== held.callRef &&
            c.legs.some((l) => l.deviceId === heldLeg.deviceId && l.state === "ACTIVE"),
        );
      if (!active) throw incompatible("no other active call to alternate with");
      await invoke(u, alternateCall, {
        heldCall: heldLeg,
        activeCall: { callId: active.callRef, deviceId: heldLeg.deviceId },
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/reconnect",
    { schema: S.reconnectBody },
    async (req, reply) => {
      const u = user(req);
      const body = req.body as S.ReconnectBody;
      const heldLeg = conn(u, req.params.callRef, body.deviceId);
      await invoke(u, reconnectCall, {
        heldCall: heldLeg,
        activeCall: conn(u, body.enquiryCallRef, heldLeg.deviceId),
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/redirect",
    { schema: S.redirectBody },
    async (req, reply) => {
      const u = user(req);
      const body = req.body as S.RedirectBody;
      let destination: string;
      if (body.redirectTo === "VOICEMAIL") {
        const vm = core.node(u.nodeId)?.voiceMailNumber;
        if (!vm)
          throw badValue(`OXE node ${u.nodeId} has no voice mail to redirect to`, "INVALID_DESTINATION");
        destination = vm;
      } else destination = checkNumber(body.redirectTo, "redirectTo");
      await invoke(u, deflectCall, { call: conn(u, req.params.callRef), destination });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/blindtransfer",
    { schema: S.blindTransferBody },
    async (req, reply) => {
      const u = user(req);
      const body = req.body as S.BlindTransferBody;
      await invoke(u, singleStepTransfer, {
        call: conn(u, req.params.callRef),
        destination: checkNumber(body.transferTo, "transferTo"),
      });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { callRef: string } }>(
    "/calls/:callRef/sendDtmf",
    { schema: S.dtmfBody },
    async (req, reply) => {
      const u = user(req);
      const body = req.body as S.DtmfBody;
      if (!/^[0-9*#A-Da-d]{1,64}$/.test(body.number)) throw badValue(`"${body.number}" are not DTMF digits`);
      await invoke(u, generateDigits, {
        connection: conn(u, req.params.callRef, body.deviceId),
        digits: body.number,
      });
      return reply.code(204).send();
    },
  );

  // ---- legs and participants -------------------------------------------------------------

  app.get<{ Params: { callRef: string } }>("/calls/:callRef/deviceLegs", async (req) => ({
    legs: callOf(user(req), req.params.callRef).legs,
  }));
  app.get<{ Params: { callRef: string; legId: string } }>(
    "/calls/:callRef/deviceLegs/:legId",
    async (req) => {
      const l = callOf(user(req), req.params.callRef).legs.find((x) => x.deviceId === req.params.legId);
      if (!l) throw legNotFound(req.params.legId);
      return l;
    },
  );
  app.get<{ Params: { callRef: string } }>("/calls/:callRef/participants", async (req) => ({
    participants: callOf(user(req), req.params.callRef).participants,
  }));
  app.get<{ Params: { callRef: string; id: string } }>("/calls/:callRef/participants/:id", async (req) => {
    const p = callOf(user(req), req.params.callRef).participants.find(
      (x) => x.participantId === req.params.id,
    );
    if (!p) throw badValue(`no participant ${req.params.id} in call ${req.params.callRef}`, "INVALID_DATA");
    return p;
  });
  app.delete<{ Params: { callRef: string; id: string } }>(
    "/calls/:callRef/participants/:id",
    async (req, reply) => {
      const u = user(req);
      const call = callOf(u, req.params.callRef);
      const p = call.participants.find((x) => x.participantId === req.params.id);
      if (!p) throw badValue(`no participant ${req.params.id} in call ${req.params.callRef}`, "INVALID_DATA");
      if (call.participants.length < 2) throw incompatible("only a conference's participants can be dropped");
      await invoke(u, clearConnection, { connection: { callId: call.callRef, deviceId: p.participantId } });
      return reply.code(204).send();
    },
  );

  // ---- state -----------------------------------------------------------------------------

  app.get("/state", async (req) => core.telephony.telephonicState(user(req)));
  app.post("/state/snapshot", async (req, reply) => {
    core.telephony.publishSnapshot(user(req));
    return reply.code(204).send();
  });
  app.get("/devices", async (req) => ({
    deviceStates: user(req).devices.map((d) => ({ deviceId: d.id, state: stateOf(core, d.owner) })),
  }));
  app.get<{ Params: { deviceId: string } }>("/devices/:deviceId", async (req) => {
    const u = user(req);
    const d = userDevice(u, req.params.deviceId);
    return { deviceId: d.id, state: stateOf(core, u) };
  });

  // ---- the rest of the catalogue --------------------------------------------------------

  app.all("/*", async (req) => {
    session(core, req);
    throw notImplemented(`telephony ${req.method} ${req.url.split("?")[0]!.replace(/^.*\/telephony/, "")}`);
  });
}

function stateOf(core: GatewayCore, u: GwUser): "IN_SERVICE" | "OUT_OF_SERVICE" {
  return core.node(u.nodeId)?.csta.rose.isUp ? "IN_SERVICE" : "OUT_OF_SERVICE";
}
