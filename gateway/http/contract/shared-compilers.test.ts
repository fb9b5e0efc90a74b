/**
 * One lazy serializer or validator per schema object rather than per route, and what fastify
 * reads off a shared one (its errors) still that of its last call.
 */
import { Type } from "typebox";
import { describe, expect, it } from "vitest";
import { O2gErrorSchema } from "./error-schema.js";
import { cachedSerializerCompiler } from "./serialization.js";
import { validatorCompiler } from "./validation.js";

const Ok = Type.Object({ ok: Type.Boolean() });

describe("compiled schemas", () => {
  it("share one lazy serializer per schema object, one each for different objects", () => {
    const compile = cachedSerializerCompiler({ O2gError: O2gErrorSchema });
    const args = (schema: unknown, url: string) => ({ schema, url, method: "GET", httpStatus: "200" });
    const a = compile(args(Ok, "/a"));
    expect(compile(args(Ok, "/b"))).toBe(a);
    const other = Type.Object({ ok: Type.Boolean() });
    expect(compile(args(other, "/c"))).not.toBe(a);
    expect(a({ ok: true, extra: 1 })).toBe('{"ok":true}');
  });

  it("share one lazy validator per schema object and part, whose errors are those of its last call", () => {
    const compile = validatorCompiler();
    const body = (schema: unknown, url: string) => ({ schema, url, method: "POST", httpPart: "body" });
    const v = compile(body(Ok, "/a")) as ((data: unknown) => boolean) & { errors?: unknown[] | null };
    expect(compile(body(Ok, "/b"))).toBe(v);
    // a query is text, a body is not: not the same validator for the same schema
    const q = compile({ schema: Ok, url: "/a", method: "GET", httpPart: "querystring" });
    expect(q).not.toBe(v);
    expect(q({ ok: "true" })).toBe(true);
    expect(v({ ok: "true" })).toBe(false);
    expect(v.errors?.length).toBeGreaterThan(0);
    expect(v({ ok: true })).toBe(true);
    expect(v.errors ?? null).toBeNull();
  });
});
