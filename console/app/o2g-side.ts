/**
 * A phone's O2G side, what an O2G application offers its user beyond calls: routing (forward to
 * a number or to the voice mail, cancel it; do-not-disturb), the event summary's counters, the
 * voice mail (list, play in the browser, delete) and a directory search. All of it through the
 * public REST API (Routing, EventSummary, Messaging, Directory) and an event subscription of its
 * own for this user (eventSummary, routingManagement): a forward set elsewhere, a missed call or
 * a new voice message shows here as it happens. The subscription ends with the panel.
 */
import { useEffect, useState } from "preact/hooks";
import type { EventSummaryJson } from "../../gateway/domain/eventsummary/schema.js";
import type {
  MailboxInfoJson,
  MailboxJson,
  VoiceMessageJson,
} from "../../gateway/domain/messaging/schema.js";
import type { SearchResultJson } from "../../gateway/domain/phonebook/schema.js";
import type { ForwardRouteJson } from "../../gateway/domain/routing/schema.js";
import { type Channel, call, q, subscribe } from "./api.js";
import { html } from "./ui.js";

type Condition = "IMMEDIATE" | "BUSY" | "NO_ANSWER" | "BUSY_NO_ANSWER";
const CONDITIONS: readonly Condition[] = ["IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"];
const words = (s: string) => s.toLowerCase().replace(/_/g, " ");

export function O2gSide({ login, admin, number }: { login: string; admin: boolean; number: string }) {
  const [summary, setSummary] = useState<EventSummaryJson | undefined>(undefined);
  const [routingTick, setRoutingTick] = useState(0);
  const [error, setError] = useState("");
  const who = q({ loginName: login });

  useEffect(() => {
    let channel: Channel | undefined;
    let gone = false;
    setSummary(undefined);
    call<EventSummaryJson>("GET", `/eventsummary${who}`)
      .then((s) => !gone && setSummary(s))
      .catch((e: Error) => setError(e.message));
    subscribe(
      [{ ids: [login], names: ["eventSummary", "routingManagement"] }],
      (e) => {
        if (e.loginName !== undefined && e.loginName !== login) return;
        if (e.eventName === "OnEventSummaryUpdated") setSummary(e.eventSummary as EventSummaryJson);
        if (e.eventName === "OnRoutingStateChanged") setRoutingTick((t) => t + 1);
      },
      () => undefined,
    )
      .then((c) => {
        if (gone) c.close();
        else channel = c;
      })
      .catch((e: Error) => setError(e.message));
    return () => {
      gone = true;
      channel?.close();
    };
  }, [login]);

  return html`
    <div class="o2g-side">
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <${Summary} summary=${summary} />
      <${Routing} who=${who} tick=${routingTick} />
      <${VoiceMail} login=${login} admin=${admin} messages=${summary?.voiceMessagesNb} />
      <${Directory} who=${who} number=${number} />
    </div>`;
}

function Summary({ summary }: { summary: EventSummaryJson | undefined }) {
  const item = (label: string, key: string, value: number | undefined) =>
    html`<div><dt>${label}</dt><dd data-testid=${`summary-${key}`}>${value ?? "–"}</dd></div>`;
  return html`
    <section class="summary" aria-labelledby="summary-title">
      <h3 id="summary-title">Event summary ${summary?.eventWaiting ? html`<span class="badge">waiting</span>` : ""}</h3>
      <dl>
        ${item("Missed calls", "missed", summary?.missedCallsNb)}
        ${item("Voice messages", "voicemail", summary?.voiceMessagesNb)}
        ${item("Callback requests", "callbacks", summary?.callBackRequestsNb)}
      </dl>
    </section>`;
}

