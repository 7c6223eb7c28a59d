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
