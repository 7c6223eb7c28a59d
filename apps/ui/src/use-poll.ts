import { useCallback, useEffect, useState } from 'react';
import type { Loaded } from './components/panel.js';

/** Loads once, then again every `everyMs` (and when `refresh` is called); keeps the last good data on error. */
export function usePoll<T>(load: () => Promise<T>, everyMs: number): Loaded<T> & { refresh: () => void } {
  const [state, setState] = useState<Loaded<T>>({});
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState((s) => ({ data: s.data, error: e instanceof Error ? e.message : String(e) })),
    );
    const timer = setTimeout(refresh, everyMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [load, everyMs, tick, refresh]);
  return { ...state, refresh };
}
