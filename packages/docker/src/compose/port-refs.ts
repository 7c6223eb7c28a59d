import { isMap, scalarText } from './model.js';
import { parseSpan, spanText, type ComposePort } from './ports.js';
import { hasReference, soleReference, type SoleReference } from './references.js';

/** The parts of a port entry as written: host address, host port, container port, protocol. */
interface WrittenPort {
  hostIp?: string;
  published?: string;
  target?: string;
  protocol?: string;
}

/** What a port's `${VAR}` references become in a spec binding. */
export interface PortReferences {
  /** Fields for the binding: env, containerEnv, hostIpEnv, envDefault, and the numbers the defaults give. */
  fields: { env?: string; containerEnv?: string; hostIpEnv?: string; envDefault?: false; host?: number | string; container?: number | string; hostIp?: string };
  /** Why part of the entry is carried as its value, or what else a reader should know. */
  notes: { code: string; message: string }[];
}

const REF = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g;

/** Splits a short-syntax entry into its parts, with references (which may hold colons) kept whole. */
function splitShort(text: string): WrittenPort | undefined {
  const refs: string[] = [];
  // references become placeholders (a private-use character around their index) so their colons do not split the entry
  const masked = text.trim().replace(REF, (m) => `\uE000${refs.push(m) - 1}\uE000`);
  const unmask = (s: string | undefined) => (s === undefined ? undefined : s.replace(/\uE000(\d+)\uE000/g, (_, i: string) => refs[Number(i)]!));
  let rest = masked;
  let protocol: string | undefined;
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return undefined;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.length > 3 || (hostIp !== undefined && parts.length > 2)) return undefined;
  const [a, b, c] = parts;
  const written: WrittenPort = parts.length === 1 ? { target: a } : parts.length === 2 ? { published: a, target: b } : { hostIp: a, published: b, target: c };
  return {
    ...(hostIp !== undefined || written.hostIp !== undefined ? { hostIp: unmask(hostIp ?? written.hostIp) } : {}),
    ...(written.published !== undefined ? { published: unmask(written.published) } : {}),
    target: unmask(written.target),
    ...(protocol !== undefined ? { protocol: unmask(protocol) } : {}),
  };
}

function written(entry: unknown): WrittenPort | undefined {
  if (isMap(entry)) {
    const text = (k: string) => scalarText(entry[k]);
    return { hostIp: text('host_ip'), published: text('published'), target: text('target'), protocol: text('protocol') };
  }
  const text = scalarText(entry);
  return text === undefined ? undefined : splitShort(text);
}

/**
 * The references of one port entry as written (`"${API_PORT}:${API_PORT}"`,
 * `"${HOST_IP:-127.0.0.1}:${PG_PORT:-5432}:5432"`), against what it resolved to: each part that is
 * one variable is named (`env`, `containerEnv`, `hostIpEnv`) and takes its default as its number,
 * so the spec holds the Compose file's defaults and `berth compose` can write the references back.
 * A part that mixes text and references is carried as its value, with a note. Pure.
 */
export function portReferences(entry: unknown, resolved: ComposePort): PortReferences {
  const out: PortReferences = { fields: {}, notes: [] };
  if (!hasReference(entry)) return out;
  const parts = written(entry);
  if (!parts) {
    out.notes.push({ code: 'compose-port-reference', message: `the references in ${JSON.stringify(entry)} are carried as their values` });
    return out;
  }
  const refs: SoleReference[] = [];
  const sole = (text: string | undefined, what: string): SoleReference | undefined => {
    if (text === undefined || !hasReference(text)) return undefined;
    const ref = soleReference(text);
    if (!ref) out.notes.push({ code: 'compose-port-reference', message: `${what} "${text}" is more than one variable; it is carried as its value` });
    else refs.push(ref);
    return ref;
  };
  if (parts.protocol !== undefined && hasReference(parts.protocol)) out.notes.push({ code: 'compose-port-reference', message: `protocol "${parts.protocol}" is carried as its value (${resolved.protocol})` });

  const host = sole(parts.published, 'the host port');
  if (host && resolved.published) {
    out.fields.env = host.name;
    const fallback = host.fallback === undefined ? undefined : parseSpan(host.fallback);
    if (fallback && fallback.to - fallback.from === resolved.published.to - resolved.published.from) {
      const span = spanText(fallback);
      out.fields.host = fallback.from === fallback.to ? fallback.from : span;
      if (span !== spanText(resolved.published)) {
        out.notes.push({ code: 'compose-port-env', message: `${host.name} gives host port ${spanText(resolved.published)} here; the spec keeps the Compose default ${span} (berth validate reports the difference)` });
      }
    }
  }
  const container = sole(parts.target, 'the container port');
  if (container) {
    out.fields.containerEnv = container.name;
    const fallback = container.fallback === undefined ? undefined : parseSpan(container.fallback);
    if (fallback && fallback.to - fallback.from === resolved.target.to - resolved.target.from) out.fields.container = fallback.from === fallback.to ? fallback.from : spanText(fallback);
  }
  const ip = sole(parts.hostIp, 'the host address');
  if (ip) {
    out.fields.hostIpEnv = ip.name;
    if (ip.fallback !== undefined) out.fields.hostIp = ip.fallback;
  }
  for (const r of refs) {
    if (r.required !== undefined) out.notes.push({ code: 'compose-port-reference', message: `the message of \${${r.name}:?...} is not carried; berth compose writes \${${r.name}}` });
  }
  const withDefault = refs.filter((r) => r.fallback !== undefined).length;
  if (refs.length && withDefault === 0) out.fields.envDefault = false;
  else if (withDefault && withDefault < refs.length) {
    out.notes.push({ code: 'compose-port-reference', message: `mixes variables with and without defaults; berth compose writes each with a default (the value it had here)` });
  }
  return out;
}
