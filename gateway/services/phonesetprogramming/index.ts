/**
 * Phone Set Programming: what a user (or an administrator, for anyone) programs on a set: its
 * programmable keys (the SDK spells the resource `programmeableKeys`), soft keys, PIN, lock,
 * camp-on, associate, remote extension. Every read and write is a CMIP operation on the set's
 * Subscriber object or its key objects on the node, which validates it.
 *
 *   GET    /{loginName}/devices[/{deviceId}]
 *   GET    /{loginName}/devices/{deviceId}/programmeableKeys      {pkeys}  every position
 *   GET    /{loginName}/devices/{deviceId}/programmedKeys         {pkeys}  the programmed ones
 *   PUT    /{loginName}/devices/{deviceId}/programmeableKeys/{position}   ProgrammeableKey
 *   DELETE /{loginName}/devices/{deviceId}/programmeableKeys/{position}
 *   GET    /{loginName}/devices/{deviceId}/softKeys               {skeys}
 *   PUT    /{loginName}/devices/{deviceId}/softKeys/{position}    SoftKey
 *   DELETE /{loginName}/devices/{deviceId}/softKeys/{position}
 *   GET    /{loginName}/devices/{deviceId}/pin                    Pin
 *   PUT    /{loginName}/devices/{deviceId}/pin                    Pin
 *   PUT    /{loginName}/devices/{deviceId}/{lock|campon|REActive}?activate=true|false
 *   GET    /{loginName}/devices/{deviceId}/dynamicState           {lock, campon, associate}
 *   PUT    /{loginName}/devices/{deviceId}/associate              {associate}
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { CmipValue, Filter, SchemaClass } from "../../../protocols/cmip/index.js";
import type { GwDevice, GwUser } from "../../domain/directory.js";
import { configurationLink, objectIdOf, onNode } from "../../domain/pbx/index.js";
import { type DeviceJson, DeviceSchema } from "../../domain/user-view.js";
import type { NodeLink } from "../../nodes/index.js";
import { badRequest, forbidden, notFound } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginName, NoContent } from "../common/schemas.js";
import {
  ActivateQuery,
  AssociateBody,
  activateErrors,
  DeviceParams,
  type DevicePath,
  DevicesSchema,
  type DynamicStateJson,
  DynamicStateSchema,
  type KeyJson,
  KeyParams,
  type KeyPath,
  keyParamErrors,
  PinBody,
  PinSchema,
  ProgrammeableKeyBody,
  ProgrammeableKeysSchema,
  SoftKeyBody,
  SoftKeysSchema,
} from "./schemas.js";

const KEY_KINDS = {
  programmeableKeys: "Prog_Key",
  softKeys: "Soft_Key",
} as const;
type KeyResource = keyof typeof KEY_KINDS;

function deviceJson(d: GwDevice): DeviceJson {
  return { type: d.type, id: d.id, subType: d.subType };
}

/** What a key listing reads of each key, by position: Soft_Key has no Key_Locked. */
const KEY_ROW = {
  programmeableKeys: ["Key_Position", "Key_Number", "Key_Mnemonic", "Key_Locked"],
  softKeys: ["Key_Position", "Key_Number", "Key_Mnemonic"],
} as const;

/** A key as KEY_ROW[resource] read it (Key_Locked only where `withLock`). */
function keyJson(v: readonly (CmipValue | undefined)[], withLock: boolean): KeyJson {
  const out: KeyJson = { position: Number(v[0]) };
  if (v[1]) out.number = String(v[1]);
  if (v[2]) out.mnemonic = String(v[2]);
  if (withLock) out.locked = v[3] === true;
  return out;
}

