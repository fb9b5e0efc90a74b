/**
 * One node's XML browsing: which application each IP Touch set's XML key starts (the node's
 * configuration: one URL for the node, or one per set), the sets' browsers, and the way their
 * requests leave the node: the PRS link to O2G that is up now. Both call servers of a redundant
 * pair share it, as they share the node's configuration; only the active one holds a link, so
 * a set whose page was on screen during a switchover keeps it and its next key press goes over
 * the link O2G opened to the new active call server.
 */
import type { PrsFailure, PrsPage } from "../../protocols/prs/index.js";
import { XmlBrowser, type XmlPageRequest } from "./browser.js";

/** A gateway's PRS link as the node's server holds it. */
export interface PrsUplink {
  request(req: XmlPageRequest, timeoutMs: number): Promise<PrsPage | PrsFailure>;
}

export interface XmlBrowsersOptions {
  nodeId: number;
  /** whether the number is a set of this node with an XML browser */
  hasBrowser(device: string): boolean;
  /** a request O2G has not answered within this is shown as an error */
  requestTimeoutMs?: number;
}

export class XmlBrowsers {
  private nodeApplication: string | undefined;
  private readonly perSet = new Map<string, string>();
  private readonly browsers = new Map<string, XmlBrowser>();
  private readonly uplinks: PrsUplink[] = [];

  constructor(private readonly options: XmlBrowsersOptions) {}

  /** The application the XML key starts: for one set, or (no device) for every set of the node. */
  setApplication(url: string | null, device?: string): void {
    if (url !== null) new URL(url); // throws on a bad URL, as the OXE's management refuses it
    if (device === undefined) this.nodeApplication = url ?? undefined;
    else if (url === null) this.perSet.delete(device);
    else this.perSet.set(device, url);
  }

  applicationOf(device: string): string | undefined {
    return this.perSet.get(device) ?? this.nodeApplication;
  }

  /** The set's browser (made on first use); throws for a number that has none on this node. */
  browser(device: string): XmlBrowser {
    let b = this.browsers.get(device);
    if (b) return b;
    if (!this.options.hasBrowser(device))
      throw new Error(`${device} is not an IP Touch set of node ${this.options.nodeId}`);
    b = new XmlBrowser(
      device,
      () => this.applicationOf(device),
      (req) => this.send(req),
    );
    this.browsers.set(device, b);
    return b;
  }

  /** The sets whose browser was used. */
  get sets(): string[] {
    return [...this.browsers.keys()];
  }

  get linked(): boolean {
    return this.uplinks.length > 0;
  }

  attach(link: PrsUplink): void {
    this.uplinks.push(link);
  }

  detach(link: PrsUplink): void {
    const i = this.uplinks.indexOf(link);
    if (i >= 0) this.uplinks.splice(i, 1);
  }

  private send(req: XmlPageRequest): Promise<PrsPage | PrsFailure> {
    // The newest link: an older one still listed is on its way out.
    const link = this.uplinks[this.uplinks.length - 1];
    if (!link) return Promise.reject(new Error("XML service unavailable"));
    return link.request(req, this.options.requestTimeoutMs ?? 10_000);
  }
}
