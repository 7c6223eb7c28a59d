/** Anything that occupies a port or an inclusive range of ports. */
export interface PortSpan {
  from: number;
  to: number;
}

const BLOCK = 256;
/** Ranges narrower than this are indexed port by port; wider ones by 256-port block. */
const NARROW = 16;

/**
 * Finds every item overlapping a port range without comparing all pairs: single ports and narrow
 * ranges go in a map keyed by port, wide ranges in 256-port blocks. Lookups cost the width of
 * the query plus the matches, so checking n bindings stays near-linear.
 */
export class PortIndex<T extends PortSpan> {
  private readonly byPort = new Map<number, T[]>();
  private readonly byBlock = new Map<number, T[]>();
  private size = 0;

  add(item: T): void {
    this.size++;
    if (item.to - item.from < NARROW) {
      for (let p = item.from; p <= item.to; p++) push(this.byPort, p, item);
    } else {
      for (let b = Math.floor(item.from / BLOCK); b <= Math.floor(item.to / BLOCK); b++) push(this.byBlock, b, item);
    }
  }

  /** Items overlapping [from, to], each once, in insertion order within each bucket. */
  overlapping(from: number, to: number): T[] {
    if (this.size === 0) return [];
    if (from === to) {
      // One port sits in one map slot and one block: nothing can be found twice.
      const found = this.byPort.get(from)?.slice() ?? [];
      for (const item of this.byBlock.get(Math.floor(from / BLOCK)) ?? []) if (item.from <= to && item.to >= from) found.push(item);
      return found;
    }
    const found: T[] = [];
    const seen = new Set<T>();
    const take = (list: T[] | undefined) => {
      if (!list) return;
      for (const item of list) {
        if (item.from <= to && item.to >= from && !seen.has(item)) {
          seen.add(item);
          found.push(item);
        }
      }
    };
    if (to - from < 4 * BLOCK || this.byPort.size > to - from) {
      for (let p = from; p <= to; p++) take(this.byPort.get(p));
    } else {
      for (const list of this.byPort.values()) take(list);
    }
    if (this.byBlock.size) for (let b = Math.floor(from / BLOCK); b <= Math.floor(to / BLOCK); b++) take(this.byBlock.get(b));
    return found;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `5000` or `7000-7010`. */
export function formatSpan(span: PortSpan): string {
  return span.from === span.to ? String(span.from) : `${span.from}-${span.to}`;
}
