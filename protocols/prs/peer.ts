/**
 * One end of a PRS link, over any byte stream: frames in, checked messages out; a frame that
 * is not a message is answered with an `error` message and skipped, garbage between frames is
 * skipped, and neither closes the link. Only a peer that sends nothing but garbage (more than
 * `maxGarbageBytes` since its last good frame) is given up on: `fatal` is called and the owner
 * closes the connection.
 */
import { encodePrsFrame, PrsFrameDecoder } from "./frame.js";
import { decodePrsMessage, encodePrsMessage, type PrsMessage, PrsMessageError } from "./messages.js";

export interface PrsPeerHandlers {
  message(m: PrsMessage): void;
  /** a frame or bytes refused; the link goes on */
  refused(why: string): void;
  /** the peer is beyond saving (only garbage): close the connection */
  fatal(why: string): void;
}

export class PrsPeer {
  private readonly decoder: PrsFrameDecoder;
  private garbageRun = 0;
  /** frames and byte runs refused since the link opened */
  refusedCount = 0;

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly handlers: PrsPeerHandlers,
    private readonly maxGarbageBytes = 64 * 1024,
  ) {
    this.decoder = new PrsFrameDecoder({
      frame: (body) => this.onFrame(body),
      garbage: (skipped, why) => this.onGarbage(skipped, why),
    });
  }

  get decoderState(): { pendingBytes: number; partialSince: number } {
    return { pendingBytes: this.decoder.pendingBytes, partialSince: this.decoder.partialSince };
  }

  feed(chunk: Uint8Array): void {
    this.decoder.feed(chunk);
  }

  /** Give up on a frame announced too long ago (the owner's timer). */
  expirePartial(olderThanMs: number): void {
    const since = this.decoder.partialSince;
    if (since > 0 && performance.now() - since > olderThanMs) this.decoder.expirePartial();
  }

  send(m: PrsMessage): void {
    this.write(encodePrsFrame(encodePrsMessage(m)));
  }

  private onFrame(body: string): void {
    this.garbageRun = 0;
    let m: PrsMessage;
    try {
      m = decodePrsMessage(body);
    } catch (err) {
      if (!(err instanceof PrsMessageError)) throw err;
      this.refusedCount++;
      this.handlers.refused(`a frame refused: ${err.message}`);
      this.send({ type: "error", message: `frame refused: ${err.message}` });
      return;
    }
    this.handlers.message(m);
  }

  private onGarbage(skipped: number, why: string): void {
    this.refusedCount++;
    this.garbageRun += skipped;
    this.handlers.refused(`${skipped} bytes skipped (${why})`);
    if (this.garbageRun > this.maxGarbageBytes) this.handlers.fatal(`${this.garbageRun} bytes of garbage`);
  }
}
