/**
 * O2G's analytics JSON (the SDK's analytics types) as schemas: the domain's types follow from
 * them, and the routes declare them. The charging result is streamed in chunks (report.ts), so
 * no serializer sees it: its schema documents it, and report.test.ts holds the chunks to it.
 */
import { type Static, Type } from "typebox";

export const IncidentSchema = Type.Object(
  {
    date: Type.String({ description: "the local day, DD/MM/YY" }),
    hour: Type.String({ description: "the local time, HH:MM:SS" }),
    severity: Type.Integer(),
    value: Type.String({ description: "the incident's number" }),
    type: Type.String({ description: "the incident's text" }),
    nbOccurs: Type.Integer({ minimum: 0 }),
    node: Type.String(),
    main: Type.Boolean({ description: "raised by the main call server (not the standby)" }),
    rack: Type.Optional(Type.String()),
    board: Type.Optional(Type.String()),
    equipment: Type.Optional(Type.String()),
    termination: Type.Optional(Type.String()),
  },
  { title: "Incident" },
);
export type IncidentJson = Static<typeof IncidentSchema>;

export const ChargingFileSchema = Type.Object(
  {
    name: Type.String(),
    date: Type.String({ description: "when the file starts: the local day, DD/MM/YY" }),
    time: Type.String({ description: "and time, HH:MM:SS" }),
  },
  { title: "ChargingFile" },
);
export type ChargingFileJson = Static<typeof ChargingFileSchema>;

const Facilities = Type.Object({ facilities: Type.Array(Type.String()) });

/** A ticket (with `all`), or the totals of one user's tickets that cost something (without). */
export const ChargingSchema = Type.Object(
  {
    caller: Type.String(),
    name: Type.Optional(Type.String()),
    called: Type.Optional(Type.String()),
    initialDialledNumber: Type.Optional(Type.String()),
    callNumber: Type.Optional(Type.Integer({ minimum: 0 })),
    chargingUnits: Type.Optional(Type.Integer({ minimum: 0 })),
    cost: Type.Optional(Type.Number()),
    startDate: Type.Optional(Type.String()),
    duration: Type.Optional(Type.Integer({ minimum: 0, description: "seconds" })),
    callType: Type.Optional(Type.String()),
    effectiveCallDuration: Type.Optional(Type.Integer({ minimum: 0, description: "seconds" })),
    actingExtensionNumberNode: Type.Optional(Type.Integer()),
    internalFacilities: Type.Optional(Facilities),
    externalFacilities: Type.Optional(Facilities),
  },
  { title: "Charging" },
);
export type ChargingJson = Static<typeof ChargingSchema>;

export const ChargingResultSchema = Type.Object(
  {
    fromDate: Type.Optional(Type.String({ description: "YYYYMMDD, for a request by dates" })),
    toDate: Type.Optional(Type.String({ description: "YYYYMMDD, for a request by dates" })),
    nbChargingFiles: Type.Integer({ minimum: 0 }),
    chargings: Type.Array(ChargingSchema),
    totalTicketNb: Type.Integer({ minimum: 0 }),
    valuableTicketNb: Type.Integer({ minimum: 0 }),
  },
  { title: "ChargingResult" },
);
export type ChargingResultJson = Static<typeof ChargingResultSchema>;
