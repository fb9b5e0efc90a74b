/**
 * A node's analytics read over a real SSH link from an emulated node: the tickets are exactly the
 * node's, read once per file, re-read only when a file grew, and not lost when the link drops in
 * the middle of a dump; incidents are followed live and listed again after a drop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NodeAnalytics as EmulatedAnalytics } from "../../../oxe-emulator/analytics/index.js";
import { generateDirectory } from "../../../oxe-emulator/directory/index.js";
import { SshNodeServer } from "../../../oxe-emulator/servers/ssh/index.js";
import { type ExecOptions, type ExecResult, SshLink } from "../../links/ssh/index.js";
import { AnalyticsError, NodeAnalytics } from "./node-analytics.js";

const HOUR = 3_600_000;
const dir = generateDirectory({ users: 60, nodes: 1, seed: 5 });
// A busy node: some 2,000 tickets a day, so a day's dump is a few hundred kB.
/**
 * The node's generated history ends at its start: the tests run with the clock pinned to several
 * dates (a weekday morning, a Sunday night across a month's end, a leap day; faked Date only, so
 * it moves on as time passes and timers stay real) and at the real date, so that nothing in them
 * holds only for the traffic of the day they were written.
 */
const STARTS = ["2026-11-25T10:30:00Z", "2027-01-31T23:59:30Z", "2028-02-29T04:00:00Z", "now"];
const startOf = (s: string) => (s === "now" ? Date.now() : Date.parse(s));
const makeNode = (now: number) =>
  new EmulatedAnalytics({ nodeId: 1, seed: 5, directory: dir, ticketsPerDay: 2000, historyDays: 10, now });
let emulated: EmulatedAnalytics;
let server: SshNodeServer;
const logs: string[] = [];

/** An SshLink that counts the taxdump commands it runs and the file names each one named. */
class CountingLink extends SshLink {
  dumps: number[] = [];
  onDumpLine: ((line: string, dump: number) => void) | undefined;
  override exec(command: string, onLine: (line: string) => void, options?: ExecOptions): Promise<ExecResult> {
    if (!command.startsWith("taxdump ")) return super.exec(command, onLine, options);
    const dump = this.dumps.push(command.split(" ").length - 1) - 1;
    return super.exec(
      command,
      (line) => {
        onLine(line);
        this.onDumpLine?.(line, dump);
      },
      options,
    );
  }
}

/**
 * Cut the gateway's SSH connection when it has received the `n`th `#FILE` line of a taxdump: the
 * files before it in that dump are then complete on the client for sure, and the rest cut,
 * whatever the sizes of the files (they follow the seeded traffic of the day) or the sockets'
 * buffering. Cutting on the node's side (at its nth file, or at the client's nth line) depended
 * on how much of the output was already in flight: sometimes nothing was cut, sometimes all.
 */
function cutDumpAtFile(n: number): { cuts: number } {
  const state = { cuts: 0 };
  const first = link.dumps.length;
  let seen = 0;
  link.onDumpLine = (line, dump) => {
    if (dump !== first || !line.startsWith("#FILE ") || ++seen !== n) return;
    link.onDumpLine = undefined;
    state.cuts++;
    link.reset("cut by the test");
  };
  return state;
}

let link: CountingLink;
let node: NodeAnalytics;

function commands(): number {
  return link.status().commands;
}

