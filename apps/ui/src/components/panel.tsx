import type { ReactNode } from 'react';

export interface Loaded<T> {
  data?: T;
  error?: string;
}

/** A titled section of the page, with the same loading and error lines everywhere. */
export function Panel<T>({ id, title, state, aside, children }: { id: string; title: string; state: Loaded<T>; aside?: ReactNode; children: (data: T) => ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} id={id}>
      <header className="panel-head">
        <h2 id={`${id}-h`}>{title}</h2>
        {aside}
      </header>
      {state.error ? (
        <p className="error" role="alert">
          Could not load: {state.error}
        </p>
      ) : state.data === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        children(state.data)
      )}
    </section>
  );
}

/** What a panel says when its source could not answer (no Docker engine, no nvidia-smi). */
export function Unavailable({ reason }: { reason: string }) {
  return <p className="muted">Not available: {reason}</p>;
}
