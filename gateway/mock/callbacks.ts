/**
 * The stand-in's callbacks and mini messages, answered as the gateway answers them
 * (services/telephony/callbacks.ts, mini-messages.ts): one callback request per caller, its
 * id the caller's number; a user's text messages read newest first and erased. The stand-in's calls
 * know no busy state, so a callback is only asked without a call (outgoingCallbacks) here, and
 * nobody is called back: the sandbox's emulated OXE does that.
 */
import type { CallbackJson, MiniMessageJson } from "../domain/telephony/callback-schema.js";
import { MockError } from "./errors.js";
import { telephonyError } from "./telephony.js";
import type { MockUser } from "./users.js";

export class MockCallbacks {
  /** callee's number → callers' numbers, oldest first */
  private readonly requests = new Map<string, string[]>();
  private readonly boxes = new Map<string, { sender: string; sentAt: Date; text: string; read: boolean }[]>();

  constructor(private readonly byNumber: ReadonlyMap<string, MockUser>) {}

  private callee(number: string, from: MockUser): MockUser {
    const u = this.byNumber.get(number);
    if (!u) throw telephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DEVICE", `no device ${number}`);
    if (u === from)
      throw telephonyError(
        400,
        "BAD_PARAMETER_VALUE",
        "INVALID_DESTINATION",
        "a set cannot call itself back",
      );
    return u;
  }

  request(from: MockUser, number: string): void {
    const to = this.callee(number, from);
    const list = this.requests.get(to.number) ?? [];
    if (!list.includes(from.number)) list.push(from.number);
    this.requests.set(to.number, list);
  }

  incoming(u: MockUser): CallbackJson[] {
    return (this.requests.get(u.number) ?? []).map((n) => {
      const caller = this.byNumber.get(n);
      return {
        callbackId: n,
        partyInfo: {
          id: { ...(caller ? { loginName: caller.loginName } : {}), phoneNumber: n },
          ...(caller
            ? {
                firstName: caller.firstName,
                lastName: caller.lastName,
                displayName: `${caller.firstName} ${caller.lastName}`,
              }
            : {}),
          type: { main: caller ? "USER" : "EXTERNAL" },
        },
      };
    });
  }

  delete(u: MockUser, id?: string): void {
    const list = this.requests.get(u.number) ?? [];
    if (id === undefined) {
      this.requests.delete(u.number);
      return;
    }
    const i = list.indexOf(id);
    if (i < 0) throw new MockError(404, `no callback ${id}`, { type: "NOT_FOUND" });
    list.splice(i, 1);
  }

  send(from: MockUser, number: string, text: string): void {
    const to = this.byNumber.get(number);
    if (!to) throw telephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DEVICE", `no device ${number}`);
    const box = this.boxes.get(to.number) ?? [];
    box.push({ sender: from.number, sentAt: new Date(), text, read: false });
    this.boxes.set(to.number, box);
  }

  /** The newest unread message, erased (last in, first out); null when none is left. */
  read(u: MockUser): MiniMessageJson | null {
    const box = this.boxes.get(u.number) ?? [];
    const i = box.findLastIndex((x) => !x.read);
    if (i < 0) return null;
    const [m] = box.splice(i, 1);
    return { sender: m!.sender, dateTime: m!.sentAt.toISOString(), message: m!.text };
  }
}
