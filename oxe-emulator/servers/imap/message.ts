/**
 * A voice message as the mail the 4645 serves over IMAP: multipart/mixed (RFC 2046) with a
 * short text part and the recording as an audio/wav attachment in base64.
 *
 * Headers (the X-OXE-* ones are ours; the real 4645's are not public):
 *   From: "<caller name>" <<caller number>@<domain>>   ("Unknown caller" <anonymous@...> when withheld)
 *   To: "<owner name>" <<mailbox>@<domain>>
 *   Subject: Voice message from <name> (<number>)
 *   Date, Message-ID, MIME-Version
 *   Importance: high, X-Priority: 1          only for an urgent message
 *   X-OXE-Caller-Number: <number>           empty when withheld
 *   X-OXE-Caller-Name: <name>               absent when unknown
 *   X-OXE-Duration: <seconds>
 *   X-OXE-Mailbox: <mailbox number>
 *   X-OXE-Node: <node id>
 * Part 1: text/plain; charset=utf-8, a human summary. Part 2: audio/wav, G.711 A-law 8 kHz mono,
 * `Content-Disposition: attachment; filename="voicemail-<uid>.wav"`.
 *
 * Everything but the audio is cheap; the size is computed without making the audio, which is
 * only made (and encoded) when a client asks for bytes that include it.
 */
import type { VoiceMessage } from "../../voicemail/index.js";
import { WAV_HEADER_BYTES } from "../../voicemail/index.js";
import { SAMPLE_RATE } from "../../voicemail/wav.js";
import { list, nstr, rfc5322Date, str } from "./wire.js";

export interface MailContext {
  readonly nodeId: number;
  readonly domain: string;
  readonly ownerName: string;
  readonly uidValidity: number;
  /** the WAVE file of the message, made when first needed */
  audio(): Buffer;
}

export interface HeaderLine {
  readonly name: string;
  /** the whole line, CRLF included */
  readonly line: string;
}

interface Address {
  name: string | undefined;
  mailbox: string;
  host: string;
}

const CRLF = "\r\n";
const BASE64_LINE = 76;

/** An RFC 2047 encoded-word when the text is not plain ASCII. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

function displayName(name: string): string {
  const enc = encodeWord(name);
  return enc !== name ? enc : `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function formatAddress(a: Address): string {
  const spec = `<${a.mailbox}@${a.host}>`;
  return a.name ? `${displayName(a.name)} ${spec}` : spec;
}

function base64Lines(bytes: Buffer): string {
  const b64 = bytes.toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += BASE64_LINE) lines.push(b64.slice(i, i + BASE64_LINE));
  return lines.join(CRLF);
}

/** Size of base64Lines(bytes) for `n` bytes, without encoding them. */
function base64LinesSize(n: number): number {
  const chars = 4 * Math.ceil(n / 3);
  const lines = Math.ceil(chars / BASE64_LINE);
  return chars + Math.max(0, lines - 1) * 2;
}

function countLines(text: string): number {
  if (!text) return 0;
  const n = text.split(CRLF).length - 1;
  return text.endsWith(CRLF) ? n : n + 1;
}

export class VoiceMail {
  readonly headers: readonly HeaderLine[];
  readonly header: Buffer;
  readonly size: number;
  private readonly boundary: string;
  private readonly preamble = `This is a multi-part message in MIME format.${CRLF}`;
  private readonly textMime: string;
  private readonly text: Buffer;
  private readonly audioMime: string;
  private readonly audioSize: number;
  private readonly from: Address;
  private readonly to: Address;
  private readonly subject: string;
  private readonly messageId: string;
  private readonly fileName: string;