describe.each(STARTS)("a node started at %s", (start) => {
  beforeAll(async () => {
    if (start !== "now") {
      vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
      vi.setSystemTime(startOf(start));
    }
    emulated = makeNode(Date.now());
    server = new SshNodeServer(emulated, {
      nodeId: 1,
      host: "127.0.0.1",
      port: 0,
      login: "adfexc",
      password: "adfexc",
    });
    await server.listen();
    link = new CountingLink({
      name: "node 1 SSH",
      endpoints: [{ host: "127.0.0.1", port: server.port }],
      login: "adfexc",
      password: "adfexc",
      hostKeys: [server.hostPublicKey],
      keepaliveMs: 1000,
      keepaliveCountMax: 3,
      connectTimeoutMs: 2000,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
      maxChannels: 3,
      log: (level, line) => logs.push(`${level} ${line}`),
    });
    node = new NodeAnalytics({
      nodeId: 1,
      link,
      maxChargingFiles: 100,
      cachedTickets: 100_000,
      maxIncidents: 10_000,
      retryWithinMs: 3000,
      commandTimeoutMs: 10_000,
      log: (level, line) => logs.push(`${level} ${line}`),
    });
    node.start();
    expect(await link.waitUp(3000)).toBe(true);
  });
  afterAll(async () => {
    node.stop();
    await server.close();
    vi.useRealTimers();
  });

  const seqs = (sel: Awaited<ReturnType<NodeAnalytics["chargingOfRange"]>>) =>
    sel.tickets
      .flat()
      .filter((t) => t.start >= sel.range.from && t.start < sel.range.to)
      .map((t) => t.seq);

  const truth = (from: number, to: number) => [...emulated.charging.tickets({ from, to })].map((t) => t.seq);

  describe("charging over SSH", () => {
    // On whole seconds: the node's dates are to the second, the emulator's store to the ms.
    const to = Math.floor(startOf(start) / 1000) * 1000 - 2 * HOUR;
    const from = to - 20 * HOUR;

    it("gives the node's tickets of a range, and reads each file once", async () => {
      const before = commands();
      const sel = await node.chargingOfRange({ from, to });
      expect(seqs(sel)).toEqual(truth(from, to));
      // Not empty whatever the day: a Sunday has some 190 tickets in those 20 hours, a weekday 1,000.
      expect(seqs(sel).length).toBeGreaterThan(100);
      expect(sel.files.length).toBeGreaterThanOrEqual(12);
      expect(commands() - before).toBe(2); // taxfiles, one taxdump
      const again = await node.chargingOfRange({ from, to });
      expect(seqs(again)).toEqual(truth(from, to));
      expect(commands() - before).toBe(3); // taxfiles only: every file came from the cache
    });

    it("reads the open file again when it grew, and only that one", async () => {
      const now = Math.floor(Date.now() / 1000) * 1000;
      const range = { from: now - 3 * HOUR, to: now + 2000 };
      await node.chargingOfRange(range);
      const t = emulated.charging.addRandomPublicCall(now);
      const before = commands();
      const sel = await node.chargingOfRange(range);
      expect(seqs(sel)).toContain(t!.seq);
      expect(seqs(sel)).toEqual(truth(range.from, range.to));
      expect(commands() - before).toBe(2);
    });

    it("shares one read between two requests for the same files", async () => {
      const r = { from: from - 30 * HOUR, to: from - 25 * HOUR };
      const before = commands();
      const [a, b] = await Promise.all([node.chargingOfRange(r), node.chargingOfRange(r)]);
      expect(seqs(a)).toEqual(seqs(b));
      expect(commands() - before).toBe(3); // two listings, one dump
    });

    it("loses no ticket when the link drops in the middle of a dump", async () => {
      // Three days: thousands of tickets in some 75 files, so two dumps of at most 40 file names.
      const r = { from: from - 150 * HOUR, to: from - 78 * HOUR };
      expect(truth(r.from, r.to).length).toBeGreaterThan(2000);
      logs.length = 0;
      const cut = cutDumpAtFile(12);
      const dumpsBefore = link.dumps.length;
      const sel = await node.chargingOfRange(r);
      expect(cut.cuts).toBe(1);
      expect(seqs(sel)).toEqual(truth(r.from, r.to));
      // sel.tickets holds one list per file read: the first dumps named each of them once.
      const dumps = link.dumps.slice(dumpsBefore);
      const batches = Math.ceil(sel.tickets.length / 40);
      const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
      expect(sum(dumps.slice(0, batches))).toBe(sel.tickets.length);
      // The cut dumps were run again, for the files they had not finished only: the one cut at
      // its 12th file had 11 complete, which are not asked for again.
      const again = dumps.slice(batches);
      expect(again.length).toBeGreaterThan(0);
      expect(again.length).toBeLessThanOrEqual(batches);
      expect(sum(again)).toBeLessThanOrEqual(sel.tickets.length - 11);
      expect(logs.filter((l) => l.includes("node 1 SSH down (cut by the test)"))).toHaveLength(1);
    });

    it("reads chosen files, refuses unknown ones and too many", async () => {
      const files = await node.chargingFiles({ from, to });
      const pick = [files[3]!.name, files[1]!.name];
      const sel = await node.chargingOfFiles(pick);
      expect(sel.files.map((f) => f.name)).toEqual(pick);
      expect(sel.tickets.map((t) => t.length)).toEqual([files[3]!.tickets, files[1]!.tickets]);
      await expect(node.chargingOfFiles(["TAXACD_20000101_00.txt"])).rejects.toMatchObject({
        failure: "notFound",
      });
      await expect(node.chargingOfFiles(["a b; rm -rf"])).rejects.toMatchObject({ failure: "badRequest" });
      const week = { from: from - 7 * 24 * HOUR, to };
      await expect(node.chargingOfRange(week)).rejects.toBeInstanceOf(AnalyticsError);
      await expect(node.chargingOfRange(week)).rejects.toMatchObject({ failure: "badRequest" });
    });
  });

  describe("incidents over SSH", () => {
    it("follows the node's incidents: a new one is known at once", async () => {
      const all = await node.incidents();
      expect(all.length).toBe(emulated.incidents.all().length);
      const raised = emulated.incidents.raise({ code: 2018, rack: 0, board: 12 });
      const deadline = Date.now() + 2000;
      let last = (await node.incidents(1))[0];
      while (last?.text !== raised.text && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
        last = (await node.incidents(1))[0];
      }
      expect(last).toMatchObject({ code: 2018, rack: "0", board: "12", severity: raised.severity });
      expect(Date.now() - raised.date).toBeLessThan(500);
    });

    it("lists them all again after a drop, those raised meanwhile included", async () => {
      const down = new Promise((r) => link.once("down", r));
      server.dropLinks();
      const raised = emulated.incidents.raise({
        code: 7001,
        severity: 1,
        text: "raised while the link was down",
      });
      await down;
      expect(await link.waitUp(3000)).toBe(true);
      const last = await node.incidents(1);
      expect(last[0]?.text).toBe(raised.text);
      expect((await node.incidents()).length).toBe(emulated.incidents.all().length);
    });

    it("answers unavailable at once while the link is down", async () => {
      // Refused until the answers are checked, and the check starts once the link says it is
      // down: a fixed pause lost the race on a loaded machine (the drop not yet seen, the
      // incidents answered from the followed list).
      server.faults.refuseUntil = Date.now() + 60_000;
      const down = new Promise((r) => link.once("down", r));
      server.dropLinks();
      await down;
      await expect(node.incidents()).rejects.toMatchObject({ failure: "unavailable" });
      await expect(node.chargingFiles({ from: 0, to: 1 })).rejects.toMatchObject({ failure: "unavailable" });
      server.faults.refuseUntil = 0;
      expect(await link.waitUp(10_000)).toBe(true);
      expect((await node.incidents(2)).length).toBe(2);
    });
  });

  describe("a node that does not follow incidents", () => {
    it("is read per request instead", async () => {
      /** A node whose incvisu knows no -F: it answers usage, status 2. */
      class NoFollowLink extends SshLink {
        override exec(
          command: string,
          onLine: (line: string) => void,
          options?: ExecOptions,
        ): Promise<ExecResult> {
          return super.exec(command.replace("incvisu -F", "incvisu -Z"), onLine, options);
        }
      }
      const l = new NoFollowLink({
        name: "node 1 SSH (old)",
        endpoints: [{ host: "127.0.0.1", port: server.port }],
        login: "adfexc",
        password: "adfexc",
        keepaliveMs: 1000,
        keepaliveCountMax: 3,
        connectTimeoutMs: 2000,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
        maxChannels: 2,
        log: () => {},
      });
      const warnings: string[] = [];
      const old = new NodeAnalytics({
        nodeId: 1,
        link: l,
        maxChargingFiles: 100,
        cachedTickets: 1000,
        maxIncidents: 10_000,
        retryWithinMs: 2000,
        commandTimeoutMs: 5000,
        log: (_level, line) => warnings.push(line),
      });
      old.start();
      try {
        expect(await l.waitUp(3000)).toBe(true);
        const raised = emulated.incidents.raise({ code: 7002, severity: 2, text: "read per request" });
        expect((await old.incidents(1))[0]?.text).toBe(raised.text);
        expect((await old.incidents()).length).toBe(emulated.incidents.all().length);
        expect(warnings.filter((w) => w.includes("does not follow incidents"))).toHaveLength(1);
      } finally {
        old.stop();
      }
    });
  });
});
