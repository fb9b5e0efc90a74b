/**
 * What the console knows: every user of every node, their calls as the telephony events fold
 * them, and each node's links. One mutable store, many readers; a change schedules one render
 * per animation frame however many events arrive (a burst of 10,000 is one repaint).
 */
import type {
  Call,
  Leg,
  Participant,
  TelephonicState,
  UserState,
} from "../../gateway/domain/telephony/schema.js";
import type { O2gEvent } from "./api.js";

export type { Call, Leg, Participant };

/** What the board shows for a user, from their calls. */
export type RowState = "FREE" | "RINGING" | "CALLING" | "IN_CALL" | "HELD" | "BUSY" | "UNKNOWN";
export const ROW_STATES: readonly RowState[] = ["FREE", "RINGING", "CALLING", "IN_CALL", "HELD", "BUSY"];

export interface UserRow {
  readonly login: string;
  readonly nodeId: number;
  number?: string;
  name?: string;
  /** details (name, number) and telephonic state were read through the REST API */
  detailed: boolean;
  userState: UserState;
  /** NO_CALLS until the user's first call: the store alone writes it (see callsOf) */
  calls: ReadonlyMap<string, Call>;
  /** store.userChanges at this user's last change: a board row re-renders on it alone */
  rev?: number;
}

/**
 * The calls of a user who has none, shared: a Map per user is two thirds of the heap at
 * 100,000 users (28 MB against 10 MB), and every major GC walks it.
 */
export const NO_CALLS: ReadonlyMap<string, Call> = new Map();

export interface NodeLinks {
  nodeId: number;
  name: string;
  /** CSTA: the CTI link (OnCtiLinkDown/Up), CMIP: the PBX link (OnPbxLinkDown/Up) */
  csta: "UP" | "DOWN";
  cmip: "UP" | "DOWN";
  /** SSH (incidents, charging) and IMAP (the 4645): the console server's view, not O2G's */
  ssh: LinkState;
  imap: LinkState;
  /** the IMAP member answering: main or standby */
  imapMember: string;
  ctiLinkState: string;
  monitoredUsers: number;
  redundant: boolean;
  /** the last link event, for the eye */
  lastEvent?: string;
}

export type LinkState = "UP" | "DOWN" | "CONNECTING" | "NONE";

export interface LogLine {
  at: string;
  text: string;
}

const RANK: Record<RowState, number> = {
  RINGING: 5,
  IN_CALL: 4,
  CALLING: 3,
  HELD: 2,
  BUSY: 1,
  FREE: 0,
  UNKNOWN: 0,
};

export function rowState(u: UserRow): RowState {
  let best: RowState = u.userState === "BUSY" ? "BUSY" : "FREE";
  const rank = RANK;
  for (const c of u.calls.values()) {
    for (const l of c.legs) {
      const s: RowState | undefined =
        l.state === "RINGING_INCOMING"
          ? "RINGING"
          : l.state === "ACTIVE"
            ? "IN_CALL"
            : l.state === "HELD"
              ? "HELD"
              : l.state === "RINGING_OUTGOING" || l.state === "DIALING" || l.state === "OFF_HOOK"
                ? "CALLING"
                : undefined;
      if (s && rank[s] > rank[best]) best = s;
    }
  }
  return best;
}

const byId = <T>(list: T[], key: (x: T) => string, changed: T[], added: T[], removed: Set<string>): T[] => {
  const out = new Map(list.map((x) => [key(x), x]));
  for (const x of [...changed, ...added]) out.set(key(x), x);
  for (const id of removed) out.delete(id);
  return [...out.values()];
};

export class ConsoleStore {
  users: UserRow[] = [];
  readonly byLogin = new Map<string, UserRow>();
  /** the users with a call: what the calls panel walks, rather than every user */
  readonly inCall = new Set<UserRow>();
  nodes: NodeLinks[] = [];
  log: LogLine[] = [];
  channelUp = false;
  /** bumped on each OnComRecord* event of a user: the phone panel reads the log again */
  readonly comlogTicks = new Map<string, number>();
  version = 0;
  /** told of each link event as it arrives (the benchmarks page times a switchover with them) */
  readonly linkWatchers = new Set<(e: O2gEvent, at: number) => void>();
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  /** the users changed, in order, for the readers that follow changes rather than walk everyone */
  private journal: UserRow[] = [];
  private journalBase = 0;

  /** How many user changes so far: a reader keeps it and asks changedSince() later. */
  get userChanges(): number {
    return this.journalBase + this.journal.length;
  }

