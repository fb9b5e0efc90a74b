import { describe } from "vitest";
import { createMemoryDatabase } from "./memory.js";
import { freshFrom, storeSuite } from "./store.suite.js";

describe("store on pg-mem", () => {
  storeSuite(() => ({
    fresh: async () => freshFrom({ memory: createMemoryDatabase() }),
  }));
});