function Routing({ who, tick }: { who: string; tick: number }) {
  const [forward, setForward] = useState<ForwardRouteJson | undefined>(undefined);
  const [dnd, setDnd] = useState<boolean | undefined>(undefined);
  const [condition, setCondition] = useState<Condition>("IMMEDIATE");
  const [toVoiceMail, setToVoiceMail] = useState(false);
  const [target, setTarget] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const reload = () =>
    Promise.all([
      call<ForwardRouteJson>("GET", `/routing/forwardroute${who}`).then(setForward),
      call<{ activate: boolean }>("GET", `/routing/dnd${who}`).then((d) => setDnd(d.activate)),
    ]).catch((e: Error) => setError(e.message));
  useEffect(() => {
    void reload();
  }, [who, tick]);

  const act = (what: () => Promise<unknown>) => {
    setError("");
    setBusy(true);
    what()
      .then(reload)
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };
  const dest = forward?.destinations[0];
  const current = !dest
    ? "no forward"
    : `${forward?.forwardType ? `on ${words(forward.forwardType)}` : "immediate"}, to ${
        dest.type === "VOICEMAIL" ? "voice mail" : (dest.number ?? "?")
      }`;
  return html`
    <section class="routing" aria-labelledby="routing-title">
      <h3 id="routing-title">Routing</h3>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <p>Forward: <strong data-testid="forward-state">${current}</strong></p>
      <form class="forward" aria-label="set a forward" onSubmit=${(e: Event) => {
        e.preventDefault();
        const destinations = [toVoiceMail ? { type: "VOICEMAIL" } : { type: "NUMBER", number: target }];
        const forwardRoute =
          condition === "IMMEDIATE" ? { destinations } : { forwardType: condition, destinations };
        act(() => call("POST", `/routing/forwardroute${who}`, { forwardRoute }));
      }}>
        <label>When
          <select value=${condition} onChange=${(e: Event) => setCondition((e.target as HTMLSelectElement).value as Condition)}>
            ${CONDITIONS.map((c) => html`<option value=${c}>${words(c)}</option>`)}
          </select>
        </label>
        <label><input type="checkbox" checked=${toVoiceMail}
          onChange=${(e: Event) => setToVoiceMail((e.target as HTMLInputElement).checked)} /> to voice mail</label>
        <label>Forward to <input name="forward-to" inputmode="tel" value=${target} disabled=${toVoiceMail}
          required=${!toVoiceMail} pattern="[0-9+*#]{1,32}"
          onInput=${(e: Event) => setTarget((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" disabled=${busy}>Set forward</button>
        <button type="button" disabled=${busy || !dest}
          onClick=${() => act(() => call("DELETE", `/routing/forwardroute${who}`))}>Cancel forward</button>
      </form>
      <p>
        <button type="button" class="toggle" aria-pressed=${dnd === true} disabled=${busy || dnd === undefined}
          onClick=${() => act(() => call(dnd ? "DELETE" : "POST", `/routing/dnd${who}`))}>Do not disturb</button>
        <span data-testid="dnd-state">${dnd === undefined ? "…" : dnd ? "DND on" : "DND off"}</span>
      </p>
    </section>`;
}

