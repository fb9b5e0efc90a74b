/**
 * How requests are checked against their route's schemas. Two Ajv instances, because the parts
 * of a request are not alike: a query string or a path holds text only, so `?top=10` must become
 * the integer the schema declares; a JSON body has types of its own, and a number where the
 * catalogue wants a string is the client's mistake, not something to fix up silently (an SDK
 * that sends `"deviceId": 10001` gets a 400 naming the field).
 *
 * The compiled validators are kept for the whole process, keyed by the schema object (routes
 * declare theirs once, at module level): compiling the catalogue's ~400 schemas cost about
 * 0.5 s of CPU per gateway started, which a process that starts several gateways (the test
 * suite, the benchmarks, an HA pair in one process) paid again each time. The cache is weak, so
 * a schema nobody routes to any more is not kept alive by it.
 *
 * And each is compiled on its route's first request, not at start: a gateway serves a few of
 * its ~400 schemas in most of its life (an HA member, a test's gateway, a bench's), and Ajv's
 * code generation was 24 s of the test suite's CPU, paid by every process that started one.
 * `test/contract/openapi.test.ts` compiles every route's schemas, so a broken one still fails
 * a test rather than a client's first request.
 */
import { Ajv, type Options, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

const common: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  // TypeBox and the OpenAPI generator add keywords Ajv does not know (`~kind`, examples...).
  strict: false,
};

interface Flavour {
  ajv: Ajv;
  compiled: WeakMap<object, ValidateFunction>;
  /**
   * By the schema's JSON text, for the schemas a route builds inline (`Type.Object(...)` in the
   * route's options): a new object at every start, the same text. 13 of them cost every
   * gateway start after a process's first ~0.1 s of compiling, some 90 starts per test run.
   */
  byText: Map<string, ValidateFunction>;
  /**
   * The lazy validator of each schema object, one for all the routes that share it. fastify reads
   * `errors` off it right after the call that failed, with nothing in between: sharing it is as
   * safe as sharing Ajv's function, which holds its `errors` the same way.
   */
  lazy: WeakMap<object, LazyValidator>;
}

function flavour(coerceTypes: boolean): Flavour {
  const ajv = new Ajv({ ...common, coerceTypes: coerceTypes ? "array" : false });
  addFormats.default(ajv);
  return { ajv, compiled: new WeakMap(), byText: new Map(), lazy: new WeakMap() };
}

let flavours: { text: Flavour; json: Flavour } | undefined;

function compile(f: Flavour, schema: object): ValidateFunction {
  let validate = f.compiled.get(schema);
  if (!validate) {
    // Ajv reads no symbol keys (TypeBox's Kind): the JSON text is all it compiles from.
    const text = JSON.stringify(schema);
    validate = f.byText.get(text);
    if (!validate) {
      validate = f.ajv.compile(schema);
      // Ajv's own cache holds its schemas strongly; ours is the one that remembers.
      f.ajv.removeSchema(schema);
      f.byText.set(text, validate);
    }
    f.compiled.set(schema, validate);
  }
  return validate;
}

/** A validator that compiles its schema when first asked; fastify reads `errors` off it. */
export type LazyValidator = ((data: unknown) => boolean) & {
  errors?: ValidateFunction["errors"];
  /** compiles now (the contract test's check that every schema compiles) */
  compile(): ValidateFunction;
};

function lazy(f: Flavour, schema: object): LazyValidator {
  const shared = f.lazy.get(schema);
  if (shared) return shared;
  let validate = f.compiled.get(schema);
  const v = ((data: unknown) => {
    validate ??= compile(f, schema);
    const ok = validate(data);
    v.errors = validate.errors;
    return ok;
  }) as LazyValidator;
  v.compile = () => {
    validate ??= compile(f, schema);
    return validate;
  };
  f.lazy.set(schema, v);
  return v;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  flavours ??= { text: flavour(true), json: flavour(false) };
  const { text, json } = flavours;
  return ({ schema, httpPart }) => lazy(httpPart === "body" ? json : text, schema as object);
}
