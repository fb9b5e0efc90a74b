import pg from "pg";
import { describe, expect, it } from "vitest";
import { openStore } from "../../../gateway/store/store.js";
import { describeWithPostgres } from "./describe-postgres.js";
import { planPostgresTests, providePostgres } from "./postgres.js";
import { call, silentLog } from "./store.suite.js";

describe("planPostgresTests", () => {
  const none = { PATH: "" };
  it("fails under CI when there is no PostgreSQL at all, and only then", () => {
    expect(planPostgresTests({ ...none, CI: "true" }, [])).toMatchObject({ targets: [], mustFail: true });
    const local = planPostgresTests(none, []);
    expect(local).toMatchObject({ targets: [], mustFail: false });
    expect(local.reason).toMatch(/initdb/);
  });

  it("uses DATABASE_URL when it is set", () => {
    const plan = planPostgresTests({ ...none, CI: "true", DATABASE_URL: "postgres://x@h/db" }, []);
    expect(plan.mustFail).toBe(false);
    expect(plan.targets).toEqual([
      { kind: "url", label: "PostgreSQL (DATABASE_URL)", url: "postgres://x@h/db" },
    ]);
  });
});

// The private server only: these tests restart it and create roles on it.
describeWithPostgres(
  "private PostgreSQL server",
  (provider) => {
    it("keeps committed records across a server restart", async () => {
      const server = provider().server!;
      const url = await provider().createDatabase();
      const store = await openStore({ databaseUrl: url, log: silentLog });
      const rec = await store.comlog.add(call("u", "v"));
      await store.close();
      await server.restart();
      const again = await openStore({ databaseUrl: url, log: silentLog });
      try {
        expect(await again.comlog.get("u", rec.recordId)).toEqual(rec);
      } finally {
        await again.close();
      }
    });

    it("gives a DATABASE_URL account that may not create databases a schema of its own", async () => {
      const server = provider().server!;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query("CREATE ROLE limited LOGIN NOCREATEDB");
        await admin.query("CREATE DATABASE limited_db OWNER limited");
      } finally {
        await admin.end();
      }
      const limitedUrl = `postgres://limited@127.0.0.1:${server.port}/limited_db`;
      const onUrl = await providePostgres({ kind: "url", label: "limited", url: limitedUrl });
      const url = await onUrl.createDatabase();
      expect(url).toContain("search_path");
      const store = await openStore({ databaseUrl: url, log: silentLog });
      try {
        const schema = await store.query<{ s: string }>("SELECT current_schema() AS s");
        expect(schema.rows[0]!.s).toMatch(/^o2g_test_/);
        await store.comlog.add(call("u", "v"));
        expect((await store.comlog.query("u")).totalCount).toBe(1);
      } finally {
        await store.close();
        await onUrl.dispose();
      }
      const check = new pg.Client({ connectionString: limitedUrl });
      await check.connect();
      const left = await check.query(
        "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'o2g_test_%'",
      );
      await check.end();
      expect(left.rows[0].n).toBe(0);
    });

    it("reports an unreachable server clearly, password masked", async () => {
      await expect(
        openStore({ databaseUrl: "postgres://u:secret@127.0.0.1:1/db", log: silentLog }),
      ).rejects.toThrow(/cannot reach PostgreSQL at postgres:\/\/u:\*\*\*\*\*@127\.0\.0\.1:1\/db/);
    });
  },
  { ...process.env, DATABASE_URL: "" },
);
