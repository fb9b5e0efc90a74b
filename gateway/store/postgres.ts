/** PostgreSQL through node-postgres: a pool for plain queries, one pooled client per transaction. */
import pg from "pg";
import type { Database, Queryable, Row, SqlResult, SqlValue, StoreLogger } from "./sql.js";

const INT8_OID = 20;

/**
 * `pg` returns bigint (and count(*)) as strings to stay exact beyond 2^53; our bigints are record
 * ids and counts, far below that, and pg-mem returns numbers: parse them so both backends agree.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== "binary"
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
};

export interface PostgresOptions {
  url: string;
  log: StoreLogger;
  poolSize?: number;
}

/** The URL with its password masked, for logs. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "*****";
    return u.toString();
  } catch {
    return "(unparsable database URL)";
  }
}

class PgQueryable implements Queryable {
  constructor(private readonly target: pg.Pool | pg.PoolClient) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<R>> {
    const res = await this.target.query<R>(sql, params as SqlValue[]);
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  }
}

export async function openPostgres(opts: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    types,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server goes away emits 'error' on the pool; unhandled, it kills the process.
  pool.on("error", (err) => opts.log.warn({ err: err.message }, "store: idle PostgreSQL connection lost"));
  const direct = new PgQueryable(pool);
  try {
    await direct.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`store: cannot reach PostgreSQL at ${maskUrl(opts.url)}: ${(err as Error).message}`);
  }
  let closed = false;
  return {
    backend: "postgres",
    query: (sql, params) => direct.query(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const out = await fn(new PgQueryable(client));
        await client.query("COMMIT");
        return out;
      } catch (err) {
        await client.query("ROLLBACK").catch((e: Error) => {
          broken = e;
        });
        throw err;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
