/** Readable one-line summaries of O2G events, for assertions that read like the flow they check. */
import type { O2gEvent } from "../../scenarios/o2g-client/index.js";

type Party = { participantId?: string; deviceId?: string; state: string };

const list = (l: unknown) =>
  ((l as Party[] | undefined) ?? []).map((p) => `${p.participantId ?? p.deviceId}:${p.state}`).join(",");

/** "OnCallModified 2 TRANSFERRED prev=1 legs=... +parts=10003:ACTIVE -parts=10001" and the like. */
export function summarize(e: O2gEvent): string {
  const parts: string[] = [e.eventName];
  if (e.callRef !== undefined) parts.push(String(e.callRef));
  if (e.cause !== undefined) parts.push(String(e.cause));
  if (e.eventName === "OnUserStateModified") parts.push(String(e.state));
  if (e.previousCallRef) parts.push(`prev=${e.previousCallRef}`);
  if (e.eventName === "OnCallCreated") parts.push(`legs=${list(e.legs)}`, `parts=${list(e.participants)}`);
  if (e.eventName === "OnCallModified") {
    for (const [k, label] of [
      ["addedLegs", "+legs"],
      ["modifiedLegs", "~legs"],
      ["addedParticipants", "+parts"],
      ["modifiedParticipants", "~parts"],
    ] as const) {
      const s = list(e[k]);
      if (s) parts.push(`${label}=${s}`);
    }
    const removed = (e.removedParticipants as string[] | undefined) ?? [];
    if (removed.length) parts.push(`-parts=${removed.join(",")}`);
  }
  return parts.join(" ");
}

export const telephony = (events: O2gEvent[]) =>
  events.filter((e) => e.eventName !== "OnChannelInformation").map(summarize);
