/**
 * A sample XML application for IP Touch sets: a company directory looked up from the keypad
 * (the digits of a last name, 2 = ABC ... 9 = WXYZ, as sets spell names, or of a number) and a queue status
 * page, in the XML subset the gateway supports (protocols/prs/xml-page.ts), served over HTTPS by
 * node:https on loopback with its own throwaway CA, which the gateway is told to trust.
 *
 * Pages (relative links, resolved by the set against the page's URL):
 *   /xml/          the menu: Search by name, Queue status
 *   /xml/search    an input for the name's digits, OK sends it to results
 *   /xml/results   ?q=digits: the matching entries, 6 at most
 *   /xml/queues    a queue status page
 *   /xml/broken    a page outside the subset (tests: what the set shows then)
 * Every request is recorded (`requests`) with the set and user O2G says it is for.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Emulator } from "../../oxe-emulator/index.js";
import { xmlEscape } from "../../protocols/prs/index.js";
import { type Issued, issue } from "../wss-app/pki.js";

export interface DirectoryEntry {
  lastName: string;
  firstName: string;
  number: string;
}

export interface AppRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  device: string | undefined;
  user: string | undefined;
}

export interface QueueStatus {
  name: string;
  waiting: number;
  agents: number;
}

const KEYPAD: Record<string, string> = {
  a: "2",
  b: "2",
  c: "2",
  d: "3",
  e: "3",
  f: "3",
  g: "4",
  h: "4",
  i: "4",
  j: "5",
  k: "5",
  l: "5",
  m: "6",
  n: "6",
  o: "6",
  p: "7",
  q: "7",
  r: "7",
  s: "7",
  t: "8",
  u: "8",
  v: "8",
  w: "9",
  x: "9",
  y: "9",
  z: "9",
};

/** A name as keypad digits ("Martin" -> "627846"); letters outside a-z are dropped. */
export function keypadDigits(name: string): string {
  return [...name.normalize("NFD").toLowerCase()].map((c) => KEYPAD[c] ?? "").join("");
}

let sharedPki: { ca: Issued; server: Issued } | undefined;

/** One CA and server certificate per process (RSA keys take a while to make). */
function appPki(): { ca: Issued; server: Issued } {
  if (!sharedPki) {
    const ca = issue({ commonName: "sample XML application CA", ca: true });
    sharedPki = {
      ca,
      server: issue({ commonName: "localhost", serverNames: ["localhost", "127.0.0.1"] }, ca),
    };
  }
  return sharedPki;
}

/** The CA the gateway trusts for the sample applications (`xmlPrs.ca`). */
export function sampleXmlAppCa(): string {
  return appPki().ca.certPem;
}

const page = (title: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<IPTouch title="${xmlEscape(title)}">\n${body}</IPTouch>\n`;
const text = (s: string) => `  <Text>${xmlEscape(s)}</Text>\n`;
const softKey = (label: string, url?: string) =>
  url
    ? `  <SoftKey label="${xmlEscape(label)}" url="${xmlEscape(url)}"/>\n`
    : `  <SoftKey label="${xmlEscape(label)}" action="exit"/>\n`;

export class XmlDirectoryApp {
  readonly requests: AppRequest[] = [];
  queues: QueueStatus[] = [
    { name: "Sales", waiting: 3, agents: 2 },
    { name: "Support", waiting: 0, agents: 4 },
  ];

  private constructor(
    private readonly server: https.Server,
    readonly entries: readonly DirectoryEntry[],
    /** https://127.0.0.1:port/xml/: what the sets' XML key starts */
    readonly url: string,
    /** the CA (PEM) that signed the server's certificate */
    readonly ca: string,
  ) {}

  static async start(entries: readonly DirectoryEntry[]): Promise<XmlDirectoryApp> {
    const pki = appPki();
    let app: XmlDirectoryApp | undefined;
    const server = https.createServer({ key: pki.server.keyPem, cert: pki.server.certPem }, (req, res) => {
      app?.serve(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    app = new XmlDirectoryApp(server, entries, `https://127.0.0.1:${port}/xml/`, pki.ca.certPem);
    return app;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? "/", "https://app.invalid");
    const query = Object.fromEntries(u.searchParams);
    const header = (h: string) => {
      const v = req.headers[h];
      return typeof v === "string" ? v : undefined;
    };
    this.requests.push({
      method: req.method ?? "GET",
      path: u.pathname,
      query,
      device: header("x-oxe-device"),
      user: header("x-oxe-user"),
    });
    const send = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "application/xml; charset=utf-8" });
      res.end(body);
    };
    switch (u.pathname) {
      case "/xml/":
        send(
          200,
          page(
            "Directory",
            text("Company directory") +
              '  <Menu>\n    <Item url="search">Search by name</Item>\n    <Item url="queues">Queue status</Item>\n  </Menu>\n' +
              softKey("Exit"),
          ),
        );
        return;
      case "/xml/search":
        send(
          200,
          page(
            "Search",
            text("Type the name on the keypad") +
              '  <Input name="q" prompt="Name" url="results" maxLength="8"/>\n' +
              softKey("Back", "./") +
              softKey("Exit"),
          ),
        );
        return;
      case "/xml/results": {
        const q = (query.q ?? "").replace(/\D/g, "");
        // by the name's keypad digits, or by the number
        const hits = q
          ? this.entries
              .filter((e) => keypadDigits(e.lastName).startsWith(q) || e.number.startsWith(q))
              .slice(0, 6)
          : [];
        const lines = hits.length
          ? hits.map((e) => text(`${e.lastName} ${e.firstName} ${e.number}`.slice(0, 64))).join("")
          : text(`No name matches ${q || "nothing"}`);
        send(
          200,
          page(
            `Results ${q}`.trim(),
            lines + softKey("Search", "search") + softKey("Menu", "./") + softKey("Exit"),
          ),
        );
        return;
      }
      case "/xml/queues":
        send(
          200,
          page(
            "Queue status",
            this.queues.map((q) => text(`${q.name}: ${q.waiting} waiting, ${q.agents} agents`)).join("") +
              softKey("Back", "./"),
          ),
        );
        return;
      case "/xml/broken":
        send(200, "<html><body>not a page for a set</body></html>");
        return;
      default:
        send(404, page("Not found", text(u.pathname.slice(0, 60))));
    }
  }
}

/**
 * The sample directory for a scenario (`xmlApp: directory`): the emulator's users as its entries,
 * and every node's IP Touch sets' XML key pointed at it, once the nodes' PRS links are up (10 s
 * at most). The gateway must trust sampleXmlAppCa().
 */
export async function startDirectoryAppFor(emulator: Emulator): Promise<XmlDirectoryApp> {
  const app = await XmlDirectoryApp.start(
    emulator.directory.subscribers.map((s) => ({
      lastName: s.lastName,
      firstName: s.firstName,
      number: s.directoryNumber,
    })),
  );
  for (const n of emulator.nodes) n.xml.setApplication(app.url);
  // The gateway opens the PRS links beside the others: a key pressed before would find none.
  const end = Date.now() + 10_000;
  while (!emulator.nodes.every((n) => n.xml.linked) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 20));
  return app;
}
