/**
 * The IP Touch sets' XML browsers, for the console and demos: read what a set's display shows
 * and press its keys (the emulator's handle, oxe-emulator/xml-browser). Administrators only;
 * registered by the sandbox beside the emulator control API, never by a production gateway.
 *
 *   GET  /api/console/emulator/xml                   {stationTypes}: the set models with an XML browser
 *   GET  /api/console/emulator/xml/{number}          the screen (state, title, lines, menu, input, softKeys)
 *   POST /api/console/emulator/xml/{number}/keys     {"key": "xml"|"ok"|"exit"|"backspace"}
 *                                                    {"key": "select", "item": 1}
 *                                                    {"key": "type", "digits": "627"}
 *                                                    {"key": "softkey", "label": "Back"}
 *        answers the screen once it no longer shows "loading" (5 s at most)
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GatewayCore } from "../../gateway/core.js";
import { notFound } from "../../gateway/services/common/errors.js";
import { requireAdmin, session } from "../../gateway/services/common/request.js";
import { PhoneNumber } from "../../gateway/services/common/schemas.js";
import {
  type Emulator,
  XML_STATION_TYPES,
  type XmlBrowser,
  type XmlScreen,
} from "../../oxe-emulator/index.js";

export const XML_SETS_PATH = "/api/console/emulator/xml";

const Params = Type.Object({ number: PhoneNumber });
const Key = Type.Object({
  key: Type.Union([
    Type.Literal("xml"),
    Type.Literal("ok"),
    Type.Literal("exit"),
    Type.Literal("backspace"),
    Type.Literal("select"),
    Type.Literal("type"),
    Type.Literal("softkey"),
  ]),
  item: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  digits: Type.Optional(Type.String({ pattern: "^[0-9*#]{1,32}$" })),
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
});
const Screen = Type.Object({
  state: Type.Union([
    Type.Literal("idle"),
    Type.Literal("loading"),
    Type.Literal("page"),
    Type.Literal("error"),
  ]),
  title: Type.String(),
  lines: Type.Array(Type.String()),
  menu: Type.Array(Type.String()),
  input: Type.Optional(
    Type.Object({ prompt: Type.String(), value: Type.String(), maxLength: Type.Integer() }),
  ),
  softKeys: Type.Array(Type.String()),
  error: Type.Optional(Type.String()),
  pages: Type.Integer(),
});

export function xmlSetRoutes(emulator: Emulator) {
  return async function xmlSets(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const core: GatewayCore = app.core;
    app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));
    const set = (number: string): XmlBrowser => {
      try {
        return emulator.xmlSet(number);
      } catch (err) {
        throw notFound((err as Error).message);
      }
    };
    const hidden = { hide: true } as const;
    // The console shows the XML screen on these models only (a user's device subType says its model).
    app.get(
      "/",
      { schema: { ...hidden, response: { 200: Type.Object({ stationTypes: Type.Array(Type.String()) }) } } },
      async () => ({ stationTypes: [...XML_STATION_TYPES] }),
    );
    app.get(
      "/:number",
      { schema: { ...hidden, params: Params, response: { 200: Screen } } },
      async (req): Promise<XmlScreen> => set(req.params.number).screen,
    );
    app.post(
      "/:number/keys",
      { schema: { ...hidden, params: Params, body: Key, response: { 200: Screen } } },
      async (req): Promise<XmlScreen> => {
        const s = set(req.params.number);
        const b = req.body;
        if (b.key === "xml") s.pressXmlKey();
        else if (b.key === "ok") s.ok();
        else if (b.key === "exit") s.exit();
        else if (b.key === "backspace") s.backspace();
        else if (b.key === "select") s.select(b.item ?? 1);
        else if (b.key === "type") s.type(b.digits ?? "");
        else s.softKey(b.label ?? 1);
        return s.until((x) => x.state !== "loading").catch(() => s.screen);
      },
    );
  };
}