  /**
   * The users changed since `mark` (one may come more than once), or undefined when the
   * journal no longer reaches that far back (the reader then walks every user again).
   */
  changedSince(mark: number): readonly UserRow[] | undefined {
    if (mark < this.journalBase || mark > this.userChanges) return undefined;
    return this.journal.slice(mark - this.journalBase);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    this.version++;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const fn of this.listeners) fn();
    });
  }

  setUsers(rows: UserRow[]): void {
    this.users = rows;
    this.byLogin.clear();
    this.inCall.clear();
    this.journalBase += this.journal.length;
    this.journal = [];
    for (const r of rows) this.byLogin.set(r.login, r);
    this.changed();
  }

  note(text: string): void {
    this.log = [{ at: new Date().toLocaleTimeString(), text }, ...this.log].slice(0, 200);
    this.changed();
  }

  applyState(login: string, st: TelephonicState): void {
    const u = this.byLogin.get(login);
    if (!u) return;
    u.userState = st.userState;
    u.calls = st.calls.length ? new Map(st.calls.map((c) => [c.callRef, c])) : NO_CALLS;
    this.track(u);
  }

  /** Folds one event of the channel into the model. */
  apply(e: O2gEvent): void {
    switch (e.eventName) {
      case "OnCtiLinkDown":
      case "OnCtiLinkUp":
      case "OnPbxLinkDown":
      case "OnPbxLinkUp": {
        const n = this.nodes.find((x) => String(x.nodeId) === e.nodeId);
        if (n) {
          const up = e.eventName.endsWith("Up") ? "UP" : "DOWN";
          if (e.eventName.startsWith("OnCti")) n.csta = up;
          else n.cmip = up;
          n.lastEvent = `${e.eventName} ${new Date().toLocaleTimeString()}`;
        }
        for (const w of this.linkWatchers) w(e, performance.now());
        this.note(`node ${e.nodeId}: ${e.eventName}`);
        return;
      }
    }
    const u = e.loginName ? this.byLogin.get(e.loginName) : undefined;
    if (!u) return;
    const ref = typeof e.callRef === "string" ? e.callRef : "";
    switch (e.eventName) {
      case "OnCallCreated":
        this.callsOf(u).set(ref, {
          callRef: ref,
          callData: e.callData as Call["callData"],
          legs: (e.legs as Leg[]) ?? [],
          participants: (e.participants as Participant[]) ?? [],
        });
        break;
      case "OnCallModified": {
        const prev = typeof e.previousCallRef === "string" ? u.calls.get(e.previousCallRef) : undefined;
        if (prev && e.previousCallRef !== ref) this.callsOf(u).delete(e.previousCallRef as string);
        const c = u.calls.get(ref) ??
          prev ?? { callRef: ref, callData: e.callData as Call["callData"], legs: [], participants: [] };
        const removedLegs = new Set(((e.removedLeg as Leg[]) ?? []).map((l) => l.deviceId));
        this.callsOf(u).set(ref, {
          callRef: ref,
          callData: (e.callData as Call["callData"]) ?? c.callData,
          legs: byId(
            c.legs,
            (l) => l.deviceId,
            (e.modifiedLegs as Leg[]) ?? [],
            (e.addedLegs as Leg[]) ?? [],
            removedLegs,
          ),
          participants: byId(
            c.participants,
            (p) => p.participantId,
            (e.modifiedParticipants as Participant[]) ?? [],
            (e.addedParticipants as Participant[]) ?? [],
            new Set((e.removedParticipants as string[]) ?? []),
          ),
        });
        break;
      }
      case "OnCallRemoved":
        this.callsOf(u).delete(ref);
        break;
      case "OnUserStateModified":
        u.userState = e.state as UserState;
        break;
      case "OnTelephonyState":
        this.applyState(u.login, e.state as TelephonicState);
        return;
      case "OnComRecordCreated":
      case "OnComRecordsDeleted":
      case "OnComRecordsAck":
      case "OnComRecordsUnAck":
        this.comlogTicks.set(u.login, (this.comlogTicks.get(u.login) ?? 0) + 1);
        break;
      default:
        return;
    }
    this.track(u);
  }

  private callsOf(u: UserRow): Map<string, Call> {
    if (u.calls === NO_CALLS) u.calls = new Map();
    return u.calls as Map<string, Call>;
  }

  private track(u: UserRow): void {
    if (u.calls.size > 0) this.inCall.add(u);
    else this.inCall.delete(u);
    this.journal.push(u);
    u.rev = this.userChanges;
    // A reader more than 10,000 changes behind walks every user again: the journal stays small.
    if (this.journal.length > 20_000) {
      this.journal.splice(0, 10_000);
      this.journalBase += 10_000;
    }
    this.changed();
  }

  /** Every call in progress once (a call has a row per user in it), with who is in it. */
  callsInProgress(): {
    callRef: string;
    users: { login: string; state: string }[];
    participants: Participant[];
  }[] {
    const out = new Map<
      string,
      { callRef: string; users: { login: string; state: string }[]; participants: Participant[] }
    >();
    for (const u of this.inCall) {
      for (const c of u.calls.values()) {
        let entry = out.get(c.callRef);
        if (!entry) {
          entry = { callRef: c.callRef, users: [], participants: c.participants };
          out.set(c.callRef, entry);
        }
        entry.users.push({ login: u.login, state: c.legs[0]?.state ?? c.callData?.state ?? "UNKNOWN" });
      }
    }
    return [...out.values()];
  }
}

export const store = new ConsoleStore();
