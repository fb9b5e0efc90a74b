/**
 * The node's CMIP server through the gateway's CMIP client, over a real socket: the schema it
 * serves, reads, and changes validated as a PBX validates them, each refusal the X.711 error a
 * manager expects, each change reported to every association and real in the model.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromCmip } from "../../../gateway/domain/pbx/errors.js";
import { CmipClient, type CmipEvent } from "../../../gateway/links/cmip-client.js";
import { type AttributeError, type CmipError, nodeDiagnostic } from "../../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { type Directory, generateDirectory } from "../../directory/index.js";
import { Network } from "../../model/index.js";
import { CmipNodeServer } from "./node-server.js";

const LINKS = {
  heartbeatMs: 0,
  heartbeatMisses: 2,
  invokeTimeoutMs: 5000,
  connectTimeoutMs: 2000,
  reconnectMinMs: 50,
  reconnectMaxMs: 500,
  snapshotWindow: 100,
};

let directory: Directory;
let network: Network;
let server: CmipNodeServer;
let client: CmipClient;
let other: CmipClient;
const events: CmipEvent[] = [];
const otherEvents: CmipEvent[] = [];

async function connect(): Promise<CmipClient> {
  const c = new CmipClient(
    {
      nodeId: 1,
      csta: { host: "127.0.0.1", port: 1 },
      cmip: { host: "127.0.0.1", port: server.port },
      login: "o2g",
      password: "pw",
    },
    LINKS,
    () => {},
  );
  const up = new Promise<void>((r) => c.rose.once("up", () => r()));
  c.start();
  await up;
  await c.loadSchema();
  return c;
}

/** The refusal of a request, as the ROSE error it came in. */
async function refused(p: Promise<unknown>): Promise<RemoteOperationError<CmipError>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RemoteOperationError)) throw new Error(`expected a refusal, got ${String(err)}`);
  const f = (err as RemoteOperationError<CmipError>).failure;
  if (f.kind !== "error") throw new Error(`expected an error, got ${f.kind}`);
  return err as RemoteOperationError<CmipError>;
}

/** The X.711 error a request was refused with. */
async function refusal(p: Promise<unknown>): Promise<CmipError> {
  const f = (await refused(p)).failure;
  if (f.kind !== "error") throw new Error("unreachable");
  return f.error;
}

/** What a user of the gateway reads of a refusal: the gateway's wording of the X.711 parameter. */
async function wording(p: Promise<unknown>, className: string): Promise<string> {
  return fromCmip(await refused(p), 1, client.classDef(className)).message;
}

/** The AttributeErrors of a setListError. */
function attributeErrors(e: CmipError): AttributeError[] {
  if (e.error !== "setListError") throw new Error(`expected a setListError, got ${e.error}`);
  return e.setInfoList.flatMap((x) => ("attributeError" in x ? [x.attributeError] : []));
}

beforeAll(async () => {
  directory = generateDirectory({ users: 40, nodes: 2, seed: 4 });
  network = new Network(directory);
  server = new CmipNodeServer(directory, {
    nodeId: 1,
    host: "127.0.0.1",
    port: 0,
    login: "o2g",
    password: "pw",
    maxLinks: 5,
    network,
  });
  await server.listen();
  client = await connect();
  other = await connect();
  client.onEvent((e) => events.push(e));
  other.onEvent((e) => otherEvents.push(e));
});

afterAll(async () => {
  client?.stop();
  other?.stop();
  await server?.close();
});

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("the object model", () => {
  it("describes classes, attributes, capabilities and defaults", () => {
    const sub = client.classDef("Subscriber");
    expect(sub.parent).toBe("Node");
    expect(client.attributeDef(sub, "Password")).toMatchObject({ writeOnly: true, pattern: "^[0-9]+$" });
    expect(client.attributeDef(sub, "Class_Of_Service")).toMatchObject({ min: 0, max: 63, defaultValue: 0 });
    expect(client.classDef("Prog_Key")).toMatchObject({ parent: "Subscriber", create: false, delete: false });
    expect(client.classDef("ObjectModel").hidden).toBe(true);
    expect([...client.schema.keys()]).toEqual(
      expect.arrayContaining(["Node", "Subscriber", "Prog_Key", "Soft_Key", "Entity", "Cost_Center"]),
    );
  });
});

