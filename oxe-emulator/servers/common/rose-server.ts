/**
 * What the CSTA and CMIP servers of a node have in common: a TCP listener, one RoseLink per
 * association, ACSE authentication, the per-node link limit, link faults, and the bookkeeping
 * of who is connected. A protocol server plugs in its operation table, error codec, the check
 * of the application context and what to do with invocations.
 */
import type net from "node:net";
import {
  type Aarq,
  AcseServiceUserDiagnostic,
  AssociateResult,
  PASSWORD_MECHANISM,
  type UserInformation,
} from "../../../protocols/acse/index.js";
import { type ErrorCodec, type OperationSpec, RoseLink } from "../../../protocols/rose/index.js";
import { FaultyWriter } from "./faults.js";
import { TcpNodeServer } from "./tcp-node-server.js";

export interface RoseServerOptions {
  nodeId: number;
  /** "csta", "cmip": for log lines */
  protocol: string;
  host: string;
  port: number;
  login: string;
  password: string;
  maxLinks: number;
  /** ms a frame may take to arrive whole before the link resynchronizes past it (RoseLink's default when unset) */
  partialFrameTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Association<E> {
  readonly id: number;
  readonly socket: net.Socket;
  readonly link: RoseLink<E>;
  accepted: boolean;
  /** per-protocol state hung on the association by the subclass */
  timers: NodeJS.Timeout[];
}

export interface RoseServerHooks<E> {
  operations: ReadonlyMap<number, OperationSpec<unknown, unknown>>;
  errors: ErrorCodec<E>;
  acceptsContext(oid: string): boolean;
  invoked(a: Association<E>, op: OperationSpec<unknown, unknown>, invokeId: number, arg: unknown): void;
  opened?(a: Association<E>): void;
  /**
   * The user-information of the AARE (CMIP: the CMIPUserInfo agreed); called for an AARQ about
   * to be accepted, so the protocol can keep what it agreed on the association.
   */
  negotiate?(a: Association<E>, aarq: Aarq): UserInformation[] | undefined;
  closed?(a: Association<E>): void;
}

export class RoseNodeServer<E> extends TcpNodeServer {
  protected readonly associations = new Set<Association<E>>();
  private nextId = 1;

  constructor(
    protected readonly options: RoseServerOptions,
    private readonly hooks: RoseServerHooks<E>,
  ) {
    super(options, options.protocol);
  }

  /** Associations currently open (accepted). */
  get linkCount(): number {
    let n = 0;
    for (const a of this.associations) if (a.accepted) n++;
    return n;
  }

  /** Drop every link now (a fault), leaving the listener up. */
  dropLinks(): void {
    for (const a of [...this.associations]) a.socket.destroy();
  }

  /** Write bytes that are not an APDU on every link (a fault). */
  sendGarbage(bytes: Buffer): void {
    for (const a of this.associations) if (!a.socket.destroyed) a.socket.write(bytes);
  }

  protected onSocket(socket: net.Socket): void {
    if (this.faults.offline) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const id = this.nextId++;
    const writer = new FaultyWriter(this.faults, (bytes) => {
      if (socket.destroyed) return;
      // A peer that stopped reading is cut off rather than allowed to grow our memory forever.
      if (socket.writableLength > 64 * 1024 * 1024) {
        this.log(`association ${id}: peer is not reading, closing`);
        socket.destroy();
        return;
      }
      socket.write(bytes);
    });
    const a: Association<E> = {
      id,
      socket,
      accepted: false,
      timers: [],
      link: new RoseLink<E>(
        {
          operations: this.hooks.operations,
          errors: this.hooks.errors,
          invokeTimeoutMs: 10_000,
          // Answers and events of every invoke read in one event-loop turn leave in one write.
          flushOn: "immediate",
          ...(this.options.partialFrameTimeoutMs
            ? { partialFrameTimeoutMs: this.options.partialFrameTimeoutMs }
            : {}),
        },
        {
          output: (bytes) => writer.send(bytes),
          associationRequested: (aarq) => this.onAarq(a, aarq),
          invoked: (op, invokeId, arg) => {
            if (!this.faults.stalled) this.hooks.invoked(a, op, invokeId, arg);
          },
          protocolError: (message, fatal) =>
            this.log(`association ${id}: ${message}${fatal ? " (closing)" : ""}`),
          // end(), not destroy(): the RLRE or ABRT just written must reach the peer first
          close: () => {
            socket.end();
            setTimeout(() => socket.destroy(), 1000).unref();
          },
          released: () => this.log(`association ${id} released`),
        },
      ),
    };
    this.associations.add(a);
    socket.on("data", (chunk) => {
      if (!this.faults.stalled) a.link.feed(chunk);
    });
    socket.on("error", () => {});
    socket.on("close", () => this.onClose(a));
  }

  private onAarq(a: Association<E>, aarq: Aarq): void {
    const ctxName = aarq.applicationContext;
    const D = AcseServiceUserDiagnostic;
    if (!this.hooks.acceptsContext(ctxName)) {
      a.link.rejectAssociation(ctxName, D.applicationContextNameNotSupported);
      return;
    }
    if (Date.now() < this.faults.refuseUntil) {
      a.link.rejectAssociation(ctxName, D.noReasonGiven, AssociateResult.rejectedTransient);
      return;
    }
    const c = aarq.credentials;
    if (!c) {
      a.link.rejectAssociation(ctxName, D.authenticationRequired);
      return;
    }
    if (aarq.mechanismName === undefined) {
      a.link.rejectAssociation(ctxName, D.authenticationMechanismNameRequired);
      return;
    }
    if (aarq.mechanismName !== PASSWORD_MECHANISM) {
      this.log(`association ${a.id}: unknown authentication mechanism ${aarq.mechanismName}`);
      a.link.rejectAssociation(ctxName, D.authenticationMechanismNameNotRecognized);
      return;
    }
    if (c.login !== this.options.login || c.password !== this.options.password) {
      this.log(`association ${a.id}: authentication failed for "${c.login}"`);
      a.link.rejectAssociation(ctxName, D.authenticationFailure);
      return;
    }
    if (this.linkCount >= this.options.maxLinks) {
      this.log(`association ${a.id}: refused, ${this.options.maxLinks} links already open`);
      a.link.rejectAssociation(ctxName, D.noReasonGiven, AssociateResult.rejectedTransient);
      return;
    }
    a.accepted = true;
    a.link.accept(ctxName, "o2g-testbench OXE emulator", this.hooks.negotiate?.(a, aarq));
    this.log(`association ${a.id} open (${this.linkCount}/${this.options.maxLinks} links)`);
    this.hooks.opened?.(a);
  }

  private onClose(a: Association<E>): void {
    for (const t of a.timers) clearInterval(t);
    a.link.transportClosed();
    this.associations.delete(a);
    if (a.accepted) this.hooks.closed?.(a);
  }
}
