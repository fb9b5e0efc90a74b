/**
 * The call-center wallboard (administrators): the CCD's agents with their state (logged off,
 * ready, pause, withdrawn, wrap-up, busy, out of group) and its pilots with the calls waiting in
 * their queues and the last calls delivered, live.
 *
 * States come through the public REST API as any O2G application reads them: each agent's
 * CallCenterAgent state once, then the `agent` package's OnAgentStateChanged; each pilot is
 * monitored with CallCenterPilot and its calls come as OnPilotCallCreated / Queued / Removed.
 * Who the agents and pilots are is the one thing O2G's services built so far do not list
 * (CallCenterManagement is not built): the sandbox's console server says it
 * (console/server/ccd-config.ts). A pilot's monitoring is the gateway's, shared with other
 * applications: the wallboard starts it and leaves it on.
 */
import { useEffect, useState } from "preact/hooks";
import type { OperatorStateJson } from "../../gateway/domain/callcenter/schema.js";
import { type Channel, CONTROL, call, type O2gEvent, q, subscribe } from "./api.js";
import { html } from "./ui.js";

/** GET /api/console/emulator/ccd (console/server/ccd-config.ts) */
interface Operator {
  number: string;
  loginName: string;
  nodeId: number;
  type: "agent" | "supervisor";
  groups: string[];
}
interface Pilot {
  number: string;
  nodeId: number;
  name: string;
  groups: string[];
}
interface CcdConfigJson {
  operators: Operator[];
  pilots: Pilot[];
}

interface PilotCall {
  callRef: string;
  caller: string;
  /** queued now, or where it went */
  state: "QUEUED" | "DELIVERED" | "ABANDONED" | "REMOVED";
  to?: string;
  at: string;
}

interface PilotView {
  calls: PilotCall[];
  offered: number;
  monitored: boolean;
  error?: string;
}

/** What the board shows for an operator's state: one word per state the SDK names. */
export function agentLabel(s: OperatorStateJson | undefined): string {
  if (!s) return "…";
  if (s.mainState === "LOG_OFF") return "logged off";
  if (s.mainState !== "LOG_ON") return s.mainState.toLowerCase();
  switch (s.subState) {
    case "READY":
      return "ready";
    case "PAUSE":
      return "not ready";
    case "WITHDRAW":
      return "withdrawn";
    case "BUSY":
      return "busy";
    case "OUT_OF_PG":
      return "out of group";
    case undefined:
      return "logged on";
    default:
      return s.subState.startsWith("WRAPUP") ? "wrap-up" : s.subState.toLowerCase().replace(/_/g, " ");
  }
}

const KEEP = 8;

