/**
 * A ROSE-over-ACSE link engine with no socket in it (after ssh2's Protocol): it is fed bytes with
 * `feed()`, hands bytes to send to `output`, and calls its handlers for what arrived. The
 * emulator's servers and the gateway's link clients wrap the same engine around a net.Socket;
 * tests drive it with buffers.
 *
 * Hot-path choices (the startup snapshot is ~200,000 request/response pairs at 100k users):
 * outgoing APDUs are written straight into one growing buffer and flushed once per microtask,
 * so a burst of invokes becomes one socket write; replies are matched through a Map of
 * callbacks, not promises; invoke timeouts are swept by one timer, not one timer each.
 */

import {
  type Aare,
  type Aarq,
  type AcseApdu,
  AssociateResult,
  isAcseIdentifier,
  readAcseApdu,
  type UserInformation,
  writeAare,
  writeAarq,
  writeAbrt,
  writeRlre,
  writeRlrq,
} from "../acse/index.js";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import { FRAME_HEADER_BYTES, FrameDecoder, FramingError, MAX_FRAME_BYTES } from "../framing/index.js";
import {
  GeneralProblem,
  type InvokeApdu,
  InvokeProblem,
  type RejectProblem,
  ReturnResultProblem,
  type RoseApdu,
  readRoseApdu,
  salvageInvokeId,
  writeInvoke,
  writeInvokeFast,
  writeReject,
  writeReturnError,
  writeReturnResult,
  writeReturnResultFast,
} from "./apdu.js";
import type { ErrorCodec, OperationSpec } from "./catalog.js";

export type RoseFailure<E> =
  | { kind: "error"; error: E }
  | { kind: "reject"; problem: RejectProblem }
  | { kind: "timeout" }
  | { kind: "closed" }
  | { kind: "badResult"; message: string }
  /** the argument could not be encoded (out of its ASN.1 type's range): nothing was sent */
  | { kind: "badArgument"; message: string };

/** The failure of one remote operation, as the invoker sees it. */
export class RemoteOperationError<E = unknown> extends Error {
  override readonly name = "RemoteOperationError";
  constructor(
    readonly operation: string,
    readonly failure: RoseFailure<E>,
  ) {
    super(`${operation}: ${describeFailure(failure)}`);
  }
}

function describeFailure(f: RoseFailure<unknown>): string {
  switch (f.kind) {
    case "error":
      return `error ${JSON.stringify(f.error)}`;
    case "reject":
      return `rejected (${f.problem.kind} problem ${f.problem.code})`;
    case "timeout":
      return "no answer in time";
    case "closed":
      return "link closed";
    case "badResult":
      return `undecodable result: ${f.message}`;
    case "badArgument":
      return `argument not encodable: ${f.message}`;
  }
}

export type Completion<R, E> = (err: RemoteOperationError<E> | null, result: R | undefined) => void;

/** A completion handed back the context its invocation was made with (see invokeWith). */
export type ContextCompletion<C, R, E> = (
  err: RemoteOperationError<E> | null,
  result: R | undefined,
  context: C,
) => void;

interface Pending {
  readonly id: number;
  op: OperationSpec<unknown, unknown>;
  /** called with `context` as its third argument (a plain Completion does not look at it) */
  done: ContextCompletion<unknown, unknown, unknown>;
  context: unknown;
  deadline: number;
  /** CMIP linked replies: invokes that carry this invocation's id as linkedId. */
  linked: ((apdu: InvokeApdu, argument: unknown) => void) | undefined;
  /** decodes the linked replies' argument in place of their operation's decoder */
  decodeLinked: ((r: BerReader) => unknown) | undefined;
}

export type LinkState = "idle" | "associating" | "associated" | "releasing" | "closed";

/**
 * The invocations awaiting an answer, by invoke id. Ids are handed out in sequence, so an array
 * indexed by the id's low bits finds nearly every one without hashing; one whose slot a later id
 * needs (a long wait, a scoped read still streaming) moves to a Map. A startup snapshot adds and
 * takes two per user on every link at once: with a Map, invoke and take were an eighth of the
 * gateway's CPU at 100 nodes (a 100k-user snapshot), half that with this table.
 */
class PendingTable {
  private slots = new Array<Pending | undefined>(256);
  private mask = 255;
  private readonly moved = new Map<number, Pending>();
  size = 0;

  get(id: number): Pending | undefined {
    const p = this.slots[id & this.mask];
    if (p !== undefined && p.id === id) return p;
    return this.moved.size === 0 ? undefined : this.moved.get(id);
  }

  /** `p.id` must not be in the table. */
  add(p: Pending): void {
    // At most half full: ids in flight at once then rarely meet in a slot.
    if (this.size >= this.slots.length >> 1 && this.slots.length < MAX_PENDING_SLOTS) this.grow();
    const i = p.id & this.mask;
    const old = this.slots[i];
    if (old !== undefined) this.moved.set(old.id, old);
    this.slots[i] = p;
    this.size++;
  }

