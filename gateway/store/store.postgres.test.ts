import { freshFrom, storeSuite } from "./store.suite.js";
import { describeWithPostgres } from "./testing/describe-postgres.js";

describeWithPostgres("store", (provider) => {
  storeSuite(() => ({
    fresh: async () => freshFrom({ databaseUrl: await provider().isolated() }),
  }));
});
