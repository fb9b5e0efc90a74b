import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { ClientChannel } from "ssh2";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeAnalytics } from "../../analytics/index.js";
import { generateDirectory } from "../../directory/index.js";
import {
  type CommandOutput,
  EXIT_NOT_FOUND,
  EXIT_UNKNOWN,
  EXIT_USAGE,
  FILE_HEADER,
  INCIDENT_HEADER,
  runCommand,
  TICKET_HEADER,
} from "./commands.js";
import { hostKeyFor, publicKeyLine } from "./host-key.js";
import { SshNodeServer } from "./node-server.js";

const PASSWORD = "mtcl-Secret1";
const NOW = Date.UTC(2026, 10, 25, 10, 30);
const dir = generateDirectory({ users: 80, nodes: 2, seed: 9 });

function analytics(opts: Partial<ConstructorParameters<typeof NodeAnalytics>[0]> = {}) {
  return new NodeAnalytics({ nodeId: 1, seed: 9, directory: dir, now: NOW, ...opts });
}

/** Run a command line against a node without SSH, collecting what it writes. */
async function direct(a: NodeAnalytics, line: string) {
  const out: string[] = [];
  const err: string[] = [];
  const output: CommandOutput = {
    line: async (t) => {
      out.push(t);
    },
    flush: async () => {},
    error: (t) => err.push(t),
  };
  const status = await runCommand(line, {
    analytics: a,
    nodeId: 1,
    out: output,
    signal: new AbortController().signal,
  });
  return { out, err, status };
}

const records = (lines: string[]) => lines.filter((l) => !l.startsWith("#"));

