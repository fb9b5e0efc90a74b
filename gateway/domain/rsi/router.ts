/**
 * O2G's RSI service over the nodes' CSTA links: an RSI point enabled here is registered on its
 * node (routeRegister), its calls' route requests become route sessions and the `rsi` package's
 * OnRouteRequest, the application answers with routeSelect or routeEnd, and the guides (tones,
 * voice guides, digit collection) go as the OXE's escape requests, their reports coming back as
 * OnToneGeneratedStart / OnToneGeneratedStop / OnDigitCollected (protocols/csta/routing-services.ts).
 *
 * A point stays enabled across a CSTA link loss: registered again once the link is back; the
 * route sessions of the lost link are gone with it (the node gave their calls the default
 * treatment when the registration went).
 *
 * Ours, where the SDK leaves the events' contents out (its OnRouteRequest `request` and
 * OnDigitCollected `dataCollected` are commented out): OnRouteRequest carries
 * `request: { routeCrid, caller, callerType, called, routedCallRef, reason }`, OnDigitCollected
 * `dataCollected: { collCrid, digits, cause }` (the SDK's CollectionCause). A routeCrid is the
 * node's RouteingCrossRefID in decimal; a callRef the node's call id, as the other services.
 */
import {
  escapeService,
  type ReRouteArgument,
  type RouteRequestArgument,
  type RsiPrivateRequest,
  type RsiTone,
  reRoute,
  routeEnd,
  routeRegister,
  routeRegisterCancel,
  routeRequest,
  routeSelect,
} from "../../../protocols/csta/index.js";
import type { EventPublisher } from "../../events/index.js";
import type { CstaClient } from "../../links/index.js";
import type { RouteSessionJson, RoutingReason } from "./schema.js";

interface Session {
  readonly nodeId: number;
  readonly point: string;
  readonly crossRefId: number;
  readonly caller: string;
  readonly routedCallRef: string;
  reason: RoutingReason;
}

interface Enabled {
  readonly nodeId: number;
  readonly point: string;
  /** undefined while not registered on the node (link down) */
  registerReqId: number | undefined;
}

export class RsiRouter {
  private readonly links = new Map<number, CstaClient>();
  private readonly enabled = new Map<string, Enabled>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly events: EventPublisher,
    /** whether a number is one of the nodes' users (the caller's RoutingCallerType) */
    private readonly isInternal: (number: string) => boolean,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Serve the RSI points of node `nodeId` over its CSTA link. */
  attach(nodeId: number, csta: CstaClient): void {
    this.links.set(nodeId, csta);
    csta.rose.on("invoked", (op, _invokeId, arg) => {
      if (op === routeRequest) this.onRouteRequest(nodeId, arg as RouteRequestArgument);
      else if (op === reRoute) this.onReRoute(nodeId, arg as ReRouteArgument);
      else if (op === routeEnd) this.onRouteEnd(nodeId, (arg as { crossRefId: number }).crossRefId);
      else if (op === escapeService) {
        const req = (arg as { privateData: { service: string } }).privateData;
        if (req.service === "rsi") this.onGuideEvent(nodeId, req as RsiPrivateRequest);
      }
    });
    csta.rose.on("down", () => {
      for (const e of this.enabled.values()) if (e.nodeId === nodeId) e.registerReqId = undefined;
      for (const [k, s] of this.sessions) if (s.nodeId === nodeId) this.sessions.delete(k);
    });
    csta.rose.on("up", () => {
      for (const e of this.enabled.values())
        if (e.nodeId === nodeId && e.registerReqId === undefined)
          this.register(e, csta).catch((err: unknown) =>
            this.log(`RSI point ${e.point} not registered again: ${String(err)}`),
          );
    });
  }

  isEnabled(point: string): boolean {
    return this.enabled.has(point);
  }

  private link(nodeId: number): CstaClient {
    const l = this.links.get(nodeId);
    if (!l) throw new Error(`no CSTA link to node ${nodeId}`);
    return l;
  }

  private async register(e: Enabled, csta: CstaClient): Promise<void> {
    const { registerReqId } = await csta.rose.invoke(routeRegister, { routeingDevice: e.point });
    e.registerReqId = registerReqId;
  }

