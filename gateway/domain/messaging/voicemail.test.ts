/**
 * The messaging domain against an emulated 4645: passwords kept per session, mailboxes opened on
 * demand, the counters following IMAP IDLE and the user's actions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDirectory } from "../../../oxe-emulator/directory/index.js";
import { ImapNodeServer } from "../../../oxe-emulator/servers/imap/index.js";
import { VoiceMailStore } from "../../../oxe-emulator/voicemail/index.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../config/index.js";
import { UserDirectory } from "../directory.js";
import { type VoiceMailCount, VoiceMailCounters } from "./counters.js";
import { MailboxCredentials } from "./credentials.js";
import { VoiceMailError, VoiceMailService } from "./voicemail.js";

const emu = generateDirectory({ users: 12, nodes: 2, seed: 6 });
const store = new VoiceMailStore({ nodeId: 1, directory: emu, seed: 6, history: false });
let server: ImapNodeServer;
const directory = new UserDirectory();
for (const node of [1, 2]) {
  directory.replaceNode(
    node,
    (emu.byNode.get(node) ?? []).map((s) => ({
      directoryNumber: s.directoryNumber,
      firstName: s.firstName,
      lastName: s.lastName,
      stationType: "IP Touch 4068",
      loginName: `oxe${s.directoryNumber}`,
    })),
  );
}
const [alice, bob] = (emu.byNode.get(1) ?? []).map((s) => directory.users.get(`oxe${s.directoryNumber}`)!);
const erin = directory.users.get(`oxe${emu.byNode.get(2)![0]!.directoryNumber}`)!;
const PASSWORD = emu.options.password;
let vm: VoiceMailService;

function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () =>
      cond() ? resolve() : Date.now() > end ? reject(new Error("timed out")) : setTimeout(tick, 5);
    tick();
  });
}

beforeAll(async () => {
  server = new ImapNodeServer(store, { nodeId: 1, host: "127.0.0.1", port: 0 });
  await server.listen();
  vm = new VoiceMailService({
    directory,
    endpoints: (nodeId) => (nodeId === 1 ? [{ host: "127.0.0.1", port: server.port }] : []),
    settings: { ...DEFAULT_GATEWAY_CONFIG.imap, autoIdleMs: 30, idleCloseMs: 60_000 },
    log: () => {},
  });
  vm.start();
});
afterAll(async () => {
  await vm.stop();
  await server.close();
});

describe("MailboxCredentials", () => {
  it("keeps a password per session, the latest first, and forgets with the session", () => {
    const c = new MailboxCredentials();
    c.remember("s1", "oxe1", "a");
    c.remember("s2", "oxe1", "b");
    expect(c.passwordFor("oxe1")).toBe("b");
    expect(c.forget("s2")).toEqual([]);
    expect(c.passwordFor("oxe1")).toBe("a");
    c.remember("s3", "oxe1", "a");
    c.refuse("oxe1", "a");
    expect(c.passwordFor("oxe1")).toBeUndefined();
    expect(c.forget("s1")).toEqual([]);
    c.remember("s4", "oxe2", "x");
    expect(c.forget("s4")).toEqual(["oxe2"]);
  });
});

describe("VoiceMailCounters", () => {
  it("tells listeners of changes only", () => {
    const c = new VoiceMailCounters();
    const heard: [string, VoiceMailCount, VoiceMailCount | undefined][] = [];
    const off = c.onChange((l, now, before) => heard.push([l, now, before]));
    c.set("u", { unread: 1, total: 2 });
    c.set("u", { unread: 1, total: 2 });
    c.set("u", { unread: 0, total: 2 });
    off();
    c.set("u", { unread: 0, total: 3 });
    expect(heard).toEqual([
      ["u", { unread: 1, total: 2 }, undefined],
      ["u", { unread: 0, total: 2 }, { unread: 1, total: 2 }],
    ]);
    expect(c.get("u")).toEqual({ unread: 0, total: 3 });
  });
});

describe("VoiceMailService", () => {
  it("opens a mailbox only with a password a session gave", async () => {
    expect(vm.mailboxes(alice!)).toEqual([expect.objectContaining({ id: alice!.companyPhone })]);
    expect(vm.mailboxes(erin)).toEqual([]);
    await expect(vm.info(alice!)).rejects.toMatchObject({ failure: "noPassword" });
    await expect(vm.info(erin)).rejects.toMatchObject({ failure: "noVoiceMail" });
    vm.remember("session-a", alice!.loginName, "wrong");
    await expect(vm.info(alice!)).rejects.toMatchObject({ failure: "refused" });
    // The refused password is not tried again.
    await expect(vm.info(alice!)).rejects.toMatchObject({ failure: "noPassword" });
    vm.remember("session-a", alice!.loginName, PASSWORD);
    expect(await vm.info(alice!)).toEqual({ totalVoiceMsg: 0, newVoiceMsg: 0, storageUsage: 0 });
  });

  it("lists newest first with paging, names callers, and follows deposits through IDLE", async () => {
    const counts: VoiceMailCount[] = [];
    const off = vm.counters.onChange((login, now) => {
      if (login === alice!.loginName) counts.push(now);
    });
    const stop = vm.watch(alice!.loginName);
    try {
      const from = store.deposit(alice!.companyPhone, { caller: bob!.companyPhone, durationSec: 4 });
      await until(() => vm.counters.get(alice!.loginName)?.total === 1);
      store.deposit(alice!.companyPhone, { caller: "0146281234", callerName: "ACME", durationSec: 6 });
      store.deposit(alice!.companyPhone, { caller: "", durationSec: 2, highPriority: true });
      await until(() => vm.counters.get(alice!.loginName)?.total === 3);
      expect(vm.counters.get(alice!.loginName)).toEqual({ unread: 3, total: 3 });

      const list = await vm.messages(alice!, { newOnly: false, offset: 0, limit: undefined });
      expect(list.map((m) => m.duration)).toEqual([2, 6, 4]);
      expect(list[0]).toMatchObject({ highPriority: true, unread: true });
      expect(list[0]!.from).toBeUndefined();
      expect(list[1]!.from).toEqual({
        id: { phoneNumber: "0146281234" },
        displayName: "ACME",
        type: { main: "EXTERNAL" },
      });
      expect(list[2]!.from).toMatchObject({
        id: { loginName: bob!.loginName, phoneNumber: bob!.companyPhone },
        firstName: bob!.firstName,
        type: { main: "USER" },
      });
      expect(list[2]!.voicemailId).toBe(String(from.uid));
      const page = await vm.messages(alice!, { newOnly: false, offset: 1, limit: 1 });
      expect(page.map((m) => m.duration)).toEqual([6]);

      await vm.acknowledge(alice!, [String(from.uid)]);
      expect(vm.counters.get(alice!.loginName)).toEqual({ unread: 2, total: 3 });
      expect((await vm.messages(alice!, { newOnly: true, offset: 0, limit: undefined })).length).toBe(2);
      await expect(vm.acknowledge(alice!, ["999"])).rejects.toBeInstanceOf(VoiceMailError);
      await expect(vm.remove(alice!, ["abc"])).rejects.toMatchObject({ failure: "noMessage" });
      await vm.remove(
        alice!,
        list.map((m) => m.voicemailId),
      );
      expect(vm.counters.get(alice!.loginName)).toEqual({ unread: 0, total: 0 });
      expect(counts.at(-1)).toEqual({ unread: 0, total: 0 });
    } finally {
      stop();
      off();
    }
  });

  it("closes the mailbox when the last session that knew its password ends", async () => {
    vm.remember("session-b", bob!.loginName, PASSWORD);
    await vm.info(bob!);
    expect(server.loggedIn).toContain(bob!.companyPhone);
    vm.sessionEnded("session-b");
    await until(() => !server.loggedIn.includes(bob!.companyPhone));
    await expect(vm.info(bob!)).rejects.toMatchObject({ failure: "noPassword" });
  });
});