describe("reads", () => {
  it("lists the node's subscribers with a filter, never giving out a password", async () => {
    const all = await client.list("Subscriber");
    expect(all).toHaveLength(20);
    expect(all[0]!.attributes.Password).toBeUndefined();
    const s = directory.byNode.get(1)![3]!;
    const one = await client.list("Subscriber", {
      filter: { equality: { id: 1, value: s.directoryNumber } },
    });
    expect(one.map((o) => o.attributes.Annu_Name)).toEqual([s.lastName]);
  });

  it("lists a set's programmable keys, one object per position", async () => {
    const s = directory.byNode.get(1)!.find((x) => x.stationType.keys > 0)!;
    const keys = await client.list("Prog_Key", { base: `Node=1/Subscriber=${s.directoryNumber}` });
    expect(keys).toHaveLength(s.stationType.keys);
    expect(keys[0]!.attributes).toEqual({
      Key_Position: 1,
      Key_Function: "Not_Assigned",
      Key_Number: "",
      Key_Mnemonic: "",
      Key_Locked: false,
    });
  });

  it("refuses to list every key of the node at once", async () => {
    expect((await refusal(client.list("Prog_Key"))).error).toBe("complexityLimitation");
  });

  it("answers noSuchObjectInstance for a subscriber of another node", async () => {
    const s = directory.byNode.get(2)![0]!;
    const instance = `Node=1/Subscriber=${s.directoryNumber}`;
    // The parameter X.711 gives it, the ObjectInstance, is all the gateway needs to say it.
    expect(await refusal(client.get("Subscriber", instance))).toEqual({
      error: "noSuchObjectInstance",
      instance,
    });
    expect(await wording(client.get("Subscriber", instance), "Subscriber")).toBe(
      `no Subscriber ${s.directoryNumber} on OXE node 1`,
    );
  });
});

describe("M-SET", () => {
  const s = () => directory.byNode.get(1)![1]!;
  const inst = () => `Node=1/Subscriber=${s().directoryNumber}`;

  it("changes the subscriber in the directory and reports it to every association", async () => {
    events.length = 0;
    otherEvents.length = 0;
    const res = await client.set("Subscriber", inst(), { Annu_Name: "Zappa", Class_Of_Service: 7 });
    expect(res).toEqual({ Annu_Name: "Zappa", Class_Of_Service: 7 });
    expect(s().lastName).toBe("Zappa");
    await until(() => otherEvents.length > 0);
    for (const list of [events, otherEvents]) {
      expect(list).toEqual([
        expect.objectContaining({
          type: "attributeValueChange",
          className: "Subscriber",
          instance: inst(),
          attributes: { Annu_Name: "Zappa", Class_Of_Service: 7 },
        }),
      ]);
    }
  });

  it("takes a password without ever giving it back", async () => {
    expect(await client.set("Subscriber", inst(), { Password: "4321" })).toEqual({});
    expect(s().password).toBe("4321");
    expect(await client.action("Subscriber", inst(), "Check_Password", "4321")).toBe(true);
  });

  // X.711's m-Set-Confirmed refuses attributes in a setListError, one AttributeError each.
  it.each([
    ["a wrong type", { Class_Of_Service: "seven" }, "invalidAttributeValue", /must be an integer/],
    ["a value out of range", { Class_Of_Service: 64 }, "invalidAttributeValue", /above 63/],
    ["a string too long", { Annu_Name: "x".repeat(41) }, "invalidAttributeValue", /at most 40/],
    ["a pattern mismatch", { Password: "12ab" }, "invalidAttributeValue", /does not match/],
    ["an unknown enumeration", { Station_Type: "Rotary" }, "invalidAttributeValue", /not one of/],
    ["a read-only attribute", { Login_Name: "x" }, "accessDenied", /read-only/],
    ["the naming attribute", { Directory_Number: "19999" }, "accessDenied", /names the object/],
    [
      "a missing reference",
      { Entity_Number: 77 },
      "invalidAttributeValue",
      /Entity_Number 77 is refused by OXE node 1: the number of an existing Entity/,
    ],
  ])("refuses %s", async (_what, values, errorStatus, text) => {
    const before = { ...s() };
    const [name, value] = Object.entries(values)[0]!;
    const e = await refusal(client.set("Subscriber", inst(), values));
    expect(attributeErrors(e)).toEqual([
      {
        errorStatus,
        attributeId: client.attributeDef(client.classDef("Subscriber"), name).id,
        attributeValue: value,
      },
    ]);
    expect(await wording(client.set("Subscriber", inst(), values), "Subscriber")).toMatch(text);
    expect({ ...s() }).toEqual(before);
  });

  it("refuses every attribute at fault in one setListError, and applies none", async () => {
    const before = { ...s() };
    const e = await refusal(
      client.set("Subscriber", inst(), { Class_Of_Service: 64, Annu_Name: "", Login_Name: "x" }),
    );
    expect(attributeErrors(e).map((x) => x.errorStatus)).toEqual([
      "invalidAttributeValue",
      "invalidAttributeValue",
      "accessDenied",
    ]);
    expect({ ...s() }).toEqual(before);
  });

  it("refuses an attribute id the class does not have", async () => {
    const { mSetConfirmed } = await import("../../../protocols/cmip/index.js");
    const e = await refusal(
      client.rose.invoke(mSetConfirmed, {
        objectClass: 2,
        instance: inst(),
        modifications: [{ id: 99, value: 1 }],
      }),
    );
    expect(attributeErrors(e)).toEqual([
      { errorStatus: "noSuchAttribute", attributeId: 99, attributeValue: 1 },
    ]);
  });

  it("programs a key, checking what the key function needs", async () => {
    const sub = directory.byNode.get(1)!.find((x) => x.stationType.keys >= 3)!;
    const key = `Node=1/Subscriber=${sub.directoryNumber}/Prog_Key=3`;
    expect(
      await client.set("Prog_Key", key, {
        Key_Function: "Speed_Dial",
        Key_Number: "0612",
        Key_Mnemonic: "Mum",
      }),
    ).toEqual({
      Key_Function: "Speed_Dial",
      Key_Number: "0612",
      Key_Mnemonic: "Mum",
    });
    expect((await client.get("Prog_Key", key)).Key_Number).toBe("0612");
    // Rules between attributes: the node refuses the value; the schema's note says the rule.
    expect(attributeErrors(await refusal(client.set("Prog_Key", key, { Key_Number: "" })))).toEqual([
      { errorStatus: "invalidAttributeValue", attributeId: 3, attributeValue: "" },
    ]);
    expect(await wording(client.set("Prog_Key", key, { Key_Number: "" }), "Prog_Key")).toMatch(
      /Key_Number "" is refused .*needs a Key_Number/,
    );
    const supervision = client.set("Prog_Key", key, { Key_Function: "Supervision", Key_Number: "99999" });
    expect(await wording(supervision, "Prog_Key")).toMatch(
      /Key_Number "99999" is refused .*a Supervision key's is the number of a subscriber/,
    );
    expect(await client.set("Prog_Key", key, {}, ["Key_Function", "Key_Number", "Key_Mnemonic"])).toEqual({
      Key_Function: "Not_Assigned",
      Key_Number: "",
      Key_Mnemonic: "",
    });
    const beyond = `Node=1/Subscriber=${sub.directoryNumber}/Prog_Key=${sub.stationType.keys + 1}`;
    expect((await refusal(client.set("Prog_Key", beyond, { Key_Mnemonic: "x" }))).error).toBe(
      "noSuchObjectInstance",
    );
  });
});

