/**
 * Filling the store through the REST API: the nodes and their link states (maintenance
 * status), every node's login names (one request per node, not one per user), then names,
 * numbers and calls only for the users the board shows, a few requests at a time.
 */
import type { TelephonicState } from "../../gateway/domain/telephony/schema.js";
import type { UserJson } from "../../gateway/domain/user-view.js";
import { CONTROL, call, LINKS, q, subscribe } from "./api.js";
import { type LinkState, NO_CALLS, type NodeLinks, store, type UserRow } from "./store.js";

interface OtherLinks {
  nodeId: number;
  ssh: { state: LinkState };
  imap: { state: LinkState; member: string };
}

interface PbxStatus {
  nodeId: number;
  name: string;
  connected: boolean;
  loaded: boolean;
  ctiLinkState: string;
  monitoredUserNumber: number;
}

export async function refreshNodes(): Promise<void> {
  // The three at once: the board waits on them before its first row.
  const [status, emulated, others] = await Promise.all([
    call<{ pbxs: PbxStatus[] }>("GET", "/maintenance/status"),
    // The control API is the sandbox's: against a gateway without it, no switchover button.
    call<{ nodes: { nodeId: number; redundant: boolean }[] }>("GET", `${CONTROL}/nodes`).catch(() => ({
      nodes: [],
    })),
    // SSH and IMAP are not in O2G's status: the console server tells them (a sandbox's only).
    call<{ nodes: OtherLinks[] }>("GET", LINKS).catch(() => ({ nodes: [] as OtherLinks[] })),
  ]);
  store.nodes = status.pbxs.map(
    (p): NodeLinks => ({
      nodeId: p.nodeId,
      name: p.name,
      csta: p.ctiLinkState === "DISCONNECTED" ? "DOWN" : "UP",
      cmip: p.connected ? "UP" : "DOWN",
      ssh: others.nodes.find((o) => o.nodeId === p.nodeId)?.ssh.state ?? "NONE",
      imap: others.nodes.find((o) => o.nodeId === p.nodeId)?.imap.state ?? "NONE",
      imapMember: others.nodes.find((o) => o.nodeId === p.nodeId)?.imap.member ?? "",
      ctiLinkState: p.ctiLinkState,
      monitoredUsers: p.monitoredUserNumber,
      redundant: emulated.nodes.some((n) => n.nodeId === p.nodeId && n.redundant),
    }),
  );
  store.changed();
}

export async function loadBoard(): Promise<void> {
  await refreshNodes();
  const rows: UserRow[] = [];
  // every node's logins at once, kept in the nodes' order
  const perNode = await Promise.all(
    store.nodes.map((n) => call<{ loginNames: string[] }>("GET", `/logins${q({ nodeIds: n.nodeId })}`)),
  );
  for (const [i, n] of store.nodes.entries()) {
    for (const login of perNode[i]?.loginNames ?? [])
      rows.push({ login, nodeId: n.nodeId, detailed: false, userState: "UNKNOWN", calls: NO_CALLS });
  }
  store.setUsers(rows);
  // SSH and IMAP have no O2G event: their states are read again now and then.
  setInterval(() => void refreshNodes().catch(() => undefined), 5000);
  await subscribe(
    [{ names: ["telephony", "system", "unifiedComLog"] }],
    (e) => {
      store.apply(e);
      // The link events name the node only: its CTI link state (main or standby) is read again.
      if (/^On(Cti|Pbx)Link(Up|Down)$/.test(e.eventName)) void refreshNodes().catch(() => undefined);
    },
    (up) => {
      if (store.channelUp !== up) {
        store.channelUp = up;
        store.changed();
      }
    },
  );
}

const wanted: UserRow[] = [];
let running = 0;
const CONCURRENCY = 6;

/** Asks for the details of these rows (those in view); already asked ones are skipped. */
export function wantDetails(rows: readonly UserRow[]): void {
  for (const r of rows) {
    if (r.detailed || wanted.includes(r)) continue;
    wanted.push(r);
  }
  // Only what is in view matters: rows scrolled past long ago are dropped from the queue.
  if (wanted.length > 200) wanted.splice(0, wanted.length - 200);
  pump();
}

function pump(): void {
  while (running < CONCURRENCY && wanted.length) {
    const r = wanted.pop()!;
    if (r.detailed) continue;
    running++;
    void detail(r).finally(() => {
      running--;
      pump();
    });
  }
}

export async function detail(r: UserRow): Promise<void> {
  try {
    const [user, state] = await Promise.all([
      call<UserJson>("GET", `/users/${encodeURIComponent(r.login)}`),
      call<TelephonicState>("GET", `/telephony/state${q({ loginName: r.login })}`),
    ]);
    r.number = user.companyPhone;
    r.name = `${user.firstName} ${user.lastName}`.trim();
    r.detailed = true;
    store.applyState(r.login, state);
  } catch (err) {
    store.note(`${r.login}: ${(err as Error).message}`);
  }
}

/** A user's own console: their telephony and log events (no board, no other user). */
export async function loadSelf(login: string): Promise<void> {
  await subscribe(
    [{ names: ["telephony", "unifiedComLog"] }],
    (e) => store.apply({ ...e, loginName: e.loginName ?? login }),
    (up) => {
      if (store.channelUp !== up) {
        store.channelUp = up;
        store.changed();
      }
    },
  );
}
