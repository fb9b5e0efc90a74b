/**
 * The 4645 voice mail of one node: a mailbox per user of the node, keyed by directory number,
 * holding voice messages (who called, when, how long, the audio) with IMAP's system flags.
 * Messages are numbered by UIDs that only grow within a mailbox (IMAP's contract); the
 * UIDVALIDITY of every mailbox is the store's start time in seconds, so a client that cached
 * UIDs from an earlier emulator run knows to drop them.
 *
 * Mailboxes come into being on first use, with a small history for some users (deterministic
 * by seed and user). Every change is announced to listeners, for IMAP IDLE and the gateway's
 * messaging events.
 */
import { en, Faker } from "@faker-js/faker";
import type { Directory, Subscriber } from "../directory/index.js";
import { voiceWav } from "./wav.js";

/** IMAP's system flags (RFC 3501 2.3.2), \Recent aside: it is per session, not stored. */
export type MessageFlag = "\\Seen" | "\\Deleted" | "\\Flagged" | "\\Answered" | "\\Draft";

export const MESSAGE_FLAGS: readonly MessageFlag[] = [
  "\\Seen",
  "\\Answered",
  "\\Flagged",
  "\\Deleted",
  "\\Draft",
];

export function isMessageFlag(s: string): s is MessageFlag {
  return (MESSAGE_FLAGS as readonly string[]).some((f) => f.toLowerCase() === s.toLowerCase());
}

/** The flag as the store spells it, whatever case the client used (flags are case-insensitive). */
export function canonicalFlag(s: string): MessageFlag | undefined {
  return MESSAGE_FLAGS.find((f) => f.toLowerCase() === s.toLowerCase());
}

export interface VoiceMessage {
  readonly uid: number;
  readonly mailbox: string;
  /** the caller's number; empty when the caller withheld it */
  readonly caller: string;
  readonly callerName: string | undefined;
  /** when the message was left, ms since epoch */
  readonly date: number;
  readonly durationSec: number;
  readonly highPriority: boolean;
  readonly flags: ReadonlySet<MessageFlag>;
}

export interface Deposit {
  caller: string;
  callerName?: string;
  durationSec: number;
  /** default: now */
  date?: number;
  highPriority?: boolean;
}

export type FlagOperation = "add" | "remove" | "replace";

export type VoiceMailChange =
  | { readonly kind: "deposit"; readonly mailbox: string; readonly message: VoiceMessage }
  | { readonly kind: "flags"; readonly mailbox: string; readonly messages: readonly VoiceMessage[] }
  | { readonly kind: "expunge"; readonly mailbox: string; readonly uids: readonly number[] };

export interface MailboxState {
  readonly number: string;
  readonly uidValidity: number;
  /** the UID the next message will get */
  readonly uidNext: number;
  /** oldest first, by UID */
  readonly messages: readonly VoiceMessage[];
}

export interface VoiceMailOptions {
  nodeId: number;
  directory: Directory;
  seed: number;
  /** histories end here and UIDVALIDITY comes from it (ms); default: construction time */
  now?: number;
  /** give some users a few old messages (default true) */
  history?: boolean;
  /** longest message accepted, seconds (the 4645's recording limit) */
  maxDurationSec?: number;
}

export class VoiceMailError extends Error {
  constructor(
    readonly code: "noSuchMailbox" | "badDeposit",
    message: string,
  ) {
    super(message);
    this.name = "VoiceMailError";
  }
}

interface StoredMessage extends VoiceMessage {
  readonly flags: Set<MessageFlag>;
}

interface Box {
  readonly number: string;
  uidNext: number;
  readonly messages: StoredMessage[];
}

const HISTORY_DAYS = 14;
const AUDIO_CACHE = 16;

export class VoiceMailStore {
  readonly nodeId: number;
  readonly uidValidity: number;
  private readonly options: Required<VoiceMailOptions>;
  private readonly boxes = new Map<string, Box>();
  private readonly listeners = new Set<(change: VoiceMailChange) => void>();
  private faker: Faker | undefined;
  private readonly audioCache = new Map<StoredMessage, Buffer>();

  constructor(options: VoiceMailOptions) {
    this.options = { now: Date.now(), history: true, maxDurationSec: 600, ...options };
    this.nodeId = options.nodeId;
    this.uidValidity = Math.max(1, Math.floor(this.options.now / 1000) % 0x1_0000_0000);
  }

  /** The user who owns mailbox `number`, if it is a mailbox of this node. */
  owner(number: string): Subscriber | undefined {
    const s = this.options.directory.byNumber.get(number);
    return s && s.nodeId === this.nodeId ? s : undefined;
  }

  has(number: string): boolean {
    return this.owner(number) !== undefined;
  }

  mailbox(number: string): MailboxState {
    const box = this.box(number);
    return { number, uidValidity: this.uidValidity, uidNext: box.uidNext, messages: box.messages };
  }

  list(number: string): readonly VoiceMessage[] {
    return this.box(number).messages;
  }

  get(number: string, uid: number): VoiceMessage | undefined {
    return this.box(number).messages.find((m) => m.uid === uid);
  }

  unreadCount(number: string): number {
    return this.box(number).messages.filter((m) => !m.flags.has("\\Seen")).length;
  }

