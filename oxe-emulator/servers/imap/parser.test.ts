import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseFetchItems } from "./fetch.js";
import {
  CommandReader,
  ImapParseError,
  inSequenceSet,
  MAX_LINE,
  parseSequenceSet,
  type Token,
  tokenize,
} from "./parser.js";
import { compileSearch } from "./search.js";

function reader() {
  const commands: string[][] = [];
  const events: string[] = [];
  const r = new CommandReader({
    command: (segments) => {
      commands.push(segments.map((s) => s.toString("utf8")));
      events.push("command");
    },
    continueLiteral: () => events.push("+"),
    tooLong: (partial, wouldContinue) => events.push(`too long:${partial.slice(0, 5)}:${wouldContinue}`),
    literalTooLarge: (partial) => events.push(`literal too large:${partial.slice(0, 5)}`),
  });
  return { r, commands, events };
}

const line = (s: string) => tokenize([Buffer.from(s)]);
const atoms = (ts: readonly Token[]): unknown[] =>
  ts.map((t) => (t.type === "list" ? atoms(t.items) : t.type === "atom" ? t.value : { s: t.value }));

describe("CommandReader", () => {
  it("frames lines and literals, asking for synchronizing ones only", () => {
    const { r, commands, events } = reader();
    r.feed(Buffer.from('a1 LOGIN {5}\r\nhello "pw"\r\na2 NOOP\r\na3 LOGIN {3+}\r\nabc {0}\r\n\r\n'));
    expect(commands).toEqual([
      ["a1 LOGIN {5}", "hello", ' "pw"'],
      ["a2 NOOP"],
      ["a3 LOGIN {3+}", "abc", " {0}", "", ""],
    ]);
    expect(events).toEqual(["+", "command", "command", "+", "command"]);
  });

  it("gives the same commands when the bytes come one at a time", () => {
    const input = 'a1 LOGIN {5}\r\nhe\r\no "p\\"w"\r\na2 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (FROM)])\n';
    const whole = reader();
    whole.r.feed(Buffer.from(input));
    const split = reader();
    for (const b of Buffer.from(input)) split.r.feed(Buffer.from([b]));
    expect(split.commands).toEqual(whole.commands);
    expect(split.events).toEqual(whole.events);
    expect(whole.commands[0]).toEqual(["a1 LOGIN {5}", "he\r\no", ' "p\\"w"']);
  });

  it("refuses an endless line or literal without losing the commands after it", () => {
    const { r, commands, events } = reader();
    r.feed(Buffer.from(`a1 NOOP ${"x".repeat(MAX_LINE + 10)}\r\na2 NOOP\r\n`));
    r.feed(Buffer.from("a3 LOGIN {99999999}\r\na4 NOOP\r\n"));
    expect(commands.map((c) => c.map((x) => x.slice(0, 20)))).toEqual([["a2 NOOP"], ["a4 NOOP"]]);
    expect(events.filter((e) => e.startsWith("too long"))).toEqual([
      "too long:a1 NO:false",
      "too long:a3 LO:false",
    ]);
  });

  it("gives up at once on a non-synchronizing literal too large to read, rather than discard it", () => {
    const { r, commands, events } = reader();
    r.feed(Buffer.from("a5 LOGIN {999999999+}\r\n"));
    r.feed(Buffer.alloc(70_000, 0x41));
    r.feed(Buffer.from(" tail\r\na6 NOOP\r\n"));
    expect(events.filter((e) => e.startsWith("literal too large"))).toEqual(["literal too large:a5 LO"]);
    expect(commands).toEqual([]);
  });
});

