/**
 * Reading IMAP commands (RFC 3501 section 9, formal syntax) off a byte stream.
 *
 * Framing (CommandReader): a command is a line, unless the line ends with a literal's length,
 * `{n}` (synchronizing: the server answers `+` before the client sends the bytes) or `{n+}`
 * (LITERAL+, RFC 7888: the bytes follow at once); then n raw bytes follow and the command goes
 * on after them. The reader hands over a command as its segments: line, literal, line, ...
 *
 * Tokens (tokenize): atoms, quoted strings, literals, parenthesized lists. One liberty taken
 * for fetch attributes: an atom that opens a `[` runs to the matching `]` whatever it holds, so
 * `BODY.PEEK[HEADER.FIELDS (FROM DATE)]<0.100>` is one atom for the FETCH parser to take apart.
 */

/** the most a command line (or the whole of a command's literals) may hold */
export const MAX_LINE = 64 * 1024;
export const MAX_LITERAL = 64 * 1024;

export interface ReaderHooks {
  command(segments: Buffer[]): void;
  /** a synchronizing literal is awaited: the server must say `+` */
  continueLiteral(): void;
  /** the command is too long: it is dropped (with its literal, if one was announced) */
  tooLong(partialLine: string, wouldContinue: boolean): void;
  /**
   * A non-synchronizing literal above MAX_LITERAL was announced: its bytes come regardless
   * (RFC 7888), and reading up to 4 GB of them to find the next command would hold the
   * connection for nothing. The reader stops; the owner answers BYE and closes.
   */
  literalTooLarge(partialLine: string): void;
}

const LITERAL_AT_END = /\{(\d+)(\+?)\}$/;

export class CommandReader {
  private pending: Buffer = Buffer.alloc(0);
  private segments: Buffer[] = [];
  /** bytes of the command so far */
  private size = 0;
  /** reading a literal's bytes (rather than a line), and how many are still to come */
  private inLiteral = false;
  private literalLeft = 0;
  private literalChunks: Buffer[] = [];
  /** false while throwing away the rest of a refused command */
  private keep = true;

  constructor(private readonly hooks: ReaderHooks) {}

  /** set once the reader gave up on the connection (literalTooLarge): input is ignored */
  private closed = false;

  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.inLiteral) {
        const take = Math.min(this.literalLeft, this.pending.length);
        if (this.keep && take > 0) this.literalChunks.push(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.literalLeft -= take;
        if (this.literalLeft > 0) return;
        this.inLiteral = false;
        if (this.keep) this.segments.push(Buffer.concat(this.literalChunks));
        this.literalChunks = [];
        continue;
      }
      const eol = this.pending.indexOf(0x0a);
      if (eol < 0) {
        if (this.keep && this.size + this.pending.length > MAX_LINE) {
          this.refuse(this.pending.subarray(0, 80).toString("latin1"), false);
        }
        // A line being thrown away need not be kept whole: only its end matters.
        if (!this.keep) this.pending = this.pending.subarray(Math.max(0, this.pending.length - 32));
        return;
      }
      const line = this.pending.subarray(0, eol > 0 && this.pending[eol - 1] === 0x0d ? eol - 1 : eol);
      this.pending = this.pending.subarray(eol + 1);
      const m = LITERAL_AT_END.exec(line.subarray(Math.max(0, line.length - 24)).toString("latin1"));
      const n = m ? Number(m[1]) : 0;
      const sync = m !== null && m[2] !== "+";
      if (!this.keep) {
        // The refused command goes on after a LITERAL+ literal, whose bytes come regardless; a
        // client announcing a synchronizing one waits for a `+` that will not come: it is over.
        if (m && !sync) this.startLiteral(n);
        else this.keep = true;
        continue;
      }
      if (this.size + line.length > MAX_LINE) {
        this.refuse(line.subarray(0, 80).toString("latin1"), m !== null && !sync);
        if (m && !sync) this.startLiteral(n);
        else this.keep = true;
        continue;
      }
      this.size += line.length;
      if (!m) {
        this.segments.push(line);
        const segments = this.segments;
        this.segments = [];
        this.size = 0;
        this.hooks.command(segments);
        continue;
      }
      if (!sync && n > MAX_LITERAL) {
        this.closed = true;
        this.pending = Buffer.alloc(0);
        this.hooks.literalTooLarge(line.subarray(0, 80).toString("latin1"));
        return;
      }
      if (this.size + n > MAX_LINE || n > MAX_LITERAL) {
        this.refuse(line.subarray(0, 80).toString("latin1"), !sync);
        if (sync) this.keep = true;
        else this.startLiteral(n);
        continue;
      }
      this.segments.push(line);
      this.size += n;
      this.startLiteral(n);
      if (sync) this.hooks.continueLiteral();
    }
  }

  private startLiteral(n: number): void {
    this.inLiteral = true;
    this.literalLeft = n;
    this.literalChunks = [];
  }

  private refuse(partial: string, wouldContinue: boolean): void {
    this.segments = [];
    this.size = 0;
    this.keep = false;
    this.hooks.tooLong(partial, wouldContinue);
  }
}