  constructor(
    readonly message: VoiceMessage,
    private readonly ctx: MailContext,
  ) {
    const m = message;
    const who = m.callerName ?? (m.caller || "an unknown caller");
    const callerLabel = m.callerName && m.caller ? `${m.callerName} (${m.caller})` : who;
    this.subject = `Voice message from ${callerLabel}`;
    this.from = m.caller
      ? { name: m.callerName, mailbox: m.caller, host: ctx.domain }
      : { name: "Unknown caller", mailbox: "anonymous", host: ctx.domain };
    this.to = { name: ctx.ownerName, mailbox: m.mailbox, host: ctx.domain };
    this.messageId = `<${ctx.uidValidity}.${m.uid}.${m.mailbox}@${ctx.domain}>`;
    this.boundary = `=_4645_${ctx.uidValidity}_${m.uid}`;
    this.fileName = `voicemail-${m.uid}.wav`;

    const lines: [string, string][] = [
      ["Message-ID", this.messageId],
      ["Date", rfc5322Date(m.date)],
      ["From", formatAddress(this.from)],
      ["To", formatAddress(this.to)],
      ["Subject", encodeWord(this.subject)],
      ["MIME-Version", "1.0"],
    ];
    if (m.highPriority) lines.push(["Importance", "high"], ["X-Priority", "1"]);
    lines.push(["X-OXE-Caller-Number", m.caller]);
    if (m.callerName) lines.push(["X-OXE-Caller-Name", encodeWord(m.callerName)]);
    lines.push(
      ["X-OXE-Duration", String(m.durationSec)],
      ["X-OXE-Mailbox", m.mailbox],
      ["X-OXE-Node", String(ctx.nodeId)],
      ["Content-Type", `multipart/mixed; boundary="${this.boundary}"`],
    );
    this.headers = lines.map(([name, value]) => ({ name, line: `${name}: ${value}${CRLF}` }));
    this.header = Buffer.from(`${this.headers.map((h) => h.line).join("")}${CRLF}`, "utf8");

    const date = new Date(m.date).toISOString().replace("T", " ").slice(0, 19);
    const text = [
      "You have a new voice message.",
      "",
      `From:     ${callerLabel}`,
      `Date:     ${date} UTC`,
      `Duration: ${m.durationSec} s`,
      "",
      "The recording is attached (audio/wav, G.711 A-law, 8 kHz mono).",
      "",
    ].join(CRLF);
    this.text = Buffer.from(text, "utf8");
    const eightBit = this.text.length !== text.length;
    this.textMime = [
      "Content-Type: text/plain; charset=utf-8",
      `Content-Transfer-Encoding: ${eightBit ? "8bit" : "7bit"}`,
      "",
      "",
    ].join(CRLF);
    this.audioMime = [
      `Content-Type: audio/wav; name="${this.fileName}"`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename="${this.fileName}"`,
      "",
      "",
    ].join(CRLF);
    this.audioSize = base64LinesSize(WAV_HEADER_BYTES + Math.round(m.durationSec * SAMPLE_RATE));
    this.size = this.header.length + this.bodySize();
  }

  private get open(): string {
    return `--${this.boundary}${CRLF}`;
  }

  private get between(): string {
    return `${CRLF}--${this.boundary}${CRLF}`;
  }

  private get close(): string {
    return `${CRLF}--${this.boundary}--${CRLF}`;
  }

  private bodySize(): number {
    return (
      this.preamble.length +
      this.open.length +
      this.textMime.length +
      this.text.length +
      this.between.length +
      this.audioMime.length +
      this.audioSize +
      this.close.length
    );
  }

  /**
   * Encoded afresh each time: sessions keep a few mails each, and holding their encoded audio
   * would cost a third more than the WAV the store already caches for the whole node.
   */
  private audioBody(): Buffer {
    return Buffer.from(base64Lines(this.ctx.audio()), "ascii");
  }

  /** BODY[] */
  full(): Buffer {
    return Buffer.concat([this.header, this.body()]);
  }

  /** BODY[TEXT] */
  body(): Buffer {
    return Buffer.concat([
      Buffer.from(this.preamble + this.open + this.textMime),
      this.text,
      Buffer.from(this.between + this.audioMime),
      this.audioBody(),
      Buffer.from(this.close),
    ]);
  }

  /** BODY[<part>] and BODY[<part>.MIME]; undefined when there is no such part */
  part(n: number): { mime: Buffer; body: () => Buffer } | undefined {
    if (n === 1) return { mime: Buffer.from(this.textMime), body: () => this.text };
    if (n === 2) return { mime: Buffer.from(this.audioMime), body: () => this.audioBody() };
    return undefined;
  }

  /** BODY[HEADER.FIELDS (...)] or, with `not`, BODY[HEADER.FIELDS.NOT (...)] */
  headerFields(names: readonly string[], not: boolean): Buffer {
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    const lines = this.headers.filter((h) => wanted.has(h.name.toLowerCase()) !== not).map((h) => h.line);
    return Buffer.from(`${lines.join("")}${CRLF}`, "utf8");
  }

  /** Header values, for SEARCH. */
  headerValue(name: string): string | undefined {
    const h = this.headers.find((x) => x.name.toLowerCase() === name.toLowerCase());
    return h ? h.line.slice(h.name.length + 2, -2) : undefined;
  }

  /** The text a client can search (TEXT, BODY): the human part. */
  get searchableText(): string {
    return this.text.toString("utf8");
  }

  envelope(): string {
    const addr = (a: Address) =>
      `((${nstr(a.name === undefined ? undefined : encodeWord(a.name))} NIL ${str(a.mailbox)} ${str(a.host)}))`;
    const from = addr(this.from);
    return list([
      str(rfc5322Date(this.message.date)),
      str(encodeWord(this.subject)),
      from,
      from,
      from,
      addr(this.to),
      "NIL",
      "NIL",
      "NIL",
      str(this.messageId),
    ]);
  }

  /** BODYSTRUCTURE (extensible: true) or BODY (false), RFC 3501 7.4.2. */
  bodyStructure(extensible: boolean): string {
    const textLines = countLines(this.text.toString("utf8"));
    const enc = this.text.length !== this.text.toString("utf8").length ? "8bit" : "7bit";
    const text = [
      '"text" "plain" ("charset" "utf-8") NIL NIL',
      str(enc),
      String(this.text.length),
      String(textLines),
    ];
    if (extensible) text.push("NIL NIL NIL NIL");
    const audio = [`"audio" "wav" ("name" ${str(this.fileName)}) NIL NIL "base64"`, String(this.audioSize)];
    if (extensible) audio.push(`NIL ("attachment" ("filename" ${str(this.fileName)})) NIL NIL`);
    const multi = [`(${text.join(" ")})(${audio.join(" ")})`, '"mixed"'];
    if (extensible) multi.push(`("boundary" ${str(this.boundary)}) NIL NIL NIL`);
    return `(${multi.join(" ")})`;
  }
}
