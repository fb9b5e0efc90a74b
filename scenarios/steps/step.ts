/**
 * What a step kind is: how its YAML reads into a step (with positioned errors) and how the runner
 * plays it, side by side, so that a new kind is one entry and not a case in two switches.
 */
import type { Node } from "yaml";
import type { ScenarioEnv } from "../environment.js";
import type { Scenario, Step, StepBody, Template } from "../format/types.js";
import type { Walker } from "../format/walker.js";
import type { EventStream, FailoverClient, O2gClient } from "../o2g-client/index.js";

export type StepKind = StepBody["kind"];
export type BodyOf<K extends StepKind> = Extract<StepBody, { kind: K }>;
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/**
 * What a step's parser reads with: the walker (positioned errors), and the scenario's actors.
 * Entries annotate it (`w: ParseContext`) so that `w.fail` narrows as a `never` call should.
 */
export interface ParseContext extends Walker {
  /** an actor's name, refused (with the scenario's actors) when there is no such actor */
  actor(node: Node | null | undefined, what: string): string;
  /** one name or a list of them, each an actor */
  actorList(node: Node | null | undefined, what: string): string[];
  /** a nested list of steps (a loop's) */
  steps(node: Node): Step[];
}

/** A step as its parser returns it: the runner's half, and the line its reports show. */
export interface Parsed<K extends StepKind> {
  body: BodyOf<K>;
  label: string;
}

/** One of the scenario's actors, as one running instance has them. */
export interface Actor {
  name: string;
  login: string;
  number: string;
  password: string;
  admin: boolean;
  client?: O2gClient;
  /** the actor's session on a gateway pair (scenarios with gateway.ha), in place of `client` */
  failover?: FailoverClient;
  stream?: EventStream;
}

/** Where webhook deliveries for an actor are sent, and how they reach its event stream. */
export interface Webhooks {
  urlFor(login: string): string;
  attach(login: string, stream: EventStream): void;
}

/** What a running instance offers its steps: the sandbox, the actors and the variables. */
export interface RunContext {
  readonly scenario: Scenario;
  readonly env: ScenarioEnv;
  readonly hooks: Webhooks;
  readonly vars: Map<string, unknown>;
  actor(name: string): Actor;
  /** the actor's session (refused when they have not logged in) */
  client(name: string): O2gClient;
  /** the actor's event stream (refused when they have not subscribed) */
  stream(name: string): EventStream;
  /** a template with its variables replaced */
  value(t: Template | undefined): unknown;
  /** a template that must give a text, number or boolean, as a text */
  text(t: Template | undefined, what: string): string;
  /** a destination: an actor's name stands for their number */
  destination(t: Template | undefined): string;
  /** the call a step names, or the actor's only call (in `state`, when given) */
  callRef(actor: string, t: Template | undefined, state?: string): Promise<string>;
}

/** Where a step runs: its number in the report, and how it runs steps of its own (a loop's). */
export interface StepPlace {
  readonly index: string;
  runSteps(steps: Step[], prefix: string): Promise<void>;
}

/**
 * One entry of the step table. Kinds that read alike share an entry (login and logout, hold
 * and retrieve, ...); methods, not function properties, so that an entry for some kinds is an
 * entry of the table (the table hands each entry only steps of its own kinds).
 */
export interface StepDef<K extends StepKind> {
  readonly kinds: readonly K[];
  parse(value: Node, w: ParseContext, kind: K): Parsed<K>;
  run(step: StepOf<K>, ctx: RunContext, at: StepPlace): Promise<void> | void;
}

/**
 * An entry as the table holds it, its kinds forgotten (checked structurally, so every StepDef is
 * one): the table hands each entry only the steps of its own kinds.
 */
export interface StepEntry {
  readonly kinds: readonly StepKind[];
  parse(value: Node, w: ParseContext, kind: StepKind): { body: StepBody; label: string };
  run(step: Step, ctx: RunContext, at: StepPlace): Promise<void> | void;
}

export function defineStep<K extends StepKind>(def: StepDef<K>): StepDef<K> {
  return def;
}
