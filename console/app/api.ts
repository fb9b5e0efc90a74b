/**
 * The console is an O2G application like any other: Basic authentication on
 * /api/rest/authenticate (the gateway sets the AlcUserId cookie), a session, REST calls, and an
 * event subscription read from the chunk channel with fetch's streaming body. What only the PBX
 * side can do goes to the sandbox's emulator control API, under the same cookie.
 */

export interface O2gErrorBody {
  httpStatus?: string;
  helpMessage?: string;
  innerMessage?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REST = "/api/rest/1.0";
export const CONTROL = "/api/console/emulator";
/** the sandbox console's own API: SSH/IMAP link states, the scenario player, the benches */
export const LINKS = "/api/console/links";
export const SCENARIOS = "/api/console/scenarios";

export interface O2gEvent {
  eventName: string;
  loginName?: string;
  nodeId?: string;
  [field: string]: unknown;
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as O2gErrorBody;
    if (body.helpMessage) message = `${res.status}: ${body.helpMessage}`;
  } catch {
    /* not O2G's error shape: the status says enough */
  }
  return new ApiError(res.status, message);
}

/** A REST or control API call; JSON in, JSON (or nothing) out. */
export async function call<T = unknown>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(path.startsWith("/api/") ? path : `${REST}${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const q = (params: Record<string, string | number | undefined>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : "";
};

export interface Principal {
  login: string;
  admin: boolean;
}

/** Basic credentials once, then the cookie; opens the session and keeps it alive. */
export async function login(loginName: string, password: string): Promise<Principal> {
  const res = await fetch("/api/rest/authenticate?version=1.0", {
    credentials: "same-origin",
    // utf-8 safe base64 of "login:password"
    headers: {
      Authorization: `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${loginName}:${password}`)))}`,
    },
  });
  if (!res.ok) throw await failure(res);
  const opened = await call<{ admin?: boolean }>("POST", "/sessions", {
    applicationName: "o2g-console",
  });
  setInterval(() => void call("POST", "/sessions/keepalive").catch(() => undefined), 60_000);
  return { login: loginName, admin: opened?.admin === true };
}

export async function logout(): Promise<void> {
  await call("DELETE", "/sessions").catch(() => undefined);
}

export interface Selector {
  ids?: string[];
  names: string[];
}

export interface Channel {
  readonly subscriptionId: string;
  /** stops polling and deletes the subscription */
  close(): void;
}

/**
 * Subscribes, then polls the chunk channel until closed: each poll is one long response of
 * newline-delimited events; when it ends (the gateway closes it after a while), poll again.
 */
export async function subscribe(
  selectors: Selector[],
  onEvent: (e: O2gEvent) => void,
  onChannel: (up: boolean) => void,
): Promise<Channel> {
  const sub = await call<{ subscriptionId: string; publicPollingUrl: string }>("POST", "/subscriptions", {
    filter: { selectors },
    version: "1.0",
  });
  // The polling URL is absolute as the gateway saw us; the path is what the page may fetch.
  const url = new URL(sub.publicPollingUrl).pathname;
  const stop = new AbortController();
  void (async () => {
    while (!stop.signal.aborted) {
      try {
        const res = await fetch(url, { method: "POST", credentials: "same-origin", signal: stop.signal });
        if (!res.ok || !res.body) {
          onChannel(false);
          if (res.status === 404) return; // the subscription ended with the session
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        onChannel(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += value;
          let nl = buffered.indexOf("\n");
          while (nl >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line) onEvent(JSON.parse(line) as O2gEvent);
            nl = buffered.indexOf("\n");
          }
        }
      } catch {
        if (stop.signal.aborted) return;
        onChannel(false);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    subscriptionId: sub.subscriptionId,
    close() {
      stop.abort();
      void call("DELETE", `/subscriptions/${encodeURIComponent(sub.subscriptionId)}`).catch(() => undefined);
    },
  };
}
