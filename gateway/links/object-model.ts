/**
 * The read of a node's object model (its classes and attributes), decoded once per distinct
 * model rather than once per association. The model is some 12 kB of nested values: the
 * generic decoder and decodeSchema took 0.6 ms of a warm process and 8 ms of a cold one, per
 * node. A network of 100 nodes of one release sends the same bytes 100 times at startup (and
 * again after each switchover), so the answer's bytes are compared with the models already
 * decoded, and a match is that model, shared: nothing changes a decoded class after this.
 */
import { BerReader, ctxC, U } from "../../protocols/ber/index.js";
import {
  decodeSchema,
  type GetArgument,
  mGet,
  OBJECT_MODEL_CLASS_ID,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import { defineOperation } from "../../protocols/rose/index.js";

/** Distinct models kept: a network mixes a few releases at most. */
const KEPT = 4;

interface DecodedModel {
  bytes: Buffer;
  classes: readonly SchemaClass[];
}

/** Most recently used first. */
const decoded: DecodedModel[] = [];

function known(raw: Uint8Array): DecodedModel | undefined {
  for (let i = 0; i < decoded.length; i++) {
    const m = decoded[i]!;
    if (m.bytes.length === raw.length && m.bytes.equals(raw)) {
      if (i > 0) decoded.unshift(...decoded.splice(i, 1));
      return m;
    }
  }
  return undefined;
}

/** The answer's attribute list, its whole encoding (ObjectResult's [6]); undefined if it has none. */
function attributeList(raw: Uint8Array): Uint8Array | undefined {
  const r = new BerReader(raw).enter(U.SEQUENCE);
  while (!r.atEnd()) {
    if (r.peekTag() === ctxC(6)) return r.element();
    r.skip();
  }
  return undefined;
}

function decodeModel(raw: Uint8Array, nodeId: number): readonly SchemaClass[] {
  const res = mGet.decodeResult!(new BerReader(raw));
  const attr = res.attributes.find((a) => a.id === OBJECT_MODEL_CLASSES_ATTRIBUTE);
  if (!attr) throw new Error(`node ${nodeId} sent no object model`);
  return decodeSchema(attr.value);
}

/**
 * M-GET of the ObjectModel object's classes attribute, its result the decoded classes. The
 * request's bytes are mGet's; only the answer's reading differs.
 */
function objectModelGet(nodeId: number) {
  return defineOperation<GetArgument, readonly SchemaClass[]>({
    name: mGet.name,
    opcode: mGet.opcode,
    encodeArgument: mGet.encodeArgument,
    decodeResult(r) {
      const raw = r.buf.subarray(r.offset, r.limit);
      // The attribute list, not the whole answer: the answer names the node's own instance.
      const key = attributeList(raw);
      const hit = key && known(key);
      if (hit) return hit.classes;
      const classes = decodeModel(raw, nodeId);
      if (key) decoded.unshift({ bytes: Buffer.from(key), classes });
      decoded.length = Math.min(decoded.length, KEPT);
      return classes;
    },
  });
}

/** What to invoke to read the model of `root` (the node's root instance). */
export function objectModelRead(nodeId: number, root: string) {
  return {
    op: objectModelGet(nodeId),
    argument: {
      objectClass: OBJECT_MODEL_CLASS_ID,
      instance: `${root}/ObjectModel=OXE`,
      attributeIds: [OBJECT_MODEL_CLASSES_ATTRIBUTE],
    } satisfies GetArgument,
  };
}

/** Forget the decoded models (tests). */
export function forgetObjectModels(): void {
  decoded.length = 0;
}