describe("M-CREATE and M-DELETE", () => {
  it("creates a subscriber that joins the directory and the call model", async () => {
    events.length = 0;
    const created = await client.create("Subscriber", {
      Directory_Number: "10090",
      Annu_Name: "Newman",
      Annu_First_Name: "Ada",
      Station_Type: "ALE-300",
      Password: "2468",
    });
    expect(created.instance).toBe("Node=1/Subscriber=10090");
    expect(created.attributes).toMatchObject({
      Login_Name: "oxe10090",
      Entity_Number: 1,
      Prog_Key_Count: 24,
    });
    expect(created.attributes.Password).toBeUndefined();
    const s = directory.byNumber.get("10090")!;
    expect(s).toMatchObject({ nodeId: 1, lastName: "Newman", password: "2468" });
    expect(directory.byNode.get(1)!.at(-1)).toBe(s);
    expect(network.devices.has("10090")).toBe(true);
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({
      type: "objectCreation",
      className: "Subscriber",
      instance: created.instance,
    });
    expect(events[0]!.attributes).toMatchObject({ Directory_Number: "10090", Annu_Name: "Newman" });
  });

  it.each([
    [
      "a duplicate directory number",
      { Directory_Number: "10090", Annu_Name: "X", Station_Type: "ALE-300" },
      "duplicateManagedObjectInstance",
    ],
    [
      "a number of another node",
      { Directory_Number: "10030", Annu_Name: "X", Station_Type: "ALE-300" },
      "duplicateManagedObjectInstance",
    ],
    [
      "a missing mandatory attribute",
      { Directory_Number: "10091", Station_Type: "ALE-300" },
      "missingAttributeValue",
    ],
    [
      "a number outside the numbering plan",
      { Directory_Number: "100911", Annu_Name: "X", Station_Type: "ALE-300" },
      "invalidAttributeValue",
    ],
    [
      "a read-only attribute",
      { Directory_Number: "10091", Annu_Name: "X", Station_Type: "ALE-300", Login_Name: "me" },
      // m-Create has no setListError in X.711: a value for what the node sets is an invalid one
      "invalidAttributeValue",
    ],
  ])("refuses %s", async (_what, values, error) => {
    const n = directory.subscribers.length;
    expect((await refusal(client.create("Subscriber", values))).error).toBe(error);
    expect(directory.subscribers.length).toBe(n);
  });

  it("refuses to create a key: every position exists", async () => {
    const s = directory.byNode.get(1)![0]!;
    expect(
      (
        await refusal(
          client.create("Prog_Key", { Key_Number: "1" }, `Node=1/Subscriber=${s.directoryNumber}`),
        )
      ).error,
    ).toBe("accessDenied");
  });

  it("refuses to delete a subscriber in a call, then deletes it once idle", async () => {
    const a = network.device("10090");
    network.offHook(a);
    const e = await refusal(client.delete("Subscriber", "Node=1/Subscriber=10090"));
    expect(e).toMatchObject({
      error: "processingFailure",
      failure: { objectClass: 2, instance: "Node=1/Subscriber=10090" },
    });
    // The one refusal that carries the node's own words: X.711's specificErrorInfo.
    expect(nodeDiagnostic(e)).toMatch(/in a call/);
    expect(directory.byNumber.has("10090")).toBe(true);
    network.onHook(a);
    events.length = 0;
    await client.delete("Subscriber", "Node=1/Subscriber=10090");
    expect(directory.byNumber.has("10090")).toBe(false);
    expect(network.devices.has("10090")).toBe(false);
    expect(directory.byNode.get(1)!.some((s) => s.directoryNumber === "10090")).toBe(false);
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ type: "objectDeletion", instance: "Node=1/Subscriber=10090" });
  });

  it("keeps an entity while subscribers use it", async () => {
    const s = directory.byNode.get(1)![0]!;
    const e = await refusal(client.delete("Entity", `Node=1/Entity=${s.entity}`));
    expect(e.error).toBe("processingFailure");
    const made = await client.create("Entity", { Entity_Number: 42, Entity_Name: "Lab" });
    expect(made.instance).toBe("Node=1/Entity=42");
    expect((await refusal(client.create("Entity", { Entity_Number: 42, Entity_Name: "Lab" }))).error).toBe(
      "duplicateManagedObjectInstance",
    );
    await client.delete("Entity", "Node=1/Entity=42");
  });
});

