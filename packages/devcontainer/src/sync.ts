import type { JSONPath } from 'jsonc-parser';
import { devcontainerForwards, type BerthSpec, type DevcontainerForward, type ForwardAttributes, type Problem } from '@berth/spec';
import { HOST_PORT_RE, type DevcontainerJson } from './config-schema.js';
import { gpuAskMet, gpuAskOfSpec, gpuRunArgIndices, hostGpuValue } from './gpu-request.js';
import { appendAt, removeAt, setAt, styleOf, type JsoncStyle } from './jsonc-edit.js';

/** One field berth changes in devcontainer.json. */
export interface DevcontainerChange {
  /** Dotted path in devcontainer.json, such as "portsAttributes.8888.label". */
  path: string;
  before?: unknown;
  after?: unknown;
  /** Why, in words. */
  why: string;
}

export interface DevcontainerSync {
  /** The file with every change made; the same string when it is in step. */
  text: string;
  changes: DevcontainerChange[];
  /** What the spec says that devcontainer.json cannot (unlocated; `path` points into the spec). */
  problems: Problem[];
}

/** The attributes berth owns in `portsAttributes`; any other attribute of a port stays as it is. */
export const OWNED_ATTRIBUTES = ['label', 'protocol', 'onAutoForward', 'requireLocalPort'] as const;

/** A forwardPorts entry as the editor means it: "localhost:8080" is 8080. */
export function forwardKey(entry: number | string): string {
  if (typeof entry === 'number') return String(entry);
  const m = HOST_PORT_RE.exec(entry);
  return m && m[1] === 'localhost' ? String(Number(m[2])) : entry;
}

class Editor {
  readonly changes: DevcontainerChange[] = [];
  private readonly style: JsoncStyle;
  constructor(public text: string) {
    this.style = styleOf(text);
  }
  /** Sets the value at `path`, or removes it when `value` is undefined. */
  set(path: JSONPath, value: unknown, change: Omit<DevcontainerChange, 'path'>): void {
    this.text = value === undefined ? removeAt(this.text, path) : setAt(this.text, path, value, this.style);
    this.changes.push({ path: path.join('.'), ...change });
  }
  append(path: JSONPath, value: unknown, change: Omit<DevcontainerChange, 'path'>): void {
    this.text = appendAt(this.text, path, value, this.style);
    this.changes.push({ path: path.join('.'), ...change });
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * devcontainer.json brought in step with the spec, touching only what berth owns: `forwardPorts` (the ports of
 * the spec's devcontainer services), the four attributes of those ports in `portsAttributes` (label, protocol,
 * onAutoForward, requireLocalPort), and the GPU request (`hostRequirements.gpu`, GPU flags in `runArgs`).
 * Entries are added and removed one by one, so comments, order and every other field keep their bytes.
 */
export function syncDevcontainerJson(text: string, config: DevcontainerJson, spec: BerthSpec): DevcontainerSync {
  const editor = new Editor(text);
  const { forwards, problems } = devcontainerForwards(spec);
  const removed = syncForwardPorts(editor, config, forwards);
  syncAttributes(editor, config, forwards, removed);
  syncGpu(editor, config, spec);
  return { text: editor.text, changes: editor.changes, problems };
}

function syncForwardPorts(editor: Editor, config: DevcontainerJson, forwards: DevcontainerForward[]): string[] {
  const current = config.forwardPorts ?? [];
  const wanted = new Map(forwards.map((f) => [forwardKey(f.forward), f]));
  const removed: string[] = [];
  const kept = new Set<string>();
  for (let i = current.length - 1; i >= 0; i--) {
    const key = forwardKey(current[i]!);
    if (wanted.has(key) && !kept.has(key)) {
      kept.add(key);
      continue;
    }
    removed.push(key);
    editor.set(['forwardPorts', i], undefined, { before: current[i], why: kept.has(key) ? 'forwarded twice' : 'no service of the spec that runs in the devcontainer has this port' });
  }
  const missing = forwards.filter((f) => !kept.has(forwardKey(f.forward)));
  if (config.forwardPorts === undefined && missing.length) {
    editor.set(['forwardPorts'], missing.map((f) => f.forward), { after: missing.map((f) => f.forward), why: `the ports of ${missing.map((f) => f.service).join(', ')}` });
    return removed;
  }
  for (const f of missing) editor.append(['forwardPorts'], f.forward, { after: f.forward, why: `port of ${f.service}` });
  return removed;
}

function syncAttributes(editor: Editor, config: DevcontainerJson, forwards: DevcontainerForward[], removed: string[]): void {
  if (!config.portsAttributes && forwards.length) {
    const attributes = new Map(forwards.map((f) => [f.key, f.attributes])); // in the spec's order
    editor.set(['portsAttributes'], attributes, { after: Object.fromEntries(attributes), why: `how the editor shows the ports of ${forwards.map((f) => f.service).join(', ')}` });
    return;
  }
  const all = config.portsAttributes ?? {};
  for (const f of forwards) {
    const have = all[f.key];
    if (!have) {
      editor.set(['portsAttributes', f.key], f.attributes, { after: f.attributes, why: `how the editor shows ${f.service}'s port` });
      continue;
    }
    for (const a of OWNED_ATTRIBUTES) {
      const want = f.attributes[a as keyof ForwardAttributes];
      if (same(have[a], want)) continue;
      editor.set(['portsAttributes', f.key, a], want, { before: have[a], after: want, why: `from ${f.service} in the spec` });
    }
  }
  const still = new Set(forwards.map((f) => f.key));
  for (const key of new Set(removed.filter((k) => /^\d+$/.test(k) && !still.has(k)))) {
    const have = all[key];
    if (!have) continue;
    const others = Object.keys(have).filter((a) => !(OWNED_ATTRIBUTES as readonly string[]).includes(a));
    if (!others.length) editor.set(['portsAttributes', key], undefined, { before: have, why: 'the port is no longer forwarded' });
    else for (const a of OWNED_ATTRIBUTES) if (have[a] !== undefined) editor.set(['portsAttributes', key, a], undefined, { before: have[a], why: 'the port is no longer forwarded' });
  }
}

function syncGpu(editor: Editor, config: DevcontainerJson, spec: BerthSpec): void {
  const want = gpuAskOfSpec(spec.devcontainer?.gpu);
  if (gpuAskMet(config, want)) return;
  const host = config.hostRequirements?.gpu;
  const flags = gpuRunArgIndices(config.runArgs);
  const dropFlags = (why: string) => {
    for (const i of [...flags].reverse()) editor.set(['runArgs', i], undefined, { before: config.runArgs![i], why });
  };
  if (!want) {
    if (host !== undefined && host !== false) {
      const only = Object.keys(config.hostRequirements ?? {}).length === 1;
      editor.set(only ? ['hostRequirements'] : ['hostRequirements', 'gpu'], undefined, { before: only ? config.hostRequirements : host, why: 'the spec asks for no GPU' });
    }
    dropFlags('the spec asks for no GPU');
    return;
  }
  const value = hostGpuValue(want);
  if (!same(host, value)) editor.set(['hostRequirements', 'gpu'], value, { before: host, after: value, why: 'the GPU the spec asks for (devcontainer.gpu)' });
  if (want.optional) dropFlags('a GPU flag in runArgs makes the GPU required; the spec says it is optional');
}
