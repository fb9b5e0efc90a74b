/**
 * CallCenterRealtime's engine: the OXE computes its CCD's real-time indicators itself and shows
 * them as read-only managed objects (CCD_RTI_Agent, CCD_RTI_Pilot, CCD_RTI_Queue, CCD_RTI_Group,
 * whose attributes are named as the RTI events' fields); the gateway reads them, it does not
 * guess them.
 *
 * Each administrator session has at most one context (which objects, which attributes, how
 * often), kept in memory with the session (sessions are not persisted) and dropped with it.
 * Once started (POST snapshot), a session gets, every `notifFrequency` seconds, one event per
 * object whose selected attributes changed since the last one it got, carrying those attributes
 * only (the SDK: "only the attributes that have changed since the previous notification"); the
 * first round after a start carries them all. The nodes are read with one scoped get per class
 * per round, and only while some context is started; rounds of several sessions that fall
 * within READ_REUSE_MS share one read.
 *
 * Ours: an absent category in the filter is not followed; a category with no numbers follows
 * all its objects, with no attributes all its attributes. The context's obsPeriod is kept and
 * given back, but the OXE computes its period counters over its own 15 minutes. Attributes the
 * OXE does not give (ComDate, ComDuration, CurrentRuleName...) never appear in an event. The
 * emulated OXE has no "other" processing groups: pgOthers is empty where it has no such class.
 */
import type { NamedAttributes } from "../../links/cmip-client.js";
import type { ConfigurationNode } from "../pbx/access.js";
import {
  AGENT_ATTRIBUTES,
  PG_AGENT_ATTRIBUTES,
  PG_OTHER_ATTRIBUTES,
  PILOT_ATTRIBUTES,
  QUEUE_ATTRIBUTES,
  type RtiContextJson,
  type RtiObjectIdentifierJson,
  type RtiObjectsJson,
} from "./realtime-schema.js";

export type RtiKind = "agent" | "pilot" | "queue" | "pgAgent" | "pgOther";
export const RTI_KINDS: readonly RtiKind[] = ["agent", "pilot", "queue", "pgAgent", "pgOther"];

const CLASS: Record<RtiKind, string> = {
  agent: "CCD_RTI_Agent",
  pilot: "CCD_RTI_Pilot",
  queue: "CCD_RTI_Queue",
  pgAgent: "CCD_RTI_Group",
  pgOther: "CCD_RTI_Other_Group",
};
const EVENT: Record<RtiKind, string> = {
  agent: "OnAgentRtiChanged",
  pilot: "OnPilotRtiChanged",
  queue: "OnQueueRtiChanged",
  pgAgent: "OnPGAgentRtiChanged",
  pgOther: "OnPGOtherRtiChanged",
};
const FILTER: Record<RtiKind, keyof NonNullable<RtiContextJson["filter"]>> = {
  agent: "agentFilter",
  pilot: "pilotFilter",
  queue: "queueFilter",
  pgAgent: "pgAgentFilter",
  pgOther: "pgOtherFilter",
};
/** Fields every event of the kind carries (the SDK's required ones, and what names the object). */
const IDENTITY: Record<RtiKind, readonly string[]> = {
  agent: ["number", "name", "firstName", "type"],
  pilot: ["number", "name"],
  queue: ["number", "name", "type", "state"],
  pgAgent: ["number", "name", "type", "state"],
  pgOther: ["number", "name", "type", "state"],
};
/** An attribute's event fields where they are not just its name with a lower-case first letter. */
const FIELDS: Record<RtiKind, Record<string, readonly string[]>> = {
  agent: {
    PhoneState: ["phoneState", "phoneStateDate"],
    ServiceState: ["serviceState", "serviceStateDate"],
    NBOfPrivateCalls: ["nbOfPrivateCalls"],
    NbOfTransferredACDCalls: ["nbOfTransferedACDCalls"],
    ComDate: [],
    ComDuration: [],
  },
  pilot: {
    ServiceLevel: ["serviceLevel", "worstServiceLevelInList", "bestServiceLevelInList"],
    Efficiency: ["efficiency", "worstEfficiencyInList", "bestEfficiencyInList"],
    CurrentRuleName: [],
  },
  queue: {},
  pgAgent: {
    ServiceLevel: ["consolidatedPilotsServiceLevel", "pilotsWorstServiceLevel", "pilotsBestServiceLevel"],
    Efficiency: ["consolidatedPilotsEfficiency", "pilotsWorstEfficiency", "pilotsBestEfficiency"],
    ConsolidatedQueuesWaitingTime: ["consolidatedQueuesWaitingTime", "queuesLongestWaitingTime"],
  },
  pgOther: {},
};

/** The least time between two notifications of a context, and the shortest reuse of a read. */
export const MIN_PERIOD_S = 5;
export const READ_REUSE_MS = 1000;

