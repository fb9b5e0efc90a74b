import { describe, expect, it } from "vitest";
import {
  decodePrsMessage,
  encodePrsFrame,
  encodePrsMessage,
  MAX_PRS_BODY_BYTES,
  PrsFrameDecoder,
  PrsFrameError,
  type PrsMessage,
  PrsPeer,
  parseXmlPage,
  prsFrame,
  XmlPageError,
  xmlEscape,
} from "./index.js";

const MESSAGES: PrsMessage[] = [
  { type: "hello", version: 1, login: "o2g", password: "o2g-link" },
  { type: "welcome", version: 1, nodeId: 7 },
  { type: "refused", reason: "bad login or password" },
  { type: "ping", seq: 3 },
  { type: "pong", seq: 3 },
  {
    type: "request",
    id: 12,
    device: "10001",
    start: false,
    method: "GET",
    url: "https://localhost:8443/dir/search",
    form: { q: "53" },
  },
  { type: "page", id: 12, url: "https://x/é", xml: '<IPTouch title="Ça"><Text>é — ok</Text></IPTouch>' },
  { type: "failure", id: 13, reason: "license", message: "no XML IP Touch license left" },
  { type: "error", message: "frame refused" },
];

function collect(chunks: Uint8Array[]) {
  const frames: string[] = [];
  const garbage: { skipped: number; why: string }[] = [];
  const d = new PrsFrameDecoder({
    frame: (b) => frames.push(b),
    garbage: (skipped, why) => garbage.push({ skipped, why }),
  });
  for (const c of chunks) d.feed(c);
  return { frames, garbage, d };
}

describe("PRS frames", () => {
  it("round-trips every message, fed whole or one octet at a time", () => {
    const wire = Buffer.concat(MESSAGES.map(prsFrame));
    const whole = collect([wire]);
    expect(whole.frames.map(decodePrsMessage)).toEqual(MESSAGES);
    const bytes = collect([...wire].map((b) => Uint8Array.of(b)));
    expect(bytes.frames.map(decodePrsMessage)).toEqual(MESSAGES);
    expect(bytes.garbage).toEqual([]);
    expect(bytes.d.pendingBytes).toBe(0);
  });

  it("skips garbage before, between and after frames, counting it, and keeps the frames", () => {
    const a = prsFrame(MESSAGES[3]!);
    const b = prsFrame(MESSAGES[4]!);
    const junk = Buffer.from("xyzzy PQ \x00\x01", "latin1");
    const r = collect([Buffer.concat([junk, a, junk, b])]);
    expect(r.frames.map(decodePrsMessage)).toEqual([MESSAGES[3], MESSAGES[4]]);
    expect(r.garbage.map((g) => g.skipped)).toEqual([junk.length, junk.length]);
    expect(r.garbage[0]!.why).toBe("no PRS magic");
  });

  it("refuses a header announcing more than the limit and resynchronizes past it", () => {
    const bad = Buffer.from([0x50, 0x52, 0xff, 0xff, 0xff, 0xff]);
    const r = collect([Buffer.concat([bad, prsFrame(MESSAGES[3]!)])]);
    expect(r.frames.map(decodePrsMessage)).toEqual([MESSAGES[3]]);
    expect(r.garbage[0]!.why).toMatch(/announced/);
  });

  it("gives up on a frame whose body never comes", () => {
    const head = encodePrsFrame("x".repeat(100)).subarray(0, 20);
    const r = collect([head]);
    expect(r.frames).toEqual([]);
    expect(r.d.partialSince).toBeGreaterThan(0);
    r.d.expirePartial();
    r.d.feed(prsFrame(MESSAGES[3]!));
    expect(r.frames.map(decodePrsMessage)).toEqual([MESSAGES[3]]);
    expect(r.garbage.reduce((s, g) => s + g.skipped, 0)).toBe(20);
  });

  it("does not encode a body over the limit", () => {
    expect(() => encodePrsFrame("x".repeat(MAX_PRS_BODY_BYTES + 1))).toThrow(PrsFrameError);
  });
});

