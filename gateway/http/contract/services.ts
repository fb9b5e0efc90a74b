/**
 * The O2G services as the OpenAPI document groups them: one tag per service, named as the SDKs
 * name their service classes, found from the first path segment after the version root.
 */
export interface ServiceTag {
  name: string;
  description: string;
}

const TAGS: Record<string, ServiceTag> = {
  "": { name: "Authentication", description: "Discovery of the API versions and Basic authentication" },
  sessions: { name: "Sessions", description: "Open, keep alive and close a session" },
  subscriptions: { name: "Subscriptions", description: "Event subscriptions: chunked channel or webhook" },
  telephony: { name: "Telephony", description: "Calls, legs and participants of a user's devices" },
  users: { name: "Users", description: "Users, their devices and their preferences" },
  usermanagement: { name: "UserManagement", description: "Creating and deleting users (administrators)" },
  routing: { name: "Routing", description: "Forward, overflow, do-not-disturb, remote extension" },
  voicemail: { name: "Messaging", description: "The 4645 voice mail: mailboxes and messages" },
  comlog: { name: "CommunicationLog", description: "The unified communication log" },
  eventsummary: { name: "EventSummary", description: "Counters of what waits for a user" },
  directory: { name: "Directory", description: "Phone book search" },
  phonesetprogramming: { name: "PhoneSetProgramming", description: "Keys, PIN, lock and state of a set" },
  pbxmanagement: { name: "PbxManagement", description: "The OXE's managed objects (administrators)" },
  maintenance: { name: "Maintenance", description: "System status: nodes, links, licenses" },
  analytics: { name: "Analytics", description: "Incidents and charging tickets of the nodes" },
  acdagent: { name: "CallCenterAgent", description: "CCD operators: logon, processing groups, agent states" },
  acdpilotmonitoring: {
    name: "CallCenterPilot",
    description: "Monitoring of CCD pilots: their calls as events",
  },
  acdrsi: {
    name: "Rsi",
    description: "RSI points: route requests, route select, tones, voice guides, digits",
  },
  acdrealtime: {
    name: "CallCenterRealtime",
    description: "Real-time indicators of the CCD: agents, pilots, queues, groups (administrators)",
  },
  acdmanagement: {
    name: "CallCenterManagement",
    description: "CCD pilots and their calendars, opening and closing them (administrators)",
  },
  acdstatistics: {
    name: "CallCenterStatistics",
    description:
      "CCD statistics reports: requesters, contexts, day and range data, files, schedules (administrators)",
  },
};

export const SERVICE_TAGS: readonly ServiceTag[] = Object.values(TAGS);

/** Paths of a service outside its own segment: the Users service answers `/logins` too. */
const ALIASES: Record<string, ServiceTag | undefined> = { logins: TAGS.users };

const VERSION_ROOT = "/api/rest/1.0";

/** The tag of the route at `url`, or undefined for a route outside the REST API. */
export function serviceTagOf(url: string): ServiceTag | undefined {
  if (!url.startsWith("/api/rest")) return undefined;
  if (!url.startsWith(`${VERSION_ROOT}/`)) return TAGS[""];
  const segment = url.slice(VERSION_ROOT.length + 1).split("/")[0] ?? "";
  return TAGS[segment] ?? ALIASES[segment];
}