export function Wallboard() {
  const [config, setConfig] = useState<CcdConfigJson | undefined>(undefined);
  const [states, setStates] = useState<Record<string, OperatorStateJson>>({});
  const [pilots, setPilots] = useState<Record<string, PilotView>>({});
  const [error, setError] = useState("");

  useEffect(() => {
    let gone = false;
    let channel: Channel | undefined;
    const now = () => new Date().toLocaleTimeString();
    const onPilot = (e: O2gEvent) => {
      const pilot = String(e.pilot ?? "");
      const ref = String(e.callRef ?? "");
      setPilots((all) => {
        const v = all[pilot];
        if (!v) return all;
        const others = v.calls.filter((c) => c.callRef !== ref);
        const was = v.calls.find((c) => c.callRef === ref);
        let calls = v.calls;
        let offered = v.offered;
        if (e.eventName === "OnPilotCallCreated" || e.eventName === "OnPilotCallQueued") {
          if (!was) offered++;
          calls = [
            { callRef: ref, caller: String(e.caller ?? was?.caller ?? ""), state: "QUEUED", at: now() },
            ...others,
          ];
        } else if (e.eventName === "OnPilotCallRemoved") {
          const to = String(e.newDestination ?? "");
          const state = to ? "DELIVERED" : e.cause === "ABANDONED" ? "ABANDONED" : "REMOVED";
          calls = [
            { callRef: ref, caller: was?.caller ?? "", state, ...(to ? { to } : {}), at: now() },
            ...others,
          ];
        } else return all;
        // every queued call, and the last few that left
        const queued = calls.filter((c) => c.state === "QUEUED");
        const left = calls.filter((c) => c.state !== "QUEUED").slice(0, KEEP);
        return { ...all, [pilot]: { ...v, offered, calls: [...queued, ...left] } };
      });
    };
    (async () => {
      const cfg = await call<CcdConfigJson>("GET", `${CONTROL}/ccd`);
      if (gone) return;
      setConfig(cfg);
      setPilots(
        Object.fromEntries(cfg.pilots.map((p) => [p.number, { calls: [], offered: 0, monitored: false }])),
      );
      // Subscribe first: no state change between the reads and the channel is lost.
      const c = await subscribe(
        [{ names: ["agent", "pilot"] }],
        (e) => {
          if (e.eventName === "OnAgentStateChanged" && e.loginName)
            setStates((s) => ({ ...s, [e.loginName as string]: e.state as OperatorStateJson }));
          else if (e.eventName.startsWith("OnPilotCall")) onPilot(e);
        },
        () => undefined,
      );
      if (gone) return c.close();
      channel = c;
      await Promise.all([
        ...cfg.operators.map((o) =>
          call<OperatorStateJson>("GET", `/acdagent/state${q({ loginName: o.loginName })}`)
            .then((st) => !gone && setStates((s) => ({ [o.loginName]: st, ...s })))
            .catch((e: Error) => setError(`${o.loginName}: ${e.message}`)),
        ),
        ...cfg.pilots.map((p) =>
          call("POST", `/acdpilotmonitoring/${encodeURIComponent(p.number)}`)
            .then(() => setPilots((all) => ({ ...all, [p.number]: { ...all[p.number]!, monitored: true } })))
            .catch((e: Error) =>
              setPilots((all) => ({ ...all, [p.number]: { ...all[p.number]!, error: e.message } })),
            ),
        ),
      ]);
    })().catch((e: Error) => !gone && setError(e.message));
    return () => {
      gone = true;
      channel?.close();
    };
  }, []);

  const operators = config?.operators ?? [];
  const count = (label: string) => operators.filter((o) => agentLabel(states[o.loginName]) === label).length;
  return html`
    <main class="wallboard" aria-labelledby="wb-title">
      <h2 id="wb-title">Call center</h2>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      ${config && operators.length === 0 && config.pilots.length === 0 && html`<p class="none">This PBX has no CCD (no agents, no pilots).</p>`}
      <section class="wb-pilots" aria-labelledby="wb-pilots-title">
        <h3 id="wb-pilots-title">Pilots</h3>
        <div class="wb-cards">
          ${(config?.pilots ?? []).map((p) => html`<${PilotCard} p=${p} v=${pilots[p.number]} />`)}
        </div>
      </section>
      <section class="wb-agents" aria-labelledby="wb-agents-title">
        <h3 id="wb-agents-title">Agents
          <span class="count" data-testid="agents-ready">${count("ready")} ready</span>
          <span class="count" data-testid="agents-busy">${count("busy")} busy</span>
          <span class="count" data-testid="agents-logged-off">${count("logged off")} logged off</span></h3>
        <div class="scroll"><table aria-label="agents">
          <thead><tr><th scope="col">Agent</th><th scope="col">Login</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Group</th><th scope="col">Set</th></tr></thead>
          <tbody>${operators.map((o: Operator) => {
            const st = states[o.loginName];
            const label = agentLabel(st);
            return html`<tr data-agent=${o.loginName} data-state=${label}>
              <td>${o.number}</td><td>${o.loginName}</td><td>${o.type}</td>
              <td><span class=${`agent-state a-${label.replace(/ /g, "-")}`}>${label}</span></td>
              <td>${st?.pgNumber ?? ""}</td><td>${st?.proAcdDeviceNumber ?? ""}</td></tr>`;
          })}</tbody>
        </table></div>
      </section>
    </main>`;
}

function PilotCard({ p, v }: { p: Pilot; v: PilotView | undefined }) {
  const queued = v?.calls.filter((c) => c.state === "QUEUED") ?? [];
  return html`<article class="wb-pilot" data-pilot=${p.number} aria-label=${`pilot ${p.number}`}>
    <h4>${p.name} <span class="num">${p.number}</span></h4>
    <p><span class="big" data-testid="pilot-waiting">${queued.length}</span> waiting
      · <span data-testid="pilot-offered">${v?.offered ?? 0}</span> offered
      · groups ${p.groups.join(", ")}
      ${v && !v.monitored && !v.error && html` · starting monitoring…`}</p>
    ${v?.error && html`<p role="alert" class="error">${v.error}</p>`}
    <ul aria-label=${`calls of pilot ${p.number}`}>
      ${(v?.calls ?? []).map(
        (c) =>
          html`<li data-callref=${c.callRef} data-state=${c.state}><time>${c.at}</time>${" "}from ${c.caller || "?"}: ${c.state === "DELIVERED" ? `delivered to ${c.to}` : c.state.toLowerCase()}</li>`,
      )}
    </ul>
  </article>`;
}
