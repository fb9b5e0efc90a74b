/**
 * The per-request logger (`req.log`), made when a request first logs rather than when it arrives.
 * fastify gives every request a child of the gateway's logger bound to its request id; a pino
 * child costs an object, a copy of the parent's bindings and a serialized `{"reqId":...}` string,
 * and at thousands of requests a second almost none of them ever log (requests are not logged one
 * by one). This stands in for the child until a line is logged: then the real child is made, with
 * the same bindings and options fastify asked for, and every line, the first included, goes
 * through it, so a logged line reads exactly as before.
 */
import type { FastifyBaseLogger } from "fastify";

type Bindings = Parameters<FastifyBaseLogger["child"]>[0];
type ChildOptions = Parameters<FastifyBaseLogger["child"]>[1];
type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

class DeferredChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    if (!this.made) this.made = this.parent.child(this.bindings, this.options);
    return this.made;
  }

  get level(): string {
    // Reading the level logs nothing: the parent's answers unless the child has one of its own.
    return this.made?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.log.level = level;
  }

  private write(level: Level, args: unknown[]): void {
    (this.log[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write("fatal", args);
  }
  error(...args: unknown[]): void {
    this.write("error", args);
  }
  warn(...args: unknown[]): void {
    this.write("warn", args);
  }
  info(...args: unknown[]): void {
    this.write("info", args);
  }
  debug(...args: unknown[]): void {
    this.write("debug", args);
  }
  trace(...args: unknown[]): void {
    this.write("trace", args);
  }
  silent(..._args: unknown[]): void {}

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}

/** fastify's `childLoggerFactory`: each request's logger, made on its first line. */
export function deferredChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
): FastifyBaseLogger {
  return new DeferredChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
