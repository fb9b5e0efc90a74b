/**
 * Vitest wrapper for suites that need a real PostgreSQL: one describe block per target of
 * `planPostgresTests` (private server, DATABASE_URL), started before and disposed after.
 * With no PostgreSQL at all it never passes silently: it fails under CI and is skipped with a
 * warning elsewhere.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { type PostgresProvider, planPostgresTests, providePostgres } from "./postgres.js";

export function describeWithPostgres(
  title: string,
  body: (provider: () => PostgresProvider) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const plan = planPostgresTests(env);
  if (plan.targets.length === 0) {
    if (plan.mustFail) {
      describe(title, () => {
        it("has a PostgreSQL to run against", () => {
          throw new Error(`${plan.reason}. CI is set: failing rather than skipping.`);
        });
      });
      return;
    }
    const line = "!".repeat(100);
    console.warn(`\n${line}\n!! SKIPPED "${title}": ${plan.reason}\n${line}\n`);
    describe.skip(title, () => {
      it("needs PostgreSQL", () => undefined);
    });
    return;
  }
  for (const target of plan.targets) {
    describe(`${title} [${target.label}]`, () => {
      let provider: PostgresProvider | undefined;
      beforeAll(async () => {
        provider = await providePostgres(target);
      }, 60_000);
      afterAll(async () => {
        await provider?.dispose();
      }, 30_000);
      body(() => {
        if (!provider) throw new Error("PostgreSQL is not up (see the beforeAll error)");
        return provider;
      });
    });
  }
}
