/**
 * The console's shell: the login form, then the links of each node (with the switchover
 * button on an emulated redundant node), the board, the selected user's phone, the calls in
 * progress and the last events.
 */
import { render } from "preact";
import { useState } from "preact/hooks";
import { Administration } from "./admin.js";
import { CONTROL, call, login, type Principal } from "./api.js";
import { Benchmarks } from "./bench.js";
import { Board } from "./board.js";
import { loadBoard, loadSelf, refreshNodes } from "./load.js";
import { Phone } from "./phone.js";
import { ScenarioPlayer } from "./scenarios.js";
import { store, type UserRow } from "./store.js";
import { html, useStore } from "./ui.js";
import { Wallboard } from "./wallboard.js";

function Login({ onDone }: { onDone: (p: Principal) => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      onDone(await login(name, password));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return html`
    <main class="login">
      <h1>o2g-testbench console</h1>
      <form onSubmit=${submit} aria-label="log in">
        <label>Login <input name="login" autocomplete="username" required value=${name}
          onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required
          value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" disabled=${busy}>Log in</button>
        ${error && html`<p role="alert" class="error">${error}</p>`}
      </form>
      <p class="hint">The sandbox prints its administrator (admin / …) and users at start.</p>
    </main>`;
}

function Links() {
  useStore();
  const [error, setError] = useState("");
  const switchover = (nodeId: number) => {
    setError("");
    store.note(`node ${nodeId}: switchover requested`);
    call("POST", `${CONTROL}/nodes/${nodeId}/switchover`)
      .then(() => refreshNodes())
      .catch((e: Error) => setError(e.message));
  };
  return html`
    <section class="links" aria-label="links per node">
      <span class=${`chan ${store.channelUp ? "up" : "down"}`}>events ${store.channelUp ? "connected" : "disconnected"}</span>
      ${store.nodes.map(
        (n) => html`<div class="node" data-node=${n.nodeId}>
          <strong>node ${n.nodeId}</strong>
          <span class=${`link ${n.csta}`} data-link="csta">CSTA ${n.csta.toLowerCase()}</span>
          <span class=${`link ${n.cmip}`} data-link="cmip">CMIP ${n.cmip.toLowerCase()}</span>
          <span class=${`link ${n.ssh}`} data-link="ssh">SSH ${n.ssh.toLowerCase()}</span>
          <span class=${`link ${n.imap}`} data-link="imap" title=${n.imapMember ? `the ${n.imapMember} 4645` : ""}>IMAP ${n.imap.toLowerCase()}</span>
          <span class="detail">${n.ctiLinkState.toLowerCase().replace(/_/g, " ")}</span>
          ${n.redundant && html`<button type="button" onClick=${() => switchover(n.nodeId)}>Switch over</button>`}
        </div>`,
      )}
      ${error && html`<span role="alert" class="error">${error}</span>`}
    </section>`;
}

function Calls({ onSelect }: { onSelect: (login: string) => void }) {
  useStore();
  const calls = store.callsInProgress();
  const name = (login: string) => {
    const u: UserRow | undefined = store.byLogin.get(login);
    return u?.name ? `${u.name} (${u.number})` : login;
  };
  return html`
    <section class="inprogress" aria-labelledby="calls-title">
      <h2 id="calls-title">Calls in progress <span class="count" data-testid="call-count">${calls.length}</span></h2>
      <ul>
        ${calls.slice(0, 50).map(
          (c) => html`<li data-callref=${c.callRef}>
            ${c.users.map(
              (
                u,
              ) => html`<button type="button" class="linkish" onClick=${() => onSelect(u.login)}>${name(u.login)}</button>
                <span class="legstate">${u.state.toLowerCase().replace(/_/g, " ")}</span> `,
            )}
          </li>`,
        )}
      </ul>
    </section>`;
}

function EventLog() {
  useStore();
  return html`<section class="log" aria-labelledby="log-title">
    <h2 id="log-title">Events</h2>
    <ol>${store.log.slice(0, 30).map((l) => html`<li><time>${l.at}</time> ${l.text}</li>`)}</ol>
  </section>`;
}

function App() {
  const [me, setMe] = useState<Principal | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [error, setError] = useState("");
  const [page, setPage] = useState<Page>("board");
  if (!me)
    return html`<${Login} onDone=${(p: Principal) => {
      setMe(p);
      if (p.admin) loadBoard().catch((e: Error) => setError(e.message));
      else {
        // A user sees their own phone only; the board needs an administrator.
        store.setUsers([
          { login: p.login, nodeId: 0, detailed: false, userState: "UNKNOWN", calls: new Map() },
        ]);
        setSelected(p.login);
        loadSelf(p.login).catch((e: Error) => setError(e.message));
      }
    }} />`;
  return html`
    <header>
      <h1>o2g-testbench console</h1>
      <span class="me">${me.login}${me.admin ? " (administrator)" : ""}</span>
      ${me.admin && html`<${Links} />`}
    </header>
    ${me.admin && html`<${Nav} page=${page} setPage=${setPage} />`}
    ${error && html`<p role="alert" class="error">${error}</p>`}
    ${page === "scenarios" && html`<${ScenarioPlayer} />`}
    ${page === "admin" && html`<${Administration} />`}
    ${page === "bench" && html`<${Benchmarks} />`}
    ${page === "callcenter" && html`<${Wallboard} />`}
    ${
      page === "board" &&
      html`<main class="grid">
      ${me.admin && html`<${Board} selected=${selected} onSelect=${setSelected} />`}
      <div class="side">
        ${selected ? html`<${Phone} login=${selected} pbxSide=${me.admin} />` : html`<p class="hint">Pick a user on the board to open their phone.</p>`}
        ${me.admin && html`<${Calls} onSelect=${setSelected} />`}
        ${me.admin && html`<${EventLog} />`}
      </div>
    </main>`
    }`;
}

type Page = "board" | "scenarios" | "admin" | "bench" | "callcenter";
const PAGES: { page: Page; label: string }[] = [
  { page: "board", label: "Board" },
  { page: "scenarios", label: "Scenarios" },
  { page: "admin", label: "Administration" },
  { page: "bench", label: "Benchmarks" },
  { page: "callcenter", label: "Call center" },
];

function Nav({ page, setPage }: { page: Page; setPage: (p: Page) => void }) {
  return html`<nav class="pages" aria-label="pages">
    ${PAGES.map(
      (p) => html`<button type="button" aria-current=${p.page === page ? "page" : undefined}
        onClick=${() => setPage(p.page)}>${p.label}</button>`,
    )}
  </nav>`;
}

render(html`<${App} />`, document.getElementById("root")!);
