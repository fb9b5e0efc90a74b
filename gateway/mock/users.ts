/**
 * The stand-in's people: a handful of users with one desk phone each, and an administrator, the
 * same logins the sandbox prints (oxe<number> / 0000, admin / Sandbox-Admin-1), so a front end
 * written against the mock logs in unchanged against `npm start`.
 */
import type { PartyInfo } from "../domain/telephony/schema.js";

export interface MockUser {
  loginName: string;
  password: string;
  number: string;
  firstName: string;
  lastName: string;
}

export interface MockAdmin {
  loginName: string;
  password: string;
}

const NAMES: readonly [string, string][] = [
  ["Alice", "Martin"],
  ["Bruno", "Bernard"],
  ["Chloé", "Dubois"],
  ["David", "Thomas"],
  ["Emma", "Robert"],
];

/** oxe10000 .. oxe10004, password 0000. */
export const DEFAULT_USERS: readonly MockUser[] = NAMES.map(([firstName, lastName], i) => ({
  loginName: `oxe${10000 + i}`,
  password: "0000",
  number: String(10000 + i),
  firstName,
  lastName,
}));

export const DEFAULT_ADMIN: MockAdmin = { loginName: "admin", password: "Sandbox-Admin-1" };

/** The wire's User (as gateway/domain/user-view.ts writes it). */
export function userJson(u: MockUser) {
  return {
    companyPhone: u.number,
    firstName: u.firstName,
    lastName: u.lastName,
    loginName: u.loginName,
    devices: [{ type: "DESKPHONE", id: u.number, subType: "ALE-500" }],
    nodeId: "1",
  };
}

/** Who a number is, as a call participant (gateway/domain/telephony/views.ts partyInfo). */
export function partyInfo(number: string, byNumber: ReadonlyMap<string, MockUser>): PartyInfo {
  const u = byNumber.get(number);
  if (!u) return { id: { phoneNumber: number }, displayName: number, type: { main: "EXTERNAL" } };
  return {
    id: { loginName: u.loginName, phoneNumber: number },
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: `${u.firstName} ${u.lastName}`,
    type: { main: "USER", subType: "ALE-500" },
  };
}
