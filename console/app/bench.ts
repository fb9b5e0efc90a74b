/**
 * Benchmarks from the page: the startup snapshot and the phone set programming benches (run by
 * the console server with bench/'s code, in processes of their own), a progress bar, their rows
 * and their charts (bench/report's SVG: ours next to the vendor's figures or goal); and a
 * switchover of one of this sandbox's nodes, timed from the request to the gateway's
 * OnCtiLinkDown, OnCtiLinkUp, and every user monitored again (Maintenance status).
 */
import { useEffect, useState } from "preact/hooks";
import { CONTROL, call } from "./api.js";
import { store } from "./store.js";
import { html, useStore } from "./ui.js";

const BENCH = "/api/console/bench";
const POLL_MS = 400;
const SNAPSHOT_POINTS = [1000, 3000, 5000, 15000];
const WORKERS = [1, 2, 4];

interface BenchRun {
  runId: number;
  kind: string;
  state: "running" | "done" | "failed";
  done: number;
  total: number;
  lines: string[];
  rows: Record<string, string | number | boolean | null>[];
  notes: string[];
  charts: { name: string; svg: string }[];
  error?: string;
}

export function Benchmarks() {
  const [points, setPoints] = useState<number[]>([1000]);
  const [workers, setWorkers] = useState<number[]>([1, 2]);
  const [ops, setOps] = useState(1000);
  const [run, setRun] = useState<BenchRun | undefined>(undefined);
  const [error, setError] = useState("");

  useEffect(() => {
    if (run?.state !== "running") return;
    const t = setTimeout(
      () =>
        call<BenchRun>("GET", `${BENCH}/runs/${run.runId}`)
          .then(setRun)
          .catch((e: Error) => setError(e.message)),
      POLL_MS,
    );
    return () => clearTimeout(t);
  }, [run]);

  const start = (kind: "snapshot" | "set-programming") => {
    setError("");
    const body = kind === "snapshot" ? { points } : { workers, ops };
    call<{ runId: number }>("POST", `${BENCH}/${kind}/runs`, body)
      .then((r) =>
        setRun({
          runId: r.runId,
          kind,
          state: "running",
          done: 0,
          total: 1,
          lines: [],
          rows: [],
          notes: [],
          charts: [],
        }),
      )
      .catch((e: Error) => setError(e.message));
  };
  const toggle = (list: number[], x: number) =>
    list.includes(x) ? list.filter((y) => y !== x) : [...list, x].sort((a, b) => a - b);
  const busy = run?.state === "running";
  const columns = run?.rows[0] ? Object.keys(run.rows[0]) : [];

  return html`
    <main class="bench" aria-labelledby="bench-title">
      <h2 id="bench-title">Benchmarks</h2>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <div class="admin-grid">
        <section aria-labelledby="snap-title">
          <h3 id="snap-title">Startup snapshot</h3>
          <p class="hint">From the gateway starting its links to every user monitored, next to the vendor's published times.</p>
          <fieldset><legend>Users</legend>
            ${SNAPSHOT_POINTS.map(
              (p) =>
                html`<label><input type="checkbox" checked=${points.includes(p)} onChange=${() => setPoints(toggle(points, p))} /> ${p.toLocaleString("en-US")}</label> `,
            )}
          </fieldset>
          <button type="button" disabled=${busy || points.length === 0} onClick=${() => start("snapshot")}>Run the snapshot bench</button>
        </section>
        <section aria-labelledby="setp-title">
          <h3 id="setp-title">Phone set programming</h3>
          <p class="hint">Set then Get of programmable keys through the REST API, against the goal of 20,000 in 3 s.</p>
          <fieldset><legend>Client workers</legend>
            ${WORKERS.map(
              (w) =>
                html`<label><input type="checkbox" checked=${workers.includes(w)} onChange=${() => setWorkers(toggle(workers, w))} /> ${w}</label> `,
            )}
          </fieldset>
          <label>Operations per phase <input type="number" min="100" max="20000" step="100" value=${ops}
            onInput=${(e: Event) => setOps(Number((e.target as HTMLInputElement).value))} /></label>
          <button type="button" disabled=${busy || workers.length === 0} onClick=${() => start("set-programming")}>Run the set programming bench</button>
        </section>
        <${Switchover} />
      </div>
      ${
        run &&
        html`<section class="bench-run" aria-labelledby="run-title" data-testid="bench-run" data-state=${run.state}>
          <h3 id="run-title">${run.kind} bench, run ${run.runId}: ${run.state}</h3>
          <progress max=${run.total} value=${run.done} aria-label="bench progress">${run.done} / ${run.total}</progress>
          <span class="count" data-testid="bench-progress">${run.done} / ${run.total}</span>
          <p class="hint">${run.lines.at(-1) ?? "starting the emulator and the gateway…"}</p>
          ${run.error && html`<p role="alert" class="error">${run.error}</p>`}
          ${
            run.rows.length > 0 &&
            html`<div class="scroll"><table aria-label="bench results">
              <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
              <tbody>${run.rows.map((r) => html`<tr>${columns.map((c) => html`<td>${String(r[c] ?? "")}</td>`)}</tr>`)}</tbody>
            </table></div>`
          }
          <div class="charts">
            ${run.charts.map(
              (c) =>
                // bench/report's SVG, as an image: no markup of the server's goes into the page
                html`<img src=${`data:image/svg+xml;charset=utf-8,${encodeURIComponent(c.svg)}`} alt=${`${c.name}: ${run.rows.length} point(s)`} width="540" />`,
            )}
          </div>
          ${run.notes.length > 0 && html`<ul class="notes">${run.notes.map((n) => html`<li>${n}</li>`)}</ul>`}
        </section>`
      }
    </main>`;
}

