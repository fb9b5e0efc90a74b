/** Discovery and authentication, as the SDKs read them. */
import { Type } from "typebox";

export const DiscoverySchema = Type.Object(
  {
    serverInfo: Type.Object({
      productName: Type.String(),
      productType: Type.String(),
      productVersion: Type.Object({ major: Type.String(), minor: Type.String() }),
      haMode: Type.Boolean(),
    }),
    versions: Type.Array(
      Type.Object({
        id: Type.String(),
        status: Type.String({ description: "the SDK takes the CURRENT one" }),
        publicUrl: Type.String(),
        internalUrl: Type.String(),
      }),
    ),
  },
  { title: "RestAccessPoint" },
);

export const AuthenticateQuery = Type.Object({ version: Type.Optional(Type.String({ maxLength: 8 })) });

export const AuthenticationSchema = Type.Object(
  {
    credential: Type.String({ description: "also set as the AlcUserId cookie" }),
    internalUrl: Type.String({ description: "the sessions resource" }),
    publicUrl: Type.String(),
  },
  { title: "Authenticate" },
);
