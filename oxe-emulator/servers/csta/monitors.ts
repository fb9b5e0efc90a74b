/**
 * The device monitors of one node, with the OXE's limit on how many a node holds (20,000 by
 * default, across all CSTA links). Cross-reference ids are four opaque octets, as a switch
 * hands them out.
 *
 * Cost: a startup snapshot starts a monitor per user, and inserting into a Map (a new entry,
 * the table growing) costs some ten times a lookup. So monitors are filed by the number behind
 * their id in pages of consecutive numbers (one Map entry per 256 monitors, a plain array store
 * for each), and a device's list, once made, stays in `byDevice` when its last monitor goes
 * (emptied, not deleted): the next link to monitor the node's users, after a restart or a
 * switchover, finds their lists there.
 */
export interface Monitor<A> {
  readonly crossRefId: string;
  readonly device: string;
  readonly owner: A;
}

const PAGE_BITS = 8;
const PAGE_SLOTS = 1 << PAGE_BITS;
const SLOT_MASK = PAGE_SLOTS - 1;

interface Page<A> {
  readonly slots: (Monitor<A> | undefined)[];
  used: number;
}

/** The number a cross-reference id stands for (its four octets, big-endian); 0 if it is none of ours. */
function numberOf(crossRefId: string): number {
  if (crossRefId.length !== 4) return 0;
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const c = crossRefId.charCodeAt(i);
    if (c > 0xff) return 0;
    n = n * 256 + c;
  }
  return n;
}

export class MonitorRegistry<A> {
  /** monitors by the number behind their id: page `n >>> PAGE_BITS`, slot `n & SLOT_MASK` */
  private readonly pages = new Map<number, Page<A>>();
  /** the page `add` wrote last (ids are handed out in sequence: nearly always the next one's) */
  private lastPage: Page<A> | undefined;
  private lastPageIndex = -1;
  private count = 0;
  /** every device ever monitored here: its monitors now, possibly none */
  private readonly byDevice = new Map<string, Monitor<A>[]>();
  private next = 1;
  /**
   * Whether `next` went past 0xffffffff once: until then every id it gives is new, and the
   * lookup for one still in use can be skipped.
   */
  private wrapped = false;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.count;
  }

  /** A new monitor, or undefined when the node is at its limit. */
  add(owner: A, device: string): Monitor<A> | undefined {
    if (this.count >= this.limit) return undefined;
    let n: number;
    do {
      n = this.next;
      if (n >= 0xffffffff) {
        this.next = 1;
        this.wrapped = true;
      } else this.next = n + 1;
    } while (this.wrapped && this.at(n) !== undefined);
    // The four octets of `n`, big-endian, as a latin-1 string: built from char codes rather
    // than through a Buffer per monitor (a 100,000-user snapshot starts 100,000 of them).
    const id = String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    const m: Monitor<A> = { crossRefId: id, device, owner };
    const index = n >>> PAGE_BITS;
    let page = this.lastPageIndex === index ? this.lastPage : this.pages.get(index);
    if (!page) {
      page = { slots: new Array<Monitor<A> | undefined>(PAGE_SLOTS), used: 0 };
      this.pages.set(index, page);
    }
    this.lastPage = page;
    this.lastPageIndex = index;
    page.slots[n & SLOT_MASK] = m;
    page.used++;
    this.count++;
    const list = this.byDevice.get(device);
    if (list) list.push(m);
    else this.byDevice.set(device, [m]);
    return m;
  }

  private at(n: number): Monitor<A> | undefined {
    return this.pages.get(n >>> PAGE_BITS)?.slots[n & SLOT_MASK];
  }

  get(crossRefId: string): Monitor<A> | undefined {
    const n = numberOf(crossRefId);
    return n === 0 ? undefined : this.at(n);
  }

  remove(m: Monitor<A>): void {
    const n = numberOf(m.crossRefId);
    const index = n >>> PAGE_BITS;
    const page = this.pages.get(index);
    if (!page || page.slots[n & SLOT_MASK] !== m) return;
    page.slots[n & SLOT_MASK] = undefined;
    this.count--;
    if (--page.used === 0) {
      this.pages.delete(index);
      if (this.lastPage === page) {
        this.lastPage = undefined;
        this.lastPageIndex = -1;
      }
    }
    const list = this.byDevice.get(m.device);
    if (!list) return;
    const i = list.indexOf(m);
    if (i >= 0) list.splice(i, 1);
  }

  removeOwner(owner: A): number {
    // A link that held every monitor of the node (the usual case: one CTI application) is
    // dropped by emptying the tables at once, not monitor by monitor.
    const held = this.countFor(owner);
    if (held === this.count) {
      this.pages.clear();
      this.lastPage = undefined;
      this.lastPageIndex = -1;
      this.count = 0;
      // pop(), not `length = 0`: a call into the runtime per list, 20,000 of them.
      for (const list of this.byDevice.values()) while (list.length > 0) list.pop();
      return held;
    }
    const mine: Monitor<A>[] = [];
    for (const m of this.all()) if (m.owner === owner) mine.push(m);
    for (const m of mine) this.remove(m);
    return mine.length;
  }

  /** The device's monitors: undefined or empty when it has none. */
  forDevice(device: string): readonly Monitor<A>[] | undefined {
    return this.byDevice.get(device);
  }

  countFor(owner: A): number {
    let n = 0;
    for (const m of this.all()) if (m.owner === owner) n++;
    return n;
  }

  private *all(): Generator<Monitor<A>> {
    for (const page of this.pages.values()) for (const m of page.slots) if (m !== undefined) yield m;
  }
}
