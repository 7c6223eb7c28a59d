import { parseYamlSource } from '@berth/spec';

/** How a Compose file makes one service's image: its `image`, else its `build` (context, dockerfile, target, args). */
export function composeServiceImage(text: string, service: string): { image?: string; dockerfile?: string; context?: string; target?: string; args?: Record<string, string> } | undefined {
  // the one YAML reader (it never throws, and refuses a text nested past MAX_NESTING); a text that does not parse says nothing here
  const parsed = parseYamlSource('', text);
  if (parsed.problems.some((p) => p.severity === 'error')) return undefined;
  const doc = parsed.value;
  const svc = (doc as { services?: Record<string, { image?: unknown; build?: unknown }> } | null)?.services?.[service];
  if (!svc || typeof svc !== 'object') return undefined;
  if (typeof svc.image === 'string') return { image: svc.image };
  const build = svc.build;
  if (typeof build === 'string') return { context: build };
  if (!build || typeof build !== 'object') return undefined;
  const b = build as { context?: unknown; dockerfile?: unknown; target?: unknown; args?: unknown };
  const args = b.args && typeof b.args === 'object' && !Array.isArray(b.args) ? Object.fromEntries(Object.entries(b.args as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)])) : undefined;
  return {
    ...(typeof b.context === 'string' ? { context: b.context } : {}),
    ...(typeof b.dockerfile === 'string' ? { dockerfile: b.dockerfile } : {}),
    ...(typeof b.target === 'string' ? { target: b.target } : {}),
    ...(args ? { args } : {}),
  };
}

/** The services a Compose file defines (its `services` keys), or undefined when the text does not parse as YAML. */
export function composeServiceNames(text: string): Set<string> | undefined {
  const parsed = parseYamlSource('', text);
  if (parsed.problems.some((p) => p.severity === 'error')) return undefined;
  const services = (parsed.value as { services?: unknown } | null)?.services;
  return new Set(services && typeof services === 'object' && !Array.isArray(services) ? Object.keys(services) : []);
}

/** A Compose `count` or device id as a string: YAML reads `0` and `-1` as numbers. */
const word = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/** One Compose GPU request (a device reservation, or a `gpus` entry): every GPU, a count, or the device ids. */
function gpuSelection(d: Record<string, unknown>): { count?: number; devices?: string[] } {
  const ids = Array.isArray(d.device_ids) ? d.device_ids.map(word).filter((x): x is string => !!x) : [];
  if (ids.length) return { devices: ids };
  const count = word(d.count);
  return count !== undefined && /^\d+$/.test(count) && Number(count) >= 1 ? { count: Number(count) } : {};
}

/**
 * The GPU a Compose file's service reserves: a `deploy.resources.reservations.devices` entry with the gpu capability
 * (or the nvidia driver), or `gpus` (`all`, or a list of requests); every GPU when neither count nor device_ids
 * says otherwise (`count: all`). Undefined: the service reserves none, or the file does not parse.
 */
export function composeServiceGpu(text: string, service: string): { count?: number; devices?: string[] } | undefined {
  const parsed = parseYamlSource('', text);
  if (parsed.problems.some((p) => p.severity === 'error')) return undefined;
  const svc = (parsed.value as { services?: Record<string, unknown> } | null)?.services?.[service];
  if (!svc || typeof svc !== 'object') return undefined;
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  const s = svc as Record<string, unknown>;
  const reservations = isMap(s.deploy) && isMap(s.deploy.resources) && isMap(s.deploy.resources.reservations) ? s.deploy.resources.reservations : undefined;
  const devices = Array.isArray(reservations?.devices) ? reservations.devices : [];
  const reserved = devices.find((d): d is Record<string, unknown> => isMap(d) && ((Array.isArray(d.capabilities) && d.capabilities.includes('gpu')) || d.driver === 'nvidia'));
  if (reserved) return gpuSelection(reserved);
  if (s.gpus === 'all') return {};
  if (Array.isArray(s.gpus) && isMap(s.gpus[0])) return gpuSelection(s.gpus[0]);
  return undefined;
}
