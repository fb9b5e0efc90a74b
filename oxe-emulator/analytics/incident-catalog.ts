/**
 * The incidents an emulated node raises. ALE's incident list is not public: the numbers below
 * keep the OXE's habit (four digits, grouped by subsystem: 0xxx system, 2xxx boards, 3xxx sets,
 * 4xxx trunks, 5xxx network and IP, 6xxx applications) and the texts say what such incidents
 * say, but both are ours. The gateway must treat the number as opaque.
 */

/**
 * 1 critical, 2 major, 3 minor, 4 warning, 5 information (a "back in service" is information).
 * Lower is worse, as on the OXE's incident display.
 */
export type IncidentSeverity = 1 | 2 | 3 | 4 | 5;

export const SEVERITY_NAMES: Readonly<Record<IncidentSeverity, string>> = {
  1: "critical",
  2: "major",
  3: "minor",
  4: "warning",
  5: "information",
};

/**
 * Where an incident is located: the whole node, a board (rack + board), a set or other
 * equipment on a board, or a termination (a trunk's channel) on an equipment.
 */
export type IncidentScope = "system" | "board" | "equipment" | "termination";

/** The boards an incident can happen on, for boards and what hangs off them. */
export type BoardKind = "cpu" | "ip" | "digital" | "analog" | "dect" | "trunk" | "mediaGateway";

export interface IncidentDefinition {
  readonly code: number;
  readonly severity: IncidentSeverity;
  readonly scope: IncidentScope;
  /** `{peer}` (another node), `{group}` (a trunk group) and `{pct}` are filled in when raised */
  readonly text: string;
  /** boards it applies to (scope board/equipment/termination) */
  readonly on?: readonly BoardKind[];
  /** the incident that says it is over, raised some minutes later in most cases */
  readonly clearedBy?: number;
  /** relative frequency in generated history and live streams */
  readonly weight: number;
}

const SETS: readonly BoardKind[] = ["ip", "digital", "analog"];

