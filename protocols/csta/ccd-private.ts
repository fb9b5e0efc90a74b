/**
 * The OXE CCD's supervision services on the CSTA link: supervisor help, permanent listening and
 * intrusion into an agent's call. ECMA-269's ACD model (§13) has no supervisor at all, so these
 * are ours: each travels as one private request of the escape service (51, see
 * feature-services.ts), the escape's privateData string a UTF-8 JSON `CcdPrivateRequest`
 * (`{"v":1,"service":"ccd",...}`), answered noData or refused with a CSTA error.
 *
 *   helpRequest ........ the agent `operator` asks its group's supervisor for help
 *   helpCancel ......... the agent withdraws its request (`other`: the supervisor), or the
 *                        supervisor rejects it (`other`: the agent)
 *   listen / listenStop  the supervisor `operator` listens to agent `other` permanently / stops
 *   intrude ............ the supervisor `operator` intrudes into the call of agent `other`, `mode`
 *   intrusionMode ...... the supervisor changes the mode of its intrusion; its current mode, or
 *                        STOP, ends it (the SDK's changeIntrusionMode)
 *
 * What the node tells back (help requested or cancelled, for the agent and the supervisor) rides
 * in the agent events' private data (agent-services.ts, `CcdPrivateData.help`).
 */

export type IntrusionMode = "NORMAL" | "RESTRICTED" | "DISCRETE" | "STOP";
const MODES: ReadonlySet<string> = new Set(["NORMAL", "RESTRICTED", "DISCRETE", "STOP"]);

export type CcdPrivateRequest =
  | { v: 1; service: "ccd"; op: "helpRequest" | "listenStop"; operator: string }
  | { v: 1; service: "ccd"; op: "helpCancel" | "listen"; operator: string; other: string }
  | { v: 1; service: "ccd"; op: "intrude"; operator: string; other: string; mode: IntrusionMode }
  | { v: 1; service: "ccd"; op: "intrusionMode"; operator: string; mode: IntrusionMode };

const NUMBER = /^[0-9*#+]{1,32}$/;

/** A `service: "ccd"` escape request, checked member by member; a malformed one is thrown out. */
export function parseCcdPrivateRequest(o: Record<string, unknown>): CcdPrivateRequest {
  const num = (v: unknown): string | undefined => (typeof v === "string" && NUMBER.test(v) ? v : undefined);
  const operator = num(o.operator);
  const other = num(o.other);
  const mode = typeof o.mode === "string" && MODES.has(o.mode) ? (o.mode as IntrusionMode) : undefined;
  if (!operator) throw new Error("malformed ccd request: no operator");
  switch (o.op) {
    case "helpRequest":
    case "listenStop":
      return { v: 1, service: "ccd", op: o.op, operator };
    case "helpCancel":
    case "listen":
      if (other) return { v: 1, service: "ccd", op: o.op, operator, other };
      break;
    case "intrude":
      if (other && mode) return { v: 1, service: "ccd", op: "intrude", operator, other, mode };
      break;
    case "intrusionMode":
      if (mode) return { v: 1, service: "ccd", op: "intrusionMode", operator, mode };
      break;
  }
  throw new Error(`malformed ccd request ${String(o.op)}`);
}