describe("maintenance commands", () => {
  const a = analytics();

  it("incvisu lists incidents in the documented format", async () => {
    const r = await direct(a, "incvisu -n 5");
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe(INCIDENT_HEADER);
    expect(r.out.at(-1)).toBe("#END 5");
    const rows = records(r.out);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      const f = row.split("|");
      expect(f).toHaveLength(11);
      expect(f[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(f[1]).toBe("1");
      expect(f[2]).toMatch(/^[MS]$/);
      expect(f[3]).toMatch(/^[1-5]$/);
      expect(f[4]).toMatch(/^\d+$/);
    }
    const last = a.incidents.all().at(-1)!;
    expect(rows.at(-1)!.split("|")[4]).toBe(String(last.code));
  });

  it("incvisu filters by date and severity, and cleans text of separators", async () => {
    a.incidents.raise({ code: 7777, severity: 1, text: "bad|text\r\nhere", date: NOW + 1000 });
    const r = await direct(a, "incvisu -s 1 -f 2026-11-25T10:30:01");
    expect(records(r.out)).toEqual([`2026-11-25T10:30:01Z|1|M|1|7777|1|||||bad text  here`]);
    const day = await direct(a, "incvisu -f 20261124 -t 20261124");
    for (const row of records(day.out)) expect(row.startsWith("2026-11-24T")).toBe(true);
  });

  it("taxfiles lists hourly files of a range; taxdump dumps them or a filter", async () => {
    const files = await direct(a, "taxfiles -f 20261124 -t 20261124");
    expect(files.out[0]).toBe(FILE_HEADER);
    const rows = records(files.out).map((r) => r.split("|"));
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((f) => /^TAXACD_20261124_\d\d\.txt$/.test(f[0]!) && f[4] === "closed")).toBe(true);
    const [name, , , count] = rows[rows.length - 1]!;
    const dump = await direct(a, `taxdump ${name}`);
    expect(dump.out[0]).toBe(TICKET_HEADER);
    expect(dump.out[1]).toBe(`#FILE ${name}`);
    expect(records(dump.out)).toHaveLength(Number(count));
    expect(dump.out.at(-1)).toBe(`#END ${count}`);
    // 18 fields, then a business call's account code and the private-call mark.
    for (const row of records(dump.out)) expect(row.split("|")).toHaveLength(20);

    const filtered = await direct(a, "taxdump -f 2026-11-24T09:00 -t 2026-11-24T11:59:59 -n 3");
    const t = records(filtered.out);
    expect(t.length).toBeLessThanOrEqual(3);
    for (const row of t) expect(row.split("|")[1]).toMatch(/^2026-11-24T(09|10|11):/);
  });

  it("reports bad usage, unknown files and unknown commands with their exit status", async () => {
    expect((await direct(a, "taxdump TAXACD_19990101_00.txt")).status).toBe(EXIT_NOT_FOUND);
    const bad = await direct(a, "incvisu -f tomorrow");
    expect(bad.status).toBe(EXIT_USAGE);
    expect(bad.err.join("\n")).toMatch(/bad date.*\n.*usage: incvisu/);
    expect((await direct(a, "incvisu --bogus")).status).toBe(EXIT_USAGE);
    expect((await direct(a, "incvisu -n many")).status).toBe(EXIT_USAGE);
    expect((await direct(a, "rm -rf /")).status).toBe(EXIT_UNKNOWN);
    expect((await direct(a, 'incvisu "-n')).status).toBe(EXIT_USAGE);
    const help = await direct(a, "help");
    expect(help.out.map((l) => l.split(" ")[0])).toEqual([
      "incvisu",
      "taxfiles",
      "taxdump",
      "ccdfiles",
      "ccddump",
      "help",
      "exit",
    ]);
    expect((await direct(a, "")).status).toBe(0);
  });

  it("answers any command line with a status, never an exception", async () => {
    const word = fc.oneof(
      fc.constantFrom(
        "incvisu",
        "taxfiles",
        "taxdump",
        "ccdfiles",
        "ccddump",
        "help",
        "-n",
        "-f",
        "-t",
        "-s",
        "-F",
        "--to",
        "'",
        '"',
      ),
      fc.constantFrom("0", "5", "-1", "20261124", "2026-11-24T10:00", "99999999", "TAXACD_20261124_10.txt"),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { minLength: 1, maxLength: 6 }), async (words) => {
        const line = words.join(" ").replace(/-F/g, "-n");
        const r = await direct(a, line);
        expect([0, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_UNKNOWN]).toContain(r.status);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- over SSH ---------------------------------------------------------------------------

interface ExecResult {
  out: string;
  err: string;
  code: number | undefined;
}

function connect(
  port: number,
  password = PASSWORD,
  hostKey?: string,
): Promise<InstanceType<typeof ssh2.Client>> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on("ready", () => resolve(c));
    c.on("error", reject);
    c.connect({
      host: "127.0.0.1",
      port,
      username: "adfexc",
      password,
      // A handshake is key exchange: CPU. Five at once beside two other test files and a burner
      // took over 5 s; this bound only catches a server that never answers.
      readyTimeout: 25_000,
      hostVerifier: (key: Buffer) =>
        hostKey === undefined || key.toString("base64") === hostKey.split(" ")[1],
    });
  });
}

function collect(stream: ClientChannel): Promise<ExecResult> {
  return new Promise((resolve) => {
    const r: ExecResult = { out: "", err: "", code: undefined };
    stream.on("data", (d: Buffer) => {
      r.out += d.toString();
    });
    stream.stderr.on("data", (d: Buffer) => {
      r.err += d.toString();
    });
    stream.on("exit", (code: number) => {
      r.code = code;
    });
    stream.on("close", () => resolve(r));
  });
}

async function sshExec(port: number, command: string): Promise<ExecResult> {
  const c = await connect(port);
  try {
    return await new Promise((resolve, reject) =>
      c.exec(command, (err, stream) => (err ? reject(err) : resolve(collect(stream)))),
    );
  } finally {
    c.end();
  }
}

describe("SshNodeServer", () => {
  const a = analytics({ ticketsPerDay: 800 });
  let server: SshNodeServer;
  let port: number;

  beforeAll(async () => {
    server = new SshNodeServer(a, {
      nodeId: 1,
      host: "127.0.0.1",
      port: 0,
      login: "adfexc",
      password: PASSWORD,
    });
    port = await server.listen();
  });
  afterAll(() => server.close());

  it("runs a command on an exec channel, with the node's pinned host key", async () => {
    const c = await connect(port, PASSWORD, server.hostPublicKey);
    const r = await new Promise<ExecResult>((resolve, reject) =>
      c.exec("incvisu -n 3", (err, s) => (err ? reject(err) : resolve(collect(s)))),
    );
    c.end();
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe(INCIDENT_HEADER);
    expect(lines.slice(1, 4).every((l) => l.split("|").length === 11)).toBe(true);
    expect(lines[4]).toBe("#END 3");
    expect(lines[5]).toBe("");
  });

  it("rejects a wrong password, or another account", async () => {
    await expect(connect(port, "wrong")).rejects.toThrow(/authentication/i);
    await expect(
      new Promise((resolve, reject) => {
        const c = new ssh2.Client();
        c.on("ready", () => resolve(c));
        c.on("error", reject);
        c.connect({ host: "127.0.0.1", port, username: "root", password: PASSWORD, readyTimeout: 25_000 });
      }),
    ).rejects.toThrow(/authentication/i);
  });

  it("serves several sessions at once and streams large answers whole", async () => {
    const runs = await Promise.all([
      sshExec(port, "taxdump"),
      sshExec(port, "taxdump"),
      sshExec(port, "incvisu"),
      sshExec(port, "taxfiles"),
      sshExec(port, "bogus"),
    ]);
    const [d1, d2, inc, files, bogus] = runs;
    expect(d1!.out).toBe(d2!.out);
    const lines = d1!.out.trimEnd().split("\n");
    const n = records(lines).length;
    expect(n).toBeGreaterThan(5000);
    expect(lines.at(-1)).toBe(`#END ${n}`);
    const total = records(files!.out.trimEnd().split("\n")).reduce((s, l) => s + Number(l.split("|")[3]), 0);
    expect(total).toBe(n);
    expect(inc!.code).toBe(0);
    expect(bogus!.code).toBe(EXIT_UNKNOWN);
    expect(bogus!.err).toMatch(/bogus: command not found/);
  });

  it("follows new incidents with incvisu -F until the channel closes", async () => {
    const c = await connect(port);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      c.exec("incvisu -F -n 0", (err, s) => (err ? reject(err) : resolve(s))),
    );
    let out = "";
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (re.test(out)) {
            stream.off("data", onData);
            resolve();
          }
        };
        const onData = (d: Buffer) => {
          out += d.toString();
          check();
        };
        stream.on("data", onData);
        check();
      });
    await waitFor(/#LIVE\n/);
    a.incidents.raise({ code: 2018, rack: 1, board: 8 });
    await waitFor(/\|2018\|1\|1\|8\|\|\|Coupler out of service\n/);
    const closed = new Promise((r) => stream.on("close", r));
    stream.close();
    await closed;
    c.end();
    expect(out.split("\n")[1]).toBe("#END 0");
  });

  it("runs an interactive shell with a terminal: prompt, echo, editing, exit", async () => {
    const c = await connect(port);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      c.shell({ term: "vt100", rows: 24, cols: 80 }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const result = collect(stream);
    let out = "";
    stream.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const prompts = (n: number) =>
      new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (out.split("(1)oxe> ").length > n) {
            clearInterval(t);
            resolve();
          }
        }, 5);
      });
    await prompts(1);
    stream.write("incvx\x7fisu -n 1\r");
    await prompts(2);
    stream.write("\x1b[Ahelp taxdump\r");
    await prompts(3);
    stream.write("exit\r");
    const r = await result;
    c.end();
    expect(r.code).toBe(0);
    expect(out).toContain("incvx\b \bisu -n 1\r\n#date|");
    expect(out).toMatch(/\r\n#END 1\r\n\(1\)oxe> /);
    expect(out).toContain("taxdump [-f FROM] [-t TO] [-n TOP] [FILE...]\r\n");
  });

  it("reads commands from a shell without a terminal, writing only their output", async () => {
    const c = await connect(port);
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      c.shell(false, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const result = collect(stream);
    stream.end("incvisu -n 1\nnope\ntaxfiles -f 20261125\n");
    const r = await result;
    c.end();
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(INCIDENT_HEADER);
    expect(lines[2]).toBe("#END 1");
    expect(lines[3]).toBe(FILE_HEADER);
    expect(lines.at(-1)).toMatch(/^#END \d+$/);
    expect(r.err).toMatch(/nope: command not found/);
    expect(r.code).toBe(0);
  });

  it("keeps the node's host key across restarts, and drops sessions on a fault", async () => {
    const before = server.hostPublicKey;
    const again = new SshNodeServer(a, {
      nodeId: 1,
      host: "127.0.0.1",
      port: 0,
      login: "adfexc",
      password: "x",
    });
    expect(again.hostPublicKey).toBe(before);
    const c = await connect(port);
    const closed = new Promise<void>((r) => c.on("close", () => r()));
    server.dropLinks();
    await closed;
    server.faults.refuseUntil = Date.now() + 60_000;
    await expect(connect(port)).rejects.toThrow();
    server.faults.refuseUntil = 0;
    expect((await sshExec(port, "help")).code).toBe(0);
  });

  it("keeps a made host key in a directory when given one", () => {
    const d = mkdtempSync(join(tmpdir(), "oxe-ssh-"));
    try {
      const k = hostKeyFor(42, d);
      expect(existsSync(join(d, "ssh_host_ed25519_key.node42"))).toBe(true);
      expect(hostKeyFor(42, d)).toBe(k);
      expect(readFileSync(join(d, "ssh_host_ed25519_key.node42"), "utf8")).toBe(k);
      expect(publicKeyLine(k)).toMatch(/^ssh-ed25519 AAAA[0-9A-Za-z+/=]+$/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

// ---- with the system's OpenSSH client --------------------------------------------------

const hasSsh = existsSync("/usr/bin/ssh");

describe.skipIf(!hasSsh)("OpenSSH client", () => {
  const a = analytics();
  let server: SshNodeServer;
  let port: number;
  let work: string;

  beforeAll(async () => {
    server = new SshNodeServer(a, {
      nodeId: 1,
      host: "127.0.0.1",
      port: 0,
      login: "adfexc",
      password: PASSWORD,
    });
    port = await server.listen();
    work = mkdtempSync(join(tmpdir(), "oxe-openssh-"));
    // The password goes in through SSH_ASKPASS (forced, OpenSSH 8.4+): no sshpass needed.
    writeFileSync(join(work, "askpass.sh"), `#!/bin/sh\nprintf '%s\\n' "$OXE_TEST_PASSWORD"\n`, {
      mode: 0o700,
    });
    writeFileSync(join(work, "known_hosts"), `[127.0.0.1]:${port} ${server.hostPublicKey}\n`);
  });
  afterAll(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  const openssh = (password: string, ...command: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        "ssh",
        [
          "-F",
          "/dev/null",
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          `UserKnownHostsFile=${join(work, "known_hosts")}`,
          "-o",
          "LogLevel=ERROR",
          "-o",
          "PubkeyAuthentication=no",
          "-o",
          "NumberOfPasswordPrompts=1",
          "-o",
          "ConnectTimeout=5",
          "-p",
          String(port),
          "adfexc@127.0.0.1",
          ...command,
        ],
        {
          timeout: 10_000,
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: work,
            SSH_ASKPASS: join(work, "askpass.sh"),
            SSH_ASKPASS_REQUIRE: "force",
            OXE_TEST_PASSWORD: password,
          },
        },
        (err, out, errOut) => {
          const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
          resolve({ code, out: String(out), err: String(errOut) });
        },
      ).stdin?.end();
    });

  it("logs in with the password, checks the host key, and runs commands", async () => {
    const r = await openssh(PASSWORD, "incvisu", "-n", "3");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe(INCIDENT_HEADER);
    expect(lines.at(-1)).toBe("#END 3");
    const status = await openssh(PASSWORD, "taxdump", "NO_SUCH_FILE");
    expect(status.code).toBe(EXIT_NOT_FOUND);
  });

  it("is refused with a wrong password", async () => {
    const r = await openssh("not-the-password", "incvisu");
    expect(r.code).toBe(255);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/Permission denied/);
  });
});

describe("host keys", () => {
  it("are always readable by ssh2 (its ed25519 generator is not)", async () => {
    const { hostKeyFor } = await import("./host-key.js");
    const ssh2 = (await import("ssh2")).default;
    for (let node = 1000; node < 1400; node++)
      expect(ssh2.utils.parseKey(hostKeyFor(node))).not.toBeInstanceOf(Error);
  });
});
