/**
 * The bodies and query strings of CallCenterAgent's calls, as the SDK's ccAgent-rest.ts sends
 * them: shared by the routes (agent.ts) and the msw stand-in (gateway/mock/callcenter.ts).
 */
import { type Static, Type } from "typebox";
import { LoginNameQuery } from "../common/schemas.js";

const Number_ = (description: string) =>
  Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$", description });

export const LogonBody = Type.Object({
  proAcdDeviceNumber: Number_("the pro-ACD set to log on"),
  pgGroupNumber: Type.Optional(Number_("the processing group to enter")),
  headset: Type.Optional(Type.Boolean()),
});
export type LogonBody = Static<typeof LogonBody>;
export const GroupBody = Type.Object({ pgGroupNumber: Number_("a processing group") });
export type GroupBody = Static<typeof GroupBody>;
export const WithdrawBody = Type.Object({ reasonIndex: Type.Integer({ minimum: 0, maximum: 999 }) });
export type WithdrawBody = Static<typeof WithdrawBody>;
export const WithdrawReasonsQuery = Type.Object({
  pgNumber: Number_("the processing group"),
  loginName: LoginNameQuery.properties.loginName,
});
export type WithdrawReasonsQuery = Static<typeof WithdrawReasonsQuery>;
export const AgentNumberBody = Type.Object({ agentNumber: Number_("the agent's number") });
/** The SDK's IntrusionMode: STOP (or the current mode) ends an intrusion. */
export const IntrusionMode = Type.Enum(["NORMAL", "RESTRICTED", "DISCRETE", "STOP"]);
export const IntrusionBody = Type.Object({ agentNumber: Number_("the agent"), mode: IntrusionMode });
export const SkillsBody = Type.Object({
  skills: Type.Array(Type.Integer({ minimum: 0, maximum: 999 }), { minItems: 1, maxItems: 64 }),
});
export const HelpQuery = Type.Object({
  other: Number_("the supervisor (agent side) or the agent (supervisor side)"),
  loginName: LoginNameQuery.properties.loginName,
});
