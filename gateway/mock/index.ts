/**
 * The O2G API without a gateway: msw handlers over an in-memory model, for front ends (msw's
 * setupWorker in a browser) and Node tests (setupServer). Exported as `o2g-testbench/msw`.
 *
 *   import { setupWorker } from "msw/browser";
 *   import { handlers } from "o2g-testbench/msw";
 *   await setupWorker(...handlers).start();
 *
 * `handlers` serve one shared model; `createMockO2g()` gives a fresh model and its handlers
 * (a test's own users, or a clean state per test).
 */
import type { HttpHandler } from "msw";
import { createHandlers } from "./handlers.js";
import { MockO2g, type MockO2gOptions } from "./model.js";

export { createHandlers } from "./handlers.js";
export { MockO2g, type MockO2gOptions } from "./model.js";
export { DEFAULT_ADMIN, DEFAULT_USERS, type MockAdmin, type MockUser } from "./users.js";

export function createMockO2g(options: MockO2gOptions = {}): { model: MockO2g; handlers: HttpHandler[] } {
  const model = new MockO2g(options);
  return { model, handlers: createHandlers(model) };
}

const shared = createMockO2g();

/** The handlers of one model shared by whoever imports them: oxe10000..oxe10004 / 0000, admin. */
export const handlers: HttpHandler[] = shared.handlers;
export const model: MockO2g = shared.model;
