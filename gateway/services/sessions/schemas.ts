/** The Sessions service's wire shapes (the SDK's SessionInfo and its open-session request). */
import { type Static, Type } from "typebox";

export const ServiceEntrySchema = Type.Object({
  serviceName: Type.String(),
  serviceVersion: Type.String(),
  relativeUrl: Type.String({ description: "appended to the base URL by the SDK" }),
});
export type ServiceEntry = Static<typeof ServiceEntrySchema>;

export const SessionInfoSchema = Type.Object(
  {
    admin: Type.Boolean(),
    login: Type.String({ description: "the login acted for (the supervised one, if any)" }),
    timeToLive: Type.Integer({ description: "seconds without a request before the session ends" }),
    publicBaseUrl: Type.String(),
    privateBaseUrl: Type.String(),
    services: Type.Array(ServiceEntrySchema),
    creationDate: Type.String({ format: "date-time" }),
    expirationDate: Type.String({ format: "date-time" }),
    otherSessions: Type.Array(
      Type.Object({
        sessionId: Type.String({ description: "an id of its own, no part of the credential" }),
        creationDate: Type.String({ format: "date-time" }),
        timeToLive: Type.Integer(),
      }),
    ),
  },
  { title: "SessionInfo" },
);

export const OpenSessionBody = Type.Union([
  Type.Object({
    applicationName: Type.Optional(Type.String({ maxLength: 128 })),
    supervisedAccount: Type.Optional(
      Type.Object({
        id: Type.String({ minLength: 1, maxLength: 64 }),
        type: Type.Optional(Type.Union([Type.Literal("LOGIN_NAME"), Type.Literal("PHONE_NUMBER")])),
        password: Type.Optional(Type.String({ maxLength: 128 })),
      }),
    ),
  }),
  Type.Null(),
]);
