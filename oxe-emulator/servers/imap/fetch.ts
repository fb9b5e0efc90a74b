/**
 * FETCH attributes (RFC 3501 6.4.5 and 7.4.2): parsing what a client asks for, and writing the
 * answer for one message. Supported: the macros ALL, FAST, FULL; UID, FLAGS, INTERNALDATE,
 * RFC822.SIZE, ENVELOPE, BODYSTRUCTURE, BODY, RFC822, RFC822.HEADER, RFC822.TEXT, and
 * BODY[section]<partial> / BODY.PEEK[...] with sections "", HEADER, TEXT,
 * HEADER.FIELDS[.NOT] (...), <n> and <n>.MIME (parts 1, the text, and 2, the audio).
 */
import type { VoiceMessage } from "../../voicemail/index.js";
import type { VoiceMail } from "./message.js";
import { ImapParseError, type Token, tokenize } from "./parser.js";
import { internalDate, literal, type Piece } from "./wire.js";

type Simple =
  | "UID"
  | "FLAGS"
  | "INTERNALDATE"
  | "RFC822.SIZE"
  | "ENVELOPE"
  | "BODYSTRUCTURE"
  | "BODY"
  | "RFC822"
  | "RFC822.HEADER"
  | "RFC822.TEXT";

interface Section {
  readonly part: readonly number[];
  readonly what: "" | "HEADER" | "TEXT" | "MIME" | "HEADER.FIELDS" | "HEADER.FIELDS.NOT";
  readonly fields: readonly string[];
}

export type FetchItem =
  | { readonly kind: Simple }
  | {
      readonly kind: "section";
      readonly peek: boolean;
      readonly section: Section;
      /** the name the answer goes under, e.g. `BODY[HEADER.FIELDS (FROM)]` */
      readonly label: string;
      readonly start: number | undefined;
      readonly length: number | undefined;
    };

const MACROS: Record<string, Simple[]> = {
  ALL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
  FAST: ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
  FULL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
};

const SIMPLE = new Set<string>([
  "UID",
  "FLAGS",
  "INTERNALDATE",
  "RFC822.SIZE",
  "ENVELOPE",
  "BODYSTRUCTURE",
  "BODY",
  "RFC822",
  "RFC822.HEADER",
  "RFC822.TEXT",
]);

const SECTION_ITEM = /^(BODY|BODY\.PEEK)\[(.*)\](?:<(\d+)(?:\.(\d+))?>)?$/is;

function parseSection(text: string): Section {
  const m = /^(\d+(?:\.\d+)*)(?:\.(.*))?$/s.exec(text);
  const part = m ? m[1]!.split(".").map(Number) : [];
  const rest = (m ? (m[2] ?? "") : text).trim();
  if (part.some((n) => n === 0)) throw new ImapParseError("section parts count from 1");
  const up = rest.toUpperCase();
  if (up === "" || up === "HEADER" || up === "TEXT" || up === "MIME") {
    if (up === "MIME" && part.length === 0) throw new ImapParseError("MIME needs a part number");
    return { part, what: up, fields: [] };
  }
  const f = /^(HEADER\.FIELDS(?:\.NOT)?)\s*(\(.*\))$/is.exec(rest);
  if (!f) throw new ImapParseError(`bad section "${text.slice(0, 40)}"`);
  const [list] = tokenize([Buffer.from(f[2]!)]);
  if (list?.type !== "list" || list.items.length === 0)
    throw new ImapParseError("header field names expected");
  const fields = list.items.map((t) => {
    if (t.type === "list") throw new ImapParseError("header field name expected");
    return t.value;
  });
  return { part, what: f[1]!.toUpperCase() as Section["what"], fields };
}

function parseItem(raw: string): FetchItem[] {
  const up = raw.toUpperCase();
  const macro = MACROS[up];
  if (macro) return macro.map((kind) => ({ kind }));
  if (SIMPLE.has(up)) return [{ kind: up as Simple }];
  const m = SECTION_ITEM.exec(raw);
  if (!m) throw new ImapParseError(`unknown fetch attribute "${raw.slice(0, 40)}"`);
  const section = parseSection(m[2]!);
  const start = m[3] === undefined ? undefined : Number(m[3]);
  const length = m[4] === undefined ? undefined : Number(m[4]);
  return [{ kind: "section", peek: m[1]!.length > 4, section, label: `BODY[${m[2]!}]`, start, length }];
}

