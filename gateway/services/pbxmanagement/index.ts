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
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { type Static, Type } from "typebox";
import type { CmipValue, SchemaClass } from "../../../protocols/cmip/index.js";
import {
  configurationLink,
  objectIdOf,
  objectModelJson,
  onNode,
  parseInstanceFilter,
  pbxObjectJson,
  resolveInstancePath,
  toCmipValue,
} from "../../domain/pbx/index.js";
import { ObjectModelSchema, PbxObjectIdsSchema, PbxObjectSchema } from "../../domain/pbx/schema.js";
import type { NodeLink } from "../../nodes/index.js";
import { badRequest, notFound } from "../common/errors.js";
import { fieldErrors } from "../common/field-errors.js";
import { NoContent, QueryFlag } from "../common/schemas.js";

const AttributesBody = Type.Object(
  {
    attributes: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1, maxLength: 128 }),
        value: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 100 })),
        complexValue: Type.Optional(
          Type.Array(Type.Object({}), {
            maxItems: 100,
            description: "the members of a sequence attribute (the nodes served here have none)",
          }),
        ),
      }),
      { maxItems: 200 },
    ),
  },
  { title: "PbxAttributes" },
);
type AttributesBody = Static<typeof AttributesBody>;

const NodeId = Type.Integer({ minimum: 1, maximum: 99999, description: "an OXE node number" });
const NodeParams = Type.Object({ nodeId: NodeId });
const PathParams = Type.Object({
  nodeId: NodeId,
  "*": Type.String({ maxLength: 1024, description: "object name, id, object name, id..." }),
});
/** Ajv would say "must be integer" of a node id; the rule says more. */
const nodeIdErrors = fieldErrors({ "params/nodeId": "is not a node number (1 to 99999)" });

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
    // Accepted by the schema because the SDKs send it; refused here rather than silently dropped.
    if (a.complexValue?.length)
      throw badRequest(
        `${a.name} takes a value, not a complexValue: no attribute of ${cls.name} is a sequence`,
      );
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

export async function pbxManagementService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  const nodeOf = (req: { params: { nodeId: number } }) => configurationLink(core, req.params.nodeId);

  app.get(
    "/",
    {
      schema: {
        summary: "The OXE nodes this gateway serves",
        response: { 200: Type.Object({ nodeIds: Type.Array(Type.String()) }, { title: "PbxNodeIds" }) },
      },
    },
    async () => ({ nodeIds: [...core.nodes.keys()].sort((a, b) => a - b).map(String) }),
  );

  app.get(
    "/:nodeId",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "An OXE node: its number and address",
        params: NodeParams,
        response: { 200: Type.Object({ nodeId: Type.Integer(), fqdn: Type.String() }, { title: "Pbx" }) },
      },
    },
    async (req) => {
      const nodeId = req.params.nodeId;
      const node = core.node(nodeId);
      if (!node) throw notFound(`no OXE node ${nodeId} is connected to this gateway`);
      return { nodeId, fqdn: node.config.cmip.host };
    },
  );

  app.get(
    "/:nodeId/model",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "The node's object model, from the Node object down",
        params: NodeParams,
        response: { 200: ObjectModelSchema },
      },
    },
    async (req) => {
      const node = nodeOf(req);
      const cls = node.cmip.schema.get("Node");
      if (!cls) throw notFound(`node ${node.nodeId} has no Node object in its model`);
      return objectModelJson(node.cmip.schema, cls);
    },
  );

  app.get(
    "/:nodeId/model/*",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "The model of one object (the last object named by the path)",
        params: PathParams,
        response: { 200: ObjectModelSchema },
      },
    },
    async (req) => {
      const node = nodeOf(req);
      // "Subscriber" or a path to it ("Subscriber/Prog_Key"): the model of the last object named.
      const name = segments(req.params["*"])
        .filter((s) => s !== "" && !/^[0-9]+$/.test(s))
        .at(-1);
      const cls = name ? node.cmip.schema.get(name) : undefined;
      if (!cls || cls.hidden) throw notFound(`node ${node.nodeId} has no object ${name ?? ""} in its model`);
      return objectModelJson(node.cmip.schema, cls);
    },
  );

  app.get(
    "/:nodeId/instances",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: { summary: "The node's Node object", params: NodeParams, response: { 200: PbxObjectSchema } },
    },
    async (req) => {
      const node = nodeOf(req);
      const cls = node.cmip.schema.get("Node");
      if (!cls) throw notFound(`node ${node.nodeId} has no Node object in its model`);
      const attrs = await onNode(node, () => node.cmip.get("Node", node.cmip.root), "Node");
      return pbxObjectJson(node.cmip.schema, cls, String(node.nodeId), attrs);
    },
  );

  app.get(
    "/:nodeId/instances/*",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "The ids of the objects a path ends on (filtered), or one object's attributes",
        description:
          "A path that ends on an object name lists those objects' ids (`filter` selects some); one " +
          "that ends on an id reads that object (`attributes` selects which, comma-separated).",
        params: PathParams,
        querystring: Type.Object({
          filter: Type.Optional(Type.String({ maxLength: 4096, description: "O2G's instance filter" })),
          attributes: Type.Optional(Type.String({ maxLength: 4096, description: "names, comma-separated" })),
        }),
        response: { 200: Type.Union([PbxObjectIdsSchema, PbxObjectSchema]) },
      },
    },
    async (req) => {
      const node = nodeOf(req);
      const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
      const { cls } = path;
      const { filter: filterText, attributes: wanted } = req.query;
      if (path.instance === undefined) {
        if (wanted !== undefined)
          throw badRequest("attributes selects what to read of one object: name the object's id");
        const filter = filterText === undefined ? undefined : parseInstanceFilter(filterText, cls);
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
      if (filterText !== undefined) throw badRequest("filter applies to a list of objects, not to one");
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
    },
  );

  app.post(
    "/:nodeId/instances/*",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "Creates an object (the path ends on its object name)",
        params: PathParams,
        body: AttributesBody,
        response: { 200: PbxObjectSchema },
      },
    },
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

  app.put(
    "/:nodeId/instances/*",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "Modifies an object (the path ends on its id)",
        params: PathParams,
        body: AttributesBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const node = nodeOf(req);
      const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
      if (path.instance === undefined)
        throw badRequest(`PUT modifies one object: name the ${path.cls.name}'s id`);
      const { cls } = path;
      const values = attributeValues(node, cls, req.body);
      if (Object.keys(values).length === 0) throw badRequest("give at least one attribute to change");
      await onNode(node, () => node.cmip.set(cls.name, path.instance!, values), cls.name);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/:nodeId/instances/*",
    {
      schemaErrorFormatter: nodeIdErrors,
      schema: {
        summary: "Deletes an object (the path ends on its id)",
        params: PathParams,
        querystring: Type.Object({ force: Type.Optional(QueryFlag) }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const node = nodeOf(req);
      const path = resolveInstancePath(node.cmip.schema, node.nodeId, segments(req.params["*"]));
      if (path.instance === undefined)
        throw badRequest(`DELETE removes one object: name the ${path.cls.name}'s id`);
      // `force` is O2G's FORCED_DELETE (a subscriber with voice mails): this node keeps no reason
      // to refuse that force would override, so `force` is accepted and a plain delete is done.
      await onNode(node, () => node.cmip.delete(path.cls.name, path.instance!), path.cls.name);
      return reply.code(204).send(null);
    },
  );
}
