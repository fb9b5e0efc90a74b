/**
 * The scenario player: the library as the console server lists it, one scenario's steps and the
 * events each step expects, a run (live against the sandbox when the scenario fits it) whose steps
 * turn green or red as they end, and its Markdown and JUnit reports to download.
 */
import { useEffect, useState } from "preact/hooks";
import { call, SCENARIOS } from "./api.js";
import { html } from "./ui.js";

interface StepInfo {
  index: string;
  label: string;
  line: number;
  expects: string[];
}
interface ScenarioInfo {
  file: string;
  name: string;
  description: string;
  live: boolean;
  load: boolean;
  steps: StepInfo[];
}
interface StepResult {
  index: string;
  label: string;
  ms: number;
  ok: boolean;
  error?: string;
}
interface RunState {
  runId: number;
  file: string;
  state: "running" | "done";
  where: string;
  ok?: boolean;
  failure?: string;
  durationMs?: number;
  steps: StepResult[];
}

const POLL_MS = 250;

export function ScenarioPlayer() {
  const [library, setLibrary] = useState<ScenarioInfo[]>([]);
  const [file, setFile] = useState("");
  const [run, setRun] = useState<RunState | undefined>(undefined);
  const [error, setError] = useState("");

  useEffect(() => {
    call<{ scenarios: ScenarioInfo[] }>("GET", SCENARIOS)
      .then((l) => {
        setLibrary(l.scenarios);
        setFile((f) => f || (l.scenarios[0]?.file ?? ""));
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  // While a run goes on, its state is read a few times a second.
  useEffect(() => {
    if (!run || run.state === "done") return;
    const t = setTimeout(() => {
      call<RunState>("GET", `${SCENARIOS}/runs/${run.runId}`)
        .then(setRun)
        .catch((e: Error) => setError(e.message));
    }, POLL_MS);
    return () => clearTimeout(t);
  }, [run]);

  const chosen = library.find((s) => s.file === file);
  const start = () => {
    setError("");
    call<{ runId: number }>("POST", `${SCENARIOS}/${encodeURIComponent(file)}/runs`)
      .then((r) => setRun({ runId: r.runId, file, state: "running", where: "", steps: [] }))
      .catch((e: Error) => setError(e.message));
  };
  const mine = run && run.file === file ? run : undefined;
  const resultOf = (index: string) => mine?.steps.find((r) => r.index === index);
  /** the steps of a loop report as 3.1, 3.2...: the loop step is green once all are, red if one is */
  const inner = (index: string) => mine?.steps.filter((r) => r.index.startsWith(`${index}.`)) ?? [];
  const stateOf = (s: StepInfo): "ok" | "failed" | "running" | "pending" => {
    const r = resultOf(s.index);
    if (r) return r.ok ? "ok" : "failed";
    if (inner(s.index).some((r) => !r.ok)) return "failed";
    if (!mine || mine.state === "done") return "pending";
    const done = mine.steps.filter((r) => !r.index.includes(".")).length;
    return String(done + 1) === s.index ? "running" : "pending";
  };

  return html`
    <main class="scenarios" aria-labelledby="sc-title">
      <h2 id="sc-title">Scenario player</h2>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <div class="sc-pick">
        <label>Choose a scenario
          <select value=${file} onChange=${(e: Event) => setFile((e.target as HTMLSelectElement).value)}>
            ${library.map((s) => html`<option value=${s.file}>${s.name} (${s.file})</option>`)}
          </select>
        </label>
        <button type="button" disabled=${!chosen || run?.state === "running"} onClick=${start}>Run</button>
        ${chosen && html`<span class="hint">${chosen.live ? "runs live against this sandbox" : "runs in a sandbox of its own"}${chosen.load ? " (a load)" : ""}</span>`}
      </div>
      ${chosen && html`<p class="description">${chosen.description}</p>`}
      ${
        mine &&
        html`<p class="sc-status" data-testid="run-status" data-state=${mine.state} data-ok=${String(mine.ok ?? "")}>
          ${
            mine.state === "running"
              ? `run ${mine.runId}: running${mine.where ? ` (${mine.where})` : ""}…`
              : `run ${mine.runId}: ${mine.ok ? "passed" : "FAILED"} in ${((mine.durationMs ?? 0) / 1000).toFixed(1)} s (${mine.where})`
          }
          ${
            mine.state === "done" &&
            mine.ok !== undefined &&
            html` <a href=${`${SCENARIOS}/runs/${mine.runId}/report.md`} download>Markdown report</a>${" · "}<a
              href=${`${SCENARIOS}/runs/${mine.runId}/report.xml`} download>JUnit report</a>`
          }
        </p>`
      }
      ${mine?.failure && html`<pre class="error" role="alert">${mine.failure}</pre>`}
      <ol class="steps" aria-label="steps">
        ${chosen?.steps.map((s) => {
          const st = stateOf(s);
          const r = resultOf(s.index);
          return html`<li class=${`step ${st}`} data-step=${s.index} data-state=${st}>
            <span class="mark" aria-hidden="true">${st === "ok" ? "✓" : st === "failed" ? "✗" : st === "running" ? "…" : "·"}</span>
            <span class="label">${s.label}</span>
            <span class="sr-only">${st}</span>
            ${r && html`<span class="ms">${Math.round(r.ms)} ms</span>`}
            ${
              s.expects.length > 0 &&
              html`<ul class="expects" aria-label="expected events">
                ${s.expects.map((x) => html`<li class=${`expect ${st}`} data-state=${st}>${x}</li>`)}
              </ul>`
            }
            ${r?.error && html`<div class="error">${r.error}</div>`}
          </li>`;
        })}
      </ol>
    </main>`;
}