interface Timing {
  nodeId: number;
  downMs?: number;
  upMs?: number;
  monitoredMs?: number;
  users?: number;
}

function Switchover() {
  useStore();
  const redundant = store.nodes.filter((n) => n.redundant);
  const [node, setNode] = useState<number | undefined>(undefined);
  const [timing, setTiming] = useState<Timing | undefined>(undefined);
  const [error, setError] = useState("");
  const chosen = node ?? redundant[0]?.nodeId;

  const go = async () => {
    if (chosen === undefined) return;
    setError("");
    const status = () =>
      call<{ pbxs: { nodeId: number; ctiLinkState: string; monitoredUserNumber: number }[] }>(
        "GET",
        "/maintenance/status",
      ).then((s) => s.pbxs.find((p) => p.nodeId === chosen));
    const before = (await status())?.monitoredUserNumber ?? 0;
    const t: Timing = { nodeId: chosen, users: before };
    setTiming({ ...t });
    const t0 = performance.now();
    let up = false;
    const watch = (e: { eventName: string; nodeId?: string }, at: number) => {
      if (e.nodeId !== String(chosen)) return;
      if (e.eventName === "OnCtiLinkDown" && t.downMs === undefined) t.downMs = Math.round(at - t0);
      if (e.eventName === "OnCtiLinkUp" && t.downMs !== undefined) {
        t.upMs = Math.round(at - t0);
        up = true;
      }
      setTiming({ ...t });
    };
    store.linkWatchers.add(watch);
    try {
      await call("POST", `${CONTROL}/nodes/${chosen}/switchover`);
      // then every user monitored again on the standby
      for (let i = 0; i < 600; i++) {
        if (up) {
          const s = await status();
          if (s && s.ctiLinkState !== "DISCONNECTED" && s.monitoredUserNumber >= before) {
            t.monitoredMs = Math.round(performance.now() - t0);
            setTiming({ ...t });
            return;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("the node did not recover within 30 s");
    } finally {
      store.linkWatchers.delete(watch);
    }
  };
  return html`
    <section class="switch" aria-labelledby="sw-title">
      <h3 id="sw-title">Switchover</h3>
      <p class="hint">The standby call server of this sandbox's node takes over; the gateway finds it and monitors every user again.</p>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      ${
        redundant.length === 0
          ? html`<p>No node of this sandbox has a standby.</p>`
          : html`<label>Node <select value=${String(chosen)} onChange=${(e: Event) => setNode(Number((e.target as HTMLSelectElement).value))}>
              ${redundant.map((n) => html`<option value=${String(n.nodeId)}>${n.nodeId}</option>`)}
            </select></label>
            <button type="button" onClick=${() => go().catch((e: Error) => setError(e.message))}>Switch over and time it</button>`
      }
      ${
        timing &&
        html`<dl class="timing" data-testid="switch-timing">
          <div><dt>links down seen</dt><dd data-testid="switch-down">${timing.downMs === undefined ? "…" : `${timing.downMs} ms`}</dd></div>
          <div><dt>CTI link up</dt><dd data-testid="switch-up">${timing.upMs === undefined ? "…" : `${timing.upMs} ms`}</dd></div>
          <div><dt>${timing.users} users monitored again</dt><dd data-testid="switch-recovered">${timing.monitoredMs === undefined ? "…" : `${timing.monitoredMs} ms`}</dd></div>
        </dl>`
      }
    </section>`;
}
