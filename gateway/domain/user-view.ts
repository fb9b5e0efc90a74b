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

/** The SDKs' UserJson, as this gateway fills it (no voice mail, external login or e-mail yet). */
export const UserSchema = Type.Object(
  {
    companyPhone: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    loginName: Type.String(),
    devices: Type.Array(DeviceSchema),
    nodeId: Type.String({ description: "the OXE node, as text" }),
  },
  { title: "User" },
);
export type UserJson = Static<typeof UserSchema>;

export function userJson(u: GwUser): UserJson {
  return {
    companyPhone: u.companyPhone,
    firstName: u.firstName,
    lastName: u.lastName,
    loginName: u.loginName,
    devices: u.devices.map((d) => ({ type: d.type, id: d.id, subType: d.subType })),
    nodeId: String(u.nodeId),
  };
}
