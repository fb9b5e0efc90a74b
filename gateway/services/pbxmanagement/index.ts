/**
 * PBX Management: any object of an OXE node's configuration, for administrators. The object
 * model (classes, attributes, what each allows), then instances: listed with a filter, read,
 * created, modified, deleted, each request a CMIP operation on the node, which validates it and
 * reports the change (pbxManagement events come from those reports, see domain/pbx).
 *
 *   GET    /                                    {nodeIds}
 *   GET    /{nodeId}                            {nodeId, fqdn}
 *   GET    /{nodeId}/model[/{objectName}]       ObjectModel
 *   GET    /{nodeId}/instances                  the Node object
 *   GET    /{nodeId}/instances/{path}?filter=   {objectIds}            (path ends on an object name)
 *   GET    /{nodeId}/instances/{path}?attributes=a,b   PbxObject        (path ends on an id)
 *   POST   /{nodeId}/instances/{path}           {attributes}  create
 *   PUT    /{nodeId}/instances/{path}           {attributes}  modify
 *   DELETE /{nodeId}/instances/{path}[?force]                 delete
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { CmipValue, SchemaClass } from "../../../protocols/cmip/index.js";
import {
  configurationLink,
  guardManagementService,
  objectIdOf,
  objectModelJson,
  onNode,
  parseInstanceFilter,
  parseNodeId,
  pbxObjectJson,
  resolveInstancePath,
  toCmipValue,
} from "../../domain/pbx/index.js";
import { queryString } from "../../http/context.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { NodeLink } from "../../links/index.js";

interface AttributesBody {
  attributes: { name: string; value?: string[] }[];
}

const attributesBody = {
  body: {
    type: "object",
    required: ["attributes"],
    properties: {
      attributes: {
        type: "array",
        maxItems: 200,
        items: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", minLength: 1, maxLength: 128 },
            value: { type: "array", maxItems: 100, items: { type: "string", maxLength: 1024 } },
            complexValue: { type: "array" },
          },
        },
      },
    },
  },
};

type InstanceRoute = { Params: { nodeId: string; "*": string } };

function segments(raw: string): string[] {
  const parts = raw.split("/");
  if (parts.at(-1) === "") parts.pop();
  return parts.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw badRequest(`"${p}" is not a valid path segment`);
    }
  });
}

/** The body's attributes as CMIP values of `cls` (unknown names and duplicates are a 400). */
function attributeValues(node: NodeLink, cls: SchemaClass, body: AttributesBody): Record<string, CmipValue> {
  const out: Record<string, CmipValue> = {};
  for (const a of body.attributes) {
    if (a.name in out) throw badRequest(`attribute ${a.name} is given twice`);
    const def = cls.attributes.find((x) => x.name === a.name);
    if (!def)
      throw badRequest(
        `${cls.name} has no attribute ${a.name} on node ${node.nodeId}${a.name.includes(".") ? " (it has no sequence attributes)" : ""}`,
        "noSuchAttribute",
      );
    out[a.name] = toCmipValue(def, a.value ?? []);
  }
  return out;
}