  /** Register `point` on its node (again: nothing new). */
  async enable(nodeId: number, point: string): Promise<void> {
    const known = this.enabled.get(point);
    if (known?.registerReqId !== undefined) return;
    const e: Enabled = known ?? { nodeId, point, registerReqId: undefined };
    await this.register(e, this.link(nodeId));
    this.enabled.set(point, e);
  }

  /** Give `point` up; false when it was not enabled. */
  async disable(point: string): Promise<boolean> {
    const e = this.enabled.get(point);
    if (!e) return false;
    this.enabled.delete(point);
    for (const [k, s] of this.sessions) if (s.point === point) this.sessions.delete(k);
    if (e.registerReqId !== undefined)
      await this.link(e.nodeId).rose.invoke(routeRegisterCancel, { registerReqId: e.registerReqId });
    return true;
  }

  routeSessions(point: string): RouteSessionJson[] {
    return [...this.sessions.values()].filter((s) => s.point === point).map(sessionJson);
  }

  routeSession(point: string, routeCrid: string): RouteSessionJson | undefined {
    const s = this.sessions.get(key(point, routeCrid));
    return s ? sessionJson(s) : undefined;
  }

  /** The session's call leaves for `route` (or a reRoute comes, as an OnRouteRequest). */
  async routeSelect(
    point: string,
    routeCrid: string,
    route: {
      selectedRoute: string;
      callingLine?: string;
      associatedData?: string;
      routeToVoiceMail?: boolean;
    },
  ): Promise<boolean> {
    const s = this.sessions.get(key(point, routeCrid));
    if (!s) return false;
    await this.link(s.nodeId).rose.invoke(routeSelect, {
      crossRefId: s.crossRefId,
      routeSelected: route.selectedRoute,
      ...(route.associatedData !== undefined
        ? { correlatorData: Buffer.from(route.associatedData, "utf8") }
        : {}),
      ...(route.routeToVoiceMail ? { routeToVoiceMail: true } : {}),
      ...(route.callingLine !== undefined ? { callingLine: route.callingLine } : {}),
    });
    return true;
  }

  async routeEnd(point: string, routeCrid: string): Promise<boolean> {
    const s = this.sessions.get(key(point, routeCrid));
    if (!s) return false;
    await this.link(s.nodeId).rose.invoke(routeEnd, { crossRefId: s.crossRefId });
    this.ended(s);
    return true;
  }

  /** The session of the call `callRef` at `point`, for the guides. */
  sessionOfCall(point: string, callRef: string): { nodeId: number } | undefined {
    for (const s of this.sessions.values()) if (s.point === point && s.routedCallRef === callRef) return s;
    return undefined;
  }

  async playTone(
    nodeId: number,
    point: string,
    callRef: string,
    tone: RsiTone,
    durationS: number,
  ): Promise<void> {
    await this.guide(nodeId, {
      v: 1,
      service: "rsi",
      op: "playTone",
      point,
      callId: callRef,
      tone,
      durationMs: durationS * 1000,
    });
  }

  async stopTone(nodeId: number, point: string, callRef: string): Promise<void> {
    await this.guide(nodeId, { v: 1, service: "rsi", op: "stopTone", point, callId: callRef });
  }

  async playVoiceGuide(
    nodeId: number,
    point: string,
    callRef: string,
    guide: number,
    durationS?: number,
  ): Promise<void> {
    await this.guide(nodeId, {
      v: 1,
      service: "rsi",
      op: "playVoiceGuide",
      point,
      callId: callRef,
      guide,
      ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    });
  }

  /** Start collecting the caller's digits; the collection's id. */
  async collectDigits(
    nodeId: number,
    point: string,
    callRef: string,
    c: { numChars: number; flushChar?: string; timeoutS?: number },
  ): Promise<string> {
    const res = await this.link(nodeId).rose.invoke(escapeService, {
      privateData: {
        v: 1,
        service: "rsi",
        op: "collectDigits",
        point,
        callId: callRef,
        numChars: c.numChars,
        ...(c.flushChar !== undefined ? { flushChar: c.flushChar } : {}),
        ...(c.timeoutS !== undefined ? { timeoutMs: c.timeoutS * 1000 } : {}),
      },
    });
    const o = res
      ? (JSON.parse(Buffer.from(res.privateData).toString("utf8")) as { collCrid?: unknown })
      : {};
    if (typeof o.collCrid !== "string") throw new Error("the node did not name the digit collection");
    return o.collCrid;
  }

