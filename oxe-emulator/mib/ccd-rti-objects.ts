/**
 * The CCD's real-time indicators (ccd/rti.ts) as managed objects below Node, read-only:
 * CCD_RTI_Agent (one per operator), CCD_RTI_Pilot, CCD_RTI_Queue (one per processing group: its
 * queue) and CCD_RTI_Group (the agent processing groups). A manager reads them all with one
 * scoped get per class; each read computes the values of that moment.
 *
 * Ours (the OXE's MIB is not public): the classes, their ids (40..43) and their attributes, named
 * as O2G's RTI events name the fields (OnAgentRtiChanged...), so a gateway passes them on as read;
 * dates are ISO 8601 text, "" when none; durations and waiting times are seconds.
 */
import type { SchemaAttribute, SchemaAttributeType, SchemaClass } from "../../protocols/cmip/index.js";
import type { Ccd } from "../ccd/index.js";
import type { RtiRecord } from "../ccd/rti.js";
import type { Subscriber } from "../directory/index.js";
import type { MibObject } from "./objects.js";
import { instanceError } from "./types.js";

type Field = readonly [name: string, type: SchemaAttributeType, values?: readonly string[]];

const SERVICE_STATES = ["Closed", "Opened", "Blocked", "unknown"] as const;
const PHONE_STATES = [
  "Idle",
  "LineLockout",
  "OutOfOrder",
  "AcdRinging",
  "AcdConversation",
  "AcdConsultation",
  "Help",
  "AcdConference",
  "TransactionOnDial",
  "Pause",
  "WrapUp",
  "SupervisorDiscreteListening",
  "AgentDiscreteListening",
  "Recording",
  "LoggedOut",
  "Held",
  "Dialing",
  "PrivateRinging",
  "PrivateLocalConversation",
  "PrivateExternalConversation",
  "PrivateConsultation",
  "PrivateConference",
  "BusyTone",
  "Reserved",
  "AcdOutgoingConversation",
  "ContinuousSupervision",
  "Unavailable",
  "unknown",
] as const;

const AGENT_FIELDS: readonly Field[] = [
  ["number", "string"],
  ["name", "string"],
  ["firstName", "string"],
  ["type", "enum", ["Normal", "IVR"]],
  ["logonDate", "string"],
  ["serviceState", "enum", ["LoggedOut", "LoggedIn", "Assigned", "Withdrawn", "unknown"]],
  ["serviceStateDate", "string"],
  ["phoneState", "enum", PHONE_STATES],
  ["phoneStateDate", "string"],
  ["pilotName", "string"],
  ["queueName", "string"],
  ["nbOfWithdrawals", "integer"],
  ["withdrawalsTotalDuration", "integer"],
  ["nbOfPrivateCalls", "integer"],
  ["privateCallsTotalDuration", "integer"],
  ["nbOfServedACDCalls", "integer"],
  ["nbOfRefusedACDCalls", "integer"],
  ["currentPG", "string"],
  ["associatedSet", "string"],
  ["withdrawReason", "integer"],
];

const PILOT_FIELDS: readonly Field[] = [
  ["number", "string"],
  ["name", "string"],
  ["state", "enum", SERVICE_STATES],
  ["nbOfRunningCalls", "integer"],
  ["nbOfWaitingCalls", "integer"],
  ["nbOfRingingACDCalls", "integer"],
  ["nbOfCallsInConversation", "integer"],
  ["serviceLevel", "integer"],
  ["efficiency", "integer"],
  ["averageWaitingTime", "integer"],
  ["nbOfDissuadedCalls", "integer"],
  ["nbOfMutualAidCalls", "integer"],
  ["nbOfCallsInGeneralForwarding", "integer"],
  ["incomingTraffic", "integer"],
];

const QUEUE_FIELDS: readonly Field[] = [
  ["number", "string"],
  ["name", "string"],
  [
    "type",
    "enum",
    ["Normal", "MutualAid", "Dissuasion", "Virtual", "WaitingRoom", "VirtualWaitingRoom", "unknown"],
  ],
  ["state", "enum", SERVICE_STATES],
  ["nbOfAgentsInDistribution", "integer"],
  ["incomingTraffic", "integer"],
  ["outgoingTraffic", "integer"],
  ["nbOfWaitingCalls", "integer"],
  ["currentWaitingTime", "integer"],
  ["fillingRate", "integer"],
  ["expectedWaitingTime", "integer"],
  ["longestWaitingTimeInList", "integer"],
];