describe("CMIP functional units (X.711 CMIPUserInfo)", () => {
  it("answers the manager's CMIPUserInfo with the version and units it agrees on", async () => {
    const { RoseClient } = await import("../../../gateway/links/rose-client.js");
    const cmip = await import("../../../protocols/cmip/index.js");
    const answered = (userInformation?: import("../../../protocols/acse/index.js").UserInformation[]) => {
      const c = new RoseClient<CmipError>({
        name: "raw",
        endpoints: [{ host: "127.0.0.1", port: server.port }],
        applicationContext: cmip.CMIP_APPLICATION_CONTEXT,
        ...(userInformation ? { userInformation } : {}),
        login: "o2g",
        password: "pw",
        operations: cmip.CMIP_OPERATIONS.byCode,
        errors: cmip.cmipErrorCodec,
        invokeTimeoutMs: 2000,
        connectTimeoutMs: 2000,
        reconnectMinMs: 50,
        reconnectMaxMs: 500,
        log: () => {},
      });
      return new Promise<typeof c>((r) => {
        c.once("up", () => r(c));
        c.start();
      });
    };
    const scopedGet = {
      objectClass: 2,
      instance: "Node=1",
      scope: "firstLevelOnly" as const,
      attributeIds: [1],
    };
    // No CMIPUserInfo: X.711's defaults, the kernel alone; a scoped get is beyond it.
    const bare = await answered();
    const e = await refusal(bare.invoke(cmip.mGet, scopedGet));
    expect(e).toEqual({ error: "complexityLimitation", limitation: { scope: "firstLevelOnly" } });
    bare.stop();
    // Proposing the units (as the gateway does) makes the same request work.
    const full = await answered([
      cmip.cmipUserInformation({
        protocolVersions: ["version2"],
        functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
      }),
    ]);
    const linked: unknown[] = [];
    await new Promise<void>((resolve, reject) =>
      full.link!.invoke(
        cmip.mGet,
        scopedGet,
        (err) => (err ? reject(err) : resolve()),
        (_apdu, arg) => linked.push(arg),
      ),
    );
    expect(linked.length).toBeGreaterThan(0);
    full.stop();
  });
});
