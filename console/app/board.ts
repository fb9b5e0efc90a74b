/**
 * The supervision board: every user of every node in one virtualized list (only the rows in
 * view are in the DOM, so 100,000 users scroll like 100), live state from the telephony events,
 * filters by node, state and text.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { wantDetails } from "./load.js";
import { ROW_STATES, type RowState, rowState, store, type UserRow } from "./store.js";
import { html, useStore } from "./ui.js";

const ROW_HEIGHT = 32;
const OVERSCAN = 8;

export function Board({
  selected,
  onSelect,
}: {
  selected: string | undefined;
  onSelect: (login: string) => void;
}) {
  const version = useStore();
  const [node, setNode] = useState("");
  const [state, setState] = useState("");
  const [text, setText] = useState("");
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(480);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // `version` stands for the store's content: a filter runs again when it changes. Without a
  // filter the list is the store's own (no walk of 100,000 users on each event).
  const needle = text.trim().toLowerCase();
  const filtered = node !== "" || state !== "" || needle !== "";
  const rows = useMemo(() => {
    if (!filtered) return store.users;
    return store.users.filter(
      (u) =>
        (node === "" || String(u.nodeId) === node) &&
        (state === "" || rowState(u) === state) &&
        (needle === "" ||
          u.login.toLowerCase().includes(needle) ||
          (u.number ?? "").includes(needle) ||
          (u.name ?? "").toLowerCase().includes(needle)),
    );
  }, [filtered ? version : store.users, node, state, needle]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const shown = rows.slice(first, last);
  useEffect(() => wantDetails(shown), [first, last, rows]);

  return html`
    <section class="board" aria-labelledby="board-title">
      <h2 id="board-title">Supervision <span class="count" data-testid="user-count">${rows.length} / ${store.users.length} users</span></h2>
      <div class="filters">
        <label>Node
          <select value=${node} onChange=${(e: Event) => setNode((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            ${store.nodes.map((n) => html`<option value=${String(n.nodeId)}>${n.nodeId}</option>`)}
          </select>
        </label>
        <label>State
          <select value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            ${ROW_STATES.map((s) => html`<option value=${s}>${label(s)}</option>`)}
          </select>
        </label>
        <label>Search
          <input type="search" value=${text} placeholder="name, number, login"
            onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <div class="rows" ref=${box} role="list" aria-label="users"
        onScroll=${(e: Event) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
        <div style=${`height:${rows.length * ROW_HEIGHT}px;position:relative`}>
          ${shown.map(
            (u, i) => html`<${Row} key=${u.login} u=${u} top=${(first + i) * ROW_HEIGHT}
            selected=${u.login === selected} onSelect=${onSelect} />`,
          )}
        </div>
      </div>
    </section>`;
}

function Row({
  u,
  top,
  selected,
  onSelect,
}: {
  u: UserRow;
  top: number;
  selected: boolean;
  onSelect: (l: string) => void;
}) {
  const s = rowState(u);
  const other = [...u.calls.values()]
    .flatMap((c) => c.participants)
    .map((p) => p.identity.displayName ?? p.identity.id.phoneNumber ?? p.identity.id.loginName ?? "")
    .filter(Boolean)
    .join(", ");
  return html`
    <div role="listitem" class=${`row ${selected ? "selected" : ""}`} style=${`top:${top}px`} data-login=${u.login} data-state=${s}>
      <button type="button" class="pick" onClick=${() => onSelect(u.login)}
        aria-label=${`${u.name ?? u.login} ${u.number ?? ""}: ${label(s)}. Open the phone`}>
        <span class="num">${u.number ?? "…"}</span>
        <span class="name">${u.name ?? u.login}</span>
        <span class="nodeid">node ${u.nodeId}</span>
        <span class=${`state s-${s}`}>${label(s)}</span>
        <span class="with">${other}</span>
      </button>
    </div>`;
}

export function label(s: RowState): string {
  return s === "IN_CALL" ? "in call" : s.toLowerCase();
}
