import type { ReactNode } from 'react';

export interface Loaded<T> {
  data?: T;
  error?: string;
}

/**
 * A titled section of the page, with the same loading and error lines everywhere. A source that fails after it has
 * answered keeps its last data on show, under a line saying it is the last good data and why (an API restart, a
 * network drop): the page keeps what it knew. Only a source that never answered shows the error alone.
 */
export function Panel<T>({ id, title, state, aside, children }: { id: string; title: string; state: Loaded<T>; aside?: ReactNode; children: (data: T) => ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} id={id}>
      <header className="panel-head">
        <h2 id={`${id}-h`}>{title}</h2>
        {aside}
      </header>
      {state.data !== undefined ? (
        <>
          {state.error && <StaleNote error={state.error} />}
          {children(state.data)}
        </>
      ) : state.error ? (
        <p className="error" role="alert">
          Could not load: {state.error}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </section>
  );
}

/** Over a panel's kept data when its source did not answer the last time: "Showing the last good data: …". */
export function StaleNote({ error }: { error: string }) {
  return (
    <p className="error small" data-stale="">
      Showing the last good data: {error}
    </p>
  );
}

/** What a panel says when its source could not answer (no Docker engine, no nvidia-smi). */
export function Unavailable({ reason }: { reason: string }) {
  return <p className="muted">Not available: {reason}</p>;
}
