/**
 * A user's phone, both sides: what an O2G application does for the user through the REST API
 * (make, answer, hold, retrieve, transfer, conference, DTMF, release; the communication log),
 * and what the person does on the set, through the emulator control API (lift the handset,
 * dial, hang up).
 */
import { useEffect, useState } from "preact/hooks";
import type { ComRecord } from "../../gateway/store/comlog/types.js";
import { CONTROL, call, q } from "./api.js";
import { label } from "./board.js";
import { detail } from "./load.js";
import { O2gSide } from "./o2g-side.js";
import { type Call, rowState, store } from "./store.js";
import { html, useStore } from "./ui.js";
import { XmlSet } from "./xml-screen.js";

export function Phone({ login, pbxSide }: { login: string; pbxSide: boolean }) {
  useStore();
  const u = store.byLogin.get(login);
  const [callee, setCallee] = useState("");
  const [digits, setDigits] = useState("");
  const [error, setError] = useState("");
  const [comlog, setComlog] = useState<ComRecord[]>([]);
  const comlogTick = store.comlogTicks.get(login) ?? 0;

  useEffect(() => {
    if (u && !u.detailed) void detail(u);
  }, [login]);
  useEffect(() => {
    call<{ comHistoryRecords: ComRecord[] }>("GET", `/comlog${q({ loginName: login, limit: 20 })}`)
      .then((p) => setComlog(p.comHistoryRecords))
      .catch((e: Error) => setError(e.message));
  }, [login, comlogTick]);

  if (!u) return html`<section class="phone" aria-label="phone"><p>No user ${login}.</p></section>`;
  const calls = [...u.calls.values()];
  const number = u.number ?? "";
  const act = (what: () => Promise<unknown>) => () => {
    setError("");
    what().catch((e: Error) => setError(e.message));
  };
  const rest = (method: "POST" | "DELETE", path: string, body?: unknown) =>
    call(method, `/telephony${path}${q({ loginName: login })}`, body);
  const set = (action: string, body?: unknown) =>
    call("POST", `${CONTROL}/devices/${encodeURIComponent(number)}/${action}`, body);
  const active = calls.find((c) => c.legs.some((l) => l.state === "ACTIVE"));
  const held = calls.find((c) => c.legs.some((l) => l.state === "HELD"));

  return html`
    <section class="phone" aria-labelledby="phone-title">
      <h2 id="phone-title">Phone of ${u.name ?? login} <span class="num">${number}</span>
        <span class=${`state s-${rowState(u)}`} data-testid="phone-state">${label(rowState(u))}</span></h2>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <form class="dial" onSubmit=${(e: Event) => {
        e.preventDefault();
        act(() => rest("POST", "/calls", { deviceId: number, callee }))();
      }}>
        <label>Number <input name="callee" value=${callee} inputmode="tel" required
          onInput=${(e: Event) => setCallee((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Call</button>
        ${pbxSide && html`<button type="button" onClick=${act(() => set("dial", { number: callee }))}>Dial on the set</button>`}
      </form>
      ${
        pbxSide &&
        html`<div class="set" role="group" aria-label="the set (PBX side)">
        <button type="button" onClick=${act(() => set("offhook"))}>Lift handset</button>
        <button type="button" onClick=${act(() => set("hangup"))}>Hang up</button>
      </div>`
      }
      <ul class="calls" aria-label="calls">
        ${calls.map(
          (c) => html`<${CallItem} c=${c} rest=${rest} act=${act} active=${active} held=${held}
            digits=${digits} setDigits=${setDigits} />`,
        )}
        ${calls.length === 0 && html`<li class="none">No call</li>`}
      </ul>
      ${pbxSide && html`<${XmlSet} login=${login} number=${number} />`}
      <h3>Communication log <span class="count" data-testid="missed-count">${
        comlog.filter((r) => r.participants[0]?.role === "CALLEE" && !r.participants[0]?.answered).length
      } missed</span></h3>
      <table class="comlog" aria-label="communication log">
        <thead><tr><th scope="col">When</th><th scope="col">With</th><th scope="col">Role</th><th scope="col">Answered</th></tr></thead>
        <tbody>
          ${comlog.map((r) => {
            const me = r.participants[0];
            const others = r.participants
              .slice(1)
              .map(
                (p) =>
                  p.identity.displayName ??
                  [p.identity.firstName, p.identity.lastName].filter(Boolean).join(" ") ??
                  p.identity.id.phoneNumber,
              )
              .join(", ");
            const missed = me?.role === "CALLEE" && !me.answered;
            return html`<tr class=${missed ? "missed" : ""} data-record=${r.recordId}>
              <td>${new Date(r.beginDate).toLocaleTimeString()}</td><td>${others}</td>
              <td>${me?.role ?? ""}</td><td>${missed ? "missed" : me?.answered ? "yes" : "no"}</td></tr>`;
          })}
        </tbody>
      </table>
      <${O2gSide} login=${login} admin=${pbxSide} number=${number} />
    </section>`;
}

function CallItem({
  c,
  rest,
  act,
  active,
  held,
  digits,
  setDigits,
}: {
  c: Call;
  rest: (m: "POST" | "DELETE", path: string, body?: unknown) => Promise<unknown>;
  act: (what: () => Promise<unknown>) => () => void;
  active: Call | undefined;
  held: Call | undefined;
  digits: string;
  setDigits: (d: string) => void;
}) {
  const leg = c.legs[0];
  const ref = encodeURIComponent(c.callRef);
  const who = c.participants
    .map((p) => `${p.identity.displayName ?? p.identity.id.phoneNumber ?? "?"} (${p.state.toLowerCase()})`)
    .join(", ");
  const state = leg?.state ?? c.callData.state;
  const pair = active && held && active !== held;
  return html`<li class="call" data-callref=${c.callRef} data-state=${state}>
    <div><strong>${state.toLowerCase().replace(/_/g, " ")}</strong> with ${who || "…"}</div>
    <div class="actions">
      ${state === "RINGING_INCOMING" && html`<button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/answer`, { deviceId: leg?.deviceId }))}>Answer</button>`}
      ${state === "ACTIVE" && html`<button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/hold`, {}))}>Hold</button>`}
      ${state === "HELD" && html`<button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/retrieve`, {}))}>Retrieve</button>`}
      ${
        pair &&
        c === active &&
        html`<button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/transfer`, { heldCallRef: held.callRef }))}>Transfer</button>
        <button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/merge`, { heldCallRef: held.callRef }))}>Conference</button>`
      }
      <button type="button" onClick=${act(() => rest("DELETE", `/calls/${ref}`))}>Release</button>
      ${
        state === "ACTIVE" &&
        html`<label>DTMF <input size="6" value=${digits} onInput=${(e: Event) => setDigits((e.target as HTMLInputElement).value)} /></label>
        <button type="button" onClick=${act(() => rest("POST", `/calls/${ref}/sendDtmf`, { number: digits }))}>Send</button>`
      }
    </div>
  </li>`;
}
