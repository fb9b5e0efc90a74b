/**
 * The supervision board: every user of every node in one virtualized list (only the rows in
 * view are in the DOM, so 100,000 users scroll like 100), live state from the telephony events,
 * filters by node, state and text.
 *
 * What keeps 100,000 users as smooth as 1,000: per frame the work is the rows in view, never
 * the user count. A filter follows the users that changed (board-rows.ts); a row re-renders
 * only when its user changed (its `rev`), moved or was selected; a scroll within a row renders
 * nothing; details (two requests a row) are asked for the rows still in view once the scroll
 * pauses, not for the thousands a fast scroll flies past.
 */
import { Component } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { FilteredRows } from "./board-rows.js";
import { wantDetails } from "./load.js";
import { ROW_STATES, type RowState, rowState, store, type UserRow } from "./store.js";
import { html, useStore } from "./ui.js";

const ROW_HEIGHT = 32;
const OVERSCAN = 8;
/** how long the rows must stay in view before their details are asked for */
const DETAILS_AFTER_MS = 120;

export function Board({
  selected,
  onSelect,
}: {
  selected: string | undefined;
  onSelect: (login: string) => void;
}) {
  useStore();
  const [node, setNode] = useState("");
  const [state, setState] = useState("");
  const [text, setText] = useState("");
  // the first row in view, not the pixel offset: a scroll within a row renders nothing
  const [topRow, setTopRow] = useState(0);
  const [viewport, setViewport] = useState(480);
  const box = useRef<HTMLDivElement>(null);
  const filter = useRef<FilteredRows | null>(null);
  filter.current ??= new FilteredRows();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const rows = filter.current.rows(store, { node, state, needle: text.trim().toLowerCase() });
  const revision = filter.current.revision;

  const first = Math.max(0, topRow - OVERSCAN);
  const last = Math.min(rows.length, topRow + Math.ceil(viewport / ROW_HEIGHT) + 1 + OVERSCAN);
  const shown = rows.slice(first, last);
  useEffect(() => {
    const t = setTimeout(() => wantDetails(shown), DETAILS_AFTER_MS);
    return () => clearTimeout(t);
  }, [first, last, revision]);

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
        onScroll=${(e: Event) => setTopRow(Math.floor((e.target as HTMLDivElement).scrollTop / ROW_HEIGHT))}>
        <div style=${`height:${rows.length * ROW_HEIGHT}px;position:relative`}>
          ${shown.map(
            (u, i) => html`<${Row} key=${u.login} u=${u} rev=${u.rev} top=${(first + i) * ROW_HEIGHT}
            selected=${u.login === selected} onSelect=${onSelect} />`,
          )}
        </div>
      </div>
    </section>`;
}

interface RowProps {
  u: UserRow;
  /** the user's change count: a new one is a new look */
  rev: number | undefined;
  top: number;
  selected: boolean;
  onSelect: (l: string) => void;
}

class Row extends Component<RowProps> {
  // Every store change renders the board: the rows whose user did not change stay as they are.
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      next.u !== p.u ||
      next.rev !== p.rev ||
      next.top !== p.top ||
      next.selected !== p.selected ||
      next.onSelect !== p.onSelect
    );
  }

  override render() {
    return rowView(this.props);
  }
}

function rowView({ u, top, selected, onSelect }: RowProps) {
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
