import type {
  ActionResponse,
  ContainersResponse,
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
 * The dashboard's only door to the API. Response types come from the route schemas in
 * @berth/api/contract (type-only: zod at runtime would cost ~30 kB gzipped of a 100 kB budget; the
 * server already validates every response against those schemas). URLs are relative, so the page
 * works wherever the API mounts it.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, ...init });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(errorMessage(body) ?? `${path} answered ${res.status}`, res.status);
  if (body === null || typeof body !== 'object') throw new ApiError(`${path} sent no JSON object`, res.status);
  return body as T;
}

/** The `message` of fastify's error body ({ statusCode, error, message }), when there is one. */
export function errorMessage(body: unknown): string | undefined {
  const m = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m ? m : undefined;
}

export const api = {
  spec: () => getJson<SpecResponse>('api/spec'),
  services: () => getJson<ServicesResponse>('api/services'),
  history: (id: string, window: '1h' | '24h' | '7d' = '1h') =>
    getJson<HistoryResponse>(`api/services/${encodeURIComponent(id)}/history?window=${window}`),
  registry: () => getJson<RegistryResponse>('api/registry'),
  env: () => getJson<EnvResponse>('api/env'),
  containers: () => getJson<ContainersResponse>('api/containers'),
  profiles: () => getJson<ProfilesResponse>('api/profiles'),
  gpu: () => getJson<GpuResponse>('api/gpu'),
  profileAction: (name: string, action: 'up' | 'down', token: string) =>
    getJson<ActionResponse>(`api/profiles/${encodeURIComponent(name)}/${action}`, {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    }),
};

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to GET /api/events. EventSource retries a dropped stream by itself; when it gives up
 * (the server restarted with an error answer), we open a new one after a pause. Either way we say so.
 */
export function openEvents(onEvent: (e: ServerEvent) => void, onState: (s: StreamState) => void, retryMs = 3000): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const handle = (msg: MessageEvent<string>) => {
    try {
      const data: unknown = JSON.parse(msg.data);
      if (isServerEvent(data)) onEvent(data);
    } catch {
      // not JSON: ignore, as a comment line would be
    }
  };
  const open = () => {
    source = new EventSource('api/events');
    for (const type of ['hello', 'result', 'status', 'message']) source.addEventListener(type, handle as EventListener);
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

const eventTypes = new Set(['hello', 'result', 'status']);
function isServerEvent(data: unknown): data is ServerEvent {
  return !!data && typeof data === 'object' && eventTypes.has((data as { type?: unknown }).type as string);
}