export const INCIDENT_CATALOG: readonly IncidentDefinition[] = [
  { code: 100, severity: 5, scope: "system", text: "Call server started (warm restart)", weight: 1 },
  {
    code: 101,
    severity: 1,
    scope: "system",
    text: "Call server switchover: the standby call server is now main",
    weight: 1,
  },
  {
    code: 102,
    severity: 2,
    scope: "system",
    text: "Standby call server not reachable: redundancy lost",
    clearedBy: 103,
    weight: 1,
  },
  { code: 103, severity: 5, scope: "system", text: "Standby call server synchronised with main", weight: 0 },
  { code: 230, severity: 3, scope: "system", text: "Disk partition /usr4 above {pct}% full", weight: 2 },
  {
    code: 231,
    severity: 4,
    scope: "system",
    text: "Accounting buffer above {pct}% full: tickets not collected",
    weight: 2,
  },
  {
    code: 240,
    severity: 4,
    scope: "system",
    text: "NTP server not reachable: clock free-running",
    weight: 2,
  },
  { code: 250, severity: 3, scope: "system", text: "Software license expires in 30 days", weight: 1 },
  { code: 305, severity: 4, scope: "system", text: "Repeated failed maintenance logins", weight: 3 },
  { code: 2017, severity: 5, scope: "board", text: "Coupler in service", weight: 0 },
  {
    code: 2018,
    severity: 2,
    scope: "board",
    text: "Coupler out of service",
    on: ["ip", "digital", "analog", "dect", "trunk"],
    clearedBy: 2017,
    weight: 3,
  },
  {
    code: 2019,
    severity: 3,
    scope: "board",
    text: "Coupler reset by watchdog",
    on: ["ip", "digital", "analog", "dect", "trunk"],
    weight: 2,
  },
  {
    code: 2021,
    severity: 4,
    scope: "board",
    text: "Coupler binary downloaded, coupler restarted",
    on: ["ip", "digital", "analog", "dect", "trunk"],
    weight: 1,
  },
  {
    code: 2030,
    severity: 2,
    scope: "board",
    text: "Media gateway lost its link with the call server",
    on: ["mediaGateway"],
    clearedBy: 2031,
    weight: 2,
  },
  {
    code: 2031,
    severity: 5,
    scope: "board",
    text: "Media gateway link with the call server restored",
    weight: 0,
  },
  {
    code: 2040,
    severity: 3,
    scope: "board",
    text: "Fan failure on rack power supply",
    on: ["cpu"],
    weight: 1,
  },
  {
    code: 3001,
    severity: 4,
    scope: "equipment",
    text: "Set out of service (no answer to polling)",
    on: SETS,
    clearedBy: 3002,
    weight: 30,
  },
  { code: 3002, severity: 5, scope: "equipment", text: "Set in service", weight: 0 },
  {
    code: 3005,
    severity: 4,
    scope: "equipment",
    text: "IP set registration refused: unknown MAC address",
    on: ["ip"],
    weight: 6,
  },
  {
    code: 3010,
    severity: 3,
    scope: "equipment",
    text: "DECT base station out of service",
    on: ["dect"],
    clearedBy: 3011,
    weight: 5,
  },
  { code: 3011, severity: 5, scope: "equipment", text: "DECT base station in service", weight: 0 },
  {
    code: 3020,
    severity: 3,
    scope: "equipment",
    text: "Analog line ringing failure (line short-circuited)",
    on: ["analog"],
    weight: 3,
  },
  {
    code: 4002,
    severity: 3,
    scope: "termination",
    text: "Digital trunk access: loss of frame alignment",
    on: ["trunk"],
    clearedBy: 4004,
    weight: 4,
  },
  {
    code: 4003,
    severity: 2,
    scope: "termination",
    text: "Digital trunk access: loss of signal",
    on: ["trunk"],
    clearedBy: 4004,
    weight: 3,
  },
  {
    code: 4004,
    severity: 5,
    scope: "termination",
    text: "Digital trunk access: signal restored, layer 2 up",
    weight: 0,
  },
  {
    code: 4010,
    severity: 4,
    scope: "termination",
    text: "B channel blocked by the public network",
    on: ["trunk"],
    weight: 5,
  },
  {
    code: 4020,
    severity: 4,
    scope: "system",
    text: "All trunks of trunk group {group} busy: overflow",
    weight: 6,
  },
  {
    code: 5004,
    severity: 2,
    scope: "system",
    text: "ABC-F link with node {peer} lost",
    clearedBy: 5005,
    weight: 3,
  },
  { code: 5005, severity: 5, scope: "system", text: "ABC-F link with node {peer} restored", weight: 0 },
  {
    code: 5010,
    severity: 3,
    scope: "system",
    text: "SIP trunk gateway unreachable (OPTIONS timeout)",
    clearedBy: 5011,
    weight: 3,
  },
  { code: 5011, severity: 5, scope: "system", text: "SIP trunk gateway reachable again", weight: 0 },
  {
    code: 5020,
    severity: 4,
    scope: "equipment",
    text: "IP set voice quality: packet loss above {pct}%",
    on: ["ip"],
    weight: 8,
  },
  {
    code: 6001,
    severity: 3,
    scope: "system",
    text: "CSTA link with application lost",
    clearedBy: 6002,
    weight: 2,
  },
  { code: 6002, severity: 5, scope: "system", text: "CSTA link with application established", weight: 0 },
  { code: 6010, severity: 4, scope: "system", text: "4645 voice mail storage above {pct}% full", weight: 1 },
];

const byCode = new Map(INCIDENT_CATALOG.map((d) => [d.code, d]));

export function incidentDefinition(code: number): IncidentDefinition | undefined {
  return byCode.get(code);
}

/** The hardware of a node: racks (cabinets) holding boards in numbered slots. */
export interface BoardSlot {
  readonly rack: number;
  readonly board: number;
  readonly kind: BoardKind;
  /** equipments (ports) on the board */
  readonly equipments: number;
}
