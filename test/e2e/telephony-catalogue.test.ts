/**
 * The Telephony service against O2G's catalogue (the calls the official SDK's telephony-rest.ts
 * makes): every call is declared in the OpenAPI document, the ones not built marked so and
 * answering O2G's 501; make-call variants the node refuses (or the gateway cannot place) are
 * refused rather than placed as plain calls; the answers of the built calls go through their response schemas whole.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

const ROOT = "/api/rest/1.0/telephony";

/** method, path (OpenAPI form, under the service), a body that passes validation (not built only) */
type Entry = [method: string, path: string, body?: unknown];

const BUILT: Entry[] = [
  ["GET", "/huntingGroupLogOn"],
  ["POST", "/huntingGroupLogOn"],
  ["DELETE", "/huntingGroupLogOn"],
  ["POST", "/huntingGroupMember/{hgNumber}"],
  ["DELETE", "/huntingGroupMember/{hgNumber}"],
  ["GET", "/huntingGroups"],
  ["POST", "/basicCall"],
  ["POST", "/basicCall/answer"],
  ["POST", "/basicCall/dropme"],
  ["GET", "/state"],
  ["POST", "/state/snapshot"],
  ["GET", "/calls"],
  ["POST", "/calls"],
  ["GET", "/calls/{callRef}"],
  ["DELETE", "/calls/{callRef}"],
  ["POST", "/calls/{callRef}/alternate"],
  ["POST", "/calls/{callRef}/answer"],
  ["POST", "/calls/{callRef}/blindtransfer"],
  ["GET", "/calls/{callRef}/deviceLegs"],
  ["GET", "/calls/{callRef}/deviceLegs/{legId}"],
  ["POST", "/calls/{callRef}/dropme"],
  ["POST", "/calls/{callRef}/hold"],
  ["POST", "/calls/{callRef}/merge"],
  ["POST", "/calls/{callRef}/park"],
  ["GET", "/calls/{callRef}/participants"],
  ["GET", "/calls/{callRef}/participants/{participantId}"],
  ["DELETE", "/calls/{callRef}/participants/{participantId}"],
  ["POST", "/calls/{callRef}/reconnect"],
  ["POST", "/calls/{callRef}/redirect"],
  ["POST", "/calls/{callRef}/retrieve"],
  ["POST", "/calls/{callRef}/sendDtmf"],
  ["POST", "/calls/{callRef}/transfer"],
  ["GET", "/devices"],
  ["GET", "/devices/{deviceId}"],
  ["POST", "/devices/{deviceId}/unpark"],
  ["POST", "/calls/{callRef}/callback"],
  ["POST", "/outgoingCallbacks"],
  ["GET", "/incomingCallbacks"],
  ["DELETE", "/incomingCallbacks"],
  ["DELETE", "/incomingCallbacks/{callbackId}"],
  ["GET", "/miniMessages"],
  ["POST", "/miniMessages"],
  ["POST", "/pilots/{pilotNumber}/transferInfo"],
  ["POST", "/pilots/{nodeId}/{pilotNumber}/transferInfo"],
  ["POST", "/calls/{callRef}/attachdata"],
  ["POST", "/calls/{callRef}/overflowToVoiceMail"],
  ["POST", "/calls/{callRef}/recording?action=Start"],
  ["POST", "/calls/{callRef}/sendaccountinfo"],
  ["POST", "/deskSharing"],
  ["DELETE", "/deskSharing"],
  ["POST", "/devices/{deviceId}/pickup"],
  ["POST", "/devices/{deviceId}/intrusion"],
  ["PUT", "/devices/{deviceId}/ithmicro"],
];

// Every call of the SDK's telephony-rest.ts is built now.
const NOT_BUILT: Entry[] = [];

const EXAMPLE: Record<string, string> = {
  callRef: "4242",
  deviceId: "10031",
  hgNumber: "30000",
  callbackId: "1",
  pilotNumber: "31000",
  nodeId: "1",
};
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => EXAMPLE[name]!);

type Operation = { "x-o2g-not-built"?: boolean; responses: Record<string, unknown> };