const GROUP_FIELDS: readonly Field[] = [
  ["number", "string"],
  ["name", "string"],
  ["type", "enum", ["Agent", "IVR", "QueuedIVR", "unknown"]],
  ["state", "enum", SERVICE_STATES],
  ["nbOfWithdrawnAgents", "integer"],
  ["nbOfAgentsInPrivateCall", "integer"],
  ["nbOfAgentsInACDCall", "integer"],
  ["nbOfAgentsInACDRinging", "integer"],
  ["nbOfAgentsInACDConv", "integer"],
  ["nbOfAgentsInWrapupAndTransaction", "integer"],
  ["nbOfAgentsInPause", "integer"],
  ["nbOfBusyAgents", "integer"],
  ["nbOfLoggedOnAgents", "integer"],
  ["nbOfFreeAgents", "integer"],
  ["nbOfIdleAgents", "integer"],
  ["nbOfLoggedOnAndNotWithdrawnAgents", "integer"],
  ["incomingTraffic", "integer"],
  ["consolidatedPilotsServiceLevel", "integer"],
  ["consolidatedPilotsEfficiency", "integer"],
  ["consolidatedQueuesWaitingTime", "integer"],
  ["consolidatedQueuesNbOfWaitingCalls", "integer"],
  ["consolidatedQueuesEWT", "integer"],
  ["pilotsWorstServiceLevel", "integer"],
  ["pilotsWorstEfficiency", "integer"],
  ["pilotsBestServiceLevel", "integer"],
  ["pilotsBestEfficiency", "integer"],
  ["queuesLongestWaitingTime", "integer"],
];

function rtiClass(id: number, name: string, fields: readonly Field[]): SchemaClass {
  return {
    id,
    name,
    parent: "Node",
    namingAttribute: "number",
    attributes: fields.map(
      ([n, type, values], i): SchemaAttribute => ({
        id: i + 1,
        name: n,
        type,
        mandatory: false,
        readOnly: true,
        writeOnly: false,
        ...(values ? { values: [...values] } : {}),
      }),
    ),
    actions: [],
    create: false,
    delete: false,
    hidden: true,
  };
}

export const CCD_RTI_AGENT_CLASS = rtiClass(40, "CCD_RTI_Agent", AGENT_FIELDS);
export const CCD_RTI_PILOT_CLASS = rtiClass(41, "CCD_RTI_Pilot", PILOT_FIELDS);
export const CCD_RTI_QUEUE_CLASS = rtiClass(42, "CCD_RTI_Queue", QUEUE_FIELDS);
export const CCD_RTI_GROUP_CLASS = rtiClass(43, "CCD_RTI_Group", GROUP_FIELDS);

export const CCD_RTI_CLASSES: readonly SchemaClass[] = [
  CCD_RTI_AGENT_CLASS,
  CCD_RTI_PILOT_CLASS,
  CCD_RTI_QUEUE_CLASS,
  CCD_RTI_GROUP_CLASS,
];

/** One object's indicators, as they were when it was read. */
class RtiObject implements MibObject {
  readonly instance: string;
  constructor(
    root: string,
    readonly cls: SchemaClass,
    private readonly values: RtiRecord,
  ) {
    this.instance = `${root}/${cls.name}=${String(values.number)}`;
  }

  value(id: number): string | number | undefined {
    const a = this.cls.attributes[id - 1];
    return a ? this.values[a.name] : undefined;
  }
}

type Names = (dn: string) => Subscriber | undefined;

function* records(ccd: Ccd, nodeId: number, cls: SchemaClass, names: Names): Iterable<RtiRecord> {
  if (cls === CCD_RTI_AGENT_CLASS) {
    const live = ccd.rti.liveByAgent();
    for (const op of ccd.operators.values())
      if (op.config.nodeId === nodeId) yield ccd.rti.agent(op, names(op.config.number), live);
  } else if (cls === CCD_RTI_PILOT_CLASS) {
    for (const p of ccd.config.pilots) if (p.nodeId === nodeId) yield ccd.rti.pilot(p);
  } else {
    for (const g of ccd.config.groups)
      if (g.nodeId === nodeId) yield cls === CCD_RTI_QUEUE_CLASS ? ccd.rti.queue(g) : ccd.rti.agentGroup(g);
  }
}

/** Every object of an RTI class on node `nodeId`, in number order. */
export function* ccdRtiObjects(
  ccd: Ccd,
  root: string,
  nodeId: number,
  cls: SchemaClass,
  names: Names,
): Iterable<MibObject> {
  for (const r of records(ccd, nodeId, cls, names)) yield new RtiObject(root, cls, r);
}

/** The object of an RTI class named `id` on node `nodeId` (noSuchObjectInstance if none). */
export function ccdRtiObject(
  ccd: Ccd,
  root: string,
  nodeId: number,
  cls: SchemaClass,
  id: string,
  names: Names,
): MibObject {
  for (const o of ccdRtiObjects(ccd, root, nodeId, cls, names)) if (o.value(1) === id) return o;
  throw instanceError(
    "noSuchObjectInstance",
    `${root}/${cls.name}=${id}`,
    `no ${cls.name} ${id} on node ${nodeId}`,
  );
}
