/**
 * The contract as code: every route's schemas feed validation (validation.ts), serialization
 * (fast-json-stringify, by fastify) and the OpenAPI 3.1 document served at
 * `/api/rest/openapi.json`, with an explorer at `/api/rest/docs` (Swagger UI). Routes declare what
 * they specifically answer; this module fills in what every route shares (O2G's error answer for
 * 4xx and 5xx, the service tag, the security schemes) so that no route can forget it.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import type { ContractSchemaExtras } from "../../services/common/schemas.js";
import { DEFAULT_ERROR_RESPONSES, O2gErrorSchema } from "./error-schema.js";
import { EVENT_SCHEMAS } from "./event-schemas.js";
import { SERVICE_TAGS, serviceTagOf } from "./services.js";

export const OPENAPI_URL = "/api/rest/openapi.json";
export const EXPLORER_URL = "/api/rest/docs";

export type { ContractSchemaExtras };

const PUBLIC_PATHS = new Set(["/api/rest", "/api/rest/", OPENAPI_URL]);

/** A route of the REST API as registered: what the document must list, and nothing more. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: FastifySchema & ContractSchemaExtras;
}

/** Registers the contract's hooks and documents; returns the list the REST API's routes go into. */
export async function registerContract(
  app: FastifyInstance,
  productVersion: string,
): Promise<readonly RegisteredRoute[]> {
  const routes: RegisteredRoute[] = [];
  app.addSchema(O2gErrorSchema);

  app.addHook("onRoute", (route) => {
    const url = route.url;
    const tag = serviceTagOf(url);
    if (!tag || url.startsWith(EXPLORER_URL) || url === OPENAPI_URL) return;
    const schema = (route.schema ?? {}) as FastifySchema & { tags?: string[]; security?: unknown[] };
    schema.tags ??= [tag.name];
    schema.response = { ...DEFAULT_ERROR_RESPONSES, ...(schema.response as object | undefined) };
    if (PUBLIC_PATHS.has(url)) schema.security = [];
    route.schema = schema;
    for (const method of [route.method].flat()) if (method !== "HEAD") routes.push({ method, url, schema });
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "O2G REST API (o2g-testbench)",
        version: productVersion,
        description:
          "The REST services of ALE's OmniPCX Open Gateway as this gateway serves them. Log in with " +
          "Basic authentication on `GET /api/rest/authenticate?version=1.0` (it sets the AlcUserId " +
          "cookie), then open a session with `POST /api/rest/1.0/sessions`. Operations marked " +
          "`x-o2g-not-built` belong to O2G's catalogue and answer 501 here. Event payloads are in " +
          "components/schemas (Event*).",
      },
      servers: [{ url: "/" }],
      tags: SERVICE_TAGS.map((t) => ({ name: t.name, description: t.description })),
      components: {
        // The event payloads are documentation only: given to the document, not to fastify, whose
        // every response serializer would otherwise be compiled with all of them in its resolver
        // (that made the startup snapshot some 30% slower through a heap of copies: measured).
        schemas: eventComponents(),
        securitySchemes: {
          basic: { type: "http", scheme: "basic", description: "O2G login name and password" },
          cookie: { type: "apiKey", in: "cookie", name: "AlcUserId", description: "set by authenticate" },
        },
      },
      security: [{ cookie: [] }, { basic: [] }],
    },
    // Components named by their $id (O2gError, EventOnCallCreated...) rather than def-0, def-1.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: EXPLORER_URL,
    uiConfig: { docExpansion: "list", deepLinking: true, withCredentials: true, persistAuthorization: true },
  });
  app.get(OPENAPI_URL, { schema: { hide: true } }, async () => app.swagger());
  return routes;
}

/**
 * The event payloads as components, made once per process: they are constants, and deep copies
 * (the document's builder is given its own objects, not the schemas the domain validates with).
 */
let eventComponentsMade: Readonly<Record<string, object>> | undefined;

function eventComponents(): Readonly<Record<string, object>> {
  eventComponentsMade ??= Object.fromEntries(
    EVENT_SCHEMAS.map((s) => [String((s as { $id?: string }).$id), eventComponent(s)]),
  );
  return eventComponentsMade;
}

/** An event schema as an OpenAPI component: its `$id` is the component's name, not a key of it. */
function eventComponent(schema: object): object {
  const { $id: _id, ...rest } = schema as { $id?: string };
  return JSON.parse(JSON.stringify(rest)) as object;
}