describe("the Telephony catalogue", () => {
  let doc: { paths: Record<string, Record<string, Operation>> };
  let a: O2gClient;
  beforeAll(async () => {
    a = await sb.loginUser("10031");
    doc = (await a.raw<typeof doc>("GET", `${sb.gateway.url}/api/rest/openapi.json`)).body;
  });

  it("declares every call of the SDK, those not built marked x-o2g-not-built, and no others", () => {
    const op = ([method, path]: Entry) => doc.paths[ROOT + path.split("?")[0]]?.[method.toLowerCase()];
    for (const e of BUILT) {
      expect(op(e), `${e[0]} ${e[1]}`).toBeDefined();
      expect(op(e)!["x-o2g-not-built"], `${e[0]} ${e[1]}`).toBeUndefined();
    }
    for (const e of NOT_BUILT) {
      expect(op(e), `${e[0]} ${e[1]}`).toBeDefined();
      expect(op(e)!["x-o2g-not-built"], `${e[0]} ${e[1]}`).toBe(true);
    }
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith(`${ROOT}/`))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.slice(ROOT.length)}`));
    const known = [...BUILT, ...NOT_BUILT].map(([m, p]) => `${m} ${p.split("?")[0]}`);
    expect(documented.filter((d) => !known.includes(d))).toEqual([]);
  });

  it("answers each call not built with O2G's 501, once the session is checked", async () => {
    for (const [method, path, body] of NOT_BUILT) {
      const r = await a.send(method as "GET", `${sb.gateway.url}${ROOT}${concrete(path)}`, body);
      expect({ what: `${method} ${path}`, status: r.status, body: r.body }).toMatchObject({
        status: 501,
        body: { httpStatus: "NOT_IMPLEMENTED", code: 501, type: "NOT_IMPLEMENTED", canRetry: false },
      });
    }
    const fresh = O2gClient.dispatcherFor({ ca: sb.ca });
    const r = await request(`${sb.gateway.url}${ROOT}/huntingGroups`, { dispatcher: fresh });
    expect(r.statusCode).toBe(401);
    await r.body.dump();
    await fresh.close();
  });

  it("checks the requests of calls not built like any other (a 400 naming the field)", async () => {
    const r = await a.send<{ helpMessage: string }>(
      "POST",
      a.url("telephony", "calls/4242/recording"),
      undefined,
    );
    expect(r.status).toBe(400);
    expect(r.body.helpMessage).toMatch(/action/);
    const r2 = await a.send<{ helpMessage: string }>("POST", a.url("telephony", "calls/4242/park"), {
      parkTo: 10032,
    });
    expect(r2.status).toBe(400);
    expect(r2.body.helpMessage).toMatch(/parkTo/);
  });

  it("answers a path outside the catalogue with 404", async () => {
    expect((await a.send("GET", a.url("telephony", "nowhere"))).status).toBe(404);
    expect((await a.send("GET", a.url("telephony", "calls/4242/answer"))).status).toBe(404);
  });
});

describe("make-call variants and options", () => {
  it("are refused when the node refuses them (or the gateway cannot place them), and no call is placed", async () => {
    const a = await sb.loginUser("10034");
    // The node's own refusals (test/e2e/telephony-call-variants.test.ts has the accepted ones):
    // no PIN on the set, no cost center 77, a presented number not the node's.
    const variants: [Record<string, unknown>, number][] = [
      [{ deviceId: "10034", callee: "10035", pin: "1234" }, 403],
      [{ deviceId: "10034", callee: "10035", pin: "1234", secretCode: "99" }, 403],
      [{ deviceId: "10034", callee: "10035", businessCode: "77" }, 400],
      // makePilotOrRSISupervisedTransferCall with no call to transfer; a profile that is no profile
      [{ deviceId: "10034", callee: "31000", acdCall: { supervisedTransfer: true } }, 409],
      [{ deviceId: "10034", callee: "31000", acdCall: { skills: { skills: [{ acrStatus: true }] } } }, 400],
      [
        {
          deviceId: "10034",
          callee: "31000",
          acdCall: { skills: { skills: [{ skillNumber: 1, expertEvalLevel: 9 }] } },
        },
        400,
      ],
      [{ deviceId: "10034", callee: "10035", callingNumber: "0999" }, 403],
    ];
    for (const [body, status] of variants) {
      const r = await a.send("POST", a.url("telephony", "calls"), body);
      expect({ body, status: r.status }).toEqual({ body, status });
    }
    // makeSupervisorCall is built (test/e2e/call-center-agent.test.ts): a user who is no CCD
    // operator has no supervisor to call.
    const supervisorCall = { deviceId: "10034", autoAnswer: true, acdCall: { callToSupervisor: true } };
    expect((await a.send("POST", a.url("telephony", "calls"), supervisorCall)).status).toBe(403);
    const anonymous = [
      ["calls/4242/redirect", { redirectTo: "10035", anonymous: true }],
      ["calls/4242/blindtransfer", { transferTo: "10035", anonymous: true }],
    ] as const;
    // Built: on a call the user does not have, a 404 like any other.
    for (const [path, body] of anonymous)
      expect((await a.send("POST", a.url("telephony", path), body)).status).toBe(404);
    expect((await a.get<{ calls: unknown[] }>("telephony", "calls")).body.calls).toEqual([]);
    // The options' defaults are what a plain call is: accepted.
    const ok = await a.send<{ callRef: string }>("POST", a.url("telephony", "calls"), {
      deviceId: "10034",
      callee: "10035",
      inhibitProgressTone: false,
    });
    expect(ok.status).toBe(200);
    await a.del("telephony", `calls/${ok.body.callRef}`);
  });
});

describe("the answers of the built calls", () => {
  it("carry the whole call, legs, participants, state and devices", async () => {
    const a = await sb.loginUser("10037");
    const b = await sb.loginUser("10038");
    const eb = await b.subscribe([{ names: ["telephony"] }]);
    const ea = await a.subscribe([{ names: ["telephony"] }]);
    const ref = (
      await a.post<{ callRef: string }>("telephony", "calls", {
        deviceId: "10037",
        callee: "10038",
        hexaBinaryAssociatedData: Buffer.from("order-17").toString("hex"),
      })
    ).body.callRef;
    await eb.next((e) => e.eventName === "OnCallCreated");
    await b.post("telephony", `calls/${ref}/answer`, { deviceId: "10038" });
    await ea.next(
      (e) => e.eventName === "OnCallModified" && (e.callData as { state: string }).state === "ACTIVE",
    );

    const call = (await a.get<Record<string, unknown>>("telephony", `calls/${ref}`)).body;
    expect(call).toMatchObject({
      callRef: ref,
      callData: {
        state: "ACTIVE",
        associatedData: "order-17",
        initialCalled: { id: { loginName: "oxe10038", phoneNumber: "10038" } },
        capabilities: { dropMe: true },
      },
      legs: [{ deviceId: "10037", state: "ACTIVE", capabilities: { hold: true } }],
      participants: [{ participantId: "10038", state: "ACTIVE", identity: { type: { main: "USER" } } }],
    });
    const legs = (await a.get<{ legs: unknown[] }>("telephony", `calls/${ref}/deviceLegs`)).body.legs;
    expect(legs).toEqual(call.legs);
    expect((await a.get("telephony", `calls/${ref}/deviceLegs/10037`)).body).toEqual(legs[0]);
    const parts = (await a.get<{ participants: unknown[] }>("telephony", `calls/${ref}/participants`)).body
      .participants;
    expect(parts).toEqual(call.participants);
    expect((await a.get("telephony", `calls/${ref}/participants/10038`)).body).toEqual(parts[0]);

    const state = (await a.get<Record<string, unknown>>("telephony", "state")).body;
    expect(state).toMatchObject({
      calls: [call],
      userState: "BUSY",
      deviceCapabilities: [{ deviceId: "10037", makeCall: false }],
      deviceStates: { deviceStates: [{ deviceId: "10037", state: "IN_SERVICE" }] },
    });
    expect((await a.get("telephony", "devices")).body).toEqual({
      deviceStates: [{ deviceId: "10037", state: "IN_SERVICE" }],
    });
    expect((await a.get("telephony", "devices/10037")).body).toEqual({
      deviceId: "10037",
      state: "IN_SERVICE",
    });

    // hold and retrieve without a body act on the user's leg.
    expect((await a.send("POST", a.url("telephony", `calls/${ref}/hold`))).status).toBe(204);
    await ea.next(
      (e) => e.eventName === "OnCallModified" && (e.modifiedLegs as { state: string }[])[0]?.state === "HELD",
    );
    expect(
      (await a.send("POST", a.url("telephony", `calls/${ref}/retrieve`), { deviceId: "10037" })).status,
    ).toBe(204);
    await a.del("telephony", `calls/${ref}`);
    await eb.next((e) => e.eventName === "OnCallRemoved");
    ea.close();
    eb.close();
  });
});