  async stopCollectDigits(nodeId: number, point: string, collCrid: string): Promise<void> {
    await this.guide(nodeId, { v: 1, service: "rsi", op: "stopCollect", point, collCrid });
  }

  private async guide(nodeId: number, req: RsiPrivateRequest): Promise<void> {
    await this.link(nodeId).rose.invoke(escapeService, { privateData: req });
  }

  // ---- what the nodes tell ---------------------------------------------------------------------

  private onRouteRequest(nodeId: number, a: RouteRequestArgument): void {
    const point = a.currentRoute;
    const e = this.enabled.get(point);
    if (!e || e.nodeId !== nodeId) return;
    const s: Session = {
      nodeId,
      point,
      crossRefId: a.crossRefId,
      caller: a.callingDevice ?? "",
      routedCallRef: a.routedCall?.callId ?? "",
      reason: "INITIAL",
    };
    this.sessions.set(key(point, String(a.crossRefId)), s);
    this.publishRequest(s);
  }

  private onReRoute(nodeId: number, a: ReRouteArgument): void {
    const s = this.byCrossRef(nodeId, a.crossRefId);
    if (!s) return;
    s.reason = a.reason === "busy" ? "BUSY" : a.reason === "notObtainable" ? "NOT_OBTAINABLE" : "UNKNOWN";
    this.publishRequest(s);
  }

  private onRouteEnd(nodeId: number, crossRefId: number): void {
    const s = this.byCrossRef(nodeId, crossRefId);
    if (s) this.ended(s);
  }

  private onGuideEvent(nodeId: number, ev: RsiPrivateRequest): void {
    if (!("event" in ev)) return;
    const e = this.enabled.get(ev.point);
    if (!e || e.nodeId !== nodeId) return;
    const base = { rsiPoint: ev.point, callRef: ev.callId };
    switch (ev.event) {
      case "toneStart":
        this.events.publish("rsi", null, { eventName: "OnToneGeneratedStart", ...base, tonesTypes: ev.tone });
        return;
      case "toneStop":
        this.events.publish("rsi", null, { eventName: "OnToneGeneratedStop", ...base });
        return;
      case "digitsCollected":
        this.events.publish("rsi", null, {
          eventName: "OnDigitCollected",
          ...base,
          dataCollected: { collCrid: ev.collCrid, digits: ev.digits, cause: ev.cause },
        });
    }
  }

  private byCrossRef(nodeId: number, crossRefId: number): Session | undefined {
    for (const s of this.sessions.values()) if (s.nodeId === nodeId && s.crossRefId === crossRefId) return s;
    return undefined;
  }

  private publishRequest(s: Session): void {
    this.events.publish("rsi", null, {
      eventName: "OnRouteRequest",
      rsiPoint: s.point,
      request: {
        ...sessionJson(s),
        callerType: s.caller === "" ? "UNKNOWN" : this.isInternal(s.caller) ? "INTERNAL" : "EXTERNAL",
        reason: s.reason,
      },
    });
  }

  private ended(s: Session): void {
    if (!this.sessions.delete(key(s.point, String(s.crossRefId)))) return;
    this.events.publish("rsi", null, {
      eventName: "OnRouteEnd",
      rsiPoint: s.point,
      routeCrid: String(s.crossRefId),
      routedCallRef: s.routedCallRef,
      reason: s.reason,
    });
  }
}

const key = (point: string, routeCrid: string) => `${point}/${routeCrid}`;

function sessionJson(s: Session): RouteSessionJson {
  return {
    routeCrid: String(s.crossRefId),
    caller: s.caller,
    called: s.point,
    routedCallRef: s.routedCallRef,
  };
}
