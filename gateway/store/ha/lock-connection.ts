/**
 * The high-availability pair's arbiter is PostgreSQL: the active member is whoever holds one
 * session-level advisory lock, on a connection of its own (never the pool's: a pooled
 * connection handed back would keep, or lose, the lock behind our back). The lock lives exactly
 * as long as that server session, so a member killed by SIGKILL loses it the moment the kernel
 * closes its socket and the server's backend reads the end of the stream.
 *
 * The same connection tells who else is there: every member's lock connection carries the
 * pair's `application_name`, so the other member's presence is one look at pg_stat_activity
 * (the peer's liveness for OnRemoteServerLinkDown/Up, with no table or migration).
 */
import { createHash } from "node:crypto";
import pg from "pg";

/** The lock's first key: "O2G" in ASCII, so that the lock is recognisable in pg_locks. */
const LOCK_SPACE = 0x4f3247;

/** The second key: the pair's name hashed, so that several pairs may share one database. */
export function pairLockKey(pair: string): number {
  return createHash("sha256").update(pair).digest().readInt32BE(0);
}

export function pairApplicationName(pair: string): string {
  // PostgreSQL cuts application_name at 63 bytes: keep the name short and unambiguous.
  return `o2g-ha:${createHash("sha256").update(pair).digest("hex").slice(0, 16)}`;
}

export interface LockCheck {
  /** this connection still holds the pair's lock */
  held: boolean;
  /** other members of the pair connected to the database now */
  peers: number;
}

export interface LockConnectionOptions {
  url: string;
  pair: string;
  /** a query unanswered for this long fails (the connection is then thrown away) */
  timeoutMs: number;
  /** the connection failed or ended on its own (server gone, backend terminated, network error) */
  onLost: (reason: string) => void;
}

export class LockConnection {
  private lost = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly key: number,
    private readonly appName: string,
  ) {}

  static async open(opts: LockConnectionOptions): Promise<LockConnection> {
    const appName = pairApplicationName(opts.pair);
    const client = new pg.Client({
      connectionString: opts.url,
      application_name: appName,
      // Opening is not on the fencing clock (nothing is served before the lock is held): a busy
      // server forks a backend slowly, so this is generous where the query timeout is tight.
      connectionTimeoutMillis: Math.max(opts.timeoutMs * 10, 10_000),
      // Client side: a query that gets no answer (server gone, network cut) fails after this.
      query_timeout: opts.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      // Server side: on a network cut the server keeps our backend, and so the lock, until it
      // notices the dead peer. These settings bound that to ~10 s; they only delay the passive's
      // takeover, never make it unsafe (the active fences itself on its own heartbeat).
      options: "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=5",
    });
    const conn = new LockConnection(client, pairLockKey(opts.pair), appName);
    const lost = (reason: string) => {
      if (conn.lost) return;
      conn.lost = true;
      opts.onLost(reason);
    };
    // Unhandled, a pg client's 'error' kills the process.
    client.on("error", (err) => lost(err.message));
    client.on("end", () => lost("the lock connection ended"));
    try {
      await client.connect();
    } catch (err) {
      conn.lost = true;
      await client.end().catch(() => undefined);
      throw err;
    }
    return conn;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** Takes the pair's lock if nobody holds it; never waits for it. */
  async tryTake(): Promise<LockCheck> {
    const res = await this.client.query<{ got: boolean; peers: number }>(
      `SELECT pg_try_advisory_lock($1, $2) AS got, (${PEERS_SQL}) AS peers`,
      [LOCK_SPACE, this.key, this.appName],
    );
    const row = res.rows[0]!;
    return { held: row.got, peers: Number(row.peers) };
  }

  /**
   * The heartbeat: does this session still hold the lock? Asked of pg_locks rather than assumed,
   * so that whatever happened to the session (a reset, a terminated backend answering through a
   * proxy) the answer is the server's.
   */
  async check(): Promise<LockCheck> {
    const res = await this.client.query<{ held: boolean; peers: number }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
         AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2 AND granted) AS held,
       (${PEERS_SQL}) AS peers`,
      [LOCK_SPACE, this.key, this.appName],
    );
    const row = res.rows[0]!;
    return { held: row.held, peers: Number(row.peers) };
  }

  /** Ends the session (which releases the lock at the server); a dead connection is just dropped. */
  async close(): Promise<void> {
    this.lost = true;
    const ended = this.client.end().catch(() => undefined);
    // end() waits for the server's goodbye, which a cut network never sends.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1_000).unref())]);
  }
}

/** Members of the pair (their lock connections) other than this one. */
const PEERS_SQL = `SELECT count(*)::int FROM pg_stat_activity
  WHERE application_name = $3 AND datname = current_database() AND pid <> pg_backend_pid()`;
