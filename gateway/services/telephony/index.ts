/**
 * The Telephony service: O2G's calls, legs and participants over the node's CSTA link. Each
 * request resolves the user it acts for, finds their device and call, and invokes the CSTA
 * service that does it; the outcome reaches clients as events, folded by the telephony engine.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { CallProfileSkill, ConnectionId } from "../../../protocols/csta/index.js";
import type { GatewayCore } from "../../core.js";
import type { GwUser } from "../../domain/directory.js";
import type { Call } from "../../domain/telephony/index.js";
import {
  CallSchema,
  DeviceStateSchema,
  LegSchema,
  ParticipantSchema,
  TelephonicStateSchema,
} from "../../domain/telephony/schema.js";
import type { CstaClient } from "../../links/index.js";
import { supervisorCallee } from "../callcenter/supervisor-call.js";
import { deviceUser, session, userDevice } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";
import { callbackRoutes } from "./callbacks.js";
import {
  badValue,
  callNotFound,
  fromCsta,
  incompatible,
  legNotFound,
  nodeUnavailable,
  participantNotFound,
} from "./errors.js";
import { telephonyFeatures } from "./features.js";
import { huntingGroupRoutes } from "./hunting-groups.js";
import { miniMessageRoutes } from "./mini-messages.js";
import { pilotRoutes } from "./pilots.js";
import * as S from "./schemas.js";

const NUMBER = /^[0-9+*#]{1,32}$/;

export async function telephonyService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  /** Who the request acts for; an administrator naming nobody acts for `deviceId`'s owner. */
  const user = (req: FastifyRequest, loginName: string | undefined, deviceId?: string) =>
    deviceUser(core, req, session(core, req), loginName, deviceId);

  /** Run a call control service on the user's node, its refusal as O2G's telephony error. */
  async function invoke<R>(u: GwUser, request: (csta: CstaClient) => Promise<R>): Promise<R> {
    const node = core.node(u.nodeId);
    if (!node?.csta.isUp) throw nodeUnavailable(u.nodeId);
    try {
      return await request(node.csta);
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
    if (core.telephony.isOthersCall(u, callRef)) throw callNotFound(callRef);
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
    // makeSupervisorCall names no callee: the OXE calls the agent's supervisor.
    const callee = body.acdCall?.callToSupervisor
      ? await supervisorCallee(core, u)
      : checkNumber(body.callee, "callee");
    const corr = correlator(body.hexaBinaryAssociatedData);
    const activeCall = () =>
      core.telephony
        .calls(u)
        .find((c) =>
          c.legs.some(
            (l) => l.deviceId === device.id && (l.state === "ACTIVE" || l.state === "RINGING_OUTGOING"),
          ),
        );
    // makePilotOrRSICall and its supervised-transfer variant: the skills the pilot's agent is
    // chosen on, carried by MakeCall or ConsultationCall alike.
    const profile = callProfile(body);
    const consult = async (ref: string) =>
      (
        await invoke(u, (csta) =>
          csta.consultationCall({ callId: ref, deviceId: device.id }, callee, profile),
        )
      ).callId ?? "";
    const extras = makeCallExtras(body);
    const make = async () =>
      (
        await invoke(u, (csta) =>
          csta.makeCall(device.id, callee, {
            ...(body.autoAnswer === false ? { autoAnswer: false } : {}),
            ...(corr ? { correlatorData: corr } : {}),
            ...extras,
            ...(profile ? { callProfile: profile } : {}),
          }),
        )
      ).callId ?? "";
    // The view may trail the switch by the events still in flight: when the switch disagrees
    // with the first choice, the other one is what it means.
    const active = activeCall();
    // makePilotOrRSISupervisedTransferCall: a consultation of the pilot, to transfer the call
    // in progress to the agent once they answer; with no call in progress there is nothing to transfer.
    if (body.acdCall?.supervisedTransfer) {
      if (!active)
        throw incompatible(
          `${device.id} has no call in progress to transfer (a supervised transfer consults the pilot from one)`,
        );
      return { callRef: await consult(active.callRef) };
    }
    // ECMA's ConsultationCall carries none of the extras: the OXE places them as new calls only.
    if (active && Object.keys(extras).length > 0)
      throw incompatible(
        `${device.id} is in a call: a private, business or makeCallEx call needs a free set`,
      );
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

  const makeCallSchema = {
    querystring: LoginNameQuery,
    body: S.MakeCallBody,
    response: { 200: S.MadeCall },
  };
  app.post(
    "/basicCall",
    {
      schema: { summary: "Places a call from one of the user's devices (basicMakeCall)", ...makeCallSchema },
    },
    async (req) => placeCall(user(req, req.query.loginName, req.body.deviceId), req.body),
  );
  app.post(
    "/calls",
    {
      schema: {
        summary: "Places a call (makeCall); with a call active on the device, a consultation call",
        ...makeCallSchema,
      },
    },
    async (req) => placeCall(user(req, req.query.loginName, req.body.deviceId), req.body),
  );

  app.post(
    "/basicCall/answer",
    {
      schema: {
        summary: "Answers the call ringing on the device (basicAnswerCall)",
        querystring: LoginNameQuery,
        body: S.DeviceBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body.deviceId);
      const device = userDevice(u, req.body.deviceId);
      const ringing = core.telephony
        .calls(u)
        .find((c) => c.legs.some((l) => l.deviceId === device.id && l.state === "RINGING_INCOMING"));
      if (!ringing) throw incompatible(`nothing is ringing on ${device.id}`, "INVALID_DEVICE_STATE");
      await invoke(u, (csta) => csta.answerCall({ callId: ringing.callRef, deviceId: device.id }));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/basicCall/dropme",
    {
      schema: {
        summary: "Leaves the user's active call (basicDropMe)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const active = core.telephony.calls(u).find((c) => c.legs.some((l) => l.state !== "HELD"));
      if (!active) throw incompatible(`${u.loginName} has no active call`);
      const connection = leg(u, active);
      await invoke(u, (csta) => csta.clearConnection(connection));
      return reply.code(204).send(null);
    },
  );

  // ---- calls -----------------------------------------------------------------------------

  app.get(
    "/calls",
    {
      schema: {
        summary: "The user's calls (getCalls)",
        querystring: LoginNameQuery,
        response: { 200: S.CallList },
      },
    },
    async (req) => ({ calls: core.telephony.calls(user(req, req.query.loginName)) }),
  );

  app.get(
    "/calls/:callRef",
    {
      schema: {
        summary: "One of the user's calls (getCall)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        response: { 200: CallSchema },
      },
    },
    async (req) => callOf(user(req, req.query.loginName), req.params.callRef),
  );

  const releaseSchema = (summary: string) => ({
    summary,
    params: S.CallRefParams,
    querystring: LoginNameQuery,
    response: { 204: NoContent },
  });
  /** release and dropme: the user's leg leaves the call (the others stay in a conference). */
  async function release(u: GwUser, callRef: string): Promise<void> {
    const connection = conn(u, callRef);
    await invoke(u, (csta) => csta.clearConnection(connection));
  }
  app.delete(
    "/calls/:callRef",
    { schema: releaseSchema("Releases the call (release)") },
    async (req, reply) => {
      await release(user(req, req.query.loginName), req.params.callRef);
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/calls/:callRef/dropme",
    { schema: releaseSchema("Leaves the call (dropme)") },
    async (req, reply) => {
      await release(user(req, req.query.loginName), req.params.callRef);
      return reply.code(204).send(null);
    },
  );

  /** answer, hold, retrieve: one service on the user's leg in the call. */
  async function onLeg(
    u: GwUser,
    callRef: string,
    deviceId: string | undefined,
    service: "answerCall" | "holdCall" | "retrieveCall",
  ): Promise<void> {
    const connection = conn(u, callRef, deviceId);
    await invoke(u, (csta) => csta[service](connection));
  }
  app.post(
    "/calls/:callRef/answer",
    {
      schema: {
        summary: "Answers the call on the device (answer)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.DeviceBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body.deviceId);
      await onLeg(u, req.params.callRef, req.body.deviceId, "answerCall");
      return reply.code(204).send(null);
    },
  );
  const holdRetrieveSchema = (summary: string) => ({
    summary,
    params: S.CallRefParams,
    querystring: LoginNameQuery,
    body: S.OptionalDeviceBody,
    response: { 204: NoContent },
  });
  app.post(
    "/calls/:callRef/hold",
    { schema: holdRetrieveSchema("Puts the call on hold (hold)") },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body?.deviceId);
      await onLeg(u, req.params.callRef, req.body?.deviceId, "holdCall");
      return reply.code(204).send(null);
    },
  );
  app.post(
    "/calls/:callRef/retrieve",
    { schema: holdRetrieveSchema("Takes the held call back (retrieve)") },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body?.deviceId);
      await onLeg(u, req.params.callRef, req.body?.deviceId, "retrieveCall");
      return reply.code(204).send(null);
    },
  );

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
      active: { callId: activeRef, deviceId: device },
      held: { callId: heldRef, deviceId: device },
    };
  }

  const pairSchema = (summary: string) => ({
    summary,
    params: S.CallRefParams,
    querystring: LoginNameQuery,
    body: S.HeldCallBody,
    response: { 204: NoContent },
  });
  app.post(
    "/calls/:callRef/transfer",
    { schema: pairSchema("Transfers the held call to this active one (transfer)") },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const calls = heldAndActive(u, req.params.callRef, req.body.heldCallRef);
      await invoke(u, (csta) => csta.transferCall(calls));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/merge",
    { schema: pairSchema("Makes a conference of this call and the held one (merge)") },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const calls = heldAndActive(u, req.params.callRef, req.body.heldCallRef);
      await invoke(u, (csta) => csta.conferenceCall(calls));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/alternate",
    {
      schema: {
        summary: "Holds the active call and takes this held one back (alternate)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.DeviceBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body.deviceId);
      const held = callOf(u, req.params.callRef);
      const heldLeg = leg(u, held, req.body.deviceId);
      const active = core.telephony
        .calls(u)
        .find(
          (c) =>
            c.callRef !== held.callRef &&
            c.legs.some((l) => l.deviceId === heldLeg.deviceId && l.state === "ACTIVE"),
        );
      if (!active) throw incompatible("no other active call to alternate with");
      const calls = { held: heldLeg, active: { callId: active.callRef, deviceId: heldLeg.deviceId } };
      await invoke(u, (csta) => csta.alternateCall(calls));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/reconnect",
    {
      schema: {
        summary: "Releases the enquiry call and takes this held one back (reconnect)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.ReconnectBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body.deviceId);
      const heldLeg = conn(u, req.params.callRef, req.body.deviceId);
      const calls = { held: heldLeg, active: conn(u, req.body.enquiryCallRef, heldLeg.deviceId) };
      await invoke(u, (csta) => csta.reconnectCall(calls));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/redirect",
    {
      schema: {
        summary: "Sends the ringing call elsewhere, or to the voice mail (redirect)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.RedirectBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const body = req.body;
      let destination: string;
      if (body.redirectTo === "VOICEMAIL") {
        const vm = core.node(u.nodeId)?.voiceMailNumber;
        if (!vm)
          throw badValue(`OXE node ${u.nodeId} has no voice mail to redirect to`, "INVALID_DESTINATION");
        destination = vm;
      } else destination = checkNumber(body.redirectTo, "redirectTo");
      const call = conn(u, req.params.callRef);
      await invoke(u, (csta) => csta.deflectCall(call, destination, body.anonymous === true));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/blindtransfer",
    {
      schema: {
        summary: "Transfers the call to a number without consulting it (blindTransfer)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.BlindTransferBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const body = req.body;
      const call = conn(u, req.params.callRef);
      const destination = checkNumber(body.transferTo, "transferTo");
      await invoke(u, (csta) => csta.singleStepTransfer(call, destination, body.anonymous === true));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/sendDtmf",
    {
      schema: {
        summary: "Sends DTMF digits on the call (sendDtmf)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.DtmfBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName, req.body.deviceId);
      const body = req.body;
      if (!/^[0-9*#A-Da-d]{1,64}$/.test(body.number)) throw badValue(`"${body.number}" are not DTMF digits`);
      const connection = conn(u, req.params.callRef, body.deviceId);
      await invoke(u, (csta) => csta.generateDigits(connection, body.number));
      return reply.code(204).send(null);
    },
  );

  // ---- park ------------------------------------------------------------------------------

  app.post(
    "/calls/:callRef/park",
    {
      schema: {
        summary: "Parks the answered call on a device, where it waits to be unparked (park)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        body: S.ParkBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const parkTo = checkNumber(req.body.parkTo, "parkTo");
      const connection = conn(u, req.params.callRef);
      await invoke(u, (csta) => csta.parkCall(connection, parkTo));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/devices/:deviceId/unpark",
    {
      schema: {
        summary: "Takes back, on the device, the call parked on it (unPark)",
        params: S.DeviceParams,
        body: S.UnparkBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      // Device-addressed, like the SDK's unPark: no loginName, the session's user (or, for an
      // administrator, the device's owner) acts.
      const u = user(req, undefined, req.params.deviceId);
      const device = userDevice(u, req.params.deviceId);
      const parked = core.telephony.call(u, req.body.heldCallRef);
      const leg = parked?.legs.find((l) => l.deviceId === device.id);
      if (parked && !leg) throw legNotFound(device.id);
      // The view shows a parked call as HELD; anything else on the set is not a parked call.
      if (leg && leg.state !== "HELD")
        throw incompatible(`call ${req.body.heldCallRef} is not parked on ${device.id}`);
      const connection = conn(u, req.body.heldCallRef, device.id);
      await invoke(u, (csta) => csta.unparkCall(connection));
      return reply.code(204).send(null);
    },
  );

  // ---- legs and participants -------------------------------------------------------------

  app.get(
    "/calls/:callRef/deviceLegs",
    {
      schema: {
        summary: "The user's devices in the call (getLegs)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        response: { 200: S.LegList },
      },
    },
    async (req) => ({ legs: callOf(user(req, req.query.loginName), req.params.callRef).legs }),
  );
  app.get(
    "/calls/:callRef/deviceLegs/:legId",
    {
      schema: {
        summary: "One of the user's devices in the call (getLeg)",
        params: S.LegParams,
        querystring: LoginNameQuery,
        response: { 200: LegSchema },
      },
    },
    async (req) => {
      const call = callOf(user(req, req.query.loginName), req.params.callRef);
      const l = call.legs.find((x) => x.deviceId === req.params.legId);
      if (!l) throw legNotFound(req.params.legId);
      return l;
    },
  );
  app.get(
    "/calls/:callRef/participants",
    {
      schema: {
        summary: "The other parties in the call (getParticipants)",
        params: S.CallRefParams,
        querystring: LoginNameQuery,
        response: { 200: S.ParticipantList },
      },
    },
    async (req) => ({
      participants: callOf(user(req, req.query.loginName), req.params.callRef).participants,
    }),
  );
  const participantOf = (call: Call, id: string) => {
    const p = call.participants.find((x) => x.participantId === id);
    if (!p) throw participantNotFound(id, call.callRef);
    return p;
  };
  app.get(
    "/calls/:callRef/participants/:participantId",
    {
      schema: {
        summary: "One of the other parties in the call (getParticipant)",
        params: S.ParticipantParams,
        querystring: LoginNameQuery,
        response: { 200: ParticipantSchema },
      },
    },
    async (req) =>
      participantOf(callOf(user(req, req.query.loginName), req.params.callRef), req.params.participantId),
  );
  app.delete(
    "/calls/:callRef/participants/:participantId",
    {
      schema: {
        summary: "Drops a party from the user's conference (dropParticipant)",
        params: S.ParticipantParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const call = callOf(u, req.params.callRef);
      const p = participantOf(call, req.params.participantId);
      if (call.participants.length < 2) throw incompatible("only a conference's participants can be dropped");
      await invoke(u, (csta) => csta.clearConnection({ callId: call.callRef, deviceId: p.participantId }));
      return reply.code(204).send(null);
    },
  );

  // ---- state -----------------------------------------------------------------------------

  app.get(
    "/state",
    {
      schema: {
        summary: "The user's calls, device capabilities and state (getState)",
        querystring: LoginNameQuery,
        response: { 200: TelephonicStateSchema },
      },
    },
    async (req) => core.telephony.telephonicState(user(req, req.query.loginName)),
  );
  app.post(
    "/state/snapshot",
    {
      schema: {
        summary: "Sends the user's whole state as an OnTelephonyState event (requestSnapshot)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      core.telephony.publishSnapshot(user(req, req.query.loginName));
      return reply.code(204).send(null);
    },
  );
  app.get(
    "/devices",
    {
      schema: {
        summary: "The state of the user's devices (getDevicesState)",
        querystring: LoginNameQuery,
        response: { 200: S.DeviceStateList },
      },
    },
    async (req) => ({
      deviceStates: user(req, req.query.loginName).devices.map((d) => ({
        deviceId: d.id,
        state: stateOf(core, d.owner),
      })),
    }),
  );
  app.get(
    "/devices/:deviceId",
    {
      schema: {
        summary: "The state of one of the user's devices (getDeviceState)",
        params: S.DeviceParams,
        querystring: LoginNameQuery,
        response: { 200: DeviceStateSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName, req.params.deviceId);
      const d = userDevice(u, req.params.deviceId);
      return { deviceId: d.id, state: stateOf(core, u) };
    },
  );

  // ---- the rest of the catalogue, in modules of their own ----------------------------------

  const helpers = { user, invoke, conn, checkNumber };
  await telephonyFeatures(fastify, helpers);
  await huntingGroupRoutes(fastify);
  await pilotRoutes(fastify);
  callbackRoutes(fastify, helpers);
  miniMessageRoutes(fastify, helpers);
}

/**
 * The call profile of makePilotOrRSICall (acdCall.skills, the SDK's CallProfile): each skill's
 * number, the level asked (expertEvalLevel, 1 best .. 4; the lowest, 4, when not given) and
 * whether it is mandatory (acrStatus).
 */
function callProfile(body: S.MakeCallBody): CallProfileSkill[] | undefined {
  const skills = body.acdCall?.skills?.skills;
  if (!skills || skills.length === 0) return undefined;
  if (body.acdCall?.callToSupervisor) throw badValue("a call to the supervisor has no call profile");
  if (skills.length > 16) throw badValue("a call profile has at most 16 skills");
  return skills.map((s, i) => {
    if (s.skillNumber === undefined || s.skillNumber < 1 || s.skillNumber > 65_535)
      throw badValue(`acdCall.skills.skills[${i}].skillNumber must be a skill number`, "INVALID_DATA");
    const level = s.expertEvalLevel ?? 4;
    if (level < 1 || level > 4)
      throw badValue(`acdCall.skills.skills[${i}].expertEvalLevel must be 1 to 4`, "INVALID_DATA");
    return { skill: s.skillNumber, level, mandatory: s.acrStatus === true };
  });
}

const CODE = /^[0-9]{1,16}$/;

/**
 * makePrivateCall (pin, secretCode: MakeCall's authCode, checked by the node against the
 * user's PIN), makeBusinessCall (businessCode: MakeCall's accountCode, a cost center of the
 * node) and makeCallEx (callingNumber, inhibitProgressTone: private data, see
 * protocols/csta/call-options.ts). The node refuses what the user may not do.
 */
function makeCallExtras(body: S.MakeCallBody) {
  const code = (v: string, what: string) => {
    if (!CODE.test(v)) throw badValue(`${what} must be digits`, "INVALID_DATA");
    return v;
  };
  if (body.secretCode !== undefined && body.pin === undefined)
    throw badValue("a secretCode goes with a pin (makePrivateCall)");
  if (body.pin !== undefined && body.businessCode !== undefined)
    throw badValue("a call is private (pin) or business (businessCode), not both");
  const out: {
    authCode?: string;
    accountCode?: string;
    callingNumber?: string;
    inhibitProgressTone?: boolean;
  } = {};
  if (body.pin !== undefined)
    out.authCode =
      body.secretCode === undefined
        ? code(body.pin, "pin")
        : `${code(body.pin, "pin")}#${code(body.secretCode, "secretCode")}`;
  if (body.businessCode !== undefined) out.accountCode = code(body.businessCode, "businessCode");
  if (body.callingNumber !== undefined) {
    if (!NUMBER.test(body.callingNumber))
      throw badValue(`callingNumber "${body.callingNumber}" is not a phone number`, "INVALID_CALLING");
    out.callingNumber = body.callingNumber;
  }
  if (body.inhibitProgressTone) out.inhibitProgressTone = true;
  return out;
}

function stateOf(core: GatewayCore, u: GwUser): "IN_SERVICE" | "OUT_OF_SERVICE" {
  return core.node(u.nodeId)?.csta.isUp ? "IN_SERVICE" : "OUT_OF_SERVICE";
}
