/**
 * Response serializers, compiled once per schema rather than once per route and status. Every
 * route answers its 4xx and 5xx with the same O2gError schema, and fastify's default compiles a
 * serializer (with its own copy of the shared schemas to resolve references against) for each
 * of them: some 380 compilations for 130 routes. Those copies stayed on the heap and made the
 * collector's work during the startup snapshot measurably slower (20,000 users: about 1,050 ms
 * against 770 ms without schema serialization, same machine, same run). Keyed by the schema
 * object, which TypeBox and the contract hook share between routes, and kept for the whole
 * process (weakly): a process that starts several gateways (tests, benchmarks) compiles each
 * schema once, and on the first answer that needs it, not at start (see ./validation.ts).
 */

import fastJsonStringify, { type Schema } from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify";

type Serialize = (data: unknown) => string;

/** A serializer that compiles its schema when first used. */
export type LazySerializer = Serialize & {
  /** compiles now (the contract test's check that every schema compiles) */
  compile(): Serialize;
};

interface Cache {
  compiled: WeakMap<object, Serialize>;
  /** by JSON text, for schemas a route builds inline: a new object at every start, same text */
  byText: Map<string, Serialize>;
  /**
   * The lazy serializer of each schema object: one for all the routes that share it (every
   * route's 4xx and 5xx are the same O2gError reference), not two closures per route and status.
   */
  lazy: WeakMap<object, LazySerializer>;
}

/** Per set of shared schemas (one in practice), the serializers of each schema object. */
const caches = new WeakMap<Record<string, Schema>, Cache>();

export function cachedSerializerCompiler(
  external: Record<string, Schema>,
): FastifySerializerCompiler<unknown> {
  let cache = caches.get(external);
  if (!cache) {
    cache = { compiled: new WeakMap(), byText: new Map(), lazy: new WeakMap() };
    caches.set(external, cache);
  }
  const { compiled, byText, lazy } = cache;
  const compile = (key: object): Serialize => {
    let serialize = compiled.get(key);
    if (!serialize) {
      const text = JSON.stringify(key);
      serialize = byText.get(text);
      if (!serialize) {
        serialize = fastJsonStringify(key as Schema, { schema: external }) as Serialize;
        byText.set(text, serialize);
      }
      compiled.set(key, serialize);
    }
    return serialize;
  };
  return ({ schema }) => {
    const key = schema as object;
    let s = lazy.get(key);
    if (s) return s;
    let serialize = compiled.get(key);
    s = ((data: unknown) => {
      serialize ??= compile(key);
      return serialize(data);
    }) as LazySerializer;
    s.compile = () => {
      serialize ??= compile(key);
      return serialize;
    };
    lazy.set(key, s);
    return s;
  };
}