export type Token =
  | { readonly type: "atom"; readonly value: string }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "list"; readonly items: readonly Token[] };

export class ImapParseError extends Error {}

const ATOM_END = new Set([" ", "(", ")", "{", '"', "\r", "\n"]);

/**
 * Tokens of a command's segments (see CommandReader). Literal segments become string tokens
 * where the preceding line announced them.
 */
export function tokenize(segments: readonly Buffer[]): Token[] {
  const stack: Token[][] = [[]];
  const push = (t: Token) => stack[stack.length - 1]!.push(t);
  for (let s = 0; s < segments.length; s += 2) {
    const text = segments[s]!.toString("utf8");
    const literal = segments[s + 1];
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === " ") {
        i++;
      } else if (c === "(") {
        stack.push([]);
        i++;
      } else if (c === ")") {
        if (stack.length < 2) throw new ImapParseError("unbalanced )");
        const items = stack.pop()!;
        push({ type: "list", items });
        i++;
      } else if (c === '"') {
        let value = "";
        i++;
        for (;;) {
          if (i >= text.length) throw new ImapParseError("unterminated quoted string");
          const d = text[i]!;
          if (d === "\\") {
            const e = text[i + 1];
            if (e !== "\\" && e !== '"') throw new ImapParseError("bad escape in quoted string");
            value += e;
            i += 2;
          } else if (d === '"') {
            i++;
            break;
          } else {
            value += d;
            i++;
          }
        }
        push({ type: "string", value });
      } else if (c === "{") {
        const m = /^\{(\d+)\+?\}$/.exec(text.slice(i));
        if (!m || literal === undefined) throw new ImapParseError("bad literal");
        push({ type: "string", value: literal.toString("utf8") });
        i = text.length;
      } else {
        let value = "";
        while (i < text.length && !ATOM_END.has(text[i]!)) {
          const d = text[i]!;
          if (d === "[") {
            const close = text.indexOf("]", i);
            if (close < 0) throw new ImapParseError("unbalanced [");
            value += text.slice(i, close + 1);
            i = close + 1;
          } else {
            value += d;
            i++;
          }
        }
        // A character no token starts with (a bare CR, say) would otherwise never be consumed.
        if (value === "") throw new ImapParseError(`unexpected character 0x${c.charCodeAt(0).toString(16)}`);
        push({ type: "atom", value });
      }
    }
  }
  if (stack.length !== 1) throw new ImapParseError("unbalanced (");
  return stack[0]!;
}

/** One range of a sequence set; `*` is kept as Infinity until the mailbox size is known. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

const SEQ_SET = /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/;

/** Parse `1:3,5,7:*`; undefined if it is not a sequence set. */
export function parseSequenceSet(s: string): SeqRange[] | undefined {
  if (!SEQ_SET.test(s)) return undefined;
  const out: SeqRange[] = [];
  for (const part of s.split(",")) {
    const [a, b = a] = part.split(":") as [string, string?];
    const n = (x: string) => (x === "*" ? Number.POSITIVE_INFINITY : Number(x));
    const x = n(a);
    const y = n(b!);
    if (x === 0 || y === 0) return undefined;
    out.push({ from: Math.min(x, y), to: Math.max(x, y) });
  }
  return out;
}

/** Whether `n` is in the set, `*` standing for `max` (RFC 3501: the largest number in use). */
export function inSequenceSet(set: readonly SeqRange[], n: number, max: number): boolean {
  for (const r of set) {
    const from = r.from === Number.POSITIVE_INFINITY ? max : r.from;
    const to = r.to === Number.POSITIVE_INFINITY ? max : r.to;
    if (n >= Math.min(from, to) && n <= Math.max(from, to)) return true;
  }
  return false;
}
