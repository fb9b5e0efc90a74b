/**
 * Administration, through O2G's administrator services only: a node's incidents and charging
 * (Analytics: a table, and the callers' totals as an SVG bar chart), its objects (PBX management:
 * from the Node object down, any object's ids and attributes), who is an O2G user (Users
 * management: remove, provision), and a user's set keys (Phone set programming: program, clear).
 */
import { useEffect, useState } from "preact/hooks";
import type { ChargingResultJson, IncidentJson } from "../../gateway/domain/analytics/schema.js";
import type { PbxObjectJson } from "../../gateway/domain/pbx/schema.js";
import { call, q } from "./api.js";
import { store } from "./store.js";
import { html, useStore } from "./ui.js";

/** a failing call shown in the section it belongs to */
function useError(): [string, (e: unknown) => void, () => void] {
  const [error, setError] = useState("");
  return [error, (e: unknown) => setError((e as Error).message), () => setError("")];
}
const Err = ({ error }: { error: string }) =>
  error ? html`<p role="alert" class="error">${error}</p>` : null;

export function Administration() {
  useStore();
  const [node, setNode] = useState(store.nodes[0]?.nodeId ?? 1);
  return html`
    <main class="admin" aria-labelledby="admin-title">
      <h2 id="admin-title">Administration</h2>
      <label>Node
        <select value=${String(node)} onChange=${(e: Event) => setNode(Number((e.target as HTMLSelectElement).value))}>
          ${store.nodes.map((n) => html`<option value=${String(n.nodeId)}>${n.nodeId} ${n.name}</option>`)}
        </select>
      </label>
      <div class="admin-grid">
        <${Incidents} node=${node} />
        <${Charging} node=${node} />
        <${PbxObjects} node=${node} />
        <${Provisioning} node=${node} />
        <${Keys} />
      </div>
    </main>`;
}

