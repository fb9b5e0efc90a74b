/** The wire's directory search answer (the SDK's SearchResultJson) as a schema. */
import { type Static, Type } from "typebox";
import { PartyInfoSchema } from "../../store/comlog/schema.js";

export const SearchResultSchema = Type.Object(
  {
    resultCode: Type.Union([
      Type.Literal("OK"),
      Type.Literal("FINISH"),
      Type.Literal("TIMEOUT"),
      Type.Literal("NOCONTENT"),
    ]),
    resultElements: Type.Optional(
      Type.Array(Type.Object({ contacts: Type.Array(PartyInfoSchema) }), {
        description: "with OK: the next contacts found",
      }),
    ),
  },
  { title: "SearchResult" },
);
export type SearchResultJson = Static<typeof SearchResultSchema>;