describe("PRS messages", () => {
  it.each([
    ["not JSON", "{", /not JSON/],
    ["an array", "[]", /not an object/],
    ["an unknown type", '{"type":"bogus"}', /unknown message type/],
    ["a missing field", '{"type":"ping"}', /seq/],
    ["a negative id", '{"type":"page","id":-1,"url":"u","xml":"x"}', /whole number/],
    [
      "a bad method",
      '{"type":"request","id":1,"device":"1","start":true,"method":"PUT","url":"u"}',
      /method/,
    ],
    [
      "a device that is no number",
      '{"type":"request","id":1,"device":"a;b","start":true,"method":"GET","url":"u"}',
      /device/,
    ],
    [
      "a bad form field",
      '{"type":"request","id":1,"device":"1","start":true,"method":"GET","url":"u","form":{"a b":"1"}}',
      /form/,
    ],
    ["an unknown failure reason", '{"type":"failure","id":1,"reason":"oops","message":"m"}', /reason/],
    ["an overlong text", JSON.stringify({ type: "refused", reason: "r".repeat(300) }), /at most/],
  ])("refuses %s", (_what, body, why) => {
    expect(() => decodePrsMessage(body)).toThrow(why);
  });

  it("answers a refused frame with an error and goes on with the next", () => {
    const out: PrsMessage[] = [];
    const got: PrsMessage[] = [];
    const refused: string[] = [];
    let fatal = "";
    const back = new PrsFrameDecoder({ frame: (b) => out.push(decodePrsMessage(b)), garbage: () => {} });
    const peer = new PrsPeer((bytes) => back.feed(bytes), {
      message: (m) => got.push(m),
      refused: (why) => refused.push(why),
      fatal: (why) => {
        fatal = why;
      },
    });
    peer.feed(
      Buffer.concat([encodePrsFrame('{"type":"nope"}'), Buffer.from("garbage"), prsFrame(MESSAGES[3]!)]),
    );
    expect(got).toEqual([MESSAGES[3]]);
    expect(refused).toHaveLength(2);
    expect(out).toEqual([{ type: "error", message: expect.stringMatching(/unknown message type/) }]);
    expect(fatal).toBe("");
    expect(peer.refusedCount).toBe(2);
  });

  it("gives up on a peer that sends only garbage", () => {
    let fatal = "";
    const peer = new PrsPeer(
      () => {},
      {
        message: () => {},
        refused: () => {},
        fatal: (why) => {
          fatal = why;
        },
      },
      1000,
    );
    for (let i = 0; i < 3; i++) peer.feed(Buffer.alloc(500, 0x41));
    expect(fatal).toMatch(/garbage/);
  });

  it("encodes what it decodes", () => {
    for (const m of MESSAGES) expect(decodePrsMessage(encodePrsMessage(m))).toEqual(m);
  });
});

describe("the XML page subset", () => {
  const page = `<?xml version="1.0" encoding="UTF-8"?>
<!-- the directory's first page -->
<IPTouch title="Directory &amp; queues">
  <Text>Look a colleague up</Text>
  <Text>Caf&#233; &#x263A;</Text>
  <Menu>
    <Item url="search">Search by name</Item>
    <Item url='/queues?x=1&amp;y=2'>Queue status</Item>
  </Menu>
  <Input name="q" prompt="Name digits" url="results" maxLength="8"/>
  <SoftKey label="Back" url="index"/>
  <SoftKey label="Exit" action="exit"/>
</IPTouch>`;

  it("reads a page of every supported element", () => {
    expect(parseXmlPage(page)).toEqual({
      title: "Directory & queues",
      lines: ["Look a colleague up", "Café ☺"],
      menu: [
        { label: "Search by name", url: "search" },
        { label: "Queue status", url: "/queues?x=1&y=2" },
      ],
      input: { name: "q", prompt: "Name digits", url: "results", maxLength: 8 },
      softKeys: [
        { label: "Back", action: "link", url: "index" },
        { label: "Exit", action: "exit" },
      ],
    });
  });

  it.each([
    ["a DTD (entity expansion)", '<!DOCTYPE x [<!ENTITY a "b">]><IPTouch/>', /DTD/],
    ["another root", "<html/>", /root/],
    ["an unknown element", "<IPTouch><Image src='x'/></IPTouch>", /not supported/],
    ["an unknown attribute", "<IPTouch colour='red'/>", /no attribute/],
    ["an unclosed element", "<IPTouch><Text>x</IPTouch>", /closes/],
    ["an unknown entity", "<IPTouch><Text>&nbsp;</Text></IPTouch>", /entity/],
    ["a bare ampersand", "<IPTouch><Text>a & b</Text></IPTouch>", /&/],
    ["a menu item without url", "<IPTouch><Menu><Item>x</Item></Menu></IPTouch>", /needs url/],
    ["two inputs", "<IPTouch><Input name='a' url='u'/><Input name='b' url='u'/></IPTouch>", /one <Input>/],
    ["too many softkeys", `<IPTouch>${"<SoftKey label='k' url='u'/>".repeat(5)}</IPTouch>`, /softkeys/],
    ["too many lines", `<IPTouch>${"<Text>l</Text>".repeat(11)}</IPTouch>`, /lines/],
    ["an overlong line", `<IPTouch><Text>${"x".repeat(65)}</Text></IPTouch>`, /at most/],
    ["markup in a line", "<IPTouch><Text>a<b>c</b></Text></IPTouch>", /text only/],
    ["content after the root", "<IPTouch/><IPTouch/>", /after the root/],
    ["not XML", "hello", /element expected/],
  ])("refuses %s", (_what, xml, why) => {
    expect(() => parseXmlPage(xml)).toThrow(XmlPageError);
    expect(() => parseXmlPage(xml)).toThrow(why);
  });

  it("escapes text so that it reads back the same", () => {
    const s = `Tom & "Jerry" <'x'>`;
    expect(
      parseXmlPage(`<IPTouch title="${xmlEscape(s)}"><Text>${xmlEscape(s)}</Text></IPTouch>`),
    ).toMatchObject({
      title: s,
      lines: [s],
    });
  });
});
