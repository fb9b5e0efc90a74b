/**
 * The process's last resort. A gateway serves every user of every node from one process: an
 * error that escapes every handler (a bug in a link's callback, a library's timer) must cost
 * the request or the link it came from, not every session and subscription of the process, so
 * it is logged with its stack and the process goes on serving. Node's default (print and exit)
 * is what a batch job wants; a server that clients re-log in to after a restart is worse off.
 *
 * Installed by the programs that own the process (gateway CLI, sandbox, bench workers), never by
 * `startGateway`: a library must not change how its host process dies.
 */
export interface LastResortLog {
  error(obj: { err: unknown; count: number }, msg: string): void;
}

export interface LastResort {
  /** errors caught so far: a health figure, and what the tests read */
  readonly caught: number;
  uninstall(): void;
}

export function installLastResort(log: LastResortLog, proc: NodeJS.Process = process): LastResort {
  let caught = 0;
  const onError = (kind: string) => (err: unknown) => {
    caught++;
    log.error({ err, count: caught }, `${kind} kept from stopping the gateway: ${describe(err)}`);
  };
  const onException = onError("uncaught exception");
  const onRejection = onError("unhandled rejection");
  proc.on("uncaughtException", onException);
  proc.on("unhandledRejection", onRejection);
  return {
    get caught() {
      return caught;
    },
    uninstall() {
      proc.off("uncaughtException", onException);
      proc.off("unhandledRejection", onRejection);
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
