/**
 * The 2025-era requests in flight over HTTP, by JSON-RPC id. Such a client is served statelessly: each POST by a fresh
 * server instance that ends with it. So the SDK cannot hand a client's `notifications/cancelled` (a POST of its
 * own, to another instance) to the call it names: a cancelled `up` went on for its two minutes, holding the line of
 * calls. This keeps an abort controller per request, so a cancel aborts the call it names.
 *
 * Ids are the clients' own (each counts from 0), and a stateless client has no session to tell two clients apart: a
 * cancel that names an id two requests in flight share aborts neither, rather than the other client's call.
 */
export class LegacyCalls {
  private readonly byId = new Map<string, Set<AbortController>>();

  /** How many requests are followed now (for tests). */
  get size(): number {
    let n = 0;
    for (const set of this.byId.values()) n += set.size;
    return n;
  }

  /**
   * Follows a request with `id`: the request to serve in its place (aborted by its own signal or by a cancel) and
   * `done`, to call once its response has ended. Following ends by itself when the request's signal aborts.
   */
  follow(id: string | number, request: Request): { request: Request; done: () => void } {
    const key = JSON.stringify(id);
    const controller = new AbortController();
    const set = this.byId.get(key) ?? new Set<AbortController>();
    set.add(controller);
    this.byId.set(key, set);
    const signal = AbortSignal.any([request.signal, controller.signal]);
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      set.delete(controller);
      if (set.size === 0 && this.byId.get(key) === set) this.byId.delete(key);
    };
    signal.addEventListener('abort', done, { once: true });
    return { request: new Request(request, { signal }), done };
  }

  /** Aborts the request in flight with `id`: 'cancelled', 'unknown' (none, or it has ended), or 'ambiguous' (two or more share it). */
  cancel(id: unknown): 'cancelled' | 'unknown' | 'ambiguous' {
    if (typeof id !== 'string' && typeof id !== 'number') return 'unknown';
    const set = this.byId.get(JSON.stringify(id));
    if (!set?.size) return 'unknown';
    if (set.size > 1) return 'ambiguous';
    for (const controller of set) controller.abort(new Error('cancelled by the client'));
    return 'cancelled';
  }
}

/** The response, with `done` called once its body has been read to the end, failed or been cancelled (or at once when it has none). */
export function whenResponseEnds(response: Response, done: () => void): Response {
  if (!response.body) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        done();
        controller.error(err);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