function VoiceMail({
  login,
  admin,
  messages,
}: {
  login: string;
  admin: boolean;
  messages: number | undefined;
}) {
  const [box, setBox] = useState<MailboxJson | null | undefined>(undefined);
  const [info, setInfo] = useState<MailboxInfoJson | undefined>(undefined);
  const [list, setList] = useState<VoiceMessageJson[]>([]);
  const [password, setPassword] = useState("");
  const [playing, setPlaying] = useState<string | undefined>(undefined);
  const [error, setError] = useState("");
  const who = q({ loginName: login });

  useEffect(() => {
    setBox(undefined);
    setInfo(undefined);
    setList([]);
    setPlaying(undefined);
    call<{ mailboxes: MailboxJson[] }>("GET", `/voicemail${who}`)
      .then((m) => setBox(m.mailboxes[0] ?? null))
      .catch((e: Error) => setError(e.message));
  }, [login]);

  const base = box ? `/voicemail/${encodeURIComponent(box.id)}` : "";
  const read = () =>
    call<{ voicemails: VoiceMessageJson[] }>("GET", `${base}/voicemails${who}`).then((l) =>
      setList(l.voicemails),
    );
  /** Opens the mailbox: a user with their own password, an administrator with the one typed. */
  const open = (pwd?: string) => {
    setError("");
    const query = admin ? who : q({ loginName: login, withUserPwd: "" });
    call<MailboxInfoJson>("POST", `${base}${query}`, pwd ? { password: pwd } : undefined)
      .then((i) => {
        setInfo(i);
        return read();
      })
      .catch((e: Error) => setError(e.message));
  };
  useEffect(() => {
    if (box && !admin) open();
  }, [box]);
  // The summary's counter moved (a deposit, a message heard elsewhere): read the list again.
  useEffect(() => {
    if (info) open(password || undefined);
  }, [messages]);

  if (box === undefined) return html`<section class="voicemail"><h3>Voice mail</h3><p>…</p></section>`;
  if (box === null)
    return html`<section class="voicemail"><h3>Voice mail</h3><p>No mailbox for this user.</p></section>`;
  return html`
    <section class="voicemail" aria-labelledby="vm-title">
      <h3 id="vm-title">Voice mail <span class="count" data-testid="vm-count">${info ? `${info.newVoiceMsg} new / ${info.totalVoiceMsg}` : ""}</span></h3>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      ${
        !info &&
        admin &&
        html`<form aria-label="open the mailbox" onSubmit=${(e: Event) => {
          e.preventDefault();
          open(password);
        }}>
          <label>Mailbox password <input type="password" autocomplete="off" value=${password} required
            onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} /></label>
          <button type="submit">Open mailbox</button>
        </form>`
      }
      <ul class="messages" aria-label="voice messages">
        ${list.map((m) => {
          const from = m.from?.displayName ?? m.from?.id.phoneNumber ?? "unknown caller";
          const src = `/api/rest/1.0${base}/voicemails/${encodeURIComponent(m.voicemailId)}${who}`;
          return html`<li data-voicemail=${m.voicemailId} class=${m.unread ? "unread" : ""}>
            <span>${from}</span> <time>${new Date(m.date).toLocaleString()}</time> <span>${m.duration} s</span>
            ${m.unread ? html` <span class="badge">new</span>` : ""}
            <button type="button" onClick=${() => setPlaying(m.voicemailId)}>Play</button>
            <button type="button" aria-label=${`Delete the message from ${from}`} onClick=${() => {
              setError("");
              call("DELETE", `${base}/voicemails/${encodeURIComponent(m.voicemailId)}${who}`)
                .then(read)
                .catch((e: Error) => setError(e.message));
            }}>Delete</button>
            ${
              playing === m.voicemailId &&
              // The gateway's download, played by the browser (a Range request marks it heard).
              html`<audio controls autoplay src=${src} aria-label=${`voice message from ${from}`}
                onEnded=${() => void read()} />`
            }
          </li>`;
        })}
        ${info && list.length === 0 && html`<li class="none">No voice message</li>`}
      </ul>
    </section>`;
}

type Contact = NonNullable<SearchResultJson["resultElements"]>[number]["contacts"][number];

function Directory({ who, number }: { who: string; number: string }) {
  const [text, setText] = useState("");
  const [found, setFound] = useState<Contact[] | undefined>(undefined);
  const [error, setError] = useState("");
  const search = async () => {
    const t = text.trim();
    const by = (field: string) => ({ field, operation: "BEGIN_WITH", operand: t });
    await call("POST", `/directory/search${who}`, {
      filter: { operation: "OR", operand: [by("lastName"), by("firstName"), by("id.phoneNumber")] },
      limit: 20,
    });
    const all: Contact[] = [];
    // The results come in batches until FINISH.
    for (let i = 0; i < 20; i++) {
      const r = await call<SearchResultJson>("GET", `/directory/search${who}`);
      if (r.resultCode !== "OK") break;
      for (const el of r.resultElements ?? []) all.push(...el.contacts);
    }
    setFound(all);
  };
  return html`
    <section class="directory" aria-labelledby="dir-title">
      <h3 id="dir-title">Directory</h3>
      ${error && html`<p role="alert" class="error">${error}</p>`}
      <form role="search" aria-label="directory lookup" onSubmit=${(e: Event) => {
        e.preventDefault();
        setError("");
        search().catch((err: Error) => setError(err.message));
      }}>
        <label>Look up a contact <input name="directory" value=${text} required minlength="1" maxlength="64"
          onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Look up</button>
      </form>
      ${
        found &&
        html`<ul class="contacts" aria-label="contacts found" data-testid="contacts">
          ${found.map((c) => {
            const name = c.displayName ?? [c.firstName, c.lastName].filter(Boolean).join(" ");
            const phone = c.id.phoneNumber ?? "";
            return html`<li><span>${name}</span> <span class="num">${phone}</span>
              ${
                phone &&
                phone !== number &&
                html`<button type="button" aria-label=${`Call ${name}`} onClick=${() =>
                  call("POST", `/telephony/calls${who}`, { deviceId: number, callee: phone }).catch(
                    (e: Error) => setError(e.message),
                  )}>Call</button>`
              }</li>`;
          })}
          ${found.length === 0 && html`<li class="none">Nobody found</li>`}
        </ul>`
      }
    </section>`;
}
