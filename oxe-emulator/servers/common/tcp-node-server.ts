/**
 * What every server of an emulated node (CSTA, CMIP, SSH, IMAP) does alike: listen on its
 * address, close (dropping its connections, or leaving them to stall for a silent failure), drop
 * its connections on a fault or a switchover, take the faults a test sets, and log under the
 * node's and protocol's name. A subclass says what a connection is and how it is dropped.
 */
import type net from "node:net";
import { type LinkFaults, noFaults } from "./faults.js";
import { closeTcp, listenTcp } from "./listen.js";

export interface NodeServerAddress {
  nodeId: number;
  host: string;
  /** 0 picks a free port */
  port: number;
  log?: (line: string) => void;
}

export abstract class TcpNodeServer {
  readonly faults: LinkFaults = noFaults();
  private listener: net.Server | undefined;
  private boundPort = 0;

  protected constructor(
    private readonly address: NodeServerAddress,
    /** "csta", "cmip", "ssh", "imap": for log lines */
    private readonly protocol: string,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get nodeId(): number {
    return this.address.nodeId;
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  async listen(port = this.address.port, host = this.address.host): Promise<number> {
    const l = await listenTcp((socket) => this.onSocket(socket), port, host);
    this.listener = l.server;
    this.boundPort = l.port;
    return l.port;
  }

  /**
   * Stop listening. `reset` drops every connection (a clean failure); otherwise open ones are
   * left as they are, which a caller stalls to play a silent one.
   */
  async close(reset = true): Promise<void> {
    if (reset) this.dropLinks();
    const listener = this.listener;
    this.listener = undefined;
    await closeTcp(listener);
  }

  /** Drop every connection now (a fault, or a switchover), leaving the listener up. */
  abstract dropLinks(): void;

  /** A connection the listener accepted. */
  protected abstract onSocket(socket: net.Socket): void;

  protected log(line: string): void {
    this.address.log?.(`[node ${this.address.nodeId} ${this.protocol}] ${line}`);
  }
}
