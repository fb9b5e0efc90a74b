/**
 * The step table: every step kind once, its parse and its run side by side. The scenario parser
 * and the runner both dispatch through it (as the emulator dispatches operations through one
 * table), so a new kind is one entry here, not a case in two switches.
 */
import { answerRelease, call, holdRetrieve, redirectBlindTransfer, transferMerge } from "./calls.js";
import { acdClock, acdQueue } from "./ccd.js";
import { expect, noEvent } from "./events.js";
import { fault, incident } from "./faults.js";
import { log, loop, set, wait } from "./flow.js";
import { killGateway } from "./ha.js";
import { phone } from "./phone.js";
import { recording } from "./recording.js";
import { request } from "./request.js";
import { dnd, forward } from "./routing.js";
import { loginLogout, subscribe } from "./session.js";
import type { StepEntry, StepKind } from "./step.js";
import { screen, xml } from "./xml.js";

// In the order the parser suggests a kind to a misspelt one: on a tie the first listed wins.
const ENTRIES = [
  loginLogout,
  subscribe,
  call,
  answerRelease,
  holdRetrieve,
  transferMerge,
  redirectBlindTransfer,
  forward,
  dnd,
  phone,
  recording,
  xml,
  screen,
  expect,
  noEvent,
  request,
  wait,
  set,
  loop,
  fault,
  incident,
  killGateway,
  log,
  acdQueue,
  acdClock,
] as const;

// A kind of StepBody without an entry above fails to compile here, naming the kind.
({}) satisfies Record<Exclude<StepKind, (typeof ENTRIES)[number]["kinds"][number]>, never>;

/** Entries by kind; a kind given two entries is refused (one table, no shadowed entry). */
export function stepTable(entries: readonly StepEntry[]): ReadonlyMap<string, StepEntry> {
  const byKind = new Map<string, StepEntry>();
  for (const entry of entries)
    for (const kind of entry.kinds) {
      if (byKind.has(kind)) throw new Error(`step kind ${kind} has two entries`);
      byKind.set(kind, entry);
    }
  return byKind;
}

export const STEPS = stepTable(ENTRIES);
export const STEP_KINDS: readonly string[] = [...STEPS.keys()];
export type {
  Actor,
  ParseContext,
  RunContext,
  StepDef,
  StepEntry,
  StepKind,
  StepPlace,
  Webhooks,
} from "./step.js";