  delete(id: number): boolean {
    const i = id & this.mask;
    const p = this.slots[i];
    if (p !== undefined && p.id === id) this.slots[i] = undefined;
    else if (this.moved.size === 0 || !this.moved.delete(id)) return false;
    this.size--;
    return true;
  }

  /** The pending invocations, oldest first; with `skip`, those it does not skip. */
  all(skip?: (p: Pending) => boolean): Pending[] {
    const out: Pending[] = [];
    for (const p of this.moved.values()) if (!skip?.(p)) out.push(p);
    for (const p of this.slots) if (p !== undefined && !skip?.(p)) out.push(p);
    return out.sort((a, b) => a.id - b.id);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.moved.clear();
    this.size = 0;
  }

  private grow(): void {
    const all = this.all();
    this.slots = new Array<Pending | undefined>(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    this.moved.clear();
    this.size = 0;
    for (const p of all) this.add(p);
  }
}

/** The pending table's array grows to this at most (then its collisions go to the Map). */
const MAX_PENDING_SLOTS = 8192;

export interface RoseLinkHandlers<E> {
  /** Server side: an AARQ arrived; answer with `accept()` or `rejectAssociation()`. */
  associationRequested?(aarq: Aarq): void;
  /** Client side: the AARE arrived (accepted or not). */
  associationAnswered?(aare: Aare): void;
  /**
   * A decoded invocation of a known operation (the engine has already rejected unknown
   * operations and undecodable arguments). Answer with `reply` / `replyError`, unless the
   * operation is unconfirmed (event reports).
   */
  invoked?(op: OperationSpec<unknown, unknown>, invokeId: number, argument: unknown, apdu: InvokeApdu): void;
  released?(): void;
  aborted?(): void;
  /** Something the peer sent was malformed; the link carries on (or `fatal` is set). */
  protocolError?(message: string, fatal: boolean): void;
  /** Bytes to put on the wire. */
  output(bytes: Buffer): void;
  /** The engine wants the transport closed (abort, fatal framing error, release done). */
  close?(): void;
  /** Invokes awaiting an answer rose above, or fell back under, the configured high-water mark. */
  drain?(): void;
  readonly _errorType?: E;
}

export interface RoseLinkOptions<E> {
  operations: ReadonlyMap<number, OperationSpec<unknown, unknown>>;
  errors: ErrorCodec<E>;
  /** ms before an invocation with no answer fails with `timeout` */
  invokeTimeoutMs?: number;
  /** invokes in flight before `canInvoke` turns false (the caller's window) */
  highWaterMark?: number;
  /**
   * ms a frame may take to arrive whole once its header is in; past that its header is taken
   * for garbage and the link resynchronizes behind it (a length that promises 64 KiB and then
   * silence must not hold the link forever).
   */
  partialFrameTimeoutMs?: number;
  /**
   * When written APDUs go to the transport: "microtask" (default) at the end of the current
   * callback; "immediate" once per event-loop turn (setImmediate), so that what many callbacks
   * of one turn invoke (one per HTTP request read in that turn) leaves in one socket write.
   * Each write to a loopback peer costs a system call and a wake-up of the peer: under load they,
   * not the encoding, were the gateway's largest cost per REST call.
   */
  flushOn?: "microtask" | "immediate";
}

const INVOKE_ID_LIMIT = 0x7fffffff;
/** The first octet of a returnResult APDU ([2] IMPLICIT SEQUENCE). */
const RETURN_RESULT_OCTET = 0xa2;
/** The first octet of an invoke APDU ([1] IMPLICIT SEQUENCE). */
const INVOKE_OCTET = 0xa1;

/**
 * An invoke's APDU as fastLinkedInvoke and fastInvoke hand it on: the argument's view is made
 * only if asked for (the scoped reads and the node's handlers that take the fast path never do).
 */
class LazyInvokeApdu implements InvokeApdu {
  readonly kind = "invoke";
  constructor(
    readonly invokeId: number,
    readonly linkedId: number | undefined,
    readonly opcode: number,
    private readonly buf: Uint8Array,
    private readonly argumentStart: number,
    private readonly argumentEnd: number,
  ) {}

