/**
 * One call to an XML application's HTTPS server, as O2G makes it for a set: TLS checked against
 * the configured trust store (as the WSS agent checks its application), bounded in time and in
 * size, no redirect followed (a page that moved is reported, rather than the gateway being led
 * to another host the set never named).
 */
import https from "node:https";

export interface PageFetch {
  url: URL;
  method: "GET" | "POST";
  /** GET: added to the query; POST: the urlencoded body */
  form?: Record<string, string>;
  /** who asks: the application tells its users apart by these */
  headers: Record<string, string>;
}

export interface FetchedPage {
  status: number;
  contentType: string;
  body: string;
}

export class PageFetchError extends Error {
  override readonly name = "PageFetchError";
}

export interface FetchLimits {
  ca: string | undefined;
  timeoutMs: number;
  maxBytes: number;
}

export function fetchPage(req: PageFetch, limits: FetchLimits): Promise<FetchedPage> {
  const url = new URL(req.url);
  const form = new URLSearchParams(req.form ?? {});
  let body: string | undefined;
  if (req.method === "GET") for (const [k, v] of form) url.searchParams.append(k, v);
  else body = form.toString();
  return new Promise((resolve, reject) => {
    const r = https.request(
      url,
      {
        method: req.method,
        ...(limits.ca ? { ca: limits.ca } : {}),
        minVersion: "TLSv1.2",
        timeout: limits.timeoutMs,
        headers: {
          accept: "application/xml, text/xml",
          "user-agent": "o2g-testbench XML PRS",
          ...req.headers,
          ...(body !== undefined
            ? {
                "content-type": "application/x-www-form-urlencoded",
                "content-length": Buffer.byteLength(body),
              }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > limits.maxBytes) {
            res.destroy();
            reject(new PageFetchError(`the page is over ${limits.maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", (err) => reject(new PageFetchError(err.message)));
      },
    );
    const deadline = setTimeout(
      () => r.destroy(new PageFetchError(`no answer within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    deadline.unref();
    r.on("close", () => clearTimeout(deadline));
    r.on("timeout", () => r.destroy(new PageFetchError(`no answer within ${limits.timeoutMs} ms`)));
    r.on("error", (err) => reject(err instanceof PageFetchError ? err : new PageFetchError(err.message)));
    r.end(body);
  });
}
