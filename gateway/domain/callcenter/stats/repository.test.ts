/**
 * The statistics repository on both backends: pg-mem, and a real PostgreSQL (private server or
 * DATABASE_URL; skipped loudly when there is none, failed under CI).
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { describeWithPostgres } from "../../../../test/support/store/describe-postgres.js";
import { openStore, type Store } from "../../../store/index.js";
import { StatsRepository } from "./repository.js";

const log = pino({ level: "silent" });

function suite(open: () => Promise<Store>) {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("keeps requesters, contexts and schedules, and deletes them in cascade", async () => {
    store = await open();
    const repo = new StatsRepository(store);
    const sup = { id: "sup", language: "FR" as const, timezone: "Europe/Paris", agents: ["10004", "10005"] };
    expect(await repo.createRequester(sup)).toBe(true);
    expect(await repo.createRequester(sup)).toBe(false);
    expect(await repo.requester("sup")).toEqual(sup);
    const filter = { agentFilter: { numbers: ["10004"], agentAttributes: ["ALL" as const] } };
    const a = await repo.createContext({ requesterId: "sup", label: "a", description: undefined, filter });
    const b = await repo.createContext({
      requesterId: "sup",
      label: undefined,
      description: "b",
      filter: {},
    });
    expect((await repo.contexts("sup")).map((c) => c.id)).toEqual([a.id, b.id]);
    expect(await repo.context("sup", a.id)).toEqual(a);
    expect(await repo.context("other", a.id)).toBeUndefined();
    await repo.updateContext({ ...a, label: "a2" });
    expect((await repo.context("sup", a.id))?.label).toBe("a2");

    const def = {
      description: "d",
      obsPeriod: { periodType: "lastDays" as const, lastNb: 2 },
      frequency: { periodicity: "daily" as const },
      recipients: ["x@y.z"],
      fileType: "xls" as const,
    };
    expect(await repo.createSchedule({ contextId: a.id, requesterId: "sup", name: "s", ...def })).toBe(true);
    expect(await repo.createSchedule({ contextId: a.id, requesterId: "sup", name: "s", ...def })).toBe(false);
    const at = Date.UTC(2026, 0, 2, 3, 4, 5);
    await repo.setState(a.id, "s", "Executed", at);
    await repo.setEnabled(a.id, "s", false);
    expect(await repo.schedule(a.id, "s")).toEqual({
      ...def,
      contextId: a.id,
      requesterId: "sup",
      name: "s",
      enabled: false,
      state: "Executed",
      lastExec: at,
    });
    expect(await repo.enabledSchedules()).toEqual([]);
    await repo.updateSchedule(a.id, "s", { ...def, fileType: "csv" });
    expect(await repo.schedule(a.id, "s")).toMatchObject({
      fileType: "csv",
      state: "Not_executed",
      lastExec: undefined,
    });
    expect([...(await repo.scheduledContexts("sup"))]).toEqual([a.id]);

    expect(await repo.deleteRequester("sup")).toBe(true);
    expect(await repo.contexts("sup")).toEqual([]);
    expect(await repo.schedules(a.id)).toEqual([]);
    expect(await repo.deleteRequester("sup")).toBe(false);
  });
}

describe("statistics repository [pg-mem]", () => {
  suite(() => openStore({ log }));
});

describeWithPostgres("statistics repository", (provider) => {
  suite(async () => openStore({ log, databaseUrl: await provider().isolated() }));
});
