import { isMap, scalarText } from './model.js';

export interface PortSpan {
  from: number;
  to: number;
}

/** One Compose port entry, short or long syntax, normalised. Ranges stay one entry. */
export interface ComposePort {
  hostIp?: string;
  /** Absent: Compose picks an ephemeral host port. */
  published?: PortSpan;
  target: PortSpan;
  protocol: string;
  appProtocol?: string;
  mode?: string;
  name?: string;
}

export type ParsedPorts = { ok: true; ports: ComposePort[] } | { ok: false; reason: string };

const SPAN = /^(\d{1,5})(?:-(\d{1,5}))?$/;

export function parseSpan(text: string): PortSpan | undefined {
  const m = SPAN.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || from > to) return undefined;
  return { from, to };
}

export function spanText(s: PortSpan): string {
  return s.from === s.to ? String(s.from) : `${s.from}-${s.to}`;
}

/**
 * Parses one entry of a service's `ports`: the short form `[[IP:]HOST:]CONTAINER[/PROTO]` (IPv6 in
 * brackets, ranges on either side) or the long form (`target`, `published`, `host_ip`, `protocol`,
 * `app_protocol`, `mode`, `name`). Pure; never throws.
 */
export function parseComposePorts(entry: unknown): ParsedPorts {
  if (isMap(entry)) return parseLong(entry);
  const text = scalarText(entry);
  if (text === undefined || typeof entry === 'boolean') return { ok: false, reason: 'is neither a port string nor a long-syntax mapping' };
  return parseShort(text.trim());
}

function parseShort(text: string): ParsedPorts {
  let rest = text;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return { ok: false, reason: `"${text}" has an unclosed IPv6 bracket` };
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  let hostText: string | undefined;
  let containerText: string;
  if (parts.length === 1) containerText = parts[0]!;
  else if (parts.length === 2 && hostIp !== undefined) [hostText, containerText] = parts as [string, string];
  else if (parts.length === 2) [hostText, containerText] = parts as [string, string];
  else {
    if (hostIp !== undefined) return { ok: false, reason: `"${text}" is not [IP:][HOST:]CONTAINER[/PROTOCOL]` };
    hostIp = parts.slice(0, -2).join(':');
    hostText = parts[parts.length - 2]!;
    containerText = parts[parts.length - 1]!;
  }
  if (containerText.trim() === '') return { ok: false, reason: `"${text}" has no container port (is a variable it uses unset?)` };
  const target = parseSpan(containerText);
  if (!target) return { ok: false, reason: `"${text}": "${containerText}" is not a container port or range` };
  let published: PortSpan | undefined;
  if (hostText !== undefined && hostText !== '') {
    published = parseSpan(hostText);
    if (!published) return { ok: false, reason: `"${text}": "${hostText}" is not a host port or range` };
    const hostLen = published.to - published.from;
    const targetLen = target.to - target.from;
    if (targetLen !== 0 && hostLen !== targetLen) return { ok: false, reason: `"${text}": the host range and the container range differ in length` };
  }
  return { ok: true, ports: [{ ...(hostIp ? { hostIp } : {}), ...(published ? { published } : {}), target, protocol }] };
}

function parseLong(entry: Record<string, unknown>): ParsedPorts {
  const targetText = scalarText(entry.target);
  const target = targetText === undefined ? undefined : parseSpan(targetText);
  if (!target) return { ok: false, reason: `target ${JSON.stringify(entry.target ?? null)} is not a container port` };
  const publishedText = scalarText(entry.published);
  let published: PortSpan | undefined;
  if (publishedText !== undefined && publishedText.trim() !== '') {
    published = parseSpan(publishedText);
    if (!published) return { ok: false, reason: `published "${publishedText}" is not a host port or range` };
  }
  const str = (v: unknown) => scalarText(v) || undefined;
  const hostIp = str(entry.host_ip);
  const appProtocol = str(entry.app_protocol);
  const mode = str(entry.mode);
  const name = str(entry.name);
  return {
    ok: true,
    ports: [
      {
        ...(hostIp ? { hostIp } : {}),
        ...(published ? { published } : {}),
        target,
        protocol: (str(entry.protocol) ?? 'tcp').toLowerCase(),
        ...(appProtocol ? { appProtocol } : {}),
        ...(mode ? { mode } : {}),
        ...(name ? { name } : {}),
      },
    ],
  };
}
