/**
 * The subset of the IP Touch XML browser's pages this project supports (ours: the vendor's XML
 * reference is not public; the element names follow its spirit, one page per screen):
 *
 * ```xml
 * <IPTouch title="Directory">                       root, title optional (40 chars)
 *   <Text>Look a colleague up</Text>                0..10 text lines (64 chars each)
 *   <Menu>                                          0..1 menu of 1..20 items
 *     <Item url="search">Search by name</Item>      label 40 chars; url relative to the page
 *   </Menu>
 *   <Input name="q" prompt="Name" url="results"     0..1 input: digits typed on the keypad,
 *          maxLength="16"/>                         sent as field `name` to `url` (GET query)
 *   <SoftKey label="Back" url="index"/>             0..4 softkeys; `action="exit"` instead of a
 *   <SoftKey label="Exit" action="exit"/>           url leaves the application
 * </IPTouch>
 * ```
 *
 * Nothing else: no DTD (refused, which also shuts out entity expansion attacks), no namespaces,
 * no other element; the five predefined entities and numeric character references only.
 * Both sides use it: the gateway refuses a page outside the subset (the set shows an error
 * instead of garbage), the emulated set renders what it returns.
 */

export interface XmlMenuItem {
  label: string;
  url: string;
}

export interface XmlInput {
  name: string;
  prompt: string;
  url: string;
  maxLength: number;
}

export interface XmlSoftKey {
  label: string;
  /** absent for `exit` */
  url?: string;
  action: "link" | "exit";
}

export interface XmlPage {
  title: string;
  lines: string[];
  menu: XmlMenuItem[];
  input?: XmlInput;
  softKeys: XmlSoftKey[];
}

export const XML_PAGE_LIMITS = {
  title: 40,
  lines: 10,
  line: 64,
  items: 20,
  label: 40,
  softKeys: 4,
  url: 1024,
  inputMaxLength: 32,
} as const;

export class XmlPageError extends Error {
  override readonly name = "XmlPageError";
}

interface Element {
  name: string;
  attrs: Map<string, string>;
  children: (Element | string)[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (all, ref: string | undefined) => {
    if (ref === undefined) throw new XmlPageError("a bare & in text");
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff)
        throw new XmlPageError(`bad reference ${all}`);
      return String.fromCodePoint(code);
    }
    const e = ENTITIES[ref];
    if (e === undefined) throw new XmlPageError(`unknown entity ${all}`);
    return e;
  });
}

