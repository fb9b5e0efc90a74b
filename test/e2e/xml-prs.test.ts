/**
 * XML PRS end to end: an emulated IP Touch set's XML key starts the sample directory application
 * (scenarios/xml-apps); the node carries the set's requests over its PRS link (TLS) to the
 * gateway, which calls the application over HTTPS and sends the pages back; the set renders them
 * and its key presses (menu, keypad digits, OK, softkeys) become the next requests. Then what the
 * set shows when things go wrong (application unreachable, a page outside the subset, a set
 * that is no IP Touch), the XML IP Touch license of O2G without a license file (1 user), and
 * the link re-established on the standby after a switchover.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscriber } from "../../oxe-emulator/index.js";
import { XML_STATION_TYPES } from "../../oxe-emulator/index.js";
import { keypadDigits, XmlDirectoryApp } from "../../scenarios/xml-apps/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let app: XmlDirectoryApp;

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function xmlSets(sb: Sandbox, nodeId = 1): Subscriber[] {
  return (sb.emulator.directory.byNode.get(nodeId) ?? []).filter((s) =>
    XML_STATION_TYPES.has(s.stationType.name),
  );
}

beforeAll(async () => {
  app = await XmlDirectoryApp.start([
    { lastName: "Martin", firstName: "Anne", number: "10001" },
    { lastName: "Martinez", firstName: "Luis", number: "10002" },
    { lastName: "Dupont", firstName: "Marc", number: "10003" },
  ]);
}, 30_000);
afterAll(async () => {
  await app?.stop();
});

describe("an IP Touch set browsing the sample directory over the PRS link", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 60 }, { xmlPrs: { ca: app.ca } }, { console: true });
    sb.emulator.node(1).xml.setApplication(app.url);
    await until(() => sb.emulator.node(1).xml.linked, "the PRS link");
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it("starts the application, navigates the menu, types digits into the input and sees the results", async () => {
    const [sub] = xmlSets(sb);
    expect(sub).toBeDefined();
    const dn = sub!.directoryNumber;
    const set = sb.emulator.xmlSet(dn);
    const from = app.requests.length;

    set.pressXmlKey();
    let screen = await set.until((s) => s.state === "page");
    expect(screen).toMatchObject({
      title: "Directory",
      lines: ["Company directory"],
      menu: ["Search by name", "Queue status"],
      softKeys: ["Exit"],
    });
    expect(screen.input).toBeUndefined();

    set.select(1);
    screen = await set.until((s) => s.state === "page" && s.title === "Search");
    expect(screen.input).toEqual({ prompt: "Name", value: "", maxLength: 8 });
    expect(screen.softKeys).toEqual(["Back", "Exit"]);

    const digits = keypadDigits("Martin"); // 627846
    set.type(`${digits}99`); // longer than the input: cut at maxLength
    expect(set.screen.input?.value).toBe(`${digits}99`.slice(0, 8));
    set.backspace();
    set.backspace();
    expect(set.screen.input?.value).toBe(digits);
    set.ok();
    screen = await set.until((s) => s.state === "page" && s.title.startsWith("Results"));
    expect(screen.title).toBe(`Results ${digits}`);
    expect(screen.lines).toEqual(["Martin Anne 10001", "Martinez Luis 10002"]);

    set.softKey("Menu");
    await set.until((s) => s.state === "page" && s.title === "Directory");
    set.select(2);
    screen = await set.until((s) => s.state === "page" && s.title === "Queue status");
    expect(screen.lines).toEqual(["Sales: 3 waiting, 2 agents", "Support: 0 waiting, 4 agents"]);
    set.softKey("Back");
    await set.until((s) => s.state === "page" && s.title === "Directory");
    set.softKey("Exit");
    expect(set.screen.state).toBe("idle");

    // What the application saw: the gateway's HTTPS calls for this set and its user.
    const seen = app.requests.slice(from);
    expect(seen.map((r) => `${r.path}${r.query.q ? `?q=${r.query.q}` : ""}`)).toEqual([
      "/xml/",
      "/xml/search",
      `/xml/results?q=${digits}`,
      "/xml/",
      "/xml/queues",
      "/xml/",
    ]);
    expect(new Set(seen.map((r) => r.device))).toEqual(new Set([dn]));
    expect(new Set(seen.map((r) => r.user))).toEqual(new Set([`oxe${dn}`]));
    expect(sb.gateway.core.licenses.holds("xmlIpTouch", `oxe${dn}`)).toBe(true);
  });

  it("shows an error page when the application cannot be reached, and the Exit key leaves it", async () => {
    const dn = xmlSets(sb)[1]!.directoryNumber;
    const closed = await XmlDirectoryApp.start([]);
    const url = closed.url;
    await closed.stop();
    sb.emulator.node(1).xml.setApplication(url, dn);
    const set = sb.emulator.xmlSet(dn);
    set.pressXmlKey();
    const screen = await set.until((s) => s.state === "error");
    expect(screen.title).toBe("XML service");
    expect(screen.error).toMatch(/^Application unreachable: /);
    expect(screen.softKeys).toEqual(["Exit"]);
    set.softKey("Exit");
    expect(set.screen.state).toBe("idle");
    sb.emulator.node(1).xml.setApplication(null, dn);
  });

  it("shows an error page for a page outside the supported XML, and for a set without an application", async () => {
    const dn = xmlSets(sb)[2]!.directoryNumber;
    sb.emulator.node(1).xml.setApplication(`${app.url}broken`, dn);
    const set = sb.emulator.xmlSet(dn);
    set.pressXmlKey();
    const screen = await set.until((s) => s.state === "error");
    expect(screen.error).toMatch(/^Page not supported: the root is <IPTouch>, not <html>/);
    set.exit();
    // An application that answers an error status.
    sb.emulator.node(1).xml.setApplication(`${app.url}nowhere`, dn);
    set.pressXmlKey();
    expect((await set.until((s) => s.state === "error")).error).toBe("Application error: HTTP 404");
    set.exit();
    // A plain http application is refused by the gateway: it calls https only.
    sb.emulator.node(1).xml.setApplication(app.url.replace("https:", "http:"), dn);
    set.pressXmlKey();
    expect((await set.until((s) => s.state === "error")).error).toBe(
      "XML applications are reached over https only",
    );
    set.exit();
    sb.emulator.node(1).xml.setApplication(null, dn);
    sb.emulator.node(1).xml.setApplication(null);
    set.pressXmlKey();
    expect(set.screen.error).toBe("No XML application on this set");
    sb.emulator.node(1).xml.setApplication(app.url);
  });

  it("shows and drives a set from the console's API (administrators only)", async () => {
    const dn = xmlSets(sb)[3]!.directoryNumber;
    const admin = await sb.loginAdmin();
    const url = `${sb.gateway.url}/api/console/emulator/xml/${dn}`;
    expect((await admin.send("GET", url)).body).toMatchObject({ state: "idle", menu: [] });
    const shown = await admin.send("POST", `${url}/keys`, { key: "xml" });
    expect(shown).toMatchObject({ status: 200, body: { state: "page", title: "Directory" } });
    const chosen = await admin.send("POST", `${url}/keys`, { key: "select", item: 1 });
    expect(chosen.body).toMatchObject({ title: "Search", input: { value: "" } });
    const typed = await admin.send("POST", `${url}/keys`, { key: "type", digits: "42" });
    expect(typed.body).toMatchObject({ input: { value: "42" } });
    expect((await admin.send("POST", `${url}/keys`, { key: "type", digits: "4a" })).status).toBe(400);
    expect((await admin.send("POST", `${url}/keys`, { key: "exit" })).body).toMatchObject({ state: "idle" });
    const analog = (sb.emulator.directory.byNode.get(1) ?? []).find(
      (s) => !XML_STATION_TYPES.has(s.stationType.name),
    )!;
    expect(
      (await admin.send("GET", `${sb.gateway.url}/api/console/emulator/xml/${analog.directoryNumber}`))
        .status,
    ).toBe(404);
    const user = await sb.loginUser(dn);
    expect((await user.send("GET", url)).status).toBe(403);
  });

  it("has no XML browser on a set that is not an IP Touch", () => {
    const other = (sb.emulator.directory.byNode.get(1) ?? []).find(
      (s) => !XML_STATION_TYPES.has(s.stationType.name),
    )!;
    expect(() => sb.emulator.xmlSet(other.directoryNumber)).toThrow(/not an IP Touch set/);
  });

  it("keeps the link through garbage on it", async () => {
    const link = sb.gateway.core.prsLinks.get(1)!;
    const server = sb.emulator.node(1).prs;
    const refusedBefore = server.refusedFrames;
    // A raw client that authenticates, then sends garbage and a frame that is no message.
    const tls = await import("node:tls");
    const { prsFrame, encodePrsFrame, PrsFrameDecoder, decodePrsMessage } = await import(
      "../../protocols/prs/index.js"
    );
    const sock = tls.connect({ host: "127.0.0.1", port: server.port, ca: await server.certificate() });
    const answers: { type: string }[] = [];
    const decoder = new PrsFrameDecoder({
      frame: (b) => answers.push(decodePrsMessage(b)),
      garbage: () => {},
    });
    sock.on("data", (c: Buffer) => decoder.feed(c));
    await new Promise<void>((r) => sock.once("secureConnect", () => r()));
    sock.write(prsFrame({ type: "hello", version: 1, login: "o2g", password: "o2g-link" }));
    sock.write(Buffer.from("garbage garbage"));
    sock.write(encodePrsFrame('{"type":"what"}'));
    sock.write(prsFrame({ type: "ping", seq: 9 }));
    await until(() => answers.length >= 3, "the server's answers");
    expect(answers).toEqual([
      { type: "welcome", version: 1, nodeId: 1 },
      { type: "error", message: expect.stringMatching(/unknown message type/) },
      { type: "pong", seq: 9 },
    ]);
    expect(server.refusedFrames).toBe(refusedBefore + 2);
    expect(sock.destroyed).toBe(false);
    sock.destroy();
    // Until it is gone, the newest link would carry the sets' requests.
    await until(() => server.linkCount === 1, "the raw link's end");
    // The gateway's own link was not disturbed: a set still browses.
    expect(link.isUp).toBe(true);
    const set = sb.emulator.xmlSet(xmlSets(sb)[0]!.directoryNumber);
    set.exit();
    set.pressXmlKey();
    await set.until((s) => s.state === "page" && s.title === "Directory");
    set.exit();
  });
});

describe("the XML IP Touch license without a license file, and a switchover", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox(
      { users: 60, redundant: true },
      { xmlPrs: { ca: app.ca }, licenses: { file: null }, links: { heartbeatMs: 300 } },
    );
    sb.emulator.node(1).xml.setApplication(app.url);
    await until(() => sb.emulator.node(1).xml.linked, "the PRS link");
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
  });

  it("gives the one license to the first set that uses XML and refuses the second, with what the set shows", async () => {
    const [a, b] = xmlSets(sb);
    const setA = sb.emulator.xmlSet(a!.directoryNumber);
    const setB = sb.emulator.xmlSet(b!.directoryNumber);
    expect(sb.gateway.core.licenses.used("xmlIpTouch")).toBe(0);
    setA.pressXmlKey();
    await setA.until((s) => s.state === "page" && s.title === "Directory");
    expect(sb.gateway.core.licenses.used("xmlIpTouch")).toBe(1);

    const before = app.requests.length;
    setB.pressXmlKey();
    const refused = await setB.until((s) => s.state === "error");
    expect(refused).toMatchObject({ title: "XML service", lines: ["No XML IP Touch license left"] });
    expect(app.requests.length).toBe(before); // the application was not called
    expect(sb.gateway.core.licenses.used("xmlIpTouch")).toBe(1);

    // The license stays with the first set's user: it goes on browsing, again and again.
    setA.select(2);
    await setA.until((s) => s.state === "page" && s.title === "Queue status");
    setA.exit();
    setA.pressXmlKey();
    await setA.until((s) => s.state === "page" && s.title === "Directory");

    // The Maintenance service counts it.
    const admin = await sb.loginAdmin();
    const status = await admin.get<{
      license: { lics: { name: string; total: number; currentUsed: number }[] };
    }>("maintenance", "status");
    expect(status.body.license.lics.find((l) => l.name === "XML_IP_TOUCH")).toEqual({
      name: "XML_IP_TOUCH",
      total: 1,
      currentUsed: 1,
    });
  });

  it("re-links on the standby after a switchover: the page on screen stays and the next key press is answered", async () => {
    const [a] = xmlSets(sb);
    const set = sb.emulator.xmlSet(a!.directoryNumber);
    await set.until((s) => s.state === "page" && s.title === "Directory");
    const link = sb.gateway.core.prsLinks.get(1)!;
    expect(link.endpointIndex).toBe(0);
    sb.emulator.switchover(1, "clean");
    await until(() => link.isUp && link.endpointIndex === 1, "the PRS link on the standby");
    expect(sb.emulator.node(1).active.prs.linkCount).toBe(1);
    expect(sb.emulator.node(1).members[0]!.prs.linkCount).toBe(0);
    expect(set.screen.title).toBe("Directory");
    set.select(1);
    await set.until((s) => s.state === "page" && s.title === "Search");

    // A silent switchover back: only the ping notices the old call server went mute.
    sb.emulator.switchover(1, "silent");
    await until(() => link.isUp && link.endpointIndex === 0, "the PRS link back on the main", 15_000);
    set.softKey("Back");
    await set.until((s) => s.state === "page" && s.title === "Directory");
  });
});