describe("tokenize", () => {
  it("reads atoms, quoted strings, literals and nested lists", () => {
    expect(atoms(line('a STORE 1:3 +FLAGS.SILENT (\\Seen \\Deleted) "x \\"y\\" \\\\"'))).toEqual([
      "a",
      "STORE",
      "1:3",
      "+FLAGS.SILENT",
      ["\\Seen", "\\Deleted"],
      { s: 'x "y" \\' },
    ]);
    expect(atoms(tokenize([Buffer.from("a LOGIN {3}"), Buffer.from("bé"), Buffer.from(' ""')]))).toEqual([
      "a",
      "LOGIN",
      { s: "bé" },
      { s: "" },
    ]);
  });

  it("keeps a fetch attribute's section whole", () => {
    expect(atoms(line("a FETCH 1 (UID BODY.PEEK[HEADER.FIELDS (FROM DATE)]<0.100> BODY[2])"))).toEqual([
      "a",
      "FETCH",
      "1",
      ["UID", "BODY.PEEK[HEADER.FIELDS (FROM DATE)]<0.100>", "BODY[2]"],
    ]);
  });

  it("either tokenizes or throws a parse error, whatever the bytes, and so do FETCH and SEARCH", () => {
    const imapish = fc.array(
      fc.oneof(
        fc.constantFrom(
          " ",
          "(",
          ")",
          "[",
          "]",
          '"',
          "\\",
          "{",
          "}",
          "\r",
          "<",
          ">",
          ".",
          "*",
          ":",
          ",",
          "+",
        ),
        fc.constantFrom("BODY", "PEEK", "HEADER.FIELDS", "NOT", "OR", "UID", "1", "2:*", "{3}", "MIME"),
        fc.string({ maxLength: 4 }),
      ),
      { maxLength: 30 },
    );
    const tolerant = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        if (!(err instanceof ImapParseError)) throw err;
      }
    };
    fc.assert(
      fc.property(
        fc.oneof(
          imapish.map((a) => a.join("")),
          fc.string(),
        ),
        fc.uint8Array({ maxLength: 8 }),
        (text, lit) => {
          tolerant(() => tokenize([Buffer.from(text)]));
          tolerant(() => tokenize([Buffer.from(`${text}{${lit.length}}`), Buffer.from(lit)]));
          tolerant(() => parseFetchItems(line(text)[0]));
          tolerant(() => parseFetchItems(line(`(${text})`)[0]));
          tolerant(() => compileSearch(line(text)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("rejects broken syntax", () => {
    for (const bad of ['a LOGIN "x', "a (b", "a b)", "a BODY[1", 'a "\\x"', "a {3}", "a \r b"]) {
      expect(() => line(bad), bad).toThrow();
    }
  });
});

describe("sequence sets", () => {
  it("parses ranges with * and tests membership", () => {
    const set = parseSequenceSet("2,4:5,9:*")!;
    expect([1, 2, 3, 4, 5, 6, 9, 12].filter((n) => inSequenceSet(set, n, 12))).toEqual([2, 4, 5, 9, 12]);
    // n:* with n past the end still names the last message (RFC 3501 6.4.8)
    expect(inSequenceSet(parseSequenceSet("20:*")!, 12, 12)).toBe(true);
    expect(parseSequenceSet("0")).toBeUndefined();
    expect(parseSequenceSet("1,,2")).toBeUndefined();
    expect(parseSequenceSet("a")).toBeUndefined();
  });
});

describe("FETCH attributes and SEARCH keys", () => {
  it("parses attributes, macros and sections", () => {
    const [items] = [parseFetchItems(line("(UID FLAGS BODY.PEEK[1.MIME] BODY[]<10.20>)")[0])];
    expect(
      items.map((i) => (i.kind === "section" ? `${i.label}:${i.peek}:${i.start}:${i.length}` : i.kind)),
    ).toEqual(["UID", "FLAGS", "BODY[1.MIME]:true:undefined:undefined", "BODY[]:false:10:20"]);
    expect(parseFetchItems(line("FAST")[0]).map((i) => i.kind)).toEqual([
      "FLAGS",
      "INTERNALDATE",
      "RFC822.SIZE",
    ]);
    for (const bad of ["(FOO)", "BODY[0]", "BODY[MIME]", "(ALL)", "BODY[HEADER.FIELDS ()]"]) {
      expect(() => parseFetchItems(line(bad)[0]), bad).toThrow();
    }
  });

  it("rejects unknown search keys and missing arguments", () => {
    expect(() => compileSearch(line("UNSEEN NOT DELETED OR FROM x SINCE 1-Feb-2026"))).not.toThrow();
    for (const bad of ["FOO", "SINCE", "SINCE 31-Feb-2026", "LARGER x", "OR UNSEEN", ""]) {
      expect(() => compileSearch(line(bad)), bad).toThrow();
    }
  });
});
