/**
 * An IP Touch set's XML browser screen in the phone panel (administrators, sandbox only): what
 * the set's display shows (title, text lines, menu, input, softkeys) and its keys (XML, menu
 * items, keypad digits, OK, backspace, softkeys, exit), through the console server's XML sets
 * API (console/server/xml-sets.ts). The set's requests travel as on the real thing: the node
 * sends them to O2G over its PRS link, O2G calls the application.
 *
 * Polled: the set's screen is the emulator's, not O2G's, and no O2G event says it changed; a
 * poll a second follows what someone else does on the set (a scenario, a test, another console).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { UserJson } from "../../gateway/domain/user-view.js";
import { CONTROL, call } from "./api.js";
import { html } from "./ui.js";

const XML = `${CONTROL}/xml`;
const POLL_MS = 1000;

/** the set models with an XML browser, asked once */
let models: Promise<string[]> | undefined;
const xmlModels = () => {
  models ??= call<{ stationTypes: string[] }>("GET", XML)
    .then((r) => r.stationTypes)
    .catch(() => {
      models = undefined; // no XML sets API (not a sandbox): no screen, ask again next time
      return [];
    });
  return models;
};

interface Screen {
  state: "idle" | "loading" | "page" | "error";
  title: string;
  lines: string[];
  menu: string[];
  input?: { prompt: string; value: string; maxLength: number };
  softKeys: string[];
  error?: string;
  pages: number;
}

type Key =
  | { key: "xml" | "ok" | "exit" | "backspace" }
  | { key: "select"; item: number }
  | { key: "type"; digits: string }
  | { key: "softkey"; label: string };

/** The XML screen when the user's set has a browser; nothing otherwise. */
export function XmlSet({ login, number }: { login: string; number: string }) {
  const [capable, setCapable] = useState(false);
  useEffect(() => {
    let gone = false;
    setCapable(false);
    Promise.all([call<UserJson>("GET", `/users/${encodeURIComponent(login)}`), xmlModels()])
      .then(([user, types]) => {
        const model = user.devices.find((d) => d.id === number)?.subType ?? "";
        if (!gone) setCapable(types.includes(model));
      })
      .catch(() => undefined); // the phone panel says what is wrong with the user
    return () => {
      gone = true;
    };
  }, [login, number]);
  return capable && number ? html`<${XmlScreen} number=${number} />` : null;
}

function XmlScreen({ number }: { number: string }) {
  const [screen, setScreen] = useState<Screen | undefined>(undefined);
  const [digits, setDigits] = useState("");
  const [error, setError] = useState("");
  const busy = useRef(false);
  const url = `${XML}/${encodeURIComponent(number)}`;

  useEffect(() => {
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      if (gone) return;
      const next = () => {
        if (!gone) timer = setTimeout(poll, POLL_MS);
      };
      // a key press in flight answers the screen itself
      if (busy.current) return next();
      call<Screen>("GET", url)
        .then((s) => !gone && !busy.current && setScreen(s))
        .catch((e: Error) => !gone && setError(e.message))
        .finally(next);
    };
    setScreen(undefined);
    poll();
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [url]);

  const press = (k: Key) => {
    setError("");
    busy.current = true;
    return call<Screen>("POST", `${url}/keys`, k)
      .then(setScreen)
      .catch((e: Error) => setError(e.message))
      .finally(() => {
        busy.current = false;
      });
  };

  const s = screen;
  return html`
    <section class="xml-set" aria-labelledby="xml-title">
      <h3 id="xml-title">XML screen <span class="count">set ${number}</span></h3>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <div class=${`xml-display s-${s?.state ?? "loading"}`} data-testid="xml-display" data-state=${s?.state ?? ""}
        role="region" aria-label="the set's display" aria-live="polite">
        ${!s && html`<p class="none">…</p>`}
        ${s?.state === "idle" && html`<p class="none">Idle: press the XML key to start the set's application.</p>`}
        ${s?.state === "loading" && html`<p class="none">Loading…</p>`}
        ${s?.state === "error" && html`<p class="xml-error">${s.error ?? "error"}</p>`}
        ${s?.title && html`<h4 data-testid="xml-title">${s.title}</h4>`}
        ${s && s.lines.length > 0 && html`<div data-testid="xml-lines">${s.lines.map((l) => html`<p>${l}</p>`)}</div>`}
        ${
          s && s.menu.length > 0
            ? html`<ol class="xml-menu" aria-label="menu">${s.menu.map(
                (m, i) =>
                  html`<li><button type="button" onClick=${() => press({ key: "select", item: i + 1 })}>${m}</button></li>`,
              )}</ol>`
            : null
        }
        ${s?.input && html`<p class="xml-input" data-testid="xml-input">${s.input.prompt}: <output>${s.input.value}</output><span class="caret">_</span></p>`}
      </div>
      ${
        s && s.softKeys.length > 0
          ? html`<div class="xml-softkeys" role="group" aria-label="softkeys">${s.softKeys.map(
              (k) =>
                html`<button type="button" onClick=${() => press({ key: "softkey", label: k })}>${k}</button>`,
            )}</div>`
          : null
      }
      <div class="xml-keys" role="group" aria-label="the set's keys">
        <button type="button" onClick=${() => press({ key: "xml" })}>XML key</button>
        <form class="xml-keypad" aria-label="type on the keypad" onSubmit=${(e: Event) => {
          e.preventDefault();
          if (!digits) return;
          void press({ key: "type", digits }).then(() => setDigits(""));
        }}>
          <label>Keypad <input name="xml-digits" inputmode="tel" pattern="[0-9*#]{1,32}" maxlength="32" size="8"
            value=${digits} onInput=${(e: Event) => setDigits((e.target as HTMLInputElement).value)} /></label>
          <button type="submit">Type</button>
        </form>
        <button type="button" aria-label="Backspace" onClick=${() => press({ key: "backspace" })}>⌫</button>
        <button type="button" onClick=${() => press({ key: "ok" })}>OK</button>
        <button type="button" onClick=${() => press({ key: "exit" })}>Exit key</button>
      </div>
    </section>`;
}