/** The attributes of a FETCH: one atom, or a parenthesized list of them. */
export function parseFetchItems(t: Token | undefined): FetchItem[] {
  if (!t) throw new ImapParseError("fetch attributes expected");
  if (t.type === "string") throw new ImapParseError("fetch attribute expected");
  if (t.type === "atom") {
    // A macro stands alone; so may a single attribute.
    return parseItem(t.value);
  }
  if (t.items.length === 0) throw new ImapParseError("fetch attributes expected");
  return t.items.flatMap((i) => {
    if (i.type !== "atom") throw new ImapParseError("fetch attribute expected");
    if (MACROS[i.value.toUpperCase()]) throw new ImapParseError("macros stand alone");
    return parseItem(i.value);
  });
}

/** Whether answering `items` marks the message \Seen (unless the mailbox is read-only). */
export function setsSeen(items: readonly FetchItem[]): boolean {
  return items.some(
    (i) => (i.kind === "section" && !i.peek) || i.kind === "RFC822" || i.kind === "RFC822.TEXT",
  );
}

export function flagList(m: VoiceMessage): string {
  return `(${[...m.flags].join(" ")})`;
}

function sectionBytes(mail: VoiceMail, s: Section): Buffer | undefined {
  if (s.part.length === 0) {
    switch (s.what) {
      case "":
        return mail.full();
      case "HEADER":
        return mail.header;
      case "TEXT":
        return mail.body();
      case "HEADER.FIELDS":
        return mail.headerFields(s.fields, false);
      case "HEADER.FIELDS.NOT":
        return mail.headerFields(s.fields, true);
      default:
        return undefined;
    }
  }
  // Parts are not messages themselves: they have a body and MIME headers, nothing deeper.
  if (s.part.length > 1) return undefined;
  const part = mail.part(s.part[0]!);
  if (!part) return undefined;
  if (s.what === "") return part.body();
  if (s.what === "MIME") return part.mime;
  return undefined;
}

/**
 * The `(...)` of one message's FETCH answer. `uid` puts UID first (UID FETCH must answer it);
 * `withFlags` adds FLAGS when fetching set \Seen and FLAGS was not asked for.
 */
export function fetchResponse(
  items: readonly FetchItem[],
  message: VoiceMessage,
  mail: () => VoiceMail,
  opts: { uid: boolean; withFlags: boolean },
): Piece[] {
  const out: Piece[] = [];
  const add = (...p: Piece[]) => {
    if (out.length) out.push(" ");
    out.push(...p);
  };
  const asked = new Set(items.map((i) => i.kind));
  if (opts.uid && !asked.has("UID")) add(`UID ${message.uid}`);
  for (const i of items) {
    switch (i.kind) {
      case "UID":
        add(`UID ${message.uid}`);
        break;
      case "FLAGS":
        add(`FLAGS ${flagList(message)}`);
        break;
      case "INTERNALDATE":
        add(`INTERNALDATE ${internalDate(message.date)}`);
        break;
      case "RFC822.SIZE":
        add(`RFC822.SIZE ${mail().size}`);
        break;
      case "ENVELOPE":
        add(`ENVELOPE ${mail().envelope()}`);
        break;
      case "BODYSTRUCTURE":
        add(`BODYSTRUCTURE ${mail().bodyStructure(true)}`);
        break;
      case "BODY":
        add(`BODY ${mail().bodyStructure(false)}`);
        break;
      case "RFC822":
        add("RFC822 ", ...literal(mail().full()));
        break;
      case "RFC822.HEADER":
        add("RFC822.HEADER ", ...literal(mail().header));
        break;
      case "RFC822.TEXT":
        add("RFC822.TEXT ", ...literal(mail().body()));
        break;
      case "section": {
        const bytes = sectionBytes(mail(), i.section);
        let label = i.label;
        let value: Piece[] = ["NIL"];
        if (bytes) {
          let slice = bytes;
          if (i.start !== undefined) {
            label += `<${i.start}>`;
            slice = bytes.subarray(i.start, i.length === undefined ? undefined : i.start + i.length);
          }
          value = literal(slice);
        }
        add(`${label} `, ...value);
        break;
      }
    }
  }
  if (opts.withFlags && !asked.has("FLAGS")) add(`FLAGS ${flagList(message)}`);
  return ["(", ...out, ")"];
}
