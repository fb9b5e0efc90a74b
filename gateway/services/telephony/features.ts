/**
 * Telephony's OXE features, as the SDK's telephony-rest.ts sends them: pick-up of a call ringing
 * another set (CSTA directedPickupCall), intrusion into the call of a busy callee (intrudeCall),
 * overflow of a ringing outgoing call to the callee's voice mail and recording of a call (OXE
 * private requests in CSTA's escape service: ECMA-269 models neither), attached correlator data
 * and account information (associateData), desk sharing log on and off and the set's microphone
 * / interphony key (private requests too).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { userDevice } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";
import type { TelephonyRouteHelpers } from "./callbacks.js";
import { badValue, incompatible } from "./errors.js";
import { CallRef, CallRefParams, DeviceId, DeviceParams } from "./schemas.js";

const NUMBER = /^[0-9+*#]{1,32}$/;

const PickupBody = Type.Object({
  otherCallRef: CallRef,
  otherPhoneNumber: Type.String({ minLength: 1, maxLength: 64, description: "the device the call rings on" }),
  autoAnswer: Type.Optional(Type.Boolean()),
});
const RecordingQuery = Type.Object({
  action: Type.Enum(["Start", "Stop", "Pause", "Resume"], { description: "the SDK's RecordingAction" }),
  loginName: LoginNameQuery.properties.loginName,
});
const AttachDataBody = Type.Object({
  deviceId: DeviceId,
  hexaBinaryAssociatedData: Type.String({
    pattern: "^([0-9a-fA-F]{2}){1,32}$",
    description: "1 to 32 bytes, in hexadecimal",
  }),
});
const AccountInfoBody = Type.Object({
  deviceId: DeviceId,
  accountInfo: Type.String({ minLength: 1, maxLength: 32, description: "the business code" }),
});

const DeskSharingBody = Type.Object({
  dssDeviceNumber: Type.String({ minLength: 1, maxLength: 64, description: "the desk sharing set's number" }),
});

const RECORDING_ACTION = { Start: "start", Stop: "stop", Pause: "pause", Resume: "resume" } as const;

export async function telephonyFeatures(fastify: FastifyInstance, h: TelephonyRouteHelpers): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const { user, invoke, conn } = h;

  // ---- pick-up and intrusion: device-addressed, no loginName --------------------------------

  app.post(
    "/devices/:deviceId/pickup",
    {
      schema: {
        summary: "Picks up, on the device, a call ringing on another device (pickUp)",
        params: DeviceParams,
        body: PickupBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, undefined, req.params.deviceId);
      const device = userDevice(u, req.params.deviceId);
      const { otherCallRef, otherPhoneNumber, autoAnswer } = req.body;
      if (!NUMBER.test(otherPhoneNumber))
        throw badValue(`otherPhoneNumber "${otherPhoneNumber}" is not a phone number`, "INVALID_DESTINATION");
      if (otherPhoneNumber === device.id)
        throw badValue("a device cannot pick up its own call", "INVALID_DEVICE");
      // As the SDK documents it: autoAnswer (default false) answers the call once picked up;
      // otherwise it rings the device, to be answered there.
      const ringing = { callId: otherCallRef, deviceId: otherPhoneNumber };
      await invoke(u, (csta) => csta.pickUpCall(ringing, device.id, autoAnswer !== true));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/devices/:deviceId/intrusion",
    {
      schema: {
        summary: "Joins, from the device, the call of the busy party it called (intrusion)",
        params: DeviceParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, undefined, req.params.deviceId);
      const device = userDevice(u, req.params.deviceId);
      // The call from the device that found its callee busy: the callee shows as releasing.
      const failed = core.telephony
        .calls(u)
        .find(
          (c) =>
            c.legs.some((l) => l.deviceId === device.id) &&
            c.participants.length === 1 &&
            c.participants[0]!.state === "RELEASING",
        );
      if (!failed) throw incompatible(`${device.id} has no call to a busy party`, "INVALID_DEVICE_STATE");
      await invoke(u, (csta) => csta.intrudeCall({ callId: failed.callRef, deviceId: device.id }));
      return reply.code(204).send(null);
    },
  );

  app.put(
    "/devices/:deviceId/ithmicro",
    {
      schema: {
        summary: "Presses the device's microphone / interphony key (toggleInterphony)",
        params: DeviceParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, undefined, req.params.deviceId);
      const device = userDevice(u, req.params.deviceId).id;
      await invoke(u, (csta) => csta.callPrivateRequest({ v: 1, service: "ithMicro", device }));
      return reply.code(204).send(null);
    },
  );

  // ---- desk sharing ----------------------------------------------------------------------------

  app.post(
    "/deskSharing",
    {
      schema: {
        summary: "Logs the user on a free desk sharing set, which takes their number (deskSharingLogOn)",
        querystring: LoginNameQuery,
        body: DeskSharingBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const set = req.body.dssDeviceNumber;
      if (!NUMBER.test(set))
        throw badValue(`dssDeviceNumber "${set}" is not a phone number`, "INVALID_DEVICE");
      const device = userDevice(u, undefined).id;
      await invoke(u, (csta) =>
        csta.callPrivateRequest({ v: 1, service: "deskSharing", op: "logOn", device, set }),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/deskSharing",
    {
      schema: {
        summary: "Logs the user off their desk sharing set (deskSharingLogOff)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const device = userDevice(u, undefined).id;
      await invoke(u, (csta) =>
        csta.callPrivateRequest({ v: 1, service: "deskSharing", op: "logOff", device }),
      );
      return reply.code(204).send(null);
    },
  );

  // ---- on a call ----------------------------------------------------------------------------

  app.post(
    "/calls/:callRef/overflowToVoiceMail",
    {
      schema: {
        summary: "Sends the outgoing call, still ringing, to the callee's voice mail (overflowToVoiceMail)",
        params: CallRefParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const connection = conn(u, req.params.callRef);
      await invoke(u, (csta) =>
        csta.callPrivateRequest({ v: 1, service: "overflowToVoiceMail", connection }),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/recording",
    {
      schema: {
        summary: "Starts, stops, pauses or resumes recording the call (doRecordAction)",
        params: CallRefParams,
        querystring: RecordingQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const connection = conn(u, req.params.callRef);
      const action = RECORDING_ACTION[req.query.action];
      await invoke(u, (csta) => csta.callPrivateRequest({ v: 1, service: "recording", connection, action }));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/attachdata",
    {
      schema: {
        summary: "Attaches correlator data to the call (attachData)",
        params: CallRefParams,
        body: AttachDataBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, undefined, req.body.deviceId);
      const connection = conn(u, req.params.callRef, userDevice(u, req.body.deviceId).id);
      const correlatorData = Buffer.from(req.body.hexaBinaryAssociatedData, "hex");
      await invoke(u, (csta) => csta.associateData(connection, { correlatorData }));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/calls/:callRef/sendaccountinfo",
    {
      schema: {
        summary: "Sends account information (a business code) for the call (sendAccountInfo)",
        params: CallRefParams,
        body: AccountInfoBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req, undefined, req.body.deviceId);
      const connection = conn(u, req.params.callRef, userDevice(u, req.body.deviceId).id);
      // The OXE takes numerical transaction codes only, as the SDK documents.
      if (!/^[0-9]{1,32}$/.test(req.body.accountInfo))
        throw badValue(`accountInfo "${req.body.accountInfo}" is not a numerical business code`);
      const accountCode = Buffer.from(req.body.accountInfo, "latin1");
      await invoke(u, (csta) => csta.associateData(connection, { accountCode }));
      return reply.code(204).send(null);
    },
  );
}
