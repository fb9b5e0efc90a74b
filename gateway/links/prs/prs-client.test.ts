/**
 * The PRS link client against the emulator's PRS server (plain TCP and TLS): refused with the
 * wrong account, up with the right one, answering the node's requests, and back after the
 * node drops it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PrsNodeServer } from "../../../oxe-emulator/servers/prs/index.js";
import { XmlBrowsers } from "../../../oxe-emulator/xml-browser/index.js";
import type { PrsRequest } from "../../../protocols/prs/index.js";
import { PrsClient, type PrsClientOptions } from "./prs-client.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function until(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(secure: boolean, password: string) {
  const browsers = new XmlBrowsers({ nodeId: 3, hasBrowser: (dn) => dn === "30001" });
  const server = new PrsNodeServer(browsers, {
    nodeId: 3,
    host: "127.0.0.1",
    port: 0,
    login: "o2g",
    password: "o2g-link",
    secure,
  });
  await server.listen();
  stops.push(() => server.close());
  const logs: string[] = [];
  const seen: PrsRequest[] = [];
  const opts: PrsClientOptions = {
    name: "node 3 prs",
    endpoints: [{ host: "127.0.0.1", port: server.port }],
    secure,
    ...(secure ? { ca: await server.certificate() } : {}),
    login: "o2g",
    password,
    connectTimeoutMs: 2_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    heartbeatMs: 0,
    heartbeatMisses: 2,
    onRequest: async (req) => {
      seen.push(req);
      return { type: "page", id: req.id, url: req.url, xml: '<IPTouch title="T"><Text>one</Text></IPTouch>' };
    },
    log: (_level, line) => logs.push(line),
  };
  const client = new PrsClient(opts);
  client.start();
  stops.push(() => client.stop());
  return { browsers, server, client, logs, seen };
}

describe("the PRS link client", () => {
  it("is refused with the wrong account and keeps retrying, saying why once", async () => {
    const { client, logs, browsers } = await setup(false, "wrong");
    await until(
      () => logs.some((l) => l.includes("refused by the node: bad login or password")),
      "the refusal",
    );
    expect(client.isUp).toBe(false);
    expect(browsers.linked).toBe(false);
  });

  for (const secure of [false, true])
    it(`answers the node's requests over ${secure ? "TLS" : "plain TCP"}, and comes back after the node drops it`, async () => {
      const { client, browsers, server, seen } = await setup(secure, "o2g-link");
      await until(() => client.isUp && browsers.linked, "the link");
      browsers.setApplication("https://app.example/xml/");
      const set = browsers.browser("30001");
      set.pressXmlKey();
      const screen = await set.until((s) => s.state === "page");
      expect(screen).toMatchObject({ title: "T", lines: ["one"] });
      expect(seen[0]).toMatchObject({
        device: "30001",
        start: true,
        method: "GET",
        url: "https://app.example/xml/",
      });

      let downs = 0;
      let ups = 0;
      client.on("down", () => downs++);
      client.on("up", () => ups++);
      server.dropLinks();
      // reconnected at once after a loss (the next address of a pair, here the same one)
      await until(() => downs === 1 && ups === 1 && client.isUp && browsers.linked, "the link again");
      set.pressXmlKey();
      await set.until((s) => s.pages === 2);
      expect(seen).toHaveLength(2);
    });
});
