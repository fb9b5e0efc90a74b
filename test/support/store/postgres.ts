/**
 * A throw-away PostgreSQL server for tests: initdb into a temporary directory, start on
 * 127.0.0.1 with a free port and a unix socket inside that directory, stop and delete on `stop()`
 * (and at process exit if a test forgot).
 *
 * initdb and postgres refuse to run as root. Under root (CI containers, this workplace) the
 * server runs as an unprivileged account (`postgres`, else `nobody`) through whichever of
 * runuser, setpriv or su works here; the temporary directory is given to that account.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface PostgresBinaries {
  dir: string;
  initdb: string;
  pgCtl: string;
}

/** Where distributions put the server binaries when they are not on PATH. */
export const DEFAULT_POSTGRES_ROOTS = ["/usr/local/bin", "/usr/local/pgsql/bin", "/usr/lib/postgresql"];

/**
 * PATH, then `roots`: a directory holding the binaries, or Debian's
 * /usr/lib/postgresql/<version>/bin layout (newest version first). `PG_BIN`, when set, is the
 * only place looked at (`PG_BIN=/nonexistent` shows how the tests behave without PostgreSQL).
 */
export function findPostgresBinaries(
  env: NodeJS.ProcessEnv = process.env,
  roots: readonly string[] = DEFAULT_POSTGRES_ROOTS,
): PostgresBinaries | null {
  const dirs: string[] = [];
  if (env.PG_BIN) {
    dirs.push(env.PG_BIN);
    roots = [];
  } else {
    for (const d of (env.PATH ?? "").split(path.delimiter)) if (d) dirs.push(d);
  }
  for (const root of roots) {
    dirs.push(root);
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(path.join(root, v, "bin"));
  }
  for (const dir of dirs) {
    const initdb = path.join(dir, "initdb");
    const pgCtl = path.join(dir, "pg_ctl");
    if (existsSync(initdb) && existsSync(pgCtl)) return { dir, initdb, pgCtl };
  }
  return null;
}

/** How to run a command as the unprivileged account, when we are root. */
interface Runner {
  user: string;
  uid: number;
  gid: number;
  wrap(cmd: string, args: string[]): [string, string[]];
}

