/**
 * A display name gives fastify the name it found before by its search of the loaded modules: the
 * function's own (the services are ES modules, never in require.cache).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { guarded } from "./management-guard.js";
import { named } from "./named-plugin.js";

async function nameChains(
  register: (app: FastifyInstance, seen: string[]) => Promise<void>,
): Promise<string[]> {
  const app = Fastify();
  const seen: string[] = [];
  await register(app, seen);
  await app.ready();
  await app.close();
  return seen;
}

describe("named plugins", () => {
  it("get the name fastify gave them unnamed", async () => {
    const make = (seen: string[]) =>
      async function telephonyService(scope: FastifyInstance) {
        seen.push(scope.pluginName);
      };
    const unnamed = await nameChains(async (app, seen) => {
      await app.register(make(seen));
    });
    const withName = await nameChains(async (app, seen) => {
      await app.register(named(make(seen)));
    });
    expect(withName).toEqual(unnamed);
    expect(withName).toEqual(["telephonyService"]);
  });

  it("keep the guarded service's name", async () => {
    const seen = await nameChains(async (app, seen) => {
      await app.register(
        guarded(
          async function pbxManagementService(scope) {
            seen.push(scope.pluginName);
          },
          { service: "PBX management", adminOnly: true },
        ),
      );
    });
    expect(seen).toEqual(["pbxManagementService"]);
  });
});