type Value = string | number | boolean;
type Snapshot = Map<RtiKind, Map<string, NamedAttributes>>;

interface Context {
  json: Required<Pick<RtiContextJson, "obsPeriod" | "notifFrequency">> & Pick<RtiContextJson, "filter">;
  timer: NodeJS.Timeout | undefined;
  /** per kind and object, the values last sent */
  sent: Map<RtiKind, Map<string, Map<string, Value>>>;
  round: Promise<void> | undefined;
}

export interface RealtimeOptions {
  nodes: () => Iterable<ConfigurationNode>;
  /** delivers an event to the subscriptions of the session owning the context */
  deliver: (owner: object, event: Record<string, unknown>) => void;
  /** whether the owner has somewhere to deliver (a subscription to the package): else no read */
  wants: (owner: object) => boolean;
  log?: (msg: string) => void;
}

export class CallCenterRealtime {
  private readonly contexts = new Map<object, Context>();
  private last: { at: number; kinds: Set<RtiKind>; snap: Snapshot } | undefined;
  private inFlight: Promise<Snapshot> | undefined;
  reads = 0;

  constructor(private readonly opts: RealtimeOptions) {}

  // ---- objects -----------------------------------------------------------------------------

  /** The objects of one kind (or all kinds) on every node, by number. */
  async objects(kinds: readonly RtiKind[] = RTI_KINDS): Promise<RtiObjectsJson> {
    const snap = await this.readNodes(new Set(kinds), (k) =>
      k === "agent" ? ["number", "name", "firstName"] : ["number", "name"],
    );
    const key: Record<RtiKind, keyof RtiObjectsJson> = {
      agent: "agents",
      pilot: "pilots",
      queue: "queues",
      pgAgent: "pgAgents",
      pgOther: "pgOthers",
    };
    const out: RtiObjectsJson = {};
    for (const kind of kinds) {
      const list: RtiObjectIdentifierJson[] = [];
      for (const a of snap.get(kind)?.values() ?? []) {
        const firstName =
          a.firstName === undefined || a.firstName === "" ? {} : { firstName: String(a.firstName) };
        list.push({ number: String(a.number), name: String(a.name ?? ""), ...firstName });
      }
      list.sort((x, y) => x.number.localeCompare(y.number, "en", { numeric: true }));
      out[key[kind]] = list;
    }
    return out;
  }

  // ---- contexts ----------------------------------------------------------------------------

  context(owner: object): RtiContextJson | undefined {
    const c = this.contexts.get(owner);
    return c ? { active: c.timer !== undefined, ...c.json } : undefined;
  }

  /** Creates or replaces the owner's context; a started one goes on with it, from a full round. */
  setContext(owner: object, json: RtiContextJson): void {
    const old = this.contexts.get(owner);
    const c: Context = {
      json: {
        obsPeriod: json.obsPeriod ?? old?.json.obsPeriod ?? 15,
        notifFrequency: Math.max(MIN_PERIOD_S, json.notifFrequency ?? old?.json.notifFrequency ?? 30),
        ...(json.filter ? { filter: json.filter } : {}),
      },
      timer: undefined,
      sent: new Map(),
      round: undefined,
    };
    const running = old?.timer !== undefined;
    this.stop(owner);
    this.contexts.set(owner, c);
    if (running) this.start(owner);
  }

  /** Drops the owner's context (its notifications stop); false when it had none. */
  deleteContext(owner: object): boolean {
    this.stop(owner);
    return this.contexts.delete(owner);
  }

  /** Starts (or restarts) the notifications: a full round now, then one per period. false: no context. */
  start(owner: object): boolean {
    const c = this.contexts.get(owner);
    if (!c) return false;
    clearInterval(c.timer);
    c.sent = new Map();
    c.timer = setInterval(() => void this.round(owner, c), c.json.notifFrequency * 1000);
    c.timer.unref();
    void this.round(owner, c);
    return true;
  }

  private stop(owner: object): void {
    const c = this.contexts.get(owner);
    if (c) {
      clearInterval(c.timer);
      c.timer = undefined;
    }
  }

  close(): void {
    for (const owner of [...this.contexts.keys()]) this.deleteContext(owner);
  }

  /** Started contexts (the nodes are read only while there are some). */
  get started(): number {
    let n = 0;
    for (const c of this.contexts.values()) if (c.timer !== undefined) n++;
    return n;
  }

  // ---- rounds ------------------------------------------------------------------------------

  private round(owner: object, c: Context): Promise<void> {
    // A slow node must not pile rounds up: a round still running makes the next one wait its turn.
    if (c.round) return c.round;
    c.round = this.doRound(owner, c)
      .catch((err) => this.opts.log?.(`rti round failed: ${(err as Error).message}`))
      .finally(() => {
        c.round = undefined;
      });
    return c.round;
  }

