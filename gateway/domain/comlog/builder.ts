/**
 * The communication log, built by the gateway as O2G builds it: from what each user saw of each
 * call (the telephony events it published), one record per user per call, written when the call
 * is over for that user. Calls are followed across transfers and conferences (previousCallRef),
 * so a transferred call is one record, not two.
 *
 * It reads the event bus rather than the CSTA link: the record is made of O2G's own view
 * (participants, legs, causes), and the telephony engine stays unaware of it. Writes go to the
 * store's batching repository, off the event path.
 */

import type { EventPublisher, O2gEvent } from "../../events/types.js";
import type {
  ComlogRepository,
  ComRecord,
  ComRecordParticipant,
  PartyInfo,
  Reason,
  Role,
} from "../../store/index.js";
import type { CallCause, Leg, Participant } from "../telephony/index.js";

interface Tracked {
  comRef: string;
  begin: Date;
  conv: Date | null;
  role: Role;
  /** the user answered (callee) or the call was answered (caller) */
  answered: boolean;
  remotes: Map<string, { identity: PartyInfo; answered: boolean; reason: Reason; role: Role }>;
  heldSince: number | null;
  holdMs: number;
  initialCalled: PartyInfo | undefined;
  associatedData: string | undefined;
  cause: CallCause;
}

const REASONS: Partial<Record<CallCause, Reason>> = {
  BUSY: "BUSY",
  TRANSFERRED: "TRANSFERRED",
  CONFERENCED: "CONFERENCED",
  FORWARDED: "FORWARDED",
  REDIRECTED: "REDIRECTED",
  ABANDONED: "ABANDONED",
  INVALID_NUMBER: "INVALID_NUMBER",
  ALL_TRUNK_BUSY: "ALL_TRUNK_BUSY",
  PICKED_UP: "PICKUP",
};

export interface ComlogBuilderOptions {
  /** only `add` is used: the msw stand-in (gateway/mock) passes a repository in memory */
  repository: Pick<ComlogRepository, "add">;
  events: EventPublisher;
  /** the voice mail pilots of the nodes: a remote that is one makes the reason VOICEMAIL */
  isVoiceMail: (number: string) => boolean;
  /** the user's own identity in their records (names, number) */
  identity: (loginName: string) => PartyInfo | undefined;
  /** told of every record written (the event summary recounts missed calls) */
  onRecord?: (loginName: string, record: ComRecord) => void;
  log: (line: string) => void;
}

export class ComlogBuilder {
  private readonly calls = new Map<string, Tracked>();

  constructor(private readonly o: ComlogBuilderOptions) {}

  private key(login: string, ref: string): string {
    return `${login}\u0000${ref}`;
  }

  /** Feed every telephony event published on the bus. */
  onEvent(login: string, e: O2gEvent): void {
    const ref = typeof e.callRef === "string" ? e.callRef : undefined;
    if (!ref) return;
    switch (e.eventName) {
      case "OnCallCreated":
        this.created(login, ref, e);
        return;
      case "OnCallModified":
        this.modified(login, ref, e);
        return;
      case "OnCallRemoved":
        this.removed(login, ref, e);
        return;
    }
  }

  private created(login: string, ref: string, e: O2gEvent): void {
    const legs = (e.legs as Leg[] | undefined) ?? [];
    const known = this.calls.get(this.key(login, ref));
    if (known) {
      // Announced again after the CTI link came back (snapshot): the same call, still one record.
      this.update(known, e, (e.participants as Participant[] | undefined) ?? [], legs);
      return;
    }
    const incoming = legs.some((l) => l.state === "RINGING_INCOMING");
    const t: Tracked = {
      comRef: ref,
      begin: new Date(),
      conv: null,
      role: incoming ? "CALLEE" : "CALLER",
      answered: false,
      remotes: new Map(),
      heldSince: null,
      holdMs: 0,
      initialCalled: (e.callData as { initialCalled?: PartyInfo } | undefined)?.initialCalled,
      associatedData: (e.callData as { associatedData?: string } | undefined)?.associatedData,
      cause: "UNKNOWN",
    };
    this.calls.set(this.key(login, ref), t);
    this.update(t, e, (e.participants as Participant[] | undefined) ?? [], legs);
  }