export async function phoneSetProgrammingService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  /** The user named in the path (a user session may only name itself) and one of their devices. */
  function target(
    req: FastifyRequest,
    params: DevicePath,
  ): {
    user: GwUser;
    device: GwDevice;
    node: NodeLink;
  } {
    const s = session(core, req);
    const user = targetUser(core, req, s, params.loginName);
    const id = params.deviceId;
    const device = user.devices.find((d) => d.id === id);
    if (!device) {
      if (core.directory.devices.has(id))
        throw forbidden(`device ${id} does not belong to ${user.loginName}`);
      throw notFound(`no device ${id}`);
    }
    return { user, device, node: configurationLink(core, user.nodeId) };
  }

  const subscriber = (node: NodeLink, device: GwDevice) => `${node.cmip.root}/Subscriber=${device.id}`;

  /** The path's position, which the body may repeat but not contradict. */
  function position(params: KeyPath, body?: { position?: number }): number {
    const p = params.position;
    if (body?.position !== undefined && body.position !== p)
      throw badRequest(`the body's position ${body.position} is not the position in the path (${p})`);
    return p;
  }

  app.get(
    "/:loginName/devices",
    {
      schema: {
        summary: "The user's devices",
        params: Type.Object({ loginName: LoginName }),
        response: { 200: DevicesSchema },
      },
    },
    async (req) => {
      const user = targetUser(core, req, session(core, req), req.params.loginName);
      return { devices: user.devices.map(deviceJson) };
    },
  );

  app.get(
    "/:loginName/devices/:deviceId",
    {
      schema: { summary: "One of the user's devices", params: DeviceParams, response: { 200: DeviceSchema } },
    },
    async (req) => deviceJson(target(req, req.params).device),
  );

  // ---- keys ------------------------------------------------------------------------------

  /**
   * The size of each set's key fields (Prog_Key_Count, Soft_Key_Count), read once from the node
   * and forgotten when the node reports a change of that Subscriber or the link goes down and
   * up: a listing then asks the node for the keys that hold something only, and fills in the
   * blank positions itself (a 40-key set with 3 keys programmed costs 3 linked replies, not 40).
   */
  const sizes = new Map<string, Promise<{ prog: number; soft: number }>>();
  for (const node of core.nodes.values()) {
    node.cmip.onEvent((e) => sizes.delete(objectIdOf(e.instance)), "Subscriber");
    node.cmip.onUp(() => sizes.clear());
  }
  function keyFieldSizes(node: NodeLink, device: GwDevice): Promise<{ prog: number; soft: number }> {
    let p = sizes.get(device.id);
    if (!p) {
      p = node.cmip
        .get("Subscriber", subscriber(node, device), ["Prog_Key_Count", "Soft_Key_Count"])
        .then((a) => ({ prog: Number(a.Prog_Key_Count ?? 0), soft: Number(a.Soft_Key_Count ?? 0) }));
      sizes.set(device.id, p);
      p.catch(() => sizes.delete(device.id));
    }
    return p;
  }

  /**
   * The filters below, made once per class definition (a node's object model is read again on
   * each association, with new definitions), not on every listing.
   */
  const filters = new WeakMap<SchemaClass, Map<boolean, Filter>>();

  /** The keys of `resource` that hold something (programmedOnly: a function, for programmable keys). */
  function nonBlankFilter(node: NodeLink, className: string, programmedOnly: boolean): Filter {
    const cls = node.cmip.classDef(className);
    let made = filters.get(cls);
    if (!made) {
      made = new Map();
      filters.set(cls, made);
    }
    let filter = made.get(programmedOnly);
    if (!filter) {
      filter = makeNonBlankFilter(node, cls, programmedOnly);
      made.set(programmedOnly, filter);
    }
    return filter;
  }

  function makeNonBlankFilter(node: NodeLink, cls: SchemaClass, programmedOnly: boolean): Filter {
    const id = (name: string) => node.cmip.attributeDef(cls, name).id;
    if (cls.name === "Soft_Key")
      return {
        or: [
          { not: { equality: { id: id("Key_Number"), value: "" } } },
          { not: { equality: { id: id("Key_Mnemonic"), value: "" } } },
        ],
      };
    const assigned: Filter = { not: { equality: { id: id("Key_Function"), value: "Not_Assigned" } } };
    // A blank key the administrator locked is not blank to the user.
    return programmedOnly
      ? assigned
      : { or: [assigned, { equality: { id: id("Key_Locked"), value: true } }] };
  }

  async function listKeys(
    req: FastifyRequest,
    params: DevicePath,
    resource: KeyResource,
    programmedOnly: boolean,
  ): Promise<KeyJson[]> {
    const { device, node } = target(req, params);
    const className = KEY_KINDS[resource];
    const withLock = resource === "programmeableKeys";
    const held: KeyJson[] = [];
    // Every attribute asked for, as ever; the linked replies read by position straight into
    // KeyJson, with no object by attribute name in between.
    const [, size] = await onNode(
      node,
      () =>
        Promise.all([
          node.cmip.scopedRows(className, KEY_ROW[resource], (v) => held.push(keyJson(v, withLock)), {
            base: subscriber(node, device),
            filter: nonBlankFilter(node, className, programmedOnly),
            askAll: true,
          }),
          programmedOnly ? undefined : keyFieldSizes(node, device),
        ]),
      className,
    );
    if (!size) return held;
    const count = resource === "programmeableKeys" ? size.prog : size.soft;
    const out: KeyJson[] = [];
    let j = 0;
    for (let p = 1; p <= count; p++) {
      if (held[j]?.position === p) out.push(held[j++]!);
      else out.push(withLock ? { position: p, locked: false } : { position: p });
    }
    return out;
  }

  app.get(
    "/:loginName/devices/:deviceId/programmeableKeys",
    {
      schema: {
        summary: "Every programmable key of the set, blank ones included",
        params: DeviceParams,
        response: { 200: ProgrammeableKeysSchema },
      },
    },
    async (req) => ({ pkeys: await listKeys(req, req.params, "programmeableKeys", false) }),
  );
  app.get(
    "/:loginName/devices/:deviceId/programmedKeys",
    {
      schema: {
        summary: "The programmable keys that hold something",
        params: DeviceParams,
        response: { 200: ProgrammeableKeysSchema },
      },
    },
    async (req) => ({ pkeys: await listKeys(req, req.params, "programmeableKeys", true) }),
  );
  app.get(
    "/:loginName/devices/:deviceId/softKeys",
    {
      schema: {
        summary: "Every soft key of the set",
        params: DeviceParams,
        response: { 200: SoftKeysSchema },
      },
    },
    async (req) => ({ skeys: await listKeys(req, req.params, "softKeys", false) }),
  );

  /**
   * A key the administrator locked is not the user's to change: a user session is refused on it
   * (the administrator's are not, and only they lock or unlock keys).
   */
  async function checkUnlocked(
    req: FastifyRequest,
    node: NodeLink,
    instance: string,
    body?: ProgrammeableKeyBody,
  ): Promise<void> {
    if (session(core, req).principal.admin) return;
    if (body?.locked !== undefined) throw forbidden("only an administrator locks or unlocks a key");
    const k = await onNode(node, () => node.cmip.get("Prog_Key", instance, ["Key_Locked"]), "Prog_Key");
    if (k.Key_Locked === true) throw forbidden("this key is locked by the administrator");
  }

  async function setKey(
    req: FastifyRequest,
    params: KeyPath,
    body: ProgrammeableKeyBody,
    resource: KeyResource,
  ): Promise<void> {
    const pos = position(params, body);
    const { device, node } = target(req, params);
    const className = KEY_KINDS[resource];
    const instance = `${subscriber(node, device)}/${className}=${pos}`;
    // An administrator's request goes straight to the node: no lock to check.
    if (resource === "programmeableKeys" && !session(core, req).principal.admin)
      await checkUnlocked(req, node, instance, body);
    const number = body.number ?? "";
    const values: Record<string, CmipValue> = { Key_Number: number, Key_Mnemonic: body.mnemonic ?? "" };
    // A key with a number dials it; a key without one is cleared (O2G's key has no function field).
    if (resource === "programmeableKeys") {
      values.Key_Function = number === "" ? "Not_Assigned" : "Speed_Dial";
      if (body.locked !== undefined) values.Key_Locked = body.locked;
    }
    await onNode(node, () => node.cmip.set(className, instance, values), className);
  }

  async function clearKey(req: FastifyRequest, params: KeyPath, resource: KeyResource): Promise<void> {
    const pos = position(params);
    const { device, node } = target(req, params);
    const className = KEY_KINDS[resource];
    const instance = `${subscriber(node, device)}/${className}=${pos}`;
    if (resource === "programmeableKeys" && !session(core, req).principal.admin)
      await checkUnlocked(req, node, instance);
    const names =
      resource === "programmeableKeys"
        ? ["Key_Function", "Key_Number", "Key_Mnemonic"]
        : ["Key_Number", "Key_Mnemonic"];
    await onNode(node, () => node.cmip.set(className, instance, {}, names), className);
  }

  for (const resource of Object.keys(KEY_KINDS) as KeyResource[]) {
    const what = resource === "programmeableKeys" ? "programmable key" : "soft key";
    app.put(
      `/:loginName/devices/:deviceId/${resource}/:position`,
      {
        schemaErrorFormatter: keyParamErrors,
        schema: {
          summary: `Programs a ${what}: a number to dial and its label (no number clears it)`,
          params: KeyParams,
          // Soft keys have no lock: their body does not list `locked`.
          body: resource === "programmeableKeys" ? ProgrammeableKeyBody : SoftKeyBody,
          response: { 204: NoContent },
        },
      },
      async (req, reply) => {
        await setKey(req, req.params, req.body, resource);
        return reply.code(204).send(null);
      },
    );
    app.delete(
      `/:loginName/devices/:deviceId/${resource}/:position`,
      {
        schemaErrorFormatter: keyParamErrors,
        schema: { summary: `Clears a ${what}`, params: KeyParams, response: { 204: NoContent } },
      },
      async (req, reply) => {
        await clearKey(req, req.params, resource);
        return reply.code(204).send(null);
      },
    );
  }

  // ---- the set's state -------------------------------------------------------------------

  const PIN = ["Pin_Number", "With_Secret_Code", "Pin_Type_Of_Control", "Pin_Group"] as const;

  app.get(
    "/:loginName/devices/:deviceId/pin",
    { schema: { summary: "The set's PIN", params: DeviceParams, response: { 200: PinSchema } } },
    async (req) => {
      const { device, node } = target(req, req.params);
      const a = await onNode(
        node,
        () => node.cmip.get("Subscriber", subscriber(node, device), [...PIN]),
        "Subscriber",
      );
      return {
        Pin_Number: String(a.Pin_Number ?? ""),
        With_Secret_Code: a.With_Secret_Code === true,
        Pin_Type_Of_Control: String(a.Pin_Type_Of_Control ?? ""),
        Pin_Group: Number(a.Pin_Group ?? 0),
      };
    },
  );

  app.put(
    "/:loginName/devices/:deviceId/pin",
    {
      schema: {
        summary: "Changes the set's PIN: any of its fields, at least one",
        params: DeviceParams,
        body: PinBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const body: PinBody = req.body;
      const values: Record<string, CmipValue> = {};
      for (const k of PIN) if (body[k] !== undefined) values[k] = body[k];
      if (Object.keys(values).length === 0) throw badRequest(`give at least one of ${PIN.join(", ")}`);
      const { device, node } = target(req, req.params);
      await onNode(node, () => node.cmip.set("Subscriber", subscriber(node, device), values), "Subscriber");
      return reply.code(204).send(null);
    },
  );

  const TOGGLES = {
    lock: ["Locked", "Locks or unlocks the set"],
    campon: ["Camp_On", "Turns camp-on on or off"],
    REActive: ["Remote_Extension_Active", "Turns the remote extension on or off"],
  } as const;
  for (const [resource, [attribute, summary]] of Object.entries(TOGGLES)) {
    app.put(
      `/:loginName/devices/:deviceId/${resource}`,
      {
        schemaErrorFormatter: activateErrors,
        schema: { summary, params: DeviceParams, querystring: ActivateQuery, response: { 204: NoContent } },
      },
      async (req, reply) => {
        const { device, node } = target(req, req.params);
        await onNode(
          node,
          () => node.cmip.set("Subscriber", subscriber(node, device), { [attribute]: req.query.activate }),
          "Subscriber",
        );
        return reply.code(204).send(null);
      },
    );
  }

  app.get(
    "/:loginName/devices/:deviceId/dynamicState",
    {
      schema: {
        summary: "Whether the set is locked, camps on, and its associated set",
        params: DeviceParams,
        response: { 200: DynamicStateSchema },
      },
    },
    async (req) => {
      const { device, node } = target(req, req.params);
      const a = await onNode(
        node,
        () => node.cmip.get("Subscriber", subscriber(node, device), ["Locked", "Camp_On", "Associated_Set"]),
        "Subscriber",
      );
      const out: DynamicStateJson = { lock: a.Locked === true, campon: a.Camp_On === true };
      if (a.Associated_Set) out.associate = String(a.Associated_Set);
      return out;
    },
  );

  app.put(
    "/:loginName/devices/:deviceId/associate",
    {
      schema: {
        summary: "Sets the set's associated set",
        params: DeviceParams,
        body: AssociateBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { device, node } = target(req, req.params);
      await onNode(
        node,
        () => node.cmip.set("Subscriber", subscriber(node, device), { Associated_Set: req.body.associate }),
        "Subscriber",
      );
      return reply.code(204).send(null);
    },
  );
}
