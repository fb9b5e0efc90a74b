/**
 * Where webhooks may go. A subscriber chooses the URL, so without a policy the gateway would
 * POST wherever it is told: its own ports, the OXE's links, a cloud metadata service. An address
 * is refused when a `deny` range holds it and no `allow` range does. The URL is checked at
 * subscribe time when its host is an address (or `localhost`), and again on every connection:
 * the host name is resolved once, inside the connection, and the very address connected to is
 * the one checked, so a name that resolves elsewhere later (DNS rebinding) gains nothing.
 */
import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, type Dispatcher } from "undici";

/** Loopback, the sandbox's only exception to the default deny list. */
export const LOOPBACK_RANGES = ["127.0.0.0/8", "::1/128"];

/** Denied unless allowed: loopback, link-local (169.254.169.254 is the usual metadata service), unspecified, multicast, broadcast. */
export const DEFAULT_WEBHOOK_DENY = [
  ...LOOPBACK_RANGES,
  "0.0.0.0/8",
  "::/128",
  "169.254.0.0/16",
  "fe80::/10",
  "224.0.0.0/4",
  "ff00::/8",
  "255.255.255.255/32",
];

export interface WebhookPolicySettings {
  /** CIDR ranges webhooks may not reach */
  deny: string[];
  /** CIDR ranges reachable even when a deny range holds them */
  allow: string[];
  /** how much of a receiver's reply is read before the rest is dropped with the connection */
  maxReplyBytes: number;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
type Resolver = (host: string, cb: (err: Error | null, addrs: LookupAddress[]) => void) => void;

function parseRanges(list: string[], what: string): Range[] {
  return list.map((cidr) => {
    try {
      return cidr.includes("/") ? ipaddr.parseCIDR(cidr) : toRange(cidr);
    } catch {
      throw new Error(`${what}: "${cidr}" is not an address or CIDR range`);
    }
  });
}

function toRange(address: string): Range {
  const a = ipaddr.process(address);
  return [a, a.kind() === "ipv4" ? 32 : 128];
}

const systemResolver: Resolver = (host, cb) => dns.lookup(host, { all: true }, cb);

export class WebhookPolicy {
  private readonly deny: Range[];
  private readonly allow: Range[];
  readonly maxReplyBytes: number;
  /** every webhook request goes through it: its connections resolve and check the address */
  readonly dispatcher: Dispatcher;

  constructor(settings: WebhookPolicySettings, resolve: Resolver = systemResolver) {
    this.deny = parseRanges(settings.deny, "webhook deny list");
    this.allow = parseRanges(settings.allow, "webhook allow list");
    this.maxReplyBytes = settings.maxReplyBytes;
    const lookup = (
      host: string,
      options: LookupOptions,
      cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
    ): void => {
      resolve(host, (err, addrs) => {
        if (err) return cb(err, []);
        // One denied address refuses the name: a client may not pick which of its answers we use.
        const bad = addrs.find((a) => this.refuses(a.address));
        if (bad) return cb(new Error(`${host} resolves to ${bad.address}, which webhooks may not reach`), []);
        const usable = addrs.filter((a) => !options.family || a.family === options.family);
        if (usable.length === 0) return cb(new Error(`${host} has no usable address`), []);
        if (options.all) return cb(null, usable);
        return cb(null, usable[0]!.address, usable[0]!.family);
      });
    };
    this.dispatcher = new Agent({ connect: { lookup: lookup as never }, connections: 8 });
  }

  /** Whether an address (IPv4, IPv6, or IPv4-mapped IPv6) is out of bounds. */
  refuses(address: string): boolean {
    let a: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      a = ipaddr.process(address.replace(/^\[|\]$/g, ""));
    } catch {
      return true;
    }
    const within = (r: Range) => a.kind() === r[0].kind() && a.match(r);
    return this.deny.some(within) && !this.allow.some(within);
  }

  /**
   * Why a URL is refused before any DNS look-up, or null: only what is plain from the URL
   * itself (an address, or `localhost`, which RFC 6761 pins to loopback).
   */
  refusal(url: URL): string | null {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host)) return this.refuses(host) ? `webhooks may not reach ${host}` : null;
    const name = host.toLowerCase().replace(/\.$/, "");
    if (name === "localhost" || name.endsWith(".localhost")) {
      if (this.refuses("127.0.0.1") || this.refuses("::1")) return `webhooks may not reach ${host}`;
    }
    return null;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** Reads at most `max` bytes of a reply (enough for a status text), then drops the rest. */
export async function discardBody(res: Response, max: number): Promise<void> {
  const body = res.body;
  if (!body) return;
  const reader = body.getReader();
  let seen = 0;
  try {
    while (seen <= max) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the receiver hung up or the timeout fired: nothing to keep anyway
  }
}