function Incidents({ node }: { node: number }) {
  const [list, setList] = useState<IncidentJson[] | undefined>(undefined);
  const [error, fail, clear] = useError();
  const load = () => {
    clear();
    call<{ incidents: IncidentJson[] }>("GET", `/analytics/incidents${q({ nodeId: node, last: 50 })}`)
      .then((r) => setList(r.incidents.reverse()))
      .catch(fail);
  };
  useEffect(load, [node]);
  return html`
    <section class="incidents" aria-labelledby="inc-title">
      <h3 id="inc-title">Incidents <span class="count" data-testid="incident-count">${list?.length ?? ""}</span>
        <button type="button" onClick=${load}>Refresh incidents</button></h3>
      <${Err} error=${error} />
      <div class="scroll"><table aria-label="incidents">
        <thead><tr><th scope="col">When</th><th scope="col">Code</th><th scope="col">Severity</th><th scope="col">Text</th><th scope="col">Times</th></tr></thead>
        <tbody>${(list ?? []).map(
          (
            i,
          ) => html`<tr data-code=${i.value}><td>${i.date} ${i.hour}</td><td>${i.value}</td><td>${i.severity}</td>
            <td>${i.type}</td><td>${i.nbOccurs}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>`;
}

function Charging({ node }: { node: number }) {
  const [res, setRes] = useState<ChargingResultJson | undefined>(undefined);
  const [error, fail, clear] = useError();
  const load = () => {
    clear();
    // Today's charging files, every ticket (internal calls have no cost: per-user totals would skip them).
    call<ChargingResultJson>("GET", `/analytics/charging${q({ nodeId: node, all: "true" })}`)
      .then(setRes)
      .catch(fail);
  };
  useEffect(load, [node]);
  const tickets = res?.chargings ?? [];
  const perCaller = new Map<string, number>();
  for (const t of tickets) perCaller.set(t.caller, (perCaller.get(t.caller) ?? 0) + 1);
  const bars = [...perCaller]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([label, value]) => ({ label, value }));
  return html`
    <section class="charging" aria-labelledby="chg-title">
      <h3 id="chg-title">Charging <span class="count">${res ? `${res.nbChargingFiles} file(s), ${res.totalTicketNb} tickets` : ""}</span>
        <button type="button" onClick=${load}>Refresh charging</button></h3>
      <${Err} error=${error} />
      ${res && html`<${BarChart} title="Calls per caller (top 10)" bars=${bars} />`}
      <div class="scroll"><table aria-label="charging tickets">
        <thead><tr><th scope="col">Caller</th><th scope="col">Called</th><th scope="col">Start</th><th scope="col">Type</th><th scope="col">Duration (s)</th><th scope="col">Cost</th></tr></thead>
        <tbody>${tickets.map(
          (
            r,
          ) => html`<tr><td>${r.caller}${r.name ? ` ${r.name}` : ""}</td><td>${r.called ?? ""}</td><td>${r.startDate ?? ""}</td>
            <td>${r.callType ?? ""}</td><td>${r.duration ?? r.effectiveCallDuration ?? ""}</td><td>${r.cost ?? ""}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>`;
}

/** Horizontal bars, their values written on them: readable without colour, and by a screen reader. */
export function BarChart({ title, bars }: { title: string; bars: { label: string; value: number }[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const h = 20;
  const width = 420;
  const labelW = 140;
  return html`<svg class="chart" role="img" aria-label=${`${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(", ")}`}
    viewBox=${`0 0 ${width} ${bars.length * h + 24}`} width=${width} height=${bars.length * h + 24}>
    <text x="0" y="14" class="chart-title">${title}</text>
    ${bars.map(
      (b, i) => html`<g transform=${`translate(0 ${24 + i * h})`} data-bar=${b.label}>
        <text x=${labelW - 6} y="14" text-anchor="end">${b.label.slice(0, 20)}</text>
        <rect x=${labelW} y="3" height=${h - 6} width=${Math.max(1, ((width - labelW - 40) * b.value) / max)} />
        <text x=${labelW + ((width - labelW - 40) * b.value) / max + 4} y="14">${b.value}</text>
      </g>`,
    )}
  </svg>`;
}

function PbxObjects({ node }: { node: number }) {
  /** the path from the Node object: object names and ids, alternating (Subscriber, 10001, ...) */
  const [path, setPath] = useState<string[]>([]);
  const [obj, setObj] = useState<PbxObjectJson | undefined>(undefined);
  const [ids, setIds] = useState<string[] | undefined>(undefined);
  const [error, fail, clear] = useError();
  useEffect(() => {
    clear();
    const base = `/pbxmanagement/${node}/instances`;
    const rest = path.map(encodeURIComponent).join("/");
    if (path.length % 2 === 1) {
      // ends on an object name: its ids
      call<{ objectIds: string[] }>("GET", `${base}/${rest}`)
        .then((r) => {
          setIds(r.objectIds);
          setObj(undefined);
        })
        .catch(fail);
    } else {
      call<PbxObjectJson>("GET", path.length ? `${base}/${rest}` : base)
        .then((o) => {
          setObj(o);
          setIds(undefined);
        })
        .catch(fail);
    }
  }, [node, path.join("/")]);
  return html`
    <section class="pbx" aria-labelledby="pbx-title">
      <h3 id="pbx-title">PBX objects</h3>
      <${Err} error=${error} />
      <nav aria-label="object path" class="crumbs">
        <button type="button" class="linkish" onClick=${() => setPath([])}>Node ${node}</button>
        ${path.map(
          (p, i) =>
            html` / <button type="button" class="linkish" onClick=${() => setPath(path.slice(0, i + 1))}>${p}</button>`,
        )}
      </nav>
      ${
        ids &&
        html`<ul class="ids" aria-label="objects" data-testid="pbx-ids">${ids
          .slice(0, 200)
          .map(
            (id) =>
              html`<li><button type="button" class="linkish" onClick=${() => setPath([...path, id])}>${id}</button></li>`,
          )}${ids.length > 200 ? html`<li>… ${ids.length - 200} more</li>` : ""}</ul>`
      }
      ${
        obj &&
        html`<div>
          <p>${obj.objectNames.length ? "Below it:" : "Nothing below it."}
            ${obj.objectNames.map((n) => html` <button type="button" onClick=${() => setPath([...path, n])}>${n}</button>`)}</p>
          <div class="scroll"><table aria-label="attributes" data-testid="pbx-attributes">
            <tbody>${obj.attributes.map((a) => html`<tr><th scope="row">${a.name}</th><td>${a.value.join(", ")}</td></tr>`)}</tbody>
          </table></div>
        </div>`
      }
    </section>`;
}

function Provisioning({ node }: { node: number }) {
  const [logins, setLogins] = useState<string[]>([]);
  const [number, setNumber] = useState("");
  const [text, setText] = useState("");
  const [done, setDone] = useState("");
  const [error, fail, clear] = useError();
  const load = () =>
    call<{ loginNames: string[] }>("GET", `/usermanagement${q({ nodeIds: node })}`)
      .then((r) => setLogins(r.loginNames))
      .catch(fail);
  useEffect(() => void load(), [node]);
  const shown = logins.filter((l) => l.includes(text.trim())).slice(0, 100);
  return html`
    <section class="provisioning" aria-labelledby="prov-title">
      <h3 id="prov-title">O2G users <span class="count" data-testid="o2g-user-count">${logins.length}</span></h3>
      <${Err} error=${error} />
      ${done && html`<p role="status">${done}</p>`}
      <form aria-label="provision a user" onSubmit=${(e: Event) => {
        e.preventDefault();
        clear();
        call<{ users: { loginName: string }[] }>("POST", "/usermanagement", {
          nodeId: node,
          deviceNumbers: [number],
        })
          .then((r) => {
            setDone(`made ${r.users.map((u) => u.loginName).join(", ") || "nobody"} an O2G user`);
            return load();
          })
          .catch(fail);
      }}>
        <label>Subscriber number <input name="provision" required pattern="[0-9]{1,16}" value=${number}
          onInput=${(e: Event) => setNumber((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Make O2G user</button>
      </form>
      <label>Filter users <input type="search" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} /></label>
      <ul class="ids" aria-label="O2G users">${shown.map(
        (l) =>
          html`<li data-user=${l}>${l} <button type="button" aria-label=${`Remove ${l}`} onClick=${() => {
            clear();
            call("DELETE", `/usermanagement/${encodeURIComponent(l)}`)
              .then(() => {
                setDone(`${l} is no longer an O2G user`);
                return load();
              })
              .catch(fail);
          }}>Remove</button></li>`,
      )}</ul>
    </section>`;
}

interface Key {
  position: number;
  number?: string;
  mnemonic?: string;
  locked?: boolean;
}

function Keys() {
  const [login, setLogin] = useState("");
  const [device, setDevice] = useState("");
  const [keys, setKeys] = useState<Key[] | undefined>(undefined);
  const [edit, setEdit] = useState<{ position: number; number: string; mnemonic: string } | undefined>(
    undefined,
  );
  const [error, fail, clear] = useError();
  const base = () =>
    `/phonesetprogramming/${encodeURIComponent(login)}/devices/${encodeURIComponent(device)}`;
  const load = () =>
    call<{ pkeys: Key[] }>("GET", `${base()}/programmeableKeys`)
      .then((r) => setKeys(r.pkeys))
      .catch(fail);
  const open = (e: Event) => {
    e.preventDefault();
    clear();
    call<{ devices: { id: string }[] }>("GET", `/phonesetprogramming/${encodeURIComponent(login)}/devices`)
      .then((r) => {
        const d = r.devices[0]?.id;
        if (!d) throw new Error(`${login} has no set`);
        setDevice(d);
      })
      .catch(fail);
  };
  useEffect(() => {
    if (device) void load();
  }, [device]);
  return html`
    <section class="keys" aria-labelledby="keys-title">
      <h3 id="keys-title">Set keys ${device && html`<span class="count">${login}, set ${device}</span>`}</h3>
      <${Err} error=${error} />
      <form aria-label="open a set" onSubmit=${open}>
        <label>User login <input name="keys-login" required value=${login}
          onInput=${(e: Event) => {
            setLogin((e.target as HTMLInputElement).value);
            setDevice("");
            setKeys(undefined);
          }} /></label>
        <button type="submit">Open set</button>
      </form>
      ${
        keys &&
        html`<div class="scroll"><table aria-label="programmable keys" data-testid="keys">
          <thead><tr><th scope="col">Key</th><th scope="col">Number</th><th scope="col">Label</th><th scope="col"></th></tr></thead>
          <tbody>${keys.map(
            (
              k,
            ) => html`<tr data-key=${k.position}><td>${k.position}${k.locked ? " (locked)" : ""}</td><td>${k.number ?? ""}</td><td>${k.mnemonic ?? ""}</td>
              <td><button type="button" aria-label=${`Edit key ${k.position}`}
                onClick=${() => setEdit({ position: k.position, number: k.number ?? "", mnemonic: k.mnemonic ?? "" })}>Edit</button>
              ${
                k.number &&
                html`<button type="button" aria-label=${`Clear key ${k.position}`} onClick=${() => {
                  clear();
                  call("DELETE", `${base()}/programmeableKeys/${k.position}`).then(load).catch(fail);
                }}>Clear</button>`
              }</td></tr>`,
          )}</tbody>
        </table></div>
        ${keys.length === 0 && html`<p class="none">This set has no programmable keys.</p>`}`
      }
      ${
        edit &&
        html`<form aria-label=${`program key ${edit.position}`} onSubmit=${(e: Event) => {
          e.preventDefault();
          clear();
          call("PUT", `${base()}/programmeableKeys/${edit.position}`, {
            number: edit.number,
            mnemonic: edit.mnemonic,
          })
            .then(() => {
              setEdit(undefined);
              return load();
            })
            .catch(fail);
        }}>
          <label>Key ${edit.position} number <input name="key-number" required value=${edit.number}
            onInput=${(e: Event) => setEdit({ ...edit, number: (e.target as HTMLInputElement).value })} /></label>
          <label>Label <input name="key-label" maxlength="64" value=${edit.mnemonic}
            onInput=${(e: Event) => setEdit({ ...edit, mnemonic: (e.target as HTMLInputElement).value })} /></label>
          <button type="submit">Program key</button>
        </form>`
      }
    </section>`;
}
