/**
 * What the gateway sends the application, numbered and kept until acknowledged. Acks are
 * cumulative (`ack 41` releases every message up to 41), so the application needs to say only how
 * far it got; after a reconnection everything past that is sent again, in order, and the
 * application drops a `seq` it has already seen. Bounded: past `limit` messages the oldest go
 * first and are counted, so an application that never acks cannot grow the gateway without end.
 */
export interface Frame {
  readonly seq: number;
  readonly text: string;
}

export class Outbox {
  private frames: Frame[] = [];
  /** index of the first unacknowledged frame in `frames` (shifting a long array per ack is quadratic) */
  private head = 0;
  private next = 1;
  dropped = 0;

  constructor(private readonly limit: number) {}

  /** Numbers a message (`build` writes the frame with its seq) and keeps it. */
  push(build: (seq: number) => string): Frame {
    const frame = { seq: this.next++, text: build(this.next - 1) };
    this.frames.push(frame);
    if (this.size > this.limit) {
      this.head++;
      this.dropped++;
    }
    this.compact();
    return frame;
  }

  /** The application has processed everything up to `seq`. Returns how many frames this released. */
  ack(seq: number): number {
    const before = this.head;
    while (this.head < this.frames.length && this.frames[this.head]!.seq <= seq) this.head++;
    this.compact();
    return this.head - before;
  }

  /** The frame numbered `seq`, if it is still kept. */
  find(seq: number): Frame | undefined {
    const first = this.frames[this.head];
    if (!first || seq < first.seq) return undefined;
    const f = this.frames[this.head + (seq - first.seq)];
    return f?.seq === seq ? f : undefined;
  }

  /** Unacknowledged frames, oldest first. */
  pending(): readonly Frame[] {
    return this.frames.slice(this.head);
  }

  get size(): number {
    return this.frames.length - this.head;
  }

  /** the seq the next message will carry */
  get nextSeq(): number {
    return this.next;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }
}
