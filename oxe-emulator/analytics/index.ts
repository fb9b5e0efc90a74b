/**
 * What a node knows for O2G's analytics service: its incidents and its charging tickets. The
 * node's SSH server reads them out; scenarios raise incidents and write tickets through here.
 */
import type { CcdTicketStore } from "../ccd/stats-tickets.js";
import type { Directory } from "../directory/index.js";
import type { Network } from "../model/index.js";
import { ChargingStore } from "./charging.js";
import { IncidentLog } from "./incidents.js";

export {
  type CallType,
  type ChargingFile,
  type ChargingOptions,
  ChargingStore,
  type ChargingTicket,
  chargingFileName,
  type NewTicket,
  parseChargingFileName,
  type TelFacility,
} from "./charging.js";
export {
  type BoardKind,
  type BoardSlot,
  INCIDENT_CATALOG,
  type IncidentDefinition,
  type IncidentScope,
  type IncidentSeverity,
  incidentDefinition,
  SEVERITY_NAMES,
} from "./incident-catalog.js";
export {
  type Incident,
  IncidentLog,
  type IncidentLogOptions,
  type IncidentQuery,
  type RaiseIncident,
} from "./incidents.js";
export {
  DAY_MS,
  type DateBound,
  HOUR_MS,
  isoSeconds,
  parseDateBound,
  rangeOf,
  startOfHour,
  type TimeRange,
} from "./time.js";

export interface NodeAnalyticsOptions {
  nodeId: number;
  seed: number;
  directory: Directory;
  /** when given, every call of the model that involves the node writes a ticket */
  network?: Network;
  /** the generated histories end here (ms); default: construction time */
  now?: number;
  historyDays?: number;
  incidentHistoryCount?: number;
  ticketsPerDay?: number;
  currency?: string;
  unitCost?: number;
}

export interface LiveRates {
  /** mean time between two random incidents; 0 or absent: none */
  incidentMeanMs?: number;
  /** mean time between two random public network calls; 0 or absent: none */
  publicCallMeanMs?: number;
}

export class NodeAnalytics {
  readonly incidents: IncidentLog;
  readonly charging: ChargingStore;
  /** the node's CCD statistics tickets, when the network has a CCD (set by the emulator) */
  ccdTickets: CcdTicketStore | undefined;
  private readonly detach: (() => void) | undefined;

  constructor(o: NodeAnalyticsOptions) {
    const now = o.now ?? Date.now();
    const historyDays = o.historyDays ?? 30;
    const incidentOptions: ConstructorParameters<typeof IncidentLog>[0] = {
      nodeId: o.nodeId,
      nodes: o.directory.options.nodes,
      seed: o.seed,
      now,
      historyDays,
    };
    if (o.incidentHistoryCount !== undefined) incidentOptions.historyCount = o.incidentHistoryCount;
    this.incidents = new IncidentLog(incidentOptions);
    const chargingOptions: ConstructorParameters<typeof ChargingStore>[0] = {
      nodeId: o.nodeId,
      seed: o.seed,
      directory: o.directory,
      now,
      historyDays,
    };
    if (o.ticketsPerDay !== undefined) chargingOptions.ticketsPerDay = o.ticketsPerDay;
    if (o.currency !== undefined) chargingOptions.currency = o.currency;
    if (o.unitCost !== undefined) chargingOptions.unitCost = o.unitCost;
    this.charging = new ChargingStore(chargingOptions);
    this.detach = o.network ? this.charging.attach(o.network) : undefined;
  }

  /** Start (or change) the random live streams; a rate left out stops its stream. */
  startLive(rates: LiveRates): void {
    this.stopLive();
    if (rates.incidentMeanMs) this.incidents.startLive(rates.incidentMeanMs);
    if (rates.publicCallMeanMs) this.charging.startLive(rates.publicCallMeanMs);
  }

  stopLive(): void {
    this.incidents.stopLive();
    this.charging.stopLive();
  }

  dispose(): void {
    this.stopLive();
    this.detach?.();
    this.ccdTickets?.close();
  }
}
