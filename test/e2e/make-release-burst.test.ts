/**
 * A fast client makes a call and releases it the moment the POST answers, over and over, from
 * several users at once. The node answers a request before it reports what the request did, so
 * the release often reaches the gateway before the node's events about the call it names (the
 * REST benchmark's make+release pair, as a test). Every request must still succeed, and every
 * call must end on the switch and in the users' views.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const PAIRS = 8;
const ROUNDS = 40;
const FIRST_CALLER = 10010;

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

interface Failure {
  caller: string;
  round: number;
  step: "make" | "release";
  status: number;
  body: unknown;
}

async function burst(
  client: O2gClient,
  caller: string,
  callee: string,
  failures: Failure[],
): Promise<number> {
  let made = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const mk = await client.send<{ callRef?: string }>("POST", client.url("telephony", "calls"), {
      deviceId: caller,
      callee,
    });
    if (mk.status !== 200 || !mk.body.callRef) {
      failures.push({ caller, round, step: "make", status: mk.status, body: mk.body });
      continue;
    }
    made++;
    const rel = await client.send("DELETE", client.url("telephony", `calls/${mk.body.callRef}`));
    if (rel.status !== 204)
      failures.push({ caller, round, step: "release", status: rel.status, body: rel.body });
  }
  return made;
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Every pair at full speed at once; the number of releases that overtook the call's events. */
async function run(): Promise<number> {
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({
    caller: String(FIRST_CALLER + 2 * i),
    callee: String(FIRST_CALLER + 2 * i + 1),
  }));
  const clients = await Promise.all(pairs.map((p) => sb.loginUser(p.caller)));
  // Reached only when the user's view does not know the call yet: the release came first.
  // Counted by a wrapper on this sandbox's own engine rather than a vitest spy, so that the file can
  // share its test process with others (vitest.config.ts isolates every file that spies).
  const engine = sb.gateway.core.telephony;
  const isOthersCall = engine.isOthersCall;
  let overtook = 0;
  engine.isOthersCall = (...args) => {
    overtook++;
    return isOthersCall.apply(engine, args);
  };
  const failures: Failure[] = [];
  try {
    const made = await Promise.all(pairs.map((p, i) => burst(clients[i]!, p.caller, p.callee, failures)));
    expect(failures, JSON.stringify(failures.slice(0, 5), null, 1)).toEqual([]);
    expect(made.reduce((a, b) => a + b, 0)).toBe(PAIRS * ROUNDS);
  } finally {
    engine.isOthersCall = isOthersCall;
  }
  const onSwitch = () => [...sb.emulator.network.activeCalls()].length;
  expect(await until(() => onSwitch() === 0, 5000), `${onSwitch()} call(s) left on the switch`).toBe(true);
  for (const [i, c] of clients.entries()) {
    const listed = async () => (await c.get<{ calls: unknown[] }>("telephony", "calls")).body.calls.length;
    expect(await until(async () => (await listed()) === 0, 5000), `calls left for ${pairs[i]!.caller}`).toBe(
      true,
    );
  }
  return overtook;
}

describe(`make and release at full speed, ${PAIRS} users x ${ROUNDS} pairs`, () => {
  it("no error and no call left", async () => {
    await run();
  }, 120_000);

  it("no error and no call left when the node reports a call's events after answering", async () => {
    // The emulator writes an answer and the events of the same request in one go; a loaded
    // switch (or network) does not. 5 ms of lag lets the client's release come first.
    const csta = sb.emulator.node(1).csta;
    csta.eventLagMs = 5;
    try {
      const overtaking = await run();
      // The race this test is about did happen (else it proves nothing).
      expect(overtaking).toBeGreaterThan(PAIRS * ROUNDS * 0.1);
      console.info(`${overtaking} of ${PAIRS * ROUNDS} releases overtook the call's events`);
    } finally {
      csta.eventLagMs = 0;
    }
  }, 120_000);
});
