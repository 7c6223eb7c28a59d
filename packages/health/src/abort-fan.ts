/**
 * One listener on a shared signal, fanned out to any number of subscribers at O(1) each. Node's
 * EventTarget walks every listener already added before it adds or removes one, so a thousand checks
 * each listening to the one signal of their run cost O(n²); they subscribe here instead.
 */
class AbortFan {
  private readonly subscribers = new Set<() => void>();

  constructor(signal: AbortSignal) {
    signal.addEventListener(
      'abort',
      () => {
        const now = [...this.subscribers];
        this.subscribers.clear();
        for (const fn of now) fn();
      },
      { once: true },
    );
  }

  add(fn: () => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}

const fans = new WeakMap<AbortSignal, AbortFan>();

/**
 * Calls `fn` once when `signal` aborts; returns the unsubscribe. As with addEventListener, a signal that
 * has already aborted never calls it. The fan lives as long as the signal does.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal || signal.aborted) return () => undefined;
  let fan = fans.get(signal);
  if (!fan) fans.set(signal, (fan = new AbortFan(signal)));
  return fan.add(fn);
}
