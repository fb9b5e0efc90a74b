import { describeWithPostgres } from "../../test/support/store/describe-postgres.js";
import { freshFrom, storeSuite } from "../../test/support/store/store.suite.js";

describeWithPostgres("store", (provider) => {
  storeSuite(() => ({
    fresh: async () => freshFrom({ databaseUrl: await provider().isolated() }),
  }));
});
