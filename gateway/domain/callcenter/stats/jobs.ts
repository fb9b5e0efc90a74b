/**
 * Report files built in the background (the SDK's getDayFileData/getDaysFileData with
 * `async=true`, and the scheduled reports): one build at a time per requester, announced step by
 * step as OnAcdStatsProgress events (COLLECT per node read, PROCESSED, then FORMATED with the
 * file's path, or ERROR / CANCELLED), the zipped file kept for download.
 *
 * Files are kept in memory, the newest `maxFiles` of them (ours: a real O2G keeps them on disk
 * for a while); a gateway restart loses them, not the schedules that made them.
 */
import { randomUUID } from "node:crypto";
import { type FileFormat, reportFile } from "./files.js";
import type { StatsDataJson } from "./schema.js";

export type ProgressStep = "COLLECT" | "PROCESSED" | "FORMATED" | "ERROR" | "CANCELLED";

export interface ProgressEvent {
  supervisor: string;
  step: ProgressStep;
  nbTotObjects?: number;
  nbProcessedObjects?: number;
  resPath?: string;
  fullResPath?: string;
  xlsfullResPath?: string;
}

export interface StoredFile {
  readonly id: string;
  readonly requesterId: string;
  readonly entry: string;
  readonly zip: Buffer;
  readonly created: number;
}

export class JobCancelled extends Error {
  override readonly name = "JobCancelled";
}

export interface JobsOptions {
  /** where a file is downloaded: the path after the host, from its id */
  pathOf(id: string): string;
  publish(e: ProgressEvent): void;
  maxFiles?: number;
}

/** A build's way to say how far it is, and to learn that it was cancelled. */
export interface JobControl {
  collected(processed: number, total: number): void;
  readonly cancelled: boolean;
}

export class StatsJobs {
  private readonly files = new Map<string, StoredFile>();
  private readonly running = new Map<string, { cancelled: boolean; done: Promise<unknown> }>();

  constructor(private readonly o: JobsOptions) {}

  busy(requesterId: string): boolean {
    return this.running.has(requesterId);
  }

  /**
   * Start building `requesterId`'s file in the background; resolves with its id once stored (a
   * caller that does not wait learns the end from the events). Throws at once when one is running.
   */
  start(
    requesterId: string,
    build: (control: JobControl) => Promise<StatsDataJson>,
    format: FileFormat,
    baseName: string,
    /** done with the file stored, before FORMATED is announced (a schedule's state) */
    beforeAnnounce?: (file: StoredFile) => Promise<void>,
  ): Promise<StoredFile> {
    if (this.running.has(requesterId))
      throw new Error(`a statistics request of ${requesterId} is in progress`);
    const state = { cancelled: false, done: Promise.resolve() as Promise<unknown> };
    const publish = (e: Omit<ProgressEvent, "supervisor">) =>
      this.o.publish({ supervisor: requesterId, ...e });
    const control: JobControl = {
      collected: (processed, total) => {
        if (!state.cancelled)
          publish({ step: "COLLECT", nbTotObjects: total, nbProcessedObjects: processed });
      },
      get cancelled() {
        return state.cancelled;
      },
    };
    const run = (async () => {
      // Let the request that started it answer first: the client waits for events after it.
      await new Promise((r) => setImmediate(r));
      try {
        const report = await build(control);
        if (state.cancelled) throw new JobCancelled();
        publish({ step: "PROCESSED" });
        const { entry, zip } = await reportFile(report, format, baseName);
        if (state.cancelled) throw new JobCancelled();
        const file: StoredFile = { id: randomUUID(), requesterId, entry, zip, created: Date.now() };
        this.keep(file);
        await beforeAnnounce?.(file);
        const path = this.o.pathOf(file.id);
        publish({
          step: "FORMATED",
          resPath: path,
          fullResPath: path,
          ...(format === "xls" ? { xlsfullResPath: path } : {}),
        });
        return file;
      } catch (err) {
        publish({ step: err instanceof JobCancelled ? "CANCELLED" : "ERROR" });
        throw err;
      } finally {
        this.running.delete(requesterId);
      }
    })();
    state.done = run.catch(() => undefined);
    this.running.set(requesterId, state);
    return run;
  }

  /** Cancel `requesterId`'s running build; false when none runs. */
  cancel(requesterId: string): boolean {
    const s = this.running.get(requesterId);
    if (!s) return false;
    s.cancelled = true;
    return true;
  }

  file(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  private keep(f: StoredFile): void {
    this.files.set(f.id, f);
    const max = this.o.maxFiles ?? 100;
    while (this.files.size > max) this.files.delete(this.files.keys().next().value!);
  }

  /** Wait for the builds in flight (at stop), cancelling them. */
  async stop(): Promise<void> {
    for (const s of this.running.values()) s.cancelled = true;
    await Promise.all([...this.running.values()].map((s) => s.done));
  }
}