  private modified(login: string, ref: string, e: O2gEvent): void {
    const prev = typeof e.previousCallRef === "string" ? e.previousCallRef : undefined;
    let t = this.calls.get(this.key(login, ref));
    if (!t && prev) {
      // The call the user was in became this one (transfer, conference): one record still.
      t = this.calls.get(this.key(login, prev));
      if (t) {
        this.calls.delete(this.key(login, prev));
        t.comRef = ref;
        this.calls.set(this.key(login, ref), t);
      }
    }
    if (!t) return;
    const legs = [...((e.addedLegs as Leg[]) ?? []), ...((e.modifiedLegs as Leg[]) ?? [])];
    this.update(
      t,
      e,
      [
        ...((e.addedParticipants as Participant[]) ?? []),
        ...((e.modifiedParticipants as Participant[]) ?? []),
      ],
      legs,
    );
  }

  private update(t: Tracked, e: O2gEvent, participants: Participant[], legs: Leg[]): void {
    const cause = e.cause as CallCause | undefined;
    if (cause && cause !== "UNKNOWN") t.cause = cause;
    const now = Date.now();
    for (const l of legs) {
      if (l.state === "ACTIVE") {
        t.answered = true;
        t.conv ??= new Date(now);
      }
      if (l.state === "HELD" && t.heldSince === null) t.heldSince = now;
      if (l.state !== "HELD" && t.heldSince !== null) {
        t.holdMs += now - t.heldSince;
        t.heldSince = null;
      }
    }
    for (const p of participants) {
      const r = t.remotes.get(p.participantId);
      const answered = p.state === "ACTIVE" || p.state === "HELD" || (r?.answered ?? false);
      const number = p.identity.id.phoneNumber ?? p.participantId;
      t.remotes.set(p.participantId, {
        identity: p.identity,
        answered,
        role: t.role === "CALLER" ? "CALLEE" : "CALLER",
        reason: this.o.isVoiceMail(number) ? "VOICEMAIL" : (REASONS[t.cause] ?? "NORMAL"),
      });
    }
  }

  private removed(login: string, ref: string, e: O2gEvent): void {
    const k = this.key(login, ref);
    const t = this.calls.get(k);
    if (!t) return;
    this.calls.delete(k);
    const cause = (e.cause as CallCause | undefined) ?? "UNKNOWN";
    if (cause !== "UNKNOWN") t.cause = cause;
    const end = new Date();
    if (t.heldSince !== null) t.holdMs += end.getTime() - t.heldSince;
    const self: ComRecordParticipant = {
      role: t.role,
      answered: t.answered,
      identity: this.o.identity(login) ?? { id: { loginName: login } },
      reason: REASONS[t.cause] ?? "NORMAL",
    };
    if (t.initialCalled && t.role === "CALLEE") self.initialCalled = t.initialCalled;
    const participants: ComRecordParticipant[] = [self];
    for (const r of t.remotes.values()) {
      participants.push({ role: r.role, answered: r.answered, identity: r.identity, reason: r.reason });
    }
    // A call the user did not answer is a missed call, to acknowledge; anything else is not.
    const missed = t.role === "CALLEE" && !t.answered;
    this.o.repository
      .add({
        loginName: login,
        comRef: t.comRef,
        participants,
        beginDate: t.begin,
        endDate: end,
        convDate: t.conv,
        holdDuration: Math.round(t.holdMs / 1000),
        associatedData: t.associatedData ?? null,
        acknowledged: !missed,
        role: t.role,
        answered: t.answered,
      })
      .then(
        (record) => {
          this.o.events.publish("unifiedComLog", login, {
            eventName: "OnComRecordCreated",
            loginName: login,
            record,
          });
          this.o.onRecord?.(login, record);
        },
        (err: unknown) =>
          this.o.log(`comlog: a record for ${login} was not written: ${(err as Error).message}`),
      );
  }

  /** Calls being followed now (for tests and the maintenance view). */
  get open(): number {
    return this.calls.size;
  }
}
