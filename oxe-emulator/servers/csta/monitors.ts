/**
 * The device monitors of one node, with the OXE's limit on how many a node holds (20,000 by
 * default, across all CSTA links). Cross-reference ids are four opaque octets, as a switch
 * hands them out.
 */
export interface Monitor<A> {
  readonly crossRefId: string;
  readonly device: string;
  readonly owner: A;
}

export class MonitorRegistry<A> {
  private readonly byId = new Map<string, Monitor<A>>();
  private readonly byDevice = new Map<string, Monitor<A>[]>();
  private next = 1;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** A new monitor, or undefined when the node is at its limit. */
  add(owner: A, device: string): Monitor<A> | undefined {
    if (this.byId.size >= this.limit) return undefined;
    let id: string;
    do {
      // The four octets of `next`, big-endian, as a latin-1 string: built from char codes rather
      // than through a Buffer per monitor (a 100,000-user snapshot starts 100,000 of them).
      const n = this.next;
      id = String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
      this.next = n >= 0xffffffff ? 1 : n + 1;
    } while (this.byId.has(id));
    const m: Monitor<A> = { crossRefId: id, device, owner };
    this.byId.set(id, m);
    const list = this.byDevice.get(device);
    if (list) list.push(m);
    else this.byDevice.set(device, [m]);
    return m;
  }

  get(crossRefId: string): Monitor<A> | undefined {
    return this.byId.get(crossRefId);
  }

  remove(m: Monitor<A>): void {
    if (!this.byId.delete(m.crossRefId)) return;
    const list = this.byDevice.get(m.device);
    if (!list) return;
    const i = list.indexOf(m);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byDevice.delete(m.device);
  }

  removeOwner(owner: A): number {
    let n = 0;
    for (const m of [...this.byId.values()]) {
      if (m.owner === owner) {
        this.remove(m);
        n++;
      }
    }
    return n;
  }

  forDevice(device: string): readonly Monitor<A>[] | undefined {
    return this.byDevice.get(device);
  }

  countFor(owner: A): number {
    let n = 0;
    for (const m of this.byId.values()) if (m.owner === owner) n++;
    return n;
  }
}
