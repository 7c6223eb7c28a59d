import { useEffect, useReducer, useState } from 'react';
import { api, openEvents, type StreamState } from './api/client.js';
import { isFailed } from './format/sparkline.js';
import { emptyLive, liveReducer } from './state/live-services.js';

const SNAPSHOT_EVERY_MS = 30_000; // uptime and percentiles come from the store; results arrive over SSE
const AFTER_CHANGE_MS = 6_000; // a status change moves uptime: refetch once the server's 5 s summary cache has turned

/** The services snapshot, kept live by the event stream, with each service's last hour of latency. */
export function useLiveServices() {
  const [live, dispatch] = useReducer(liveReducer, emptyLive);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [error, setError] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  // how many times the stream came back after dropping: the page's polled panels refetch on each (app.tsx)
  const [reconnects, setReconnects] = useState(0);
  // how many times the server said its spec files changed on disk: the page asks /api/spec again on each (app.tsx)
  const [specChanges, setSpecChanges] = useState(0);

  useEffect(() => {
    let alive = true;
    let first = true;
    const load = async () => {
      try {
        const res = await api.services();
        if (!alive) return;
        dispatch({ type: 'snapshot', services: res.services, status: res.status, checkedAt: res.checkedAt });
        setLoaded(true);
        setError(undefined);
        if (first) {
          first = false;
          for (const s of res.services) {
            api.history(s.id, '1h').then(
              (h) => alive && dispatch({ type: 'history', id: s.id, samples: h.points.map((p) => ({ t: Date.parse(p.t), latencyMs: p.latencyMs, ok: !isFailed(p.status) })) }),
              () => undefined, // a service without history simply draws none
            );
          }
        }
      } catch (e) {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = setInterval(load, SNAPSHOT_EVERY_MS);
    let soon: ReturnType<typeof setTimeout> | undefined;
    // The stream back after a drop (the API restarted): the snapshot again now, not at the next 30 s tick, so the
    // last-good-data note goes as the stream comes back.
    let dropped = false;
    const onState = (state: StreamState) => {
      setStream(state);
      if (state === 'reconnecting') dropped = true;
      else if (state === 'live' && dropped) {
        dropped = false;
        setReconnects((n) => n + 1);
        void load();
      }
    };
    const close = openEvents((event) => {
      dispatch({ type: 'event', event });
      if (event.type === 'spec') setSpecChanges((n) => n + 1);
      if (event.type === 'result' && event.previous && event.previous !== event.result.status && !soon) {
        soon = setTimeout(() => {
          soon = undefined;
          void load();
        }, AFTER_CHANGE_MS);
      }
    }, onState, setError);
    return () => {
      alive = false;
      clearTimeout(soon);
      clearInterval(timer);
      close();
    };
  }, []);

  return { live, stream, error, loaded, reconnects, specChanges };
}

/** A clock that ticks every few seconds, for "12 s ago". */
export function useNow(everyMs = 5000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
