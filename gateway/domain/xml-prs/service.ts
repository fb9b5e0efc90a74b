/**
 * XML PRS: what O2G does with a set's page request that a node's PRS link brings (the set's
 * XML key, a menu item, a softkey, an input's OK), and what the set is told back.
 *
 * - The set must be a user's device of that node, as the gateway read it over CMIP.
 * - The XML IP Touch license is per user, taken (checked in) at the first use: the request that
 *   starts an application (`start`), for the user the set belongs to. Without one left the set
 *   shows why. A user keeps it while the gateway runs: the set stays XML-enabled, as O2G counts
 *   users configured for XML rather than pages in flight; a later request of a set whose user
 *   holds none is refused the same way.
 * - Only the application the set started is reached: after the start, every URL must be on the
 *   same https origin. A set (or a page) cannot make the gateway call another host, which would
 *   make the gateway an open proxy into the network it sits in.
 * - The page is fetched over HTTPS (fetch-page.ts) and checked against the supported XML subset
 *   (protocols/prs/xml-page.ts) before it goes back: a set never receives what it cannot show.
 */
import { readFileSync } from "node:fs";
import {
  type PrsFailure,
  type PrsFailureReason,
  type PrsPage,
  type PrsRequest,
  parseXmlPage,
  XmlPageError,
} from "../../../protocols/prs/index.js";
import type { XmlPrsSettings } from "../../config/settings.js";
import type { UserDirectory } from "../directory.js";
import { DomainError } from "../errors.js";
import type { Licenses } from "../licensing/index.js";
import { type FetchedPage, fetchPage, type PageFetch, PageFetchError } from "./fetch-page.js";

export interface XmlPrsOptions {
  directory: UserDirectory;
  licenses: Licenses;
  settings: XmlPrsSettings;
  log: (level: "info" | "warn", line: string) => void;
  /** the HTTPS call (tests replace it) */
  fetch?: (req: PageFetch) => Promise<FetchedPage>;
}

/** The holder of the licenses the sets take: they go back only when the gateway stops. */
export const XML_PRS_HOLDER = "xml-prs";

export class XmlPrsService {
  /** per set, the origin of the application it started */
  private readonly origins = new Map<string, string>();
  private readonly fetch: (req: PageFetch) => Promise<FetchedPage>;
  /** pages served and failures answered since start, by reason */
  readonly counts = { pages: 0, failures: new Map<PrsFailureReason, number>() };

  constructor(private readonly opts: XmlPrsOptions) {
    const s = opts.settings;
    const ca = s.ca ?? (s.caFile ? readFileSync(s.caFile, "utf8") : undefined);
    this.fetch =
      opts.fetch ?? ((req) => fetchPage(req, { ca, timeoutMs: s.fetchTimeoutMs, maxBytes: s.maxPageBytes }));
  }

  async handle(nodeId: number, req: PrsRequest): Promise<PrsPage | PrsFailure> {
    const fail = (reason: PrsFailureReason, message: string): PrsFailure => {
      this.counts.failures.set(reason, (this.counts.failures.get(reason) ?? 0) + 1);
      if (reason !== "license") this.opts.log("warn", `XML PRS node ${nodeId} set ${req.device}: ${message}`);
      return { type: "failure", id: req.id, reason, message };
    };
    const user = this.opts.directory.byPhone(req.device);
    if (!user || user.nodeId !== nodeId) return fail("unknownDevice", "This set is not known to O2G");
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail("forbidden", "Bad application address");
    }
    if (url.protocol !== "https:" || url.username || url.password)
      return fail("forbidden", "XML applications are reached over https only");
    const key = `${nodeId}/${req.device}`;
    if (req.start) {
      try {
        this.opts.licenses.checkIn("xmlIpTouch", user.loginName, XML_PRS_HOLDER);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return fail("license", "No XML IP Touch license left");
      }
      this.origins.set(key, url.origin);
    } else {
      if (!this.opts.licenses.holds("xmlIpTouch", user.loginName))
        return fail("license", "No XML IP Touch license left");
      const origin = this.origins.get(key);
      if (origin !== url.origin) return fail("forbidden", "Not this application's page: start it again");
    }
    let res: FetchedPage;
    try {
      res = await this.fetch({
        url,
        method: req.method,
        ...(req.form ? { form: req.form } : {}),
        headers: { "x-oxe-device": req.device, "x-oxe-node": String(nodeId), "x-oxe-user": user.loginName },
      });
    } catch (err) {
      if (!(err instanceof PageFetchError) && !(err instanceof Error)) throw err;
      return fail("unreachable", `Application unreachable: ${(err as Error).message}`.slice(0, 200));
    }
    if (res.status < 200 || res.status > 299)
      return fail("unreachable", `Application error: HTTP ${res.status}`);
    try {
      parseXmlPage(res.body);
    } catch (err) {
      if (!(err instanceof XmlPageError)) throw err;
      return fail("badPage", `Page not supported: ${err.message}`.slice(0, 200));
    }
    this.counts.pages++;
    return { type: "page", id: req.id, url: url.href, xml: res.body };
  }
}
