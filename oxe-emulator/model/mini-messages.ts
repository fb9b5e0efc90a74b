/**
 * Text ("mini") messages between sets, as the OXE keeps them: each set has a short mailbox of
 * messages, written from another set's keypad or sent through the CTI link, shown on the
 * display. Reading over the link takes the newest unread message and erases it from the OXE
 * (last in, first out, as the SDK's getMiniMessage documents); the set's own display marks the
 * ones it showed as read (old), which stay until the box is full. The mailbox holds `capacity` messages and drops the oldest read one, then the oldest,
 * when full. Each new message (re)lights the set's message lamp and reading the last unread one
 * puts it out, which monitors hear as the standard MessageWaiting event. Sending and reading over
 * CSTA are the OXE's private requests in an escape (see protocols/csta/text-messages.ts):
 * ECMA-269 has no text messages between sets.
 */
import { ModelError } from "./errors.js";
import type { Device, ModelEvent } from "./types.js";

export interface MiniMessage {
  readonly sender: string;
  readonly sentAt: Date;
  readonly text: string;
  read: boolean;
}

export const MINI_MESSAGE_MAX_LENGTH = 256;

export class MiniMessages {
  private readonly boxes = new Map<Device, MiniMessage[]>();
  private readonly listeners = new Set<(recipient: Device) => void>();

  constructor(
    /** lights or puts out the set's message lamp (CSTA MessageWaiting event) */
    private readonly emit: (ev: ModelEvent) => void,
    private readonly capacity = 20,
  ) {}

  /** Be told when a set's messages change (a new one, one read). */
  onChange(listener: (recipient: Device) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(sender: Device, recipient: Device, text: string): MiniMessage {
    if (recipient.service) throw new ModelError("invalidDevice", `${recipient.number} takes no messages`);
    if (text.length === 0 || text.length > MINI_MESSAGE_MAX_LENGTH)
      throw new ModelError("invalidDeviceState", `a message has 1 to ${MINI_MESSAGE_MAX_LENGTH} characters`);
    const box = this.boxes.get(recipient) ?? [];
    const m: MiniMessage = { sender: sender.number, sentAt: new Date(), text, read: false };
    box.push(m);
    while (box.length > this.capacity) {
      const oldRead = box.findIndex((x) => x.read);
      box.splice(Math.max(oldRead, 0), 1);
    }
    this.boxes.set(recipient, box);
    this.changed(recipient);
    return m;
  }

  /** What the set's display lists, oldest first. */
  list(device: Device): readonly MiniMessage[] {
    return this.boxes.get(device) ?? [];
  }

  /** Over the link: the newest unread message, erased from the box; undefined when none is unread. */
  takeNewest(device: Device): MiniMessage | undefined {
    const box = this.boxes.get(device) ?? [];
    const i = box.findLastIndex((x) => !x.read);
    if (i < 0) return undefined;
    const [m] = box.splice(i, 1);
    this.changed(device);
    return m;
  }

  /** The set's display showed its messages: they are old now. */
  showOnSet(device: Device): readonly MiniMessage[] {
    const box = this.list(device);
    if (box.some((m) => !m.read)) {
      for (const m of box) m.read = true;
      this.changed(device);
    }
    return box;
  }

  counts(device: Device): { unread: number; read: number } {
    const box = this.list(device);
    const unread = box.filter((m) => !m.read).length;
    return { unread, read: box.length - unread };
  }

  private changed(device: Device): void {
    // Each new message (re)lights the lamp; reading the last unread one puts it out.
    const on = this.list(device).some((m) => !m.read);
    this.emit({ kind: "messageWaiting", device, on, cause: "normal", observers: [device] });
    for (const l of this.listeners) l(device);
  }
}
