/**
 * SEARCH keys (RFC 3501 6.4.4) compiled to a predicate over the messages of a selected mailbox.
 * Voice mails carry no keywords and no \Recent (it is per session, and nobody needs it here), so
 * KEYWORD and RECENT/NEW never match and UNKEYWORD/OLD always do.
 */
import type { MessageFlag, VoiceMessage } from "../../voicemail/index.js";
import type { VoiceMail } from "./message.js";
import { ImapParseError, inSequenceSet, parseSequenceSet, type Token } from "./parser.js";
import { parseSearchDate } from "./wire.js";

export interface SearchTarget {
  readonly seq: number;
  readonly uid: number;
  readonly message: VoiceMessage;
  mail(): VoiceMail;
}

export interface SearchBounds {
  readonly maxSeq: number;
  readonly maxUid: number;
}

export type SearchPredicate = (t: SearchTarget, b: SearchBounds) => boolean;

/** The charset named is not one we search in (a NO [BADCHARSET], not a BAD). */
export class BadCharsetError extends Error {}

const DAY = 86_400_000;
const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;

const FLAG_KEYS: Record<string, [MessageFlag, boolean]> = {
  ANSWERED: ["\\Answered", true],
  DELETED: ["\\Deleted", true],
  DRAFT: ["\\Draft", true],
  FLAGGED: ["\\Flagged", true],
  SEEN: ["\\Seen", true],
  UNANSWERED: ["\\Answered", false],
  UNDELETED: ["\\Deleted", false],
  UNDRAFT: ["\\Draft", false],
  UNFLAGGED: ["\\Flagged", false],
  UNSEEN: ["\\Seen", false],
};

const contains = (haystack: string | undefined, needle: string) =>
  haystack?.toLowerCase().includes(needle.toLowerCase()) ?? false;

class KeyReader {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new ImapParseError("search key expected");
    return t;
  }

  text(): string {
    const t = this.next();
    if (t.type === "list") throw new ImapParseError("string expected");
    return t.value;
  }

  number(): number {
    const s = this.text();
    if (!/^\d+$/.test(s)) throw new ImapParseError(`number expected, not "${s}"`);
    return Number(s);
  }

  date(): number {
    const s = this.text();
    const d = parseSearchDate(s);
    if (d === undefined) throw new ImapParseError(`bad date "${s}"`);
    return d;
  }
}

function key(r: KeyReader): SearchPredicate {
  const t = r.next();
  if (t.type === "list") return all(new KeyReader(t.items));
  if (t.type === "string") throw new ImapParseError("search key expected");
  const name = t.value.toUpperCase();
  const flag = FLAG_KEYS[name];
  if (flag) {
    const [f, want] = flag;
    return (x) => x.message.flags.has(f) === want;
  }
  switch (name) {
    case "ALL":
    case "OLD":
      return () => true;
    case "NEW":
    case "RECENT":
      return () => false;
    case "KEYWORD":
      r.text();
      return () => false;
    case "UNKEYWORD":
      r.text();
      return () => true;
    case "BEFORE":
    case "SENTBEFORE": {
      const d = r.date();
      return (x) => utcDay(x.message.date) < d;
    }
    case "ON":
    case "SENTON": {
      const d = r.date();
      return (x) => utcDay(x.message.date) === d;
    }
    case "SINCE":
    case "SENTSINCE": {
      const d = r.date();
      return (x) => utcDay(x.message.date) >= d;
    }
    case "FROM":
    case "TO":
    case "CC":
    case "BCC":
    case "SUBJECT": {
      const s = r.text();
      const header = name === "SUBJECT" ? "Subject" : name[0] + name.slice(1).toLowerCase();
      return (x) => contains(x.mail().headerValue(header), s);
    }
    case "HEADER": {
      const field = r.text();
      const s = r.text();
      return (x) => contains(x.mail().headerValue(field), s);
    }
    case "BODY": {
      const s = r.text();
      return (x) => contains(x.mail().searchableText, s);
    }
    case "TEXT": {
      const s = r.text();
      return (x) => {
        const m = x.mail();
        return contains(m.header.toString("utf8"), s) || contains(m.searchableText, s);
      };
    }
    case "LARGER": {
      const n = r.number();
      return (x) => x.mail().size > n;
    }
    case "SMALLER": {
      const n = r.number();
      return (x) => x.mail().size < n;
    }
    case "UID": {
      const s = r.text();
      const set = parseSequenceSet(s);
      if (!set) throw new ImapParseError(`bad UID set "${s}"`);
      return (x, b) => inSequenceSet(set, x.uid, b.maxUid);
    }
    case "NOT": {
      const k = key(r);
      return (x, b) => !k(x, b);
    }
    case "OR": {
      const a = key(r);
      const c = key(r);
      return (x, b) => a(x, b) || c(x, b);
    }
    default: {
      const set = parseSequenceSet(t.value);
      if (!set) throw new ImapParseError(`unknown search key "${t.value.slice(0, 32)}"`);
      return (x, b) => inSequenceSet(set, x.seq, b.maxSeq);
    }
  }
}

function all(r: KeyReader): SearchPredicate {
  const keys: SearchPredicate[] = [];
  while (!r.done) keys.push(key(r));
  if (keys.length === 0) throw new ImapParseError("search key expected");
  return (x, b) => keys.every((k) => k(x, b));
}

/** Compile SEARCH arguments (an optional CHARSET, then keys, implicitly ANDed). */
export function compileSearch(args: readonly Token[]): SearchPredicate {
  let tokens = args;
  const first = tokens[0];
  if (first?.type === "atom" && first.value.toUpperCase() === "CHARSET") {
    const cs = tokens[1];
    if (!cs || cs.type === "list") throw new ImapParseError("charset expected");
    if (!["UTF-8", "US-ASCII"].includes(cs.value.toUpperCase())) throw new BadCharsetError(cs.value);
    tokens = tokens.slice(2);
  }
  return all(new KeyReader(tokens));
}
