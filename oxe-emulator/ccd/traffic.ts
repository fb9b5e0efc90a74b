/**
 * ACD traffic for demos and benchmarks (the emulator's `--acd-traffic`): callers, users who are no
 * CCD operators, dial the node's pilots at a mean rate (Poisson arrivals), each with a patience:
 * a caller still waiting in a queue when it runs out hangs up (an abandoned call). With
 * `agentsAnswer`, the operators' sets behave as busy agents: they answer a distributed call after
 * `answerMs` and hang up after `talkMs`; the CCD's wrap-up then makes them ready again.
 * Deterministic for a seed (who calls which pilot, and when).
 */
import type { Call, Network } from "../model/index.js";
import type { Ccd } from "./ccd.js";
import { prng } from "./config.js";

export interface AcdTrafficOptions {
  /** calls per second, over all pilots */
  ratePerSec: number;
  /** a queued caller hangs up after this long */
  patienceMs: number;
  /** the operators' sets answer and release by themselves */
  agentsAnswer: boolean;
  answerMs: number;
  talkMs: number;
  seed: number;
}

export const DEFAULT_ACD_TRAFFIC: AcdTrafficOptions = {
  ratePerSec: 1,
  patienceMs: 30_000,
  agentsAnswer: true,
  answerMs: 2_000,
  talkMs: 20_000,
  seed: 1,
};

export class AcdTraffic {
  private timer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly rnd: () => number;
  private readonly callers: string[];
  private readonly pilots: string[];
  private readonly offModel: () => void;
  /** calls placed, for the caller's own figures */
  placed = 0;
  refusedCallers = 0;
  private readonly options: AcdTrafficOptions;

  constructor(
    private readonly network: Network,
    private readonly ccd: Ccd,
    options: Partial<AcdTrafficOptions> = {},
  ) {
    this.options = { ...DEFAULT_ACD_TRAFFIC, ...options };
    this.rnd = prng(this.options.seed);
    this.pilots = ccd.config.pilots.map((p) => p.number);
    this.callers = [...network.devices.values()]
      .filter((d) => !d.service && !ccd.operators.has(d.number))
      .map((d) => d.number);
    this.offModel = network.on((ev) => {
      if (!this.options.agentsAnswer || ev.kind !== "delivered" || ev.cause !== "distributed") return;
      this.later(this.options.answerMs, () => this.agentAnswers(ev.device.number, ev.call));
    });
  }

  /** Log every operator on its own set into its preferred group, ready. */
  staffAll(): void {
    for (const op of this.ccd.operators.values()) {
      const pg = op.config.groups[0];
      if (op.main === "LOG_ON" || !pg) continue;
      this.ccd.logOn(op.config.number, op.config.proacd, pg);
      this.ccd.ready(op.config.number);
    }
  }

  start(): void {
    if (this.timer || this.pilots.length === 0 || this.callers.length === 0) return;
    const next = () => {
      // exponential inter-arrival times: a Poisson stream at ratePerSec
      const gap = (-Math.log(1 - this.rnd()) / this.options.ratePerSec) * 1000;
      this.timer = setTimeout(() => {
        this.placeOne();
        next();
      }, gap);
      this.timer.unref();
    };
    next();
  }

  /** Place no more calls; the calls in progress go on to their end (patience, agents' talk). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stop everything, the calls in progress left as they are. */
  dispose(): void {
    this.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.offModel();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private placeOne(): void {
    const caller = this.callers[Math.floor(this.rnd() * this.callers.length)]!;
    const pilot = this.pilots[Math.floor(this.rnd() * this.pilots.length)]!;
    const device = this.network.devices.get(caller);
    if (!device || device.connections.length > 0) {
      this.refusedCallers++;
      return;
    }
    const c = this.network.deferEvents(() =>
      this.network.makeCall(caller, pilot, { autoOriginate: "doNotPrompt" }),
    );
    this.placed++;
    const call = c.call;
    // Patience: hang up if still waiting at the pilot (or failed there: busy, blocked).
    this.later(this.options.patienceMs, () => {
      if (call.ended || !device.connections.some((x) => x.call === call)) return;
      const answered = call.connections.some((x) => x.device !== device && x.state === "connected");
      if (!answered) this.network.deferEvents(() => this.network.clearConnection(device, call));
    });
    // A caller talks as long as an agent does: the agent's side releases (agentsAnswer).
  }

  private agentAnswers(number: string, call: Call): void {
    const set = this.network.devices.get(number);
    if (!set || call.ended) return;
    const ringing = set.connections.find((x) => x.call === call && x.state === "alerting");
    if (!ringing) return;
    this.network.deferEvents(() => this.network.answer(set, call));
    this.later(this.options.talkMs, () => {
      if (!call.ended && set.connections.some((x) => x.call === call))
        this.network.deferEvents(() => this.network.clearConnection(set, call));
    });
  }
}
