/**
 * A user as O2G shows it (the SDKs' User): the Users service answers with it, and the Users
 * Management events carry it, so it lives with the directory rather than in either service.
 */
import { type Static, Type } from "typebox";
import type { GwUser } from "./directory.js";

/** The SDKs' DeviceJson. */
export const DeviceSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal("DESKPHONE"),
      Type.Literal("SOFTPHONE"),
      Type.Literal("DECT"),
      Type.Literal("MOBILE"),
    ]),
    id: Type.String(),
    subType: Type.Optional(Type.String({ description: "the set's model" })),
  },
  { title: "Device" },
);
export type DeviceJson = Static<typeof DeviceSchema>;

/** The SDKs' UserJson. */
export const UserSchema = Type.Object(
  {
    companyPhone: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    loginName: Type.String(),
    voicemail: Type.Optional(
      Type.Object(
        {
          number: Type.String({ description: "the voice mail's number" }),
          type: Type.Union([Type.Literal("VM_4635"), Type.Literal("VM_4645"), Type.Literal("EXTERNAL")]),
        },
        { title: "Voicemail" },
      ),
    ),
    devices: Type.Array(DeviceSchema),
    nodeId: Type.String({ description: "the OXE node, as text" }),
    externalLogin: Type.Optional(Type.String({ description: "the user's login in an external directory" })),
    eMailAddress: Type.Optional(Type.String()),
  },
  { title: "User" },
);
export type UserJson = Static<typeof UserSchema>;

/**
 * `voiceMailNumber`: the user's node's voice mail. The emulated nodes' voice mail is a 4645
 * (its mailboxes are read over IMAP), the only kind this gateway knows of.
 */
export function userJson(u: GwUser, voiceMailNumber?: string): UserJson {
  const json: UserJson = {
    companyPhone: u.companyPhone,
    firstName: u.firstName,
    lastName: u.lastName,
    loginName: u.loginName,
    devices: u.devices.map((d) => ({ type: d.type, id: d.id, subType: d.subType })),
    nodeId: String(u.nodeId),
  };
  if (voiceMailNumber) json.voicemail = { number: voiceMailNumber, type: "VM_4645" };
  if (u.externalLogin) json.externalLogin = u.externalLogin;
  if (u.eMailAddress) json.eMailAddress = u.eMailAddress;
  return json;
}
