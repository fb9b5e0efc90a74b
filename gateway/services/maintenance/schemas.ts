/** The Maintenance service's answer (the SDK's SystemStatusJson), as this gateway fills it. */
import { type Static, Type } from "typebox";

const ServerAddress = Type.Object(
  { fqdn: Type.String(), ip: Type.Optional(Type.String({ description: "when the address is an IPv4 one" })) },
  { title: "ServerAddress" },
);

const ServiceStatus = Type.Object(
  { name: Type.String(), status: Type.String(), mode: Type.String() },
  { title: "ServiceStatus" },
);

const PbxStatus = Type.Object(
  {
    name: Type.String(),
    nodeId: Type.Integer(),
    mainAddress: ServerAddress,
    secondaryAddress: Type.Optional(ServerAddress),
    version: Type.String(),
    connected: Type.Boolean(),
    loaded: Type.Boolean(),
    ctiLinkState: Type.Union([
      Type.Literal("CONNECTED_MAIN"),
      Type.Literal("CONNECTED_SECONDARY"),
      Type.Literal("DISCONNECTED"),
    ]),
    secured: Type.Boolean(),
    monitoredUserNumber: Type.Integer({ minimum: 0 }),
  },
  { title: "PbxStatus" },
);

const License = Type.Object(
  {
    name: Type.String(),
    total: Type.Integer(),
    currentUsed: Type.Integer(),
    expiration: Type.Optional(
      Type.String({
        description: "the license file's last day, dd-mmm-yyyy (31-dec-2026) as the SDK reads it",
      }),
    ),
  },
  { title: "License" },
);

export const SystemStatusSchema = Type.Object(
  {
    logicalAddress: Type.Object({ fqdn: Type.String(), ip: Type.String() }),
    startDate: Type.String({ format: "date-time" }),
    ha: Type.Boolean(),
    primary: Type.String(),
    primaryVersion: Type.String(),
    primaryServicesStatus: Type.Object({
      services: Type.Array(ServiceStatus),
      // sic: the SDK's spelling
      globalIPAdress: Type.String(),
    }),
    secondary: Type.Optional(Type.String({ description: "the other member of the pair (HA mode)" })),
    secondaryServicesStatus: Type.Optional(
      Type.Object(
        { name: Type.String(), status: Type.String(), mode: Type.String() },
        {
          description:
            "the other member as this one sees it: RUNNING while its lock connection is in the shared database, NOT_RUNNING otherwise, UNKNOWN before the first look",
        },
      ),
    ),
    pbxs: Type.Array(PbxStatus),
    license: Type.Object({
      type: Type.Union([Type.Literal("FLEXLM"), Type.Literal("LMS")]),
      status: Type.Union(
        [Type.Literal("VALID"), Type.Literal("NONE"), Type.Literal("EXPIRED"), Type.Literal("INVALID")],
        { description: "the license file: good, none (the quotas without a file), expired or not honoured" },
      ),
      statusMessage: Type.String(),
      lics: Type.Array(License),
    }),
    configurationType: Type.Union([Type.Literal("FULL_SERVICES"), Type.Literal("PBX_MANAGEMENT")]),
    subscriberFilter: Type.Union([Type.Literal("ALL"), Type.Literal("A4980"), Type.Literal("NONE")]),
  },
  { title: "SystemStatus" },
);
export type SystemStatusJson = Static<typeof SystemStatusSchema>;
export type ServerAddressJson = Static<typeof ServerAddress>;
export type PbxStatusJson = Static<typeof PbxStatus>;
