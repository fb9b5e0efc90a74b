/**
 * The WSS agent (Cloud Connectivity) end to end: a gateway in front of the emulated OXE opens its
 * websocket to the sample application server (scenarios/wss-app), which logs users in, calls and
 * receives the events over it, as an application in a cloud would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE, type ResponseMessage } from "../../gateway/wss-agent/index.js";
import { issue, makeTestPki, WssApp } from "../../scenarios/wss-app/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let app: WssApp;
let sb: Sandbox;
const PASSWORD = "0000";

beforeAll(async () => {
  app = await WssApp.start();
  sb = await startSandbox(
    {},
    {
      wssAgent: {
        url: app.url,
        ca: app.pki.ca.certPem,
        caFile: null,
        audience: "o2g",
        issuer: "wss-app",
        authTimeoutMs: 5_000,
        reconnectMinMs: 50,
        reconnectMaxMs: 400,
        replayLimit: 1_000,
        requestIdMemory: 1_000,
        licenseCheckMs: 24 * 3600_000,
        pingMs: 30_000,
      },
    },
  );
  await app.until(() => app.isReady, "the gateway's first connection");
}, 60_000);
afterAll(async () => {
  await sb?.stop();
  await app?.stop();
});

const callRefOf = (r: ResponseMessage) => (r.body as { callRef: string }).callRef;
const eventName = (e: { event: unknown }) => (e.event as { eventName: string }).eventName;

describe("a REST session and its events over the websocket", () => {
  it("logs in, subscribes, calls, answers, hangs up, and ends the session, with O2G's answers and errors", async () => {
    expect(app.readies[0]).toEqual({ type: "ready", replay: 0, dropped: 0 });
    expect(sb.gateway.wssAgent?.application?.sub).toBe("sample-application");

    const a = await app.session("oxe10001", PASSWORD);
    const b = await app.session("oxe10002", PASSWORD);
    const subA = await a.send("POST", "/api/rest/1.0/subscriptions", {
      filter: { selectors: [{ names: ["telephony"] }] },
    });
    const subB = await b.send("POST", "/api/rest/1.0/subscriptions", {
      filter: { selectors: [{ names: ["telephony"] }] },
    });
    expect(subA.status).toBe(200);
    const subIdA = (subA.body as { subscriptionId: string }).subscriptionId;
    const subIdB = (subB.body as { subscriptionId: string }).subscriptionId;
    const status = await a.send("GET", `/api/rest/1.0/subscriptions/${subIdA}`);
    expect(status.body).toMatchObject({ subscriptionId: subIdA, mode: "websocket" });
    // Its events come on the socket: no chunk channel over it, nor over HTTPS.
    const chunk = await app.request("POST", `/api/rest/1.0/subscriptions/${subIdA}/chunk`);
    expect(chunk.status).toBe(400);
    expect(chunk.body).toMatchObject({ httpStatus: "BAD_REQUEST", code: 400 });

    const from = app.events.length;
    const made = await a.send("POST", "/api/rest/1.0/telephony/calls", {
      deviceId: "10001",
      callee: "10002",
    });
    expect(made.status).toBe(200);
    const callRef = callRefOf(made);
    const ringing = await app.event(
      (e) => e.subscriptionId === subIdB && eventName(e) === "OnCallCreated",
      "OnCallCreated for 10002",
      from,
    );
    const bRef = (ringing.event as { callRef: string }).callRef;
    expect(
      await b.send("POST", `/api/rest/1.0/telephony/calls/${bRef}/answer`, { deviceId: "10002" }),
    ).toMatchObject({
      status: 204,
    });
    await app.event(
      (e) =>
        e.subscriptionId === subIdA &&
        eventName(e) === "OnCallModified" &&
        (e.event as { callData?: { state?: string } }).callData?.state === "ACTIVE",
      "the call active for 10001",
      from,
    );
    const calls = await a.send("GET", "/api/rest/1.0/telephony/calls");
    expect(calls.status).toBe(200);
    expect((calls.body as { calls: { callRef: string }[] }).calls.map((c) => c.callRef)).toContain(callRef);

    expect(await a.send("DELETE", `/api/rest/1.0/telephony/calls/${callRef}`)).toMatchObject({ status: 204 });
    await app.event(
      (e) => e.subscriptionId === subIdB && eventName(e) === "OnCallRemoved",
      "OnCallRemoved for 10002",
      from,
    );

    // Same errors as over HTTPS: O2G's shape and status.
    const unknown = await a.send("DELETE", "/api/rest/1.0/telephony/calls/999999");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 404, httpStatus: "NOT_FOUND" });
    const noCookie = await app.request("GET", "/api/rest/1.0/telephony/calls");
    expect(noCookie.status).toBe(401);
    expect(noCookie.body).toMatchObject({ code: 401, httpStatus: "UNAUTHORIZED" });
    const badBody = await a.send("POST", "/api/rest/1.0/telephony/calls", { deviceId: 10001 });
    expect(badBody.status).toBe(400);
    // A user session acts only for itself, over the socket too.
    const other = await a.send("POST", "/api/rest/1.0/telephony/calls", {
      deviceId: "10002",
      callee: "10003",
    });
    expect(other.status).toBe(403);

    expect(await a.send("DELETE", "/api/rest/1.0/sessions")).toMatchObject({ status: 204 });
    expect((await a.send("GET", "/api/rest/1.0/telephony/calls")).status).toBe(401);
    await b.send("DELETE", "/api/rest/1.0/sessions");
    expect(app.gaps).toEqual([]);
    expect(app.maxOpen).toBe(1);
  });
});

describe("the application's token", () => {
  const refusedOnce = async (token: () => Promise<string>, what: RegExp) => {
    const closes = app.closes.length;
    const readies = app.readies.length;
    app.token = token;
    app.drop();
    await app.until(
      () => app.closes.slice(closes).some((c) => c.code === CLOSE.tokenRefused),
      "the gateway refusing the token",
    );
    const refusal = app.closes.slice(closes).find((c) => c.code === CLOSE.tokenRefused)!;
    expect(refusal.reason).toMatch(what);
    expect(app.readies.length).toBe(readies);
    // A refused application gets nothing: no ready, and no request served.
    app.token = () => app.makeToken();
    await app.until(() => app.readies.length > readies, "a connection with a good token again");
  };

  it("is refused when signed by a key whose certificate does not chain to the trusted CA", async () => {
    const rogue = makeTestPki("rogue");
    await refusedOnce(
      () => app.makeToken({ signer: rogue.signer, chain: [rogue.signer, rogue.ca] }),
      /trusted CA/,
    );
  });

  it("is refused when a certificate is presented but the signature is another key's", async () => {
    const rogue = makeTestPki("rogue");
    // the genuine chain in the header, a signature by a key that is not its
    await refusedOnce(() => app.makeToken({ signer: rogue.signer, chain: [app.pki.signer] }), /signature/);
  });

  it("is refused once expired, or for another audience", async () => {
    await refusedOnce(() => app.makeToken({ expiresIn: -60 }), /exp/);
    await refusedOnce(() => app.makeToken({ audience: "someone-else" }), /aud/);
  });

  it("is refused when its certificate has expired", async () => {
    const old = issue(
      {
        commonName: "old signer",
        notBefore: new Date(Date.now() - 10 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      },
      app.pki.ca,
    );
    await refusedOnce(() => app.makeToken({ signer: old }), /expired/);
  });
});

describe("a dropped socket", () => {
  it("is reopened, and every response and event the application had not acknowledged comes again", async () => {
    const a = await app.session("oxe10003", PASSWORD);
    const b = await app.session("oxe10004", PASSWORD);
    const subB = await b.send("POST", "/api/rest/1.0/subscriptions", {
      filter: { selectors: [{ names: ["telephony"] }] },
    });
    const subIdB = (subB.body as { subscriptionId: string }).subscriptionId;
    const agent = sb.gateway.wssAgent!;
    await app.until(() => agent.unacknowledged === 0, "everything acknowledged");

    // Frames lost on the way: the application reads nothing, then the network fails.
    app.deaf = true;
    const before = app.lastSeq;
    const made = a.send("POST", "/api/rest/1.0/telephony/calls", { deviceId: "10003", callee: "10004" });
    await app.until(() => agent.unacknowledged >= 2, "the response and an event unacknowledged");
    // and while the socket is down (the next connection refused), more events for 10004
    app.token = () => app.makeToken({ audience: "nobody" });
    const closes = app.closes.length;
    app.drop();
    app.deaf = false;
    await app.until(
      () => app.closes.slice(closes).some((c) => c.code === CLOSE.tokenRefused),
      "a refused reconnection",
    );
    const ringing = sb.emulator.phone("10004");
    ringing.offHook(); // 10004 answers on the phone while the application is away
    const readies = app.readies.length;
    await new Promise((r) => setTimeout(r, 300));
    app.token = () => app.makeToken();
    await app.until(() => app.readies.length > readies, "the connection back");

    const callRef = callRefOf(await made);
    // sent again after the reconnection (its answer had been lost), run once: one call
    await app.until(() => app.duplicates > 0, "the kept response, sent again for the request sent again");
    const calls = await a.send("GET", "/api/rest/1.0/telephony/calls");
    expect((calls.body as { calls: unknown[] }).calls).toHaveLength(1);
    expect(app.readies.at(-1)!.replay).toBeGreaterThanOrEqual(2);
    expect(app.readies.at(-1)!.dropped).toBe(0);
    const mine = () => app.events.filter((e) => e.seq > before && e.subscriptionId === subIdB).map(eventName);
    await app.until(() => mine().includes("OnCallModified"), "the answer's event, sent while away");
    expect(mine()[0]).toBe("OnCallCreated");
    // nothing lost, nothing twice, in order
    expect(app.gaps).toEqual([]);
    const seqs = app.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(app.maxOpen).toBe(1);

    // acknowledged: released by the gateway, not sent again on the next drop
    await app.until(() => agent.unacknowledged === 0, "everything acknowledged again");
    const again = app.readies.length;
    app.drop();
    await app.until(() => app.readies.length > again, "one more reconnection");
    expect(app.readies.at(-1)!.replay).toBe(0);
    expect(await a.send("DELETE", `/api/rest/1.0/telephony/calls/${callRef}`)).toMatchObject({ status: 204 });
  });
});
