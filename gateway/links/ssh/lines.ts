/**
 * A byte stream cut into lines (LF or CR LF), UTF-8 decoded across chunk boundaries: the node's
 * maintenance commands answer one record per line, and a record must never be parsed in halves.
 */
import { StringDecoder } from "node:string_decoder";

export class LineTooLongError extends Error {
  constructor(readonly limit: number) {
    super(`a line longer than ${limit} characters`);
  }
}

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  constructor(
    private readonly onLine: (line: string) => void,
    /** a peer that never sends a newline must not make us hold its whole output */
    private readonly maxLineLength = 1 << 20,
  ) {}

  push(chunk: Buffer): void {
    const decoded = this.decoder.write(chunk);
    if (decoded === "") return;
    let text = decoded;
    let start = 0;
    let nl = text.indexOf("\n");
    if (nl < 0) {
      this.partial += text;
      if (this.partial.length > this.maxLineLength) throw new LineTooLongError(this.maxLineLength);
      return;
    }
    // Only the first line of a chunk can continue the previous one: concatenating the whole
    // chunk to the leftover each time would copy big outputs over and over.
    if (this.partial) {
      text = this.partial + text;
      nl += this.partial.length;
      this.partial = "";
    }
    while (nl >= 0) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(text.slice(start, end));
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    this.partial = text.slice(start);
    if (this.partial.length > this.maxLineLength) throw new LineTooLongError(this.maxLineLength);
  }

  /** The stream ended: a last line without its newline is still a line. */
  end(): void {
    let rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest.endsWith("\r")) rest = rest.slice(0, -1);
    if (rest) this.onLine(rest);
  }
}