function lookupAccount(user: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(
      execFileSync("id", ["-u", user], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim(),
    );
    const gid = Number(
      execFileSync("id", ["-g", user], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim(),
    );
    return Number.isInteger(uid) && uid > 0 ? { uid, gid } : null;
  } catch {
    return null;
  }
}

let runnerCache: Runner | null | undefined;

/**
 * Null when not root (run directly). Throws when root and no way to drop privileges works.
 * `PG_RUNNER=su` (or setpriv, runuser; comma-separated) restricts and orders the ways tried.
 */
function findRunner(): Runner | null {
  if (runnerCache !== undefined) return runnerCache;
  if (process.getuid?.() !== 0) {
    runnerCache = null;
    return null;
  }
  const tried: string[] = [];
  for (const user of ["postgres", "nobody"]) {
    const acct = lookupAccount(user);
    if (!acct) {
      tried.push(`no account ${user}`);
      continue;
    }
    const candidates: Array<[string, (cmd: string, args: string[]) => [string, string[]]]> = [
      ["runuser", (cmd, args) => ["runuser", ["-u", user, "--", cmd, ...args]]],
      [
        "setpriv",
        (cmd, args) => [
          "setpriv",
          [`--reuid=${acct.uid}`, `--regid=${acct.gid}`, "--clear-groups", "--", cmd, ...args],
        ],
      ],
      // su runs a shell: the command and its arguments reach it as positional parameters,
      // never parsed by a shell; `--` stops su from reading them as its own options.
      ["su", (cmd, args) => ["su", ["-s", "/bin/sh", "-c", 'exec "$0" "$@"', user, "--", cmd, ...args]]],
    ];
    const wanted = process.env.PG_RUNNER?.split(",").map((x) => x.trim());
    const ordered = wanted ? wanted.flatMap((w) => candidates.filter(([n]) => n === w)) : candidates;
    for (const [name, wrap] of ordered) {
      const [c, a] = wrap("id", ["-u"]);
      const res = spawnSync(c, a, { stdio: ["ignore", "pipe", "pipe"], timeout: 5_000 });
      if (res.status === 0 && res.stdout.toString().trim() === String(acct.uid)) {
        runnerCache = { user, ...acct, wrap };
        return runnerCache;
      }
      tried.push(
        `${name} as ${user}: ${res.error?.message ?? res.stderr.toString().trim() ?? `exit ${res.status}`}`,
      );
    }
  }
  throw new Error(
    `running as root and cannot run PostgreSQL as an unprivileged user (initdb refuses root): ${tried.join("; ")}`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(
  runner: Runner | null,
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs = 60_000,
): Promise<{ code: number | null; out: string }> {
  const [c, a] = runner ? runner.wrap(cmd, args) : [cmd, args];
  return new Promise((resolve, reject) => {
    let out = "";
    let child: ChildProcess;
    try {
      // LC_ALL=C: initdb picks its locale from the environment and fails on one not installed.
      child = spawn(c, a, {
        cwd,
        env: { ...process.env, LC_ALL: "C", LANG: "C" },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'exit', not 'close': pg_ctl leaves a daemon behind that must not hold us up.
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/**
 * A cluster fresh from initdb, made once per machine and binaries and copied for every server:
 * initdb is 4-5 s of a loaded 2-core machine's time, a copy of its result some 50 ms, and the
 * suite starts a server in half a dozen files. Made under a temporary name and renamed, so that
 * test files starting servers at once never see half of one; keyed by the binaries' directory
 * and initdb's mtime, so that an upgraded PostgreSQL gets its own.
 */
async function initdbTemplate(
  bin: PostgresBinaries,
  runner: Runner | null,
  base: string,
): Promise<{ code: number | null; out: string; dataDir?: string }> {
  const key = createHash("sha256")
    .update(`${bin.dir}\0${statSync(bin.initdb).mtimeMs}\0${runner?.uid ?? process.getuid?.() ?? ""}`)
    .digest("hex")
    .slice(0, 16);
  const home = path.join(base, `o2g-pg-template-${key}`);
  const ready = path.join(home, "data", "PG_VERSION");
  if (existsSync(ready)) return { code: 0, out: "", dataDir: path.join(home, "data") };
  const work = mkdtempSync(`${home}.tmp-`);
  if (runner) chownSync(work, runner.uid, runner.gid);
  chmodSync(work, 0o700);
  const init = await run(
    runner,
    bin.initdb,
    ["-D", path.join(work, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"],
    work,
  );
  if (init.code !== 0) {
    rmSync(work, { recursive: true, force: true });
    return init;
  }
  try {
    renameSync(work, home);
  } catch {
    // Another test file made it first: use theirs.
    rmSync(work, { recursive: true, force: true });
  }
  return { code: 0, out: "", dataDir: path.join(home, "data") };
}

export interface PostgresServer {
  /** superuser URL of the `postgres` database */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly socketDir: string;
  /** the account the server runs as (root drops to it) */
  readonly user: string;
  /** creates a database and returns its URL */
  createDatabase(name?: string): Promise<string>;
  /** stops (fast shutdown, data kept) and starts again on the same port */
  restart(): Promise<void>;
  /** stops and deletes everything; idempotent */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  binaries?: PostgresBinaries;
  /** extra `-c name=value` server settings (values without spaces: pg_ctl splits its -o on them) */
  settings?: Record<string, string>;
}

/** Starts a private server: a copy of the initdb template, then pg_ctl start. */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = opts.binaries ?? findPostgresBinaries();
  if (!bin)
    throw new Error("PostgreSQL binaries (initdb, pg_ctl) not found; set PG_BIN or install postgresql");
  const runner = findRunner();
  // A unix socket path must fit in 107 bytes: a long TMPDIR (macOS) gets /tmp instead.
  const base = os.tmpdir().length > 60 && existsSync("/tmp") ? "/tmp" : os.tmpdir();
  let dir = mkdtempSync(path.join(base, "o2g-pg-"));
  if (runner) {
    // The account must reach the directory; a private TMPDIR (e.g. under /root) it cannot.
    chownSync(dir, runner.uid, runner.gid);
    if (spawnSync(...runner.wrap("test", ["-w", dir])).status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync("/tmp/o2g-pg-");
      chownSync(dir, runner.uid, runner.gid);
    }
  }
  chmodSync(dir, 0o700);
  const dataDir = path.join(dir, "data");
  const socketDir = path.join(dir, "sock");
  const logFile = path.join(dir, "server.log");
  mkdirSync(socketDir);
  if (runner) chownSync(socketDir, runner.uid, runner.gid);
  const user = runner?.user ?? os.userInfo().username;

  const asUser = (cmd: string, args: string[]): [string, string[]] =>
    runner ? runner.wrap(cmd, args) : [cmd, args];
  // A test that dies without stop() must not leave a server running.
  const cleanupAtExit = () => {
    spawnSync(...asUser(bin.pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]), { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", cleanupAtExit);

  const readLog = (): string => {
    try {
      return readFileSync(logFile, "utf8").slice(-2000);
    } catch {
      return "";
    }
  };

  const fail = async (what: string, out: string): Promise<never> => {
    const serverLog = readLog();
    await stopNow();
    throw new Error(
      `PostgreSQL ${what} failed:\n${out.trim()}${serverLog ? `\n--- server log ---\n${serverLog}` : ""}`,
    );
  };

  let running = false;
  let port = 0;
  const pgCtl = (args: string[], timeoutMs?: number) =>
    run(runner, bin.pgCtl, ["-D", dataDir, ...args], dir, timeoutMs);

  const startServer = async (): Promise<{ ok: boolean; out: string }> => {
    const settings: Record<string, string> = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: socketDir,
      // A test server: losing it in a power cut is fine, waiting on fsync is not.
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      max_connections: "50",
      ...opts.settings,
    };
    const serverOpts = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
    const res = await pgCtl(["-l", logFile, "-w", "-t", "30", "-o", serverOpts, "start"], 40_000);
    if (res.code === 0) running = true;
    return { ok: res.code === 0, out: res.out };
  };

  const stopNow = async (): Promise<void> => {
    // postmaster.pid, not `running`: a start that timed out may still have left a server up.
    if (running || existsSync(path.join(dataDir, "postmaster.pid"))) {
      running = false;
      await pgCtl(["-m", "immediate", "-w", "stop"]).catch(() => undefined);
    }
    process.removeListener("exit", cleanupAtExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const template = await initdbTemplate(bin, runner, base);
  if (template.code !== 0 || !template.dataDir) await fail("initdb", template.out);
  // cp -a keeps the owner (the unprivileged account) and the 0700 PostgreSQL insists on.
  const copy = spawnSync("cp", ["-a", template.dataDir as string, dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (copy.status !== 0)
    await fail("copy of the initdb template", copy.stderr?.toString() ?? `exit ${copy.status}`);

  // The free port may be taken between our probe and the server's bind: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const res = await startServer();
    if (res.ok) break;
    if (attempt < 3 && /already in use|could not bind/i.test(res.out + readLog())) continue;
    await fail("start", res.out);
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    dir,
    socketDir,
    user,
    async createDatabase(name = `o2g_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async restart() {
      const res = await pgCtl(["-m", "fast", "-w", "stop"]);
      if (res.code !== 0) await fail("stop", res.out);
      running = false;
      const started = await startServer();
      if (!started.ok) await fail("restart", started.out);
    },
    stop() {
      stopped ??= stopNow();
      return stopped;
    },
  };
}

/** Where a PostgreSQL test suite can run. */
export type PostgresTarget =
  | { kind: "local"; label: string; binaries: PostgresBinaries }
  | { kind: "url"; label: string; url: string };

export interface PostgresPlan {
  targets: PostgresTarget[];
  /** why there is no target (empty when there is one) */
  reason: string;
  /** no target and running in CI: the suite must fail, never pass by skipping */
  mustFail: boolean;
}

/**
 * A private server whenever the binaries are here, and the server of DATABASE_URL too when it is
 * set (each test then gets its own database, or schema, on it).
 */
export function planPostgresTests(
  env: NodeJS.ProcessEnv = process.env,
  roots: readonly string[] = DEFAULT_POSTGRES_ROOTS,
): PostgresPlan {
  const targets: PostgresTarget[] = [];
  const binaries = findPostgresBinaries(env, roots);
  if (binaries)
    targets.push({ kind: "local", label: `PostgreSQL (private server, ${binaries.dir})`, binaries });
  if (env.DATABASE_URL)
    targets.push({ kind: "url", label: "PostgreSQL (DATABASE_URL)", url: env.DATABASE_URL });
  const reason =
    targets.length > 0
      ? ""
      : `no PostgreSQL to test against: no initdb/pg_ctl (${env.PG_BIN ? `in PG_BIN=${env.PG_BIN}` : "on PATH nor in /usr/lib/postgresql/<version>/bin"}) and no DATABASE_URL; install the postgresql package (Debian: apt-get install postgresql)`;
  return { targets, reason, mustFail: targets.length === 0 && Boolean(env.CI) };
}

/** A server to create test databases on, and the way to give it back. */
export interface PostgresProvider {
  readonly label: string;
  /** the private server, for a local target (absent for DATABASE_URL) */
  readonly server?: PostgresServer;
  /**
   * A fresh, empty place for one test: a new schema, first on the search path of the URL
   * returned. About 1 ms, against ~170 ms for CREATE DATABASE: the choice for per-test isolation.
   */
  isolated(): Promise<string>;
  /** a new empty database (a new schema if the account may not create databases) */
  createDatabase(): Promise<string>;
  /** drops what was made; stops a private server */
  dispose(): Promise<void>;
}

const testName = () => `o2g_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  return u.toString();
}

async function asAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function providePostgres(target: PostgresTarget): Promise<PostgresProvider> {
  const server = target.kind === "local" ? await startPostgres({ binaries: target.binaries }) : undefined;
  const baseUrl = server?.url ?? (target as { url: string }).url;
  const made: Array<{ kind: "database" | "schema"; name: string }> = [];
  const isolated = async () => {
    const name = testName();
    await asAdmin(baseUrl, (c) => c.query(`CREATE SCHEMA ${name}`));
    made.push({ kind: "schema", name });
    return withSearchPath(baseUrl, name);
  };
  return {
    label: target.label,
    server,
    isolated,
    async createDatabase() {
      const name = testName();
      try {
        await asAdmin(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
        made.push({ kind: "database", name });
        return withDatabase(baseUrl, name);
      } catch (err) {
        // Not allowed to create databases: a schema first on the search path isolates as well.
        if ((err as { code?: string }).code !== "42501") throw err;
        return isolated();
      }
    },
    async dispose() {
      if (server) {
        made.length = 0;
        await server.stop();
        return;
      }
      for (const m of made.splice(0)) {
        const sql =
          m.kind === "database"
            ? `DROP DATABASE IF EXISTS ${m.name}`
            : `DROP SCHEMA IF EXISTS ${m.name} CASCADE`;
        await asAdmin(baseUrl, (c) => c.query(sql)).catch(() => undefined);
      }
    },
  };
}