  private async doRound(owner: object, c: Context): Promise<void> {
    const followed = RTI_KINDS.filter((k) => c.json.filter?.[FILTER[k]] !== undefined);
    if (followed.length === 0) return;
    if (!this.opts.wants(owner)) {
      // Nobody listens: no read; whoever subscribes next gets a full round.
      c.sent = new Map();
      return;
    }
    const snap = await this.shared(new Set(followed));
    if (this.contexts.get(owner) !== c || c.timer === undefined) return;
    for (const kind of followed) {
      const f = c.json.filter?.[FILTER[kind]];
      if (!f) continue;
      const numbers = f.numbers && f.numbers.length > 0 ? new Set(f.numbers) : undefined;
      const fields = selectedFields(kind, f.attributes as readonly string[] | undefined);
      let sent = c.sent.get(kind);
      if (!sent) {
        sent = new Map();
        c.sent.set(kind, sent);
      }
      for (const [number, a] of snap.get(kind) ?? []) {
        if (numbers && !numbers.has(number)) continue;
        const before = sent.get(number);
        const now = new Map<string, Value>();
        const changed: Record<string, unknown> = {};
        for (const field of fields) {
          const v = a[field];
          if (v === undefined) continue;
          const value = v as Value;
          now.set(field, value);
          if (before?.get(field) !== value) changed[field] = value;
        }
        sent.set(number, now);
        if (Object.keys(changed).length === 0) continue;
        const ident: Record<string, unknown> = {};
        for (const field of IDENTITY[kind]) {
          const v = a[field];
          if (v !== undefined && !(field === "firstName" && v === "")) ident[field] = v;
        }
        this.opts.deliver(owner, { eventName: EVENT[kind], ...ident, ...changed });
      }
    }
  }

  /** One read for the rounds that fall close together. */
  private async shared(kinds: Set<RtiKind>): Promise<Snapshot> {
    const l = this.last;
    if (l && Date.now() - l.at < READ_REUSE_MS && [...kinds].every((k) => l.kinds.has(k))) return l.snap;
    if (this.inFlight) {
      const snap = await this.inFlight;
      if ([...kinds].every((k) => snap.has(k))) return snap;
    }
    const p = this.readNodes(kinds);
    this.inFlight = p;
    try {
      const snap = await p;
      this.last = { at: Date.now(), kinds, snap };
      return snap;
    } finally {
      if (this.inFlight === p) this.inFlight = undefined;
    }
  }

  /** One scoped get per class and node; a node down or without the class adds nothing. */
  private async readNodes(kinds: Set<RtiKind>, attributes?: (kind: RtiKind) => string[]): Promise<Snapshot> {
    const snap: Snapshot = new Map([...kinds].map((k) => [k, new Map()]));
    const reads: Promise<void>[] = [];
    for (const node of this.opts.nodes()) {
      if (!node.cmip.isUp) continue;
      for (const kind of kinds) {
        const cls = CLASS[kind];
        if (!node.cmip.schema.has(cls)) continue;
        this.reads++;
        reads.push(
          node.cmip.list(cls, attributes ? { attributes: attributes(kind) } : {}).then(
            (objs) => {
              for (const o of objs) snap.get(kind)!.set(String(o.attributes.number), o.attributes);
            },
            (err: Error) => this.opts.log?.(`rti: node ${node.nodeId} ${cls}: ${err.message}`),
          ),
        );
      }
    }
    await Promise.all(reads);
    return snap;
  }
}

/** The event fields a filter's attributes select (none or ALL: every field of the kind). */
function selectedFields(kind: RtiKind, attributes: readonly string[] | undefined): string[] {
  const all = !attributes || attributes.length === 0 || attributes.includes("ALL");
  const names = all ? allAttributes(kind) : attributes;
  const out = new Set<string>();
  for (const n of names) for (const f of FIELDS[kind][n] ?? [n[0]!.toLowerCase() + n.slice(1)]) out.add(f);
  // What names the object comes with every event; a queue's or group's state too, but a change
  // of it is a change to tell.
  for (const f of ["number", "name", "firstName", "type"]) out.delete(f);
  return [...out];
}

const ALL_ATTRIBUTES: Record<RtiKind, readonly string[]> = {
  agent: AGENT_ATTRIBUTES,
  pilot: PILOT_ATTRIBUTES,
  queue: QUEUE_ATTRIBUTES,
  pgAgent: PG_AGENT_ATTRIBUTES,
  pgOther: PG_OTHER_ATTRIBUTES,
};

function allAttributes(kind: RtiKind): readonly string[] {
  return ALL_ATTRIBUTES[kind].filter((a) => a !== "ALL");
}
