/**
 * The web console's routes, added to the gateway by the program that starts it (the sandbox):
 * the page and its bundle under /console, and, when an emulator is at hand, the emulator
 * control API. The page is public (it holds no data; everything it shows comes through the
 * REST API after login); none of it is O2G's, so none of it is in the OpenAPI document.
 */
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { ExtraRoutes } from "../../gateway/index.js";
import type { Emulator } from "../../oxe-emulator/index.js";
import { BENCH_PATH, benchRoutes } from "./bench-runner.js";
import type { ConsoleBundle } from "./bundle.js";
import { CCD_CONFIG_PATH, ccdConfigRoutes } from "./ccd-config.js";
import { CONTROL_ROOT, emulatorControlRoutes } from "./emulator-control.js";
import { LINKS_PATH, linkRoutes } from "./links.js";
import { SCENARIOS_PATH, scenarioPlayerRoutes } from "./scenario-player.js";
import { XML_SETS_PATH, xmlSetRoutes } from "./xml-sets.js";

export const CONSOLE_PATH = "/console";

export interface ConsoleRoutesOptions {
  bundle: ConsoleBundle;
  /** the emulator the control API drives; without it, the console has no PBX-side buttons */
  emulator?: Emulator;
}

const Page = Type.String({ description: "a console asset" });

export function consoleRoutes(opts: ConsoleRoutesOptions): ExtraRoutes {
  return async function consoleRoutesPlugin(app: FastifyInstance): Promise<void> {
    const { bundle } = opts;
    const asset = (type: string, body: string) => ({ type, body });
    const assets = new Map([
      [CONSOLE_PATH, asset("text/html; charset=utf-8", bundle.html)],
      [`${CONSOLE_PATH}/`, asset("text/html; charset=utf-8", bundle.html)],
      [`${CONSOLE_PATH}/main.js`, asset("text/javascript; charset=utf-8", bundle.js)],
      [`${CONSOLE_PATH}/main.css`, asset("text/css; charset=utf-8", bundle.css)],
    ]);
    for (const [url, a] of assets) {
      app.get(url, { schema: { hide: true, response: { 200: Page } } }, async (_req, reply) =>
        reply
          .type(a.type)
          // Its own sources only: no CDN, no inline script, so an injected one would not run.
          .header(
            "Content-Security-Policy",
            "default-src 'self'; media-src 'self' blob:; style-src 'self'; img-src 'self' data:",
          )
          .header("Cache-Control", "no-cache")
          .send(a.body),
      );
    }
    await app.register(linkRoutes, { prefix: LINKS_PATH });
    if (opts.emulator) {
      await app.register(emulatorControlRoutes(opts.emulator), { prefix: CONTROL_ROOT });
      await app.register(scenarioPlayerRoutes(opts.emulator), { prefix: SCENARIOS_PATH });
      await app.register(benchRoutes, { prefix: BENCH_PATH });
      await app.register(xmlSetRoutes(opts.emulator), { prefix: XML_SETS_PATH });
      await app.register(ccdConfigRoutes(opts.emulator), { prefix: CCD_CONFIG_PATH });
    }
  };
}
