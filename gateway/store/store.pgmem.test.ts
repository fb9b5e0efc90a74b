import { describe } from "vitest";
import { freshFrom, storeSuite } from "../../test/support/store/store.suite.js";
import { createMemoryDatabase } from "./memory.js";

describe("store on pg-mem", () => {
  storeSuite(() => ({
    fresh: async () => freshFrom({ memory: createMemoryDatabase() }),
  }));
});
