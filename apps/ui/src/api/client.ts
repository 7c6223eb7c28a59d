import {
  ActionResponse,
  ContainersResponse,
  EcosystemResponse,
  EnvResponse,
  GpuResponse,
  HistoryResponse,
  ProfilesResponse,
  RegistryResponse,
  ServerEvent,
  ServicesResponse,
  SpecResponse,
} from '@berth/api/contract';

/**
 * The dashboard's only door to the API. Every answer is parsed with its route's schema from
 * @berth/api/contract (zod/mini: a few kB), so an answer of the wrong shape (an older or newer server, a
 * proxy's error page) shows as an error on its panel instead of crashing a component. URLs are
 * relative, so the page works wherever the API mounts it.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A schema the dashboard parses with: what the contract's route schemas all are. */
interface Schema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** "services.0.status: Invalid input" for the first thing that does not fit, and how many more. */
export function describeMismatch(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const first = issues[0];
  if (!first) return 'unexpected shape';
  const where = first.path.map(String).join('.') || 'the answer';
  return `${where}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

async function getJson<T>(path: string, schema: Schema<T>, init?: RequestInit): Promise<T> {
  // fetch rejects only when no answer came at all ("Failed to fetch", the browser's words): say what that means here
  const res = await fetch(path, { headers: { accept: 'application/json' }, ...init }).catch(() => {
    throw new ApiError('the berth API did not answer (is berth serve still running?)', 0);
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(errorMessage(body) ?? `${path} answered ${res.status}`, res.status);
  if (body === undefined) throw new ApiError(`${path} sent no JSON`, res.status);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(`${path} sent an answer this dashboard does not understand (${describeMismatch(parsed.error.issues)})`, res.status);
  return parsed.data;
}

/** The `message` of fastify's error body ({ statusCode, error, message }), when there is one. */
export function errorMessage(body: unknown): string | undefined {
  const m = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m ? m : undefined;
}

export const api = {
  spec: () => getJson('api/spec', SpecResponse),
  services: () => getJson('api/services', ServicesResponse),
  history: (id: string, window: '1h' | '24h' | '7d' = '1h') => getJson(`api/services/${encodeURIComponent(id)}/history?window=${window}`, HistoryResponse),
  registry: () => getJson('api/registry', RegistryResponse),
  env: () => getJson('api/env', EnvResponse),
  containers: () => getJson('api/containers', ContainersResponse),
  profiles: () => getJson('api/profiles', ProfilesResponse),
  gpu: () => getJson('api/gpu', GpuResponse),
  ecosystem: () => getJson('api/ecosystem', EcosystemResponse),
  profileAction: (name: string, action: 'up' | 'down', token: string) =>
    getJson(`api/profiles/${encodeURIComponent(name)}/${action}`, ActionResponse, {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    }),
};

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to GET /api/events. EventSource retries a dropped stream by itself; when it gives up
 * (the server restarted with an error answer), we open a new one after a pause. Either way we say so.
 * An event that does not fit the contract is not applied; `onInvalid` says what was wrong with it.
 */
export function openEvents(onEvent: (e: ServerEvent) => void, onState: (s: StreamState) => void, onInvalid: (why: string) => void = () => undefined, retryMs = 3000): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const handle = (msg: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = JSON.parse(msg.data);
    } catch {
      return onInvalid(`an event of the stream is not JSON`);
    }
    const parsed = ServerEvent.safeParse(data);
    if (parsed.success) onEvent(parsed.data);
    else onInvalid(`an event this dashboard does not understand (${describeMismatch(parsed.error.issues)})`);
  };
  const open = () => {
    source = new EventSource('api/events');
    for (const type of ['hello', 'result', 'status', 'spec', 'message']) source.addEventListener(type, handle as EventListener);
    source.onopen = () => onState('live');
    source.onerror = () => {
      onState('reconnecting');
      if (source?.readyState === EventSource.CLOSED && !closed) timer = setTimeout(open, retryMs);
    };
  };
  onState('connecting');
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    source?.close();
  };
}
