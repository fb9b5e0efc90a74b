/**
 * The emulated CCD over a real CSTA link (BER over TCP), as a CTI application sees it: agent
 * logon / ready / not ready with setAgentState, its state with getAgentState, agent events on
 * the agent's monitor, a call to a pilot queued (numberQueued) then delivered to the agent with
 * the pilot as last redirection device, wrap-up then ready, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoseClient } from "../../gateway/links/index.js";
import { type Emulator, startEmulator } from "../../oxe-emulator/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaEvent,
  type CstaFailure,
  cstaErrorCodec,
  cstaEventReport,
  type EventReport,
  getAgentState,
  makeCall,
  monitorStart,
  setAgentState,
} from "../../protocols/csta/index.js";

let emu: Emulator;
let client: RoseClient<CstaFailure>;
const events: { device: string; event: CstaEvent }[] = [];
const byRef = new Map<string, string>();

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const seen = (device: string, type: CstaEvent["type"]) =>
  until(() => events.find((e) => e.device === device && e.event.type === type)?.event);

beforeAll(async () => {
  emu = await startEmulator({ users: 40, agents: 0.5, ccdWrapUpMs: 200, heartbeatMs: 0, firstNumber: 10000 });
  client = new RoseClient<CstaFailure>({
    name: "test",
    endpoints: [emu.node(1).cstaEndpoint],
    applicationContext: CSTA_APPLICATION_CONTEXT,
    login: emu.config.linkLogin,
    password: emu.config.linkPassword,
    operations: CSTA_OPERATIONS.byCode,
    errors: cstaErrorCodec,
    invokeTimeoutMs: 3000,
    connectTimeoutMs: 2000,
    reconnectMinMs: 100,
    reconnectMaxMs: 1000,
    log: () => {},
  });
  client.on("invoked", (op, _id, arg) => {
    if (op !== cstaEventReport) return;
    const r = arg as EventReport;
    events.push({ device: byRef.get(r.crossRefId) ?? "?", event: r.event });
  });
  client.start();
  await new Promise<void>((r) => client.once("up", () => r()));
  for (const device of ["10001", "7001", "10030"]) {
    const { crossRefId } = await client.invoke(monitorStart, { device });
    byRef.set(crossRefId, device);
  }
});

afterAll(async () => {
  client?.stop();
  await emu?.stop();
});

describe("CCD agents on the CSTA link", () => {
  it("logs an agent on, makes it ready, distributes a pilot call to it, wraps up", async () => {
    await client.invoke(setAgentState, {
      device: "10001",
      requestedAgentState: "loggingOn",
      agentID: "10001",
      group: "7501",
    });
    expect(await seen("10001", "agentLoggedOn")).toMatchObject({
      agentDevice: "10001",
      acdGroup: "7501",
      private: { mainState: "LOG_ON", subState: "PAUSE", pgNumber: "7501", proAcdDeviceNumber: "10001" },
    });
    await client.invoke(setAgentState, { device: "10001", requestedAgentState: "ready" });
    await seen("10001", "agentReady");

    await client.invoke(makeCall, {
      callingDevice: "10030",
      calledDirectoryNumber: "7001",
      autoOriginate: "doNotPrompt",
    });
    expect(await seen("7001", "queued")).toMatchObject({
      queue: "7001",
      numberQueued: 1,
      cause: "enteringDistribution",
    });
    expect(await seen("10001", "delivered")).toMatchObject({
      alertingDevice: "10001",
      callingDevice: "10030",
      lastRedirectionDevice: "7001",
      cause: "distributed",
    });
    await seen("10001", "agentBusy");
    const state = await client.invoke(getAgentState, { device: "10001" });
    expect(state.agentStateList).toEqual([
      { agentID: "10001", loggedOnState: true, agentInfo: [{ acdGroup: "7501", agentState: "agentBusy" }] },
    ]);
    expect(state.private).toMatchObject({ subState: "BUSY" });

    emu.phone("10001").answer();
    await seen("10001", "established");
    emu.phone("10030").hangUp();
    await seen("10001", "agentWorkingAfterCall");
    events.length = 0;
    await seen("10001", "agentReady");
  });

  it("withdraws with a reason, and refuses what the CCD refuses", async () => {
    await client.invoke(setAgentState, {
      device: "10001",
      requestedAgentState: "notReady",
      private: { subState: "WITHDRAW", withdrawReason: 2 },
    });
    expect(await seen("10001", "agentNotReady")).toMatchObject({
      private: { subState: "WITHDRAW", withdrawReason: 2 },
    });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => "accepted",
        (e: { failure?: { error?: unknown } }) => e.failure?.error,
      );
    // no reason
    expect(
      await refusal(
        client.invoke(setAgentState, {
          device: "10001",
          requestedAgentState: "notReady",
          private: { subState: "WITHDRAW" },
        }),
      ),
    ).toEqual({ category: "operation", value: 3 });
    // not an operator
    expect(
      await refusal(client.invoke(setAgentState, { device: "10030", requestedAgentState: "ready" })),
    ).toEqual({ category: "operation", value: 12 });
    // a group it may not log on to
    const outsider = emu.ccd!.config.operators.find((o) => !o.groups.includes("7501"))!;
    expect(
      await refusal(
        client.invoke(setAgentState, {
          device: outsider.number,
          requestedAgentState: "loggingOn",
          agentID: outsider.number,
          group: "7501",
        }),
      ),
    ).toEqual({ category: "operation", value: 8 });
    await client.invoke(setAgentState, { device: "10001", requestedAgentState: "loggedOff" });
    expect(await seen("10001", "agentLoggedOff")).toMatchObject({ private: { mainState: "LOG_OFF" } });
  });
});
