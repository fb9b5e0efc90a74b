/**
 * A minimal HTTP/1.1 client over one keep-alive TLS connection, one request at a time: what a
 * benchmark's client thread needs and no more. General-purpose clients cost the machine more per
 * request than the gateway does (undici parses with WebAssembly and builds a stream per body);
 * on a 2-core machine that shares its cores with the gateway and the emulator, the client's cost
 * would be measured as the gateway's (autocannon hand-rolls its client for the same reason).
 *
 * It understands what the gateway sends: a status line, headers, and a body of Content-Length
 * bytes (or none). Anything else is an error, not a guess.
 */
import tls from "node:tls";

export interface Http1Response {
  status: number;
  body: string;
}

const HEADER_END = Buffer.from("\r\n\r\n");

export class Http1Client {
  private socket: tls.TLSSocket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Http1Response) => void; reject: (e: Error) => void } | undefined;
  private readonly host: string;
  private readonly port: number;
  /** the header lines every request carries, written once */
  private readonly fixed: string;

  constructor(
    origin: string,
    private readonly ca: string,
    headers: Record<string, string>,
  ) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port || 443);
    let fixed = ` HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(headers)) fixed += `${k}: ${v}\r\n`;
    this.fixed = fixed;
  }

  private connect(): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({ host: this.host, port: this.port, ca: this.ca, servername: this.host }, () =>
        resolve(s),
      );
      s.setNoDelay(true);
      s.on("data", (chunk: Buffer) => this.onData(chunk));
      s.once("error", (err) => {
        reject(err);
        this.fail(err);
      });
      s.once("close", () => {
        if (this.socket === s) this.socket = undefined;
        this.fail(new Error("connection closed"));
      });
    });
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err);
  }

  async request(method: string, path: string, body?: string): Promise<Http1Response> {
    if (this.waiting) throw new Error("one request at a time");
    this.socket ??= await this.connect();
    let head = `${method} ${path}${this.fixed}`;
    if (body !== undefined)
      head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    const p = new Promise<Http1Response>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    this.socket.write(`${head}\r\n${body ?? ""}`);
    return p;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m && /\r\ntransfer-encoding:/i.test(head)) {
      this.fail(new Error("chunked answers are not expected here"));
      return;
    }
    const length = m ? Number(m[1]) : 0;
    const total = end + 4 + length;
    if (this.buffered.length < total) return;
    const body = this.buffered.toString("utf8", end + 4, total);
    this.buffered = this.buffered.subarray(total);
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ status, body });
  }

  close(): void {
    this.socket?.end();
  }
}
