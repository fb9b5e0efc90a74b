/**
 * The msw stand-in's CallCenterAgent, driven as the SDK's ccAgent-rest.ts drives the gateway:
 * the answers and events must fit the schemas the gateway's routes declare, the refusals be
 * O2G's error JSON with the gateway's statuses.
 */
import { setupServer } from "msw/node";
import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient, type O2gEvent } from "../../scenarios/o2g-client/index.js";
import {
  AgentConfigSchema,
  OperatorStateSchema,
  WithdrawReasonsSchema,
} from "../domain/callcenter/schema.js";
import { O2gErrorSchema } from "../http/contract/error-schema.js";
import { createMockO2g } from "./index.js";

const BASE = "https://o2g.mock.test";
const { handlers } = createMockO2g();
const server = setupServer(...handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const viaMsw: typeof fetch = (input, init) => fetch(input, init);
const login = (user: string, password = "0000") =>
  O2gClient.login({ baseUrl: BASE, login: user, password, fetch: viaMsw });

function expectFits(schema: TSchema, value: unknown, what: string): void {
  const errors = [...Value.Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`);
  expect(errors, `${what} fits its schema`).toEqual([]);
}

const changed = (sub?: string) => (e: O2gEvent) =>
  e.eventName === "OnAgentStateChanged" &&
  (sub === undefined || (e.state as { subState?: string }).subState === sub);

describe("CallCenterAgent in the msw stand-in", () => {
  it("an agent's day: configuration, logon, ready, pause, wrap-up, withdraw, logoff", async () => {
    const agent = await login("oxe10001");
    expect(agent.session.services.map((s) => s.serviceName)).toContain("AcdAgent");
    const ev = await agent.subscribe([{ names: ["agent"] }]);

    const config = await agent.get("acdagent", "config");
    expectFits(AgentConfigSchema, config.body, "the configuration");
    expect(config.body).toMatchObject({
      type: "AGENT",
      proacd: "10001",
      processingGroups: { preferred: "7501" },
    });
    expect((await agent.get("acdagent", "state")).body).toEqual({ mainState: "LOG_OFF", withdraw: false });

    expect(
      (await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10001", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    const on = await ev.next(changed("PAUSE"));
    expectFits(OperatorStateSchema, on.state, "the event's state");
    expect(on).toMatchObject({
      loginName: "oxe10001",
      state: { mainState: "LOG_ON", subState: "PAUSE", proAcdDeviceNumber: "10001", pgNumber: "7501" },
    });
    for (const [path, sub] of [
      ["ready", "READY"],
      ["pause", "PAUSE"],
      ["wrapUp", "WRAPUP"],
      ["ready", "READY"],
    ] as const) {
      expect((await agent.post("acdagent", path)).status).toBe(204);
      await ev.next(changed(sub));
    }
    const reasons = await agent.get<{ reasons: { index: number; label: string }[] }>(
      "acdagent",
      "withdrawReasons",
      {
        pgNumber: "7501",
      },
    );
    expectFits(WithdrawReasonsSchema, reasons.body, "the withdraw reasons");
    expect(reasons.body.reasons).toContainEqual({ index: 2, label: "Meeting" });
    expect((await agent.post("acdagent", "withdraw", { reasonIndex: 2 })).status).toBe(204);
    expect(await ev.next(changed("WITHDRAW"))).toMatchObject({
      state: { withdraw: true, withdrawReason: 2 },
    });
    const state = await agent.get("acdagent", "state");
    expectFits(OperatorStateSchema, state.body, "the state");
    expect(state.body).toMatchObject({ mainState: "LOG_ON", subState: "WITHDRAW", withdrawReason: 2 });

    expect((await agent.post("acdagent", "exit", { pgGroupNumber: "7501" })).status).toBe(204);
    await ev.next(changed("OUT_OF_PG"));
    expect((await agent.post("acdagent", "enter", { pgGroupNumber: "7501" })).status).toBe(204);
    await ev.next(changed("PAUSE"));
    expect((await agent.post("acdagent", "state/snapshot")).status).toBe(204);
    await ev.next(changed("PAUSE"));
    expect((await agent.post("acdagent", "logoff")).status).toBe(204);
    expect(await ev.next(changed())).toMatchObject({ state: { mainState: "LOG_OFF" } });
  });

  it("answers bad input as the gateway does", async () => {
    const agent = await login("oxe10002");
    const other = await login("oxe10003");
    const send = (c: O2gClient, method: string, path: string, body?: unknown, query = {}) =>
      c.send<Record<string, unknown>>(method, c.url("acdagent", path, query), body);
    const expectError = (res: { status: number; body: unknown }, status: number) => {
      expect(res.status).toBe(status);
      expectFits(O2gErrorSchema, res.body, `the ${status} error`);
    };
    expectError(await send(agent, "POST", "ready"), 409); // not logged on
    expectError(await send(agent, "POST", "logoff"), 409);
    expectError(
      await send(agent, "POST", "logon", { proAcdDeviceNumber: "10002", pgGroupNumber: "7599" }),
      403,
    );
    expectError(await send(agent, "POST", "logon", { proAcdDeviceNumber: "" }), 400);
    expectError(await send(agent, "POST", "logon", { proAcdDeviceNumber: "19999" }), 400);
    expect(
      (await send(agent, "POST", "logon", { proAcdDeviceNumber: "10002", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    expectError(await send(agent, "POST", "withdraw", {}), 400);
    expectError(await send(agent, "POST", "withdraw", { reasonIndex: 42 }), 400);
    expectError(await send(agent, "GET", "withdrawReasons", undefined, { pgNumber: "7599" }), 404);
    expectError(await send(agent, "POST", "enter", { pgGroupNumber: "7501" }), 409); // already in it
    // a user who is no CCD operator, even naming another's login (a user acts for itself)
    expectError(await send(other, "GET", "config"), 403);
    expectError(await send(other, "POST", "logoff", undefined, { loginName: "oxe10002" }), 403);
    // an administrator acts for the agent it names
    const admin = await login("admin", "Sandbox-Admin-1");
    expect((await admin.get("acdagent", "state", { loginName: "oxe10002" })).body).toMatchObject({
      pgNumber: "7501",
    });
    expect((await admin.post("acdagent", "logoff", undefined, { loginName: "oxe10002" })).status).toBe(204);
    // what the stand-in does not do: O2G's 501
    expectError(await send(agent, "POST", "supervisorHelp"), 501);
  });
});