  /** Be told of every change to any mailbox of the node. */
  onChange(listener: (change: VoiceMailChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A caller leaves a message in mailbox `number`. */
  deposit(number: string, d: Deposit): VoiceMessage {
    const box = this.box(number);
    if (
      !Number.isFinite(d.durationSec) ||
      d.durationSec <= 0 ||
      d.durationSec > this.options.maxDurationSec
    ) {
      throw new VoiceMailError(
        "badDeposit",
        `a message lasts from 1 to ${this.options.maxDurationSec} seconds, not ${d.durationSec}`,
      );
    }
    if (!/^[0-9*#+]*$/.test(d.caller))
      throw new VoiceMailError("badDeposit", `"${d.caller}" is not a number`);
    const message = this.store(box, {
      caller: d.caller,
      callerName: d.callerName,
      date: d.date ?? Date.now(),
      durationSec: d.durationSec,
      highPriority: d.highPriority ?? false,
      flags: new Set(),
    });
    this.emit({ kind: "deposit", mailbox: number, message });
    return message;
  }

  /** Change flags of messages (by UID); returns the messages whose flags changed. */
  setFlags(
    number: string,
    uids: Iterable<number>,
    op: FlagOperation,
    flags: Iterable<MessageFlag>,
  ): VoiceMessage[] {
    const box = this.box(number);
    const wanted = new Set(flags);
    const byUid = new Map(box.messages.map((m) => [m.uid, m]));
    const changed: VoiceMessage[] = [];
    for (const uid of uids) {
      const m = byUid.get(uid);
      if (!m) continue;
      const before = [...m.flags].sort().join(" ");
      if (op === "replace") m.flags.clear();
      for (const f of wanted) {
        if (op === "remove") m.flags.delete(f);
        else m.flags.add(f);
      }
      if ([...m.flags].sort().join(" ") !== before) changed.push(m);
    }
    if (changed.length) this.emit({ kind: "flags", mailbox: number, messages: changed });
    return changed;
  }

  /**
   * Remove the messages flagged \Deleted (only those among `uids` when given, as UID EXPUNGE
   * does); returns the removed UIDs.
   */
  expunge(number: string, uids?: Iterable<number>): number[] {
    const box = this.box(number);
    const only = uids ? new Set(uids) : undefined;
    const removed: number[] = [];
    for (let i = box.messages.length - 1; i >= 0; i--) {
      const m = box.messages[i]!;
      if (m.flags.has("\\Deleted") && (!only || only.has(m.uid))) {
        removed.unshift(m.uid);
        box.messages.splice(i, 1);
        this.audioCache.delete(m);
      }
    }
    if (removed.length) this.emit({ kind: "expunge", mailbox: number, uids: removed });
    return removed;
  }

  /** Delete messages outright (what the 4645's own delete key does). */
  delete(number: string, uids: Iterable<number>): number[] {
    const list = [...uids];
    this.setFlags(number, list, "add", ["\\Deleted"]);
    return this.expunge(number, list);
  }

  /** The message's audio as a WAVE file (made on demand; the last few are kept). */
  audio(message: VoiceMessage): Buffer {
    const m = message as StoredMessage;
    let wav = this.audioCache.get(m);
    if (!wav) {
      wav = voiceWav(m.durationSec, audioSeed(m.mailbox, m.uid));
      this.audioCache.set(m, wav);
      if (this.audioCache.size > AUDIO_CACHE) this.audioCache.delete(this.audioCache.keys().next().value!);
    }
    return wav;
  }

  // ---- internals -------------------------------------------------------------------------

  private emit(change: VoiceMailChange): void {
    for (const l of this.listeners) l(change);
  }

  private box(number: string): Box {
    let box = this.boxes.get(number);
    if (box) return box;
    const owner = this.owner(number);
    if (!owner) throw new VoiceMailError("noSuchMailbox", `no mailbox ${number} on node ${this.nodeId}`);
    box = { number, uidNext: 1, messages: [] };
    this.boxes.set(number, box);
    if (this.options.history) this.generateHistory(box, owner);
    return box;
  }

  private store(box: Box, m: Omit<StoredMessage, "uid" | "mailbox">): StoredMessage {
    const message: StoredMessage = { ...m, uid: box.uidNext++, mailbox: box.number };
    box.messages.push(message);
    return message;
  }

  /** A few old messages for about a third of the users; depends only on seed and user. */
  private generateHistory(box: Box, owner: Subscriber): void {
    this.faker ??= new Faker({ locale: [en] });
    const f = this.faker;
    f.seed([this.options.seed, owner.index, 0x4645]);
    if (!f.datatype.boolean(0.35)) return;
    const count = f.number.int({ min: 1, max: 4 });
    const subscribers = this.options.directory.subscribers;
    const dates = Array.from({ length: count }, () =>
      f.number.int({ min: this.options.now - HISTORY_DAYS * 86_400_000, max: this.options.now - 60_000 }),
    ).sort((a, b) => a - b);
    for (const date of dates) {
      let caller: string;
      let callerName: string | undefined;
      const kind = f.number.float();
      if (kind < 0.6 && subscribers.length > 1) {
        let s = f.helpers.arrayElement(subscribers);
        if (s === owner) s = subscribers[(s.index + 1) % subscribers.length]!;
        caller = s.directoryNumber;
        callerName = `${s.firstName} ${s.lastName}`;
      } else if (kind < 0.95) {
        caller = `0${f.number.int({ min: 1, max: 7 })}${f.string.numeric(8)}`;
        callerName = f.datatype.boolean(0.4) ? f.company.name() : undefined;
      } else {
        caller = "";
        callerName = undefined;
      }
      const flags = new Set<MessageFlag>();
      if (f.datatype.boolean(0.6)) flags.add("\\Seen");
      this.store(box, {
        caller,
        callerName,
        date,
        durationSec: f.number.int({ min: 4, max: 45 }),
        highPriority: f.datatype.boolean(0.1),
        flags,
      });
    }
  }
}

/** FNV-1a of the message's place: the same message sounds the same in every run. */
function audioSeed(mailbox: string, uid: number): number {
  let h = 2166136261;
  for (const c of `${mailbox}/${uid}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