export async function pbxManagementService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  guardManagementService(app, { service: "PBX management", adminOnly: true });

  const nodeOf = (req: FastifyRequest<{ Params: { nodeId: string } }>) =>
    configurationLink(core, parseNodeId(req.params.nodeId));

  app.get("/", async () => ({ nodeIds: [...core.nodes.keys()].sort((a, b) => a - b).map(String) }));

  app.get<{ Params: { nodeId: string } }>("/:nodeId", async (req) => {
    const nodeId = parseNodeId(req.params.nodeId);
    const node = core.node(nodeId);
    if (!node) throw notFound(`no OXE node ${nodeId} is connected to this gateway`);
    return { nodeId, fqdn: node.config.cmip.host };
  });

  app.get<{ Params: { nodeId: string } }>("/:nodeId/model", async (req) => {
    const node = nodeOf(req);
    const cls = node.cmip.schema.get("Node");
    if (!cls) throw notFound(`node ${node.nodeId} has no Node object in its model`);
    return objectModelJson(node.cmip.schema, cls);
  });

  app.get<InstanceRoute>("/:nodeId/model/*", async (req) => {
    const node = nodeOf(req);
    // "Subscriber" or a path to it ("Subscriber/Prog_Key"): the model of the last object named.
    const name = segments(req.params["*"])
      .filter((s) => s !== "" && !/^[0-9]+$/.test(s))
      .at(-1);
    const cls = name ? node.cmip.schema.get(name) : undefined;
    if (!cls || cls.hidden) throw notFound(`node ${node.nodeId} has no object ${name ?? ""} in its model`);
    return objectModelJson(node.cmip.schema, cls);
  });

  app.get<{ Params: { nodeId: string } }>("/:nodeId/instances", async (req) => {
    const node = nodeOf(req);
    const cls = node.cmip.schema.get("Node");
    if (!cls) throw notFound(`node ${node.nodeId} has no Node object in its model`);
    const attrs = await onNode(node, () => node.cmip.get("Node", node.cmip.root), "Node");
    return pbxObjectJson(node.cmip.schema, cls, String(node.nodeId), attrs);
  });

  app.get<InstanceRoute>("/:nodeId/instances/*", async (req) => {
    const node = nodeOf(req);
    const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
    const { cls } = path;
    if (path.instance === undefined) {
      if (queryString(req, "attributes") !== undefined)
        throw badRequest("attributes selects what to read of one object: name the object's id");
      const text = queryString(req, "filter");
      const filter = text === undefined ? undefined : parseInstanceFilter(text, cls);
      const naming = cls.namingAttribute;
      const objects = await onNode(
        node,
        () =>
          node.cmip.list(cls.name, {
            base: path.superior,
            attributes: [naming],
            ...(filter ? { filter } : {}),
          }),
        cls.name,
      );
      return { objectIds: objects.map((o) => objectIdOf(o.instance)) };
    }
    if (queryString(req, "filter") !== undefined)
      throw badRequest("filter applies to a list of objects, not to one");
    const wanted = queryString(req, "attributes");
    let names: string[] | undefined;
    if (wanted !== undefined) {
      names = wanted
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean);
      for (const n of names)
        if (!cls.attributes.some((a) => a.name === n))
          throw badRequest(`${cls.name} has no attribute ${n}`, "noSuchAttribute");
    }
    const attrs = await onNode(node, () => node.cmip.get(cls.name, path.instance!, names), cls.name);
    return pbxObjectJson(node.cmip.schema, cls, path.objectId!, attrs);
  });

  app.post<InstanceRoute & { Body: AttributesBody }>(
    "/:nodeId/instances/*",
    { schema: attributesBody },
    async (req) => {
      const node = nodeOf(req);
      const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
      if (path.instance !== undefined)
        throw badRequest(
          `POST creates an object: end the path on the object name (${path.cls.name}), not on an id`,
        );
      const { cls } = path;
      const values = attributeValues(node, cls, req.body);
      const made = await onNode(node, () => node.cmip.create(cls.name, values, path.superior), cls.name);
      return pbxObjectJson(node.cmip.schema, cls, objectIdOf(made.instance), made.attributes);
    },
  );

  app.put<InstanceRoute & { Body: AttributesBody }>(
    "/:nodeId/instances/*",
    { schema: attributesBody },
    async (req, reply) => {
      const node = nodeOf(req);
      const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
      if (path.instance === undefined)
        throw badRequest(`PUT modifies one object: name the ${path.cls.name}'s id`);
      const { cls } = path;
      const values = attributeValues(node, cls, req.body);
      if (Object.keys(values).length === 0) throw badRequest("give at least one attribute to change");
      await onNode(node, () => node.cmip.set(cls.name, path.instance!, values), cls.name);
      return reply.code(204).send();
    },
  );

  app.delete<InstanceRoute>("/:nodeId/instances/*", async (req, reply) => {
    const node = nodeOf(req);
    const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
    if (path.instance === undefined)
      throw badRequest(`DELETE removes one object: name the ${path.cls.name}'s id`);
    // `force` is O2G's FORCED_DELETE (a subscriber with voice mails): this node keeps no reason
    // to refuse that force would override, so a plain delete is what it does.
    await onNode(node, () => node.cmip.delete(path.cls.name, path.instance!), path.cls.name);
    return reply.code(204).send();
  });
}
