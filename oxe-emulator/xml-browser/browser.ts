/**
 * The XML browser of one emulated IP Touch set: what its screen shows and what its keys do.
 *
 * The XML key starts the set's application (its URL is the node's configuration, per set or for
 * the whole node); every key press that leads somewhere (a menu item chosen, a softkey, OK on an
 * input) becomes a request the node sends to O2G over the PRS link, and what comes back is
 * rendered: the page (title, text lines, menu items, the input with what was typed, softkeys),
 * or an error screen saying what went wrong (no license, the application unreachable, a page
 * the set cannot show). Keys pressed while a page loads are ignored, as on the set.
 *
 * Relative links are resolved against the URL of the page they are on (its final URL, after
 * redirects), as a browser does.
 */
import {
  type PrsFailure,
  type PrsMethod,
  type PrsPage,
  parseXmlPage,
  type XmlPage,
  XmlPageError,
} from "../../protocols/prs/index.js";

export type XmlScreenState = "idle" | "loading" | "page" | "error";

/** What the set's display shows now: plain data, for scenarios, tests and the console. */
export interface XmlScreen {
  state: XmlScreenState;
  title: string;
  lines: string[];
  /** menu item labels, item 1 first */
  menu: string[];
  input?: { prompt: string; value: string; maxLength: number };
  softKeys: string[];
  /** on the error screen: why */
  error?: string;
  /** pages shown since the set started, to wait for the next one */
  pages: number;
}

export interface XmlPageRequest {
  device: string;
  start: boolean;
  method: PrsMethod;
  url: string;
  form?: Record<string, string>;
}

/** How a set's request reaches O2G (the node's PRS link) and comes back. */
export type XmlFetch = (req: XmlPageRequest) => Promise<PrsPage | PrsFailure>;

const IDLE: XmlScreen = { state: "idle", title: "", lines: [], menu: [], softKeys: [], pages: 0 };

export class XmlBrowser {
  private screenNow: XmlScreen = { ...IDLE };
  private page: XmlPage | undefined;
  private pageUrl = "";
  /** bumped by each request and by exit, so a late answer to an older one is dropped */
  private seq = 0;
  private readonly listeners = new Set<(s: XmlScreen) => void>();

  constructor(
    readonly device: string,
    /** the application the XML key starts, or undefined when none is configured */
    private readonly application: () => string | undefined,
    private readonly fetch: XmlFetch,
  ) {}

  get screen(): XmlScreen {
    return structuredClone(this.screenNow);
  }

  /** The XML key: starts the set's application at its first page. */
  pressXmlKey(): void {
    const url = this.application();
    if (!url) {
      this.showError("No XML application on this set");
      return;
    }
    this.load({ method: "GET", url, start: true });
  }

  /** Choose menu item `n` (1 = the first). */
  select(n: number): void {
    if (this.screenNow.state !== "page" || !this.page) return;
    const item = this.page.menu[n - 1];
    if (!item) return;
    this.follow(item.url);
  }

  /** Digits (and * #) typed on the keypad go into the page's input, up to its length. */
  type(digits: string): void {
    const input = this.screenNow.input;
    if (this.screenNow.state !== "page" || !input) return;
    const keys = digits.replace(/[^0-9*#]/g, "");
    input.value = (input.value + keys).slice(0, input.maxLength);
    this.changed();
  }

  /** The clear key: the last digit typed goes. */
  backspace(): void {
    const input = this.screenNow.input;
    if (this.screenNow.state !== "page" || !input) return;
    input.value = input.value.slice(0, -1);
    this.changed();
  }

  /** OK: the input's value goes to the input's URL. */
  ok(): void {
    if (this.screenNow.state !== "page" || !this.page?.input) return;
    const input = this.page.input;
    const url = this.resolve(input.url);
    if (url === undefined) return;
    this.load({
      method: "GET",
      url,
      start: false,
      form: { [input.name]: this.screenNow.input?.value ?? "" },
    });
  }

  /** A softkey, by its label or its place (1 = the first). */
  softKey(key: string | number): void {
    if (this.screenNow.state === "error") {
      this.exit(); // the error screen's only key
      return;
    }
    if (this.screenNow.state !== "page" || !this.page) return;
    const sk =
      typeof key === "number"
        ? this.page.softKeys[key - 1]
        : this.page.softKeys.find((s) => s.label.toLowerCase() === key.toLowerCase());
    if (!sk) return;
    if (sk.action === "exit" || !sk.url) this.exit();
    else this.follow(sk.url);
  }

  /** The release key: back to the idle screen, whatever is showing. */
  exit(): void {
    this.seq++;
    this.page = undefined;
    this.pageUrl = "";
    this.screenNow = { ...IDLE, lines: [], menu: [], softKeys: [], pages: this.screenNow.pages };
    this.changed();
  }

  onChange(listener: (s: XmlScreen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the screen once `pred` holds (checked now and on every change). */
  until(pred: (s: XmlScreen) => boolean, timeoutMs = 5_000): Promise<XmlScreen> {
    if (pred(this.screenNow)) return Promise.resolve(this.screen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(
            `set ${this.device}: screen not as expected within ${timeoutMs} ms: ${JSON.stringify(this.screenNow)}`,
          ),
        );
      }, timeoutMs);
      const off = this.onChange((s) => {
        if (!pred(s)) return;
        clearTimeout(timer);
        off();
        resolve(structuredClone(s));
      });
    });
  }

  private follow(href: string): void {
    const url = this.resolve(href);
    if (url !== undefined) this.load({ method: "GET", url, start: false });
  }

  private resolve(href: string): string | undefined {
    try {
      return new URL(href, this.pageUrl || undefined).href;
    } catch {
      this.showError(`Bad link: ${href.slice(0, 40)}`);
      return undefined;
    }
  }

  private load(req: Omit<XmlPageRequest, "device">): void {
    if (this.screenNow.state === "loading") return;
    const seq = ++this.seq;
    this.screenNow = { ...this.screenNow, state: "loading" };
    this.changed();
    this.fetch({ device: this.device, ...req }).then(
      (answer) => {
        if (seq !== this.seq) return;
        if (answer.type === "failure") this.showError(answer.message);
        else this.show(answer);
      },
      (err: unknown) => {
        if (seq === this.seq) this.showError((err as Error).message);
      },
    );
  }

  private show(answer: PrsPage): void {
    let page: XmlPage;
    try {
      page = parseXmlPage(answer.xml);
    } catch (err) {
      if (!(err instanceof XmlPageError)) throw err;
      this.showError(`Page not supported: ${err.message}`);
      return;
    }
    this.page = page;
    this.pageUrl = answer.url;
    this.screenNow = {
      state: "page",
      title: page.title,
      lines: [...page.lines],
      menu: page.menu.map((m) => m.label),
      ...(page.input
        ? { input: { prompt: page.input.prompt, value: "", maxLength: page.input.maxLength } }
        : {}),
      softKeys: page.softKeys.map((s) => s.label),
      pages: this.screenNow.pages + 1,
    };
    this.changed();
  }

  private showError(message: string): void {
    this.page = undefined;
    this.screenNow = {
      state: "error",
      title: "XML service",
      lines: [message.slice(0, 64)],
      menu: [],
      softKeys: ["Exit"],
      error: message,
      pages: this.screenNow.pages,
    };
    this.changed();
  }

  private changed(): void {
    const s = this.screenNow;
    for (const l of [...this.listeners]) l(s);
  }
}