/** A small strict XML reader: elements, attributes, text, comments, the declaration. */
function parseXml(xml: string): Element {
  let i = 0;
  const n = xml.length;
  const fail = (what: string): never => {
    throw new XmlPageError(`${what} at offset ${i}`);
  };
  const skipMisc = () => {
    for (;;) {
      while (i < n && /\s/.test(xml[i]!)) i++;
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0) fail("an unclosed comment");
        i = end + 3;
      } else if (xml.startsWith("<?", i)) {
        const end = xml.indexOf("?>", i + 2);
        if (end < 0) fail("an unclosed declaration");
        i = end + 2;
      } else if (xml.startsWith("<!", i)) {
        fail("a DTD or CDATA section (not supported)");
      } else return;
    }
  };
  const name = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(xml.slice(i, i + 64));
    if (!m) return fail("a name expected");
    i += m[0].length;
    return m[0];
  };
  let depth = 0;
  const element = (): Element => {
    if (xml[i] !== "<") fail("an element expected");
    if (++depth > 8) fail("elements nested too deep");
    i++;
    const el: Element = { name: name(), attrs: new Map(), children: [] };
    for (;;) {
      while (i < n && /\s/.test(xml[i]!)) i++;
      if (xml.startsWith("/>", i)) {
        i += 2;
        depth--;
        return el;
      }
      if (xml[i] === ">") {
        i++;
        break;
      }
      const attr = name();
      while (i < n && /\s/.test(xml[i]!)) i++;
      if (xml[i] !== "=") fail(`= expected after ${attr}`);
      i++;
      while (i < n && /\s/.test(xml[i]!)) i++;
      const q = xml[i];
      if (q !== '"' && q !== "'") fail(`a quoted value expected for ${attr}`);
      const end = xml.indexOf(q!, i + 1);
      if (end < 0) fail("an unclosed attribute value");
      const raw = xml.slice(i + 1, end);
      if (raw.includes("<")) fail(`< in the value of ${attr}`);
      if (el.attrs.has(attr)) fail(`attribute ${attr} twice`);
      el.attrs.set(attr, decodeText(raw));
      i = end + 1;
    }
    for (;;) {
      if (i >= n) fail(`<${el.name}> not closed`);
      if (xml.startsWith("<!--", i)) {
        const end = xml.indexOf("-->", i + 4);
        if (end < 0) fail("an unclosed comment");
        i = end + 3;
      } else if (xml.startsWith("</", i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        while (i < n && /\s/.test(xml[i]!)) i++;
        if (xml[i] !== ">") fail("> expected");
        i++;
        depth--;
        return el;
      } else if (xml.startsWith("<!", i) || xml.startsWith("<?", i)) {
        fail("markup not supported inside an element");
      } else if (xml[i] === "<") {
        el.children.push(element());
      } else {
        const end = xml.indexOf("<", i);
        el.children.push(decodeText(xml.slice(i, end < 0 ? n : end)));
        i = end < 0 ? n : end;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i < n) fail("content after the root element");
  return root;
}

const textOf = (el: Element): string =>
  el.children
    .map((c) => {
      if (typeof c !== "string") throw new XmlPageError(`<${el.name}> holds text only, not <${c.name}>`);
      return c;
    })
    .join("")
    .replace(/\s+/g, " ")
    .trim();

function bounded(s: string, max: number, what: string): string {
  if (s.length > max) throw new XmlPageError(`${what} is ${max} characters at most`);
  return s;
}

function only(el: Element, allowed: readonly string[]): void {
  for (const k of el.attrs.keys())
    if (!allowed.includes(k)) throw new XmlPageError(`<${el.name}> has no attribute ${k}`);
}

function required(el: Element, k: string, max: number): string {
  const v = el.attrs.get(k);
  if (v === undefined || v === "") throw new XmlPageError(`<${el.name}> needs ${k}`);
  return bounded(v, max, `${el.name}.${k}`);
}

/** A page of the supported subset; throws XmlPageError saying what is outside it. */
export function parseXmlPage(xml: string): XmlPage {
  const root = parseXml(xml);
  if (root.name !== "IPTouch") throw new XmlPageError(`the root is <IPTouch>, not <${root.name}>`);
  only(root, ["title"]);
  const page: XmlPage = {
    title: bounded(root.attrs.get("title") ?? "", XML_PAGE_LIMITS.title, "the title"),
    lines: [],
    menu: [],
    softKeys: [],
  };
  let menus = 0;
  for (const c of root.children) {
    if (typeof c === "string") {
      if (c.trim()) throw new XmlPageError("text directly in <IPTouch>: put it in <Text>");
      continue;
    }
    switch (c.name) {
      case "Text":
        only(c, []);
        if (page.lines.length >= XML_PAGE_LIMITS.lines)
          throw new XmlPageError(`${XML_PAGE_LIMITS.lines} text lines at most`);
        page.lines.push(bounded(textOf(c), XML_PAGE_LIMITS.line, "a text line"));
        break;
      case "Menu":
        only(c, []);
        if (++menus > 1) throw new XmlPageError("one <Menu> per page");
        for (const item of c.children) {
          if (typeof item === "string") {
            if (item.trim()) throw new XmlPageError("text directly in <Menu>: use <Item>");
            continue;
          }
          if (item.name !== "Item") throw new XmlPageError(`<Menu> holds <Item>s, not <${item.name}>`);
          only(item, ["url"]);
          if (page.menu.length >= XML_PAGE_LIMITS.items)
            throw new XmlPageError(`${XML_PAGE_LIMITS.items} menu items at most`);
          const label = bounded(textOf(item), XML_PAGE_LIMITS.label, "a menu item");
          if (!label) throw new XmlPageError("a menu item without a label");
          page.menu.push({ label, url: required(item, "url", XML_PAGE_LIMITS.url) });
        }
        if (page.menu.length === 0) throw new XmlPageError("an empty <Menu>");
        break;
      case "Input": {
        only(c, ["name", "prompt", "url", "maxLength"]);
        if (page.input) throw new XmlPageError("one <Input> per page");
        if (c.children.some((x) => typeof x !== "string" || x.trim()))
          throw new XmlPageError("<Input> is empty");
        const name = required(c, "name", 32);
        if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new XmlPageError(`bad input name "${name}"`);
        const maxRaw = c.attrs.get("maxLength") ?? "16";
        const maxLength = Number(maxRaw);
        if (!/^\d+$/.test(maxRaw) || maxLength < 1 || maxLength > XML_PAGE_LIMITS.inputMaxLength)
          throw new XmlPageError(`Input.maxLength is 1..${XML_PAGE_LIMITS.inputMaxLength}`);
        page.input = {
          name,
          prompt: bounded(c.attrs.get("prompt") ?? "", XML_PAGE_LIMITS.label, "Input.prompt"),
          url: required(c, "url", XML_PAGE_LIMITS.url),
          maxLength,
        };
        break;
      }
      case "SoftKey": {
        only(c, ["label", "url", "action"]);
        if (c.children.some((x) => typeof x !== "string" || x.trim()))
          throw new XmlPageError("<SoftKey> is empty");
        if (page.softKeys.length >= XML_PAGE_LIMITS.softKeys)
          throw new XmlPageError(`${XML_PAGE_LIMITS.softKeys} softkeys at most`);
        const label = required(c, "label", 12);
        const action = c.attrs.get("action") ?? "link";
        if (action === "exit") {
          if (c.attrs.has("url")) throw new XmlPageError("an exit softkey has no url");
          page.softKeys.push({ label, action: "exit" });
        } else if (action === "link") {
          page.softKeys.push({ label, action: "link", url: required(c, "url", XML_PAGE_LIMITS.url) });
        } else throw new XmlPageError(`SoftKey.action is link or exit, not ${action}`);
        break;
      }
      default:
        throw new XmlPageError(`<${c.name}> is not supported`);
    }
  }
  return page;
}

/** Text for XML: what the sample applications and tests write pages with. */
export function xmlEscape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}