  get argument(): Uint8Array {
    return this.buf.subarray(this.argumentStart, this.argumentEnd);
  }
}

/**
 * A small INTEGER's TLV at `p` (1 to 4 contents octets, within `end`), as BerReader.integer
 * reads it; its end goes to `smallIntegerEnd`. NaN for any other shape.
 */
function smallIntegerAt(buf: Uint8Array, p: number, end: number, tag: number): number {
  if (p + 2 > end || buf[p] !== tag) return Number.NaN;
  const n = buf[p + 1]!;
  if (n < 1 || n > 4 || p + 2 + n > end) return Number.NaN;
  p += 2;
  let v = buf[p]! & 0x80 ? buf[p]! - 256 : buf[p]!;
  for (let i = 1; i < n; i++) v = v * 256 + buf[p + i]!;
  smallIntegerEnd = p + n;
  return v;
}
let smallIntegerEnd = 0;

/**
 * Where the contents start of an element whose length octets are at `p`, if that length is
 * definite (at most two octets) and its contents end exactly at `end`; -1 for anything else.
 */
function contentsFillingTo(buf: Uint8Array, p: number, end: number): number {
  if (p >= end) return -1;
  const l0 = buf[p]!;
  let len: number;
  if (l0 < 0x80) {
    len = l0;
    p += 1;
  } else if (l0 === 0x81 && p + 1 < end) {
    len = buf[p + 1]!;
    p += 2;
  } else if (l0 === 0x82 && p + 2 < end) {
    len = (buf[p + 1]! << 8) | buf[p + 2]!;
    p += 3;
  } else return -1;
  return p + len === end ? p : -1;
}

/** Whether an argument at `at` is one element of low tag number and definite length up to `end`. */
function argumentFillsTo(buf: Uint8Array, at: number, end: number): boolean {
  return at + 1 < end && (buf[at]! & 0x1f) !== 0x1f && contentsFillingTo(buf, at + 1, end) >= 0;
}

export class RoseLink<E> {
  state: LinkState = "idle";
  private readonly out = new BerWriter(64 * 1024);
  /** decodes arguments and results, one at a time (decoders keep no reference to it) */
  private readonly reader = new BerReader(new Uint8Array(0));
  private flushScheduled = false;
  private readonly decoder: FrameDecoder;
  private readonly pending = new PendingTable();
  private nextInvokeId = 1;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly invokeTimeoutMs: number;
  private readonly highWaterMark: number;
  private readonly partialFrameTimeoutMs: number;
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly flushNow = () => this.flush();
  private readonly schedule: (f: () => void) => void;
  /**
   * When the chunk feed() is reading came, while it reads it (-1 otherwise): the deadlines of
   * the answers and invokes it leads to count from there. A clock read per invoke and per
   * linked reply was 300,000 reads in a startup snapshot of 100,000 users, for deadlines the
   * sweep looks at every 50 ms at best; a chunk is read in a millisecond or two.
   */
  private feedStartedAt = -1;

  constructor(
    private readonly options: RoseLinkOptions<E>,
    private readonly handlers: RoseLinkHandlers<E>,
  ) {
    this.invokeTimeoutMs = options.invokeTimeoutMs ?? 10_000;
    this.highWaterMark = options.highWaterMark ?? 2_000;
    this.partialFrameTimeoutMs = options.partialFrameTimeoutMs ?? 10_000;
    this.schedule = options.flushOn === "immediate" ? setImmediate : queueMicrotask;
    this.decoder = new FrameDecoder({
      frame: (body) => this.onFrame(body, 0, body.length),
      frameAt: (buf, start, end) => this.onFrame(buf, start, end),
      garbage: (skipped, sample) =>
        this.handlers.protocolError?.(
          `skipped ${skipped} byte(s) not framed as an APDU (${Buffer.from(sample).toString("hex")})`,
          false,
        ),
    });
  }

  /** Invocations sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  get canInvoke(): boolean {
    return this.pending.size < this.highWaterMark;
  }

  // ---- input ----------------------------------------------------------------------------

  feed(chunk: Uint8Array): void {
    if (this.state === "closed") return;
    const outer = this.feedStartedAt;
    this.feedStartedAt = performance.now();
    try {
      this.framed(() => this.decoder.push(chunk));
    } finally {
      this.feedStartedAt = outer;
    }
  }

  /** The time a deadline counts from: the chunk's arrival while one is read, now otherwise. */
  private now(): number {
    const t = this.feedStartedAt;
    return t >= 0 ? t : performance.now();
  }

  /** Run a decoder step; a FramingError (only garbage) aborts the association. */
  private framed(step: () => void): void {
    try {
      step();
    } catch (err) {
      if (err instanceof FramingError) {
        this.handlers.protocolError?.(err.message, true);
        this.abort("provider");
        return;
      }
      throw err;
    }
    this.watchPartialFrame();
  }

