import { isMap } from './model.js';

/** Which variable set a published host port, keyed by service and the port entry as interpolated. */
export type PortEnv = Map<string, string>;

export const portEnvKey = (service: string, entry: unknown): string => `${service}\u0000${typeof entry === 'string' ? entry : isMap(entry) ? `published:${String(entry.published)}` : ''}`;

/**
 * The variable that alone gives a port's host side (`"${MLFLOW_PORT}:5000"`, `"127.0.0.1:${PG_PORT:-5432}:5432"`,
 * long syntax `published: ${API_PORT}`), so the spec can name it as the port's `env`. Compares each
 * file's ports before and after interpolation; pure.
 */
export function collectPortEnv(raw: unknown, interpolated: unknown, into: PortEnv): void {
  if (!isMap(raw) || !isMap(interpolated) || !isMap(raw.services) || !isMap(interpolated.services)) return;
  for (const [name, svc] of Object.entries(raw.services)) {
    const after = interpolated.services[name];
    const afterPorts = isMap(after) ? after.ports : undefined;
    if (!isMap(svc) || !Array.isArray(svc.ports) || !Array.isArray(afterPorts)) continue;
    svc.ports.forEach((entry, i) => {
      const text = typeof entry === 'string' ? hostPart(entry) : isMap(entry) && typeof entry.published === 'string' ? entry.published : undefined;
      const variable = text === undefined ? undefined : soleVariable(text);
      if (variable) into.set(portEnvKey(name, afterPorts[i]), variable);
    });
  }
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?[-?+])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The host port part of a short-syntax entry, with `${...}` references (which may hold colons) intact. */
function hostPart(entry: string): string | undefined {
  const refs: string[] = [];
  const masked = entry.replace(/\/\w+$/, '').replace(REF, (m) => `#ref${refs.push(m) - 1}#`);
  const parts = masked.split(':');
  if (parts.length < 2) return undefined;
  return parts[parts.length - 2]!.replace(/#ref(\d+)#/g, (_, i: string) => refs[Number(i)]!);
}

function soleVariable(text: string): string | undefined {
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?-)[^}]*)?\}$|^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(text.trim());
  return m ? (m[1] ?? m[2]) : undefined;
}