  /** Keep one timer while an incomplete frame is held, so a stalled one is given up in bounded time. */
  private watchPartialFrame(): void {
    const since = this.decoder.partialFrameSince;
    if (since === undefined || this.state === "closed") {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
      return;
    }
    if (this.stallTimer) return;
    const wait = Math.max(1, since + this.partialFrameTimeoutMs - performance.now());
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.state === "closed") return;
      const held = this.decoder.partialFrameSince;
      if (held !== undefined && performance.now() - held >= this.partialFrameTimeoutMs) {
        this.handlers.protocolError?.(
          `a frame of which ${this.decoder.buffered} byte(s) came has not completed in ${this.partialFrameTimeoutMs} ms: resynchronizing`,
          false,
        );
        this.framed(() => this.decoder.expireStalledFrame());
      } else {
        this.watchPartialFrame();
      }
    }, wait);
    this.stallTimer.unref();
  }

  /** One frame's APDU, `buf[start, end)`. */
  private onFrame(buf: Uint8Array, start: number, end: number): void {
    if (isAcseIdentifier(buf[start]!)) {
      let apdu: AcseApdu;
      try {
        apdu = readAcseApdu(buf.subarray(start, end));
      } catch (err) {
        if (!(err instanceof BerError)) throw err;
        this.handlers.protocolError?.(`malformed ACSE APDU: ${err.message}`, false);
        return;
      }
      this.onAcse(apdu);
      return;
    }
    if (buf[start] === RETURN_RESULT_OCTET && this.fastReturnResult(buf, start, end)) return;
    if (
      buf[start] === INVOKE_OCTET &&
      (this.fastLinkedInvoke(buf, start, end) || this.fastInvoke(buf, start, end))
    )
      return;
    if (this.state !== "associated" && this.state !== "releasing") {
      // No association for ROSE to run on: the ACSE provider aborts (X.227), it does not
      // answer a ROSE APDU with a ROSE reject as if the association existed.
      this.handlers.protocolError?.("ROSE APDU before the association: aborting", true);
      this.abort("provider");
      return;
    }
    let apdu: RoseApdu;
    try {
      // The argument and result readers' reader: the APDU is read whole before they run.
      apdu = readRoseApdu(buf, this.reader.reset(buf, start, end));
    } catch (err) {
      if (!(err instanceof BerError)) throw err;
      this.handlers.protocolError?.(`malformed ROSE APDU: ${err.message}`, false);
      this.sendReject(salvageInvokeId(buf.subarray(start, end)), {
        kind: "general",
        code: GeneralProblem.badlyStructuredPDU,
      });
      return;
    }
    switch (apdu.kind) {
      case "invoke":
        this.onInvoke(apdu);
        return;
      case "returnResult":
        this.onReturnResult(apdu.invokeId, apdu.result);
        return;
      case "returnError":
        this.onReturnError(apdu.invokeId, apdu.errcode, apdu.parameter);
        return;
      case "reject":
        this.onReject(apdu.invokeId, apdu.problem);
        return;
    }
  }

  private onAcse(apdu: AcseApdu): void {
    switch (apdu.kind) {
      case "aarq":
        if (this.state !== "idle") {
          // X.227: an AARQ is valid only in the idle state; anything else is a protocol error
          // the ACSE provider answers with an A-P-ABORT.
          this.handlers.protocolError?.(`AARQ in state ${this.state}: aborting`, true);
          this.abort("provider");
          return;
        }
        this.state = "associating";
        if (this.handlers.associationRequested) this.handlers.associationRequested(apdu.aarq);
        else this.rejectAssociation(apdu.aarq.applicationContext, 1);
        return;
      case "aare":
        if (this.state !== "associating") {
          this.handlers.protocolError?.("unexpected AARE", false);
          return;
        }
        this.state = apdu.aare.result === AssociateResult.accepted ? "associated" : "idle";
        this.handlers.associationAnswered?.(apdu.aare);
        return;
      case "rlrq":
        this.send((w) => writeRlre(w, 0));
        this.flush();
        this.shutdown("closed");
        this.handlers.released?.();
        this.handlers.close?.();
        return;
      case "rlre":
        this.shutdown("closed");
        this.handlers.released?.();
        this.handlers.close?.();
        return;
      case "abrt":
        this.shutdown("closed");
        this.handlers.aborted?.();
        this.handlers.close?.();
        return;
    }
  }

  private onInvoke(apdu: InvokeApdu): void {
    if (apdu.linkedId !== undefined) {
      const parent = this.pending.get(apdu.linkedId);
      const op = this.options.operations.get(apdu.opcode);
      if (!parent?.linked || !op) {
        this.sendReject(apdu.invokeId, { kind: "invoke", code: InvokeProblem.unrecognizedLinkedId });
        return;
      }
      const arg = this.decodeValue(parent.decodeLinked ?? op.decodeArgument, apdu.argument);
      if (arg instanceof BerError) {
        this.sendReject(apdu.invokeId, { kind: "invoke", code: InvokeProblem.mistypedArgument });
        return;
      }
      parent.deadline = this.now() + this.invokeTimeoutMs;
      parent.linked(apdu, arg);
      return;
    }
    const op = this.options.operations.get(apdu.opcode);
    if (!op || !this.handlers.invoked) {
      this.sendReject(apdu.invokeId, { kind: "invoke", code: InvokeProblem.unrecognizedOperation });
      return;
    }
    const arg = this.decodeValue(op.decodeArgument, apdu.argument);
    if (arg instanceof BerError) {
      this.handlers.protocolError?.(`mistyped argument of ${op.name}: ${arg.message}`, false);
      this.sendReject(apdu.invokeId, { kind: "invoke", code: InvokeProblem.mistypedArgument });
      return;
    }
    this.handlers.invoked(op, apdu.invokeId, arg, apdu);
  }

  private decodeValue(decode: ((r: BerReader) => unknown) | undefined, raw: Uint8Array | undefined): unknown {
    if (!decode) return undefined;
    if (!raw) return new BerError("truncated", "missing value", 0);
    try {
      return decode(this.reader.reset(raw));
    } catch (err) {
      if (err instanceof BerError) return err;
      return new BerError("badValue", (err as Error).message, 0);
    }
  }

  private take(invokeId: number, problem: number, kind: "returnResult" | "returnError"): Pending | undefined {
    const p = this.pending.get(invokeId);
    if (!p) {
      this.handlers.protocolError?.(`${kind} for unknown invocation ${invokeId}`, false);
      this.sendReject(invokeId, { kind, code: problem });
      return undefined;
    }
    this.pending.delete(invokeId);
    if (this.pending.size === this.highWaterMark - 1) this.handlers.drain?.();
    return p;
  }

  private onReturnResult(invokeId: number, raw: Uint8Array | undefined): void {
    const p = this.take(invokeId, ReturnResultProblem.unrecognizedInvocation, "returnResult");
    if (!p) return;
    let result: unknown;
    if (p.op.decodeResult && raw) {
      const decoded = this.decodeValue(p.op.decodeResult, raw);
      if (decoded instanceof BerError) {
        p.done(
          new RemoteOperationError(p.op.name, { kind: "badResult", message: decoded.message }),
          undefined,
          p.context,
        );
        return;
      }
      result = decoded;
    }
    p.done(null, result, p.context);
  }

  /**
   * A returnResult in the one shape a startup snapshot's answers have (short lengths, each
   * element filling its container, an operation with `decodeResultFast`), read in place: no APDU
   * object, no views, no reader. False, having done nothing, for anything else: the general path
   * then reads it, errors and rejects included, so that both accept and refuse the same bytes.
   */
  private fastReturnResult(buf: Uint8Array, start: number, end: number): boolean {
    if (this.state !== "associated" && this.state !== "releasing") return false;
    // [2] { invokeId INTEGER, SEQUENCE { opcode INTEGER, result } }: every length under 0x80
    // once the outer one is, so each "fills its container" test below also rules out long forms.
    let p = start + 1;
    const len = buf[p++]!;
    if (len >= 0x80 || p + len !== end) return false;
    if (buf[p] !== 0x02) return false;
    const n = buf[p + 1]!;
    if (n < 1 || n > 4 || p + 2 + n > end) return false;
    p += 2;
    // as BerReader.integer: two's complement, big-endian
    let invokeId = buf[p]! & 0x80 ? buf[p]! - 256 : buf[p]!;
    for (let i = 1; i < n; i++) invokeId = invokeId * 256 + buf[p + i]!;
    p += n;
    if (p + 2 > end || buf[p] !== 0x30 || buf[p + 1] !== end - p - 2) return false;
    p += 2;
    // the opcode is read, not checked, as on the general path
    if (p + 2 > end || buf[p] !== 0x02) return false;
    const m = buf[p + 1]!;
    if (m < 1 || m > 4 || p + 2 + m >= end) return false;
    p += 2 + m;
    const pending = this.pending.get(invokeId);
    const decode = pending?.op.decodeResultFast;
    if (decode === undefined) return false;
    const result = decode(buf, p, end);
    if (result === undefined) return false;
    this.take(invokeId, ReturnResultProblem.unrecognizedInvocation, "returnResult");
    pending!.done(null, result, pending!.context);
    return true;
  }

  /**
   * A linked reply for an invocation with its own `decodeLinked` (a scoped CMIP read: 20,000
   * per node at startup), in the common shape (definite lengths of at most two octets, small
   * ids, the argument filling the rest), decoded where it lies: no APDU read by the generic
   * reader, no view of the argument. False, having done nothing, for anything else: the general
   * path then reads it, rejects included. What it does with the reply is what onInvoke does.
   */
  private fastLinkedInvoke(buf: Uint8Array, start: number, end: number): boolean {
    if (this.state !== "associated" && this.state !== "releasing") return false;
    // [1] { invokeId INTEGER, linkedId [0] IMPLICIT INTEGER, opcode INTEGER, argument }
    const p = contentsFillingTo(buf, start + 1, end);
    if (p < 0) return false;
    const invokeId = smallIntegerAt(buf, p, end, 0x02);
    if (Number.isNaN(invokeId)) return false;
    const linkedId = smallIntegerAt(buf, smallIntegerEnd, end, 0x80);
    if (Number.isNaN(linkedId)) return false;
    const opcode = smallIntegerAt(buf, smallIntegerEnd, end, 0x02);
    if (Number.isNaN(opcode)) return false;
    const argumentStart = smallIntegerEnd;
    if (!argumentFillsTo(buf, argumentStart, end)) return false;
    const parent = this.pending.get(linkedId);
    const decode = parent?.decodeLinked;
    if (decode === undefined || parent!.linked === undefined) return false;
    if (this.options.operations.get(opcode) === undefined) return false;
    let arg: unknown;
    try {
      arg = decode(this.reader.reset(buf, argumentStart, end));
    } catch {
      // as decodeValue's BerError, whatever the decoder threw
      this.sendReject(invokeId, { kind: "invoke", code: InvokeProblem.mistypedArgument });
      return true;
    }
    parent!.deadline = this.now() + this.invokeTimeoutMs;
    parent!.linked(new LazyInvokeApdu(invokeId, linkedId, opcode, buf, argumentStart, end), arg);
    return true;
  }

  /**
   * An invoke without a linked id in the shape fastLinkedInvoke reads (a node's requests: two
   * per user in a startup snapshot), its argument decoded where it lies: no APDU read by the
   * generic reader, no view of the argument. False, having done nothing, for anything else, an
   * argument its decoder refuses included: the general path then reads it and answers as it
   * always has (rejects, protocol errors). What it does with the invoke is what onInvoke does.
   */
  private fastInvoke(buf: Uint8Array, start: number, end: number): boolean {
    if (this.state !== "associated" && this.state !== "releasing") return false;
    const invoked = this.handlers.invoked;
    if (invoked === undefined) return false;
    // [1] { invokeId INTEGER, opcode INTEGER, argument }
    const p = contentsFillingTo(buf, start + 1, end);
    if (p < 0) return false;
    const invokeId = smallIntegerAt(buf, p, end, 0x02);
    if (Number.isNaN(invokeId)) return false;
    const opcode = smallIntegerAt(buf, smallIntegerEnd, end, 0x02);
    if (Number.isNaN(opcode)) return false;
    const argumentStart = smallIntegerEnd;
    if (!argumentFillsTo(buf, argumentStart, end)) return false;
    const op = this.options.operations.get(opcode);
    const decode = op?.decodeArgument;
    if (decode === undefined) return false;
    let arg = op!.decodeArgumentFast?.(buf, argumentStart, end);
    if (arg === undefined)
      try {
        arg = decode(this.reader.reset(buf, argumentStart, end));
      } catch {
        return false;
      }
    invoked(op!, invokeId, arg, new LazyInvokeApdu(invokeId, undefined, opcode, buf, argumentStart, end));
    return true;
  }

  private onReturnError(invokeId: number, errcode: number, raw: Uint8Array | undefined): void {
    const p = this.take(invokeId, 0, "returnError");
    if (!p) return;
    let error: E;
    try {
      error = this.options.errors.decode(errcode, raw ? new BerReader(raw) : undefined);
    } catch (err) {
      p.done(
        new RemoteOperationError(p.op.name, { kind: "badResult", message: (err as Error).message }),
        undefined,
        p.context,
      );
      return;
    }
    p.done(new RemoteOperationError(p.op.name, { kind: "error", error }), undefined, p.context);
  }

  private onReject(invokeId: number | null, problem: RejectProblem): void {
    if (invokeId === null) {
      this.handlers.protocolError?.(`peer rejected an APDU (${problem.kind} ${problem.code})`, false);
      return;
    }
    const p = this.pending.get(invokeId);
    if (!p) {
      this.handlers.protocolError?.(
        `peer rejected invocation ${invokeId} (${problem.kind} ${problem.code})`,
        false,
      );
      return;
    }
    this.pending.delete(invokeId);
    p.done(new RemoteOperationError(p.op.name, { kind: "reject", problem }), undefined, p.context);
  }

  // ---- output ---------------------------------------------------------------------------

  /**
   * Write one framed APDU into the shared output buffer. An APDU that fails to encode (a value
   * out of range, too big for a frame) is rolled back whole before the error goes to the caller:
   * the buffer holds the APDUs of every other caller of this connection, and half an element left
   * in it would make the next flush throw outside any handler.
   */
  private send(write: (w: BerWriter) => void): void {
    if (this.state === "closed") return;
    const w = this.out;
    const mark = w.mark();
    try {
      const header = w.reserve(FRAME_HEADER_BYTES);
      write(w);
      this.closeFrame(header);
    } catch (err) {
      w.rollback(mark);
      throw err;
    }
    this.sent();
  }

  /** Fill in the length of the frame whose header is at `header`, now that its APDU is written. */
  private closeFrame(header: number): void {
    const len = this.out.length - header - FRAME_HEADER_BYTES;
    if (len > MAX_FRAME_BYTES) throw new RangeError(`APDU of ${len} bytes exceeds the frame limit`);
    this.out.patchUInt16(header, len);
  }

  /** An APDU was written: flush now if the buffer is large, else once the current turn ends. */
  private sent(): void {
    if (this.out.length >= 256 * 1024) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.schedule(this.flushNow);
    }
  }

  /** Hand everything written so far to the transport. */
  flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0) return;
    const bytes = this.out.toBuffer();
    this.out.reset();
    this.handlers.output(bytes);
  }

  associate(aarq: Aarq): void {
    if (this.state !== "idle") throw new Error(`cannot associate in state ${this.state}`);
    this.state = "associating";
    this.send((w) => writeAarq(w, aarq));
  }

  accept(
    applicationContext: string,
    implementationInformation?: string,
    userInformation?: UserInformation[],
  ): void {
    this.state = "associated";
    const aare: Aare = {
      applicationContext,
      result: AssociateResult.accepted,
      diagnostic: { source: "user", value: 0 },
    };
    if (implementationInformation) aare.implementationInformation = implementationInformation;
    if (userInformation?.length) aare.userInformation = userInformation;
    this.send((w) => writeAare(w, aare));
  }

  rejectAssociation(
    applicationContext: string,
    diagnostic: number,
    result: AssociateResult = AssociateResult.rejectedPermanent,
    source: "user" | "provider" = "user",
  ): void {
    this.state = "idle";
    this.send((w) => writeAare(w, { applicationContext, result, diagnostic: { source, value: diagnostic } }));
  }

  invoke<A, R>(
    op: OperationSpec<A, R>,
    argument: NoInfer<A>,
    done: Completion<R, E>,
    linked?: (apdu: InvokeApdu, argument: unknown) => void,
    /**
     * Decodes each linked reply's argument (what `linked` is then given) instead of the linked
     * operation's own decoder: a scoped read of 20,000 objects can take each one straight into
     * what the caller keeps, with no generic object tree per reply. It throws BerError on
     * malformed input, and the reply is rejected as with the operation's decoder.
     */
    decodeLinked?: (r: BerReader) => unknown,
  ): number {
    return this.start(op, argument, done, undefined, linked, decodeLinked);
  }

  /**
   * invoke(), `context` handed back to `done` as its third argument: one callback serves every
   * invocation of a kind (a startup snapshot's two per user) where invoke() wants a closure made
   * for each.
   */
  invokeWith<A, R, C>(
    op: OperationSpec<A, R>,
    argument: NoInfer<A>,
    context: C,
    done: ContextCompletion<C, R, E>,
  ): number {
    return this.start(op, argument, done, context, undefined, undefined);
  }

  private start<A, R, C>(
    op: OperationSpec<A, R>,
    argument: A,
    done: ContextCompletion<C, R, E>,
    context: C,
    linked: ((apdu: InvokeApdu, argument: unknown) => void) | undefined,
    decodeLinked: ((r: BerReader) => unknown) | undefined,
  ): number {
    if (this.state !== "associated") {
      const err = new RemoteOperationError<E>(op.name, { kind: "closed" });
      queueMicrotask(() => done(err, undefined, context));
      return -1;
    }
    let id = this.nextInvokeId;
    while (this.pending.get(id) !== undefined) id = id >= INVOKE_ID_LIMIT ? 1 : id + 1;
    // Sent before it is pending: an answer cannot come before the microtask flush, and an
    // argument that does not encode fails this invocation alone, as an answer would.
    try {
      this.sendInvoke(id, op, argument, undefined);
    } catch (err) {
      const failure = new RemoteOperationError<E>(op.name, {
        kind: "badArgument",
        message: err instanceof Error ? err.message : String(err),
      });
      queueMicrotask(() => done(failure, undefined, context));
      return -1;
    }
    this.nextInvokeId = id >= INVOKE_ID_LIMIT ? 1 : id + 1;
    this.pending.add({
      id,
      op: op as OperationSpec<unknown, unknown>,
      done: done as ContextCompletion<unknown, unknown, unknown>,
      context,
      deadline: this.now() + this.invokeTimeoutMs,
      linked,
      decodeLinked,
    });
    this.armSweep();
    return id;
  }

  invokeAsync<A, R>(op: OperationSpec<A, R>, argument: NoInfer<A>): Promise<R> {
    return new Promise((resolve, reject) =>
      this.invoke(op, argument, (err, result) => (err ? reject(err) : resolve(result as R))),
    );
  }

  /** An invocation that expects no answer (CSTA event reports, CMIP unconfirmed event reports). */
  notify<A, R>(op: OperationSpec<A, R>, argument: NoInfer<A>, linkedId?: number): void {
    if (this.state !== "associated") return;
    const id = this.nextInvokeId;
    this.nextInvokeId = id >= INVOKE_ID_LIMIT ? 1 : id + 1;
    this.sendInvoke(id, op, argument, linkedId);
  }

  /**
   * An invoke APDU, written as send() writes any APDU but without a closure per APDU: a startup
   * snapshot invokes two per user, a scoped CMIP read answers with 20,000 linked replies.
   */
  private sendInvoke<A, R>(
    id: number,
    op: OperationSpec<A, R>,
    argument: A,
    linkedId: number | undefined,
  ): void {
    const w = this.out;
    const mark = w.mark();
    try {
      const header = w.reserve(FRAME_HEADER_BYTES);
      const fast = op.encodeArgumentFast;
      if (fast === undefined || !writeInvokeFast(w, id, op.opcode, fast, argument, linkedId))
        writeInvoke(w, id, op.opcode, op.encodeArgument, argument, linkedId);
      this.closeFrame(header);
    } catch (err) {
      w.rollback(mark);
      throw err;
    }
    this.sent();
  }

  reply<A, R>(invokeId: number, op: OperationSpec<A, R>, result: NoInfer<R>): void {
    // As send() does, without a closure per answer (two answers per user in a startup snapshot).
    if (this.state === "closed") return;
    const w = this.out;
    const mark = w.mark();
    try {
      const header = w.reserve(FRAME_HEADER_BYTES);
      const fast = op.encodeResultFast;
      if (fast === undefined || !writeReturnResultFast(w, invokeId, op.opcode, fast, result))
        writeReturnResult(w, invokeId, op.opcode, op.encodeResult, result);
      this.closeFrame(header);
    } catch (err) {
      w.rollback(mark);
      throw err;
    }
    this.sent();
  }

  replyError(invokeId: number, error: E): void {
    const codec = this.options.errors;
    let errcode = 0;
    this.send((w) => {
      // The codec writes the parameter and tells which errcode it belongs to; the errcode
      // precedes the parameter on the wire, so write into a scratch writer first.
      const scratch = new BerWriter(64);
      errcode = codec.encode(scratch, error);
      writeReturnError(
        w,
        invokeId,
        errcode,
        (ww: BerWriter, bytes: Buffer) => ww.raw(bytes),
        scratch.toBuffer(),
      );
    });
  }

  /** Answer a linked reply (CMIP scoped get): an invoke whose linkedId is the request's id. */
  linkedReply<A, R>(linkedId: number, op: OperationSpec<A, R>, argument: A): void {
    this.notify(op, argument, linkedId);
  }

  private sendReject(invokeId: number | null, problem: RejectProblem): void {
    this.send((w) => writeReject(w, invokeId, problem));
  }

  release(): void {
    if (this.state !== "associated") return;
    this.state = "releasing";
    this.send((w) => writeRlrq(w, 0));
  }

  /** Send an ABRT and close. `provider` when the engine aborts on a protocol error (X.227 abort-source). */
  abort(source: "user" | "provider" = "user"): void {
    if (this.state === "closed") return;
    this.send((w) => writeAbrt(w, { source }));
    this.flush();
    this.shutdown("closed");
    this.handlers.close?.();
  }

  /** The transport went away: fail everything in flight. */
  transportClosed(): void {
    this.shutdown("closed");
  }

  private shutdown(state: LinkState): void {
    this.state = state;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
    const failed = this.pending.all();
    this.pending.clear();
    for (const p of failed)
      p.done(new RemoteOperationError(p.op.name, { kind: "closed" }), undefined, p.context);
  }

  private armSweep(): void {
    if (this.sweepTimer) return;
    const period = Math.max(50, Math.min(1000, this.invokeTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), period);
    this.sweepTimer.unref();
  }

  private sweep(): void {
    if (this.pending.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
      return;
    }
    const now = performance.now();
    // Linked replies push their parent's deadline out, so scan all rather than stop at the first live one.
    for (const p of this.pending.all((q) => q.deadline > now)) {
      this.pending.delete(p.id);
      p.done(new RemoteOperationError(p.op.name, { kind: "timeout" }), undefined, p.context);
    }
  }

  /** The reply to a linked-reply sequence is the final returnResult; see CMIP. */
  completeLinked(invokeId: number): void {
    this.pending.delete(invokeId);
  }
}
