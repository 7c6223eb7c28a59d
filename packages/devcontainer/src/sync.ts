import type { JSONPath } from 'jsonc-parser';
import { devcontainerForwards, type BerthSpec, type DevcontainerForward, type ForwardAttributes, type Problem } from '@berth/spec';
import { HOST_PORT_RE, type DevcontainerJson, type PortAttributes } from './config-schema.js';
import { attributesOf } from './import-config.js';
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
  syncAttributes(editor, config, spec, forwards, removed);
  syncGpu(editor, config, spec);
  return { text: editor.text, changes: editor.changes, problems };
}

/**
 * forwardPorts with the spec's forwards: an entry no longer wanted is replaced in place by one that is missing
 * (so `[8080]` becomes `[9090]`, in its own style), then the rest are removed or appended. The keys no longer
 * forwarded are returned.
 */
function syncForwardPorts(editor: Editor, config: DevcontainerJson, forwards: DevcontainerForward[]): string[] {
  const current = config.forwardPorts ?? [];
  const wanted = new Map(forwards.map((f) => [forwardKey(f.forward), f]));
  const unwanted: { index: number; key: string; why: string }[] = [];
  const kept = new Set<string>();
  for (let i = current.length - 1; i >= 0; i--) {
    const key = forwardKey(current[i]!);
    if (wanted.has(key) && !kept.has(key)) kept.add(key);
    else unwanted.unshift({ index: i, key, why: kept.has(key) ? 'forwarded twice' : 'no service of the spec that runs in the devcontainer has this port' });
  }
  const missing = forwards.filter((f) => !kept.has(forwardKey(f.forward)));
  if (config.forwardPorts === undefined && missing.length) {
    editor.set(['forwardPorts'], missing.map((f) => f.forward), { after: missing.map((f) => f.forward), why: `the ports of ${missing.map((f) => f.service).join(', ')}` });
    return [];
  }
  const replaced = Math.min(unwanted.length, missing.length);
  unwanted.slice(0, replaced).forEach((u, n) => {
    const f = missing[n]!;
    editor.set(['forwardPorts', u.index], f.forward, { before: current[u.index], after: f.forward, why: `port of ${f.service}, in place of one ${u.why === 'forwarded twice' ? 'forwarded twice' : 'no service needs'}` });
  });
  for (const u of unwanted.slice(replaced).reverse()) editor.set(['forwardPorts', u.index], undefined, { before: current[u.index], why: u.why });
  for (const f of missing.slice(replaced)) editor.append(['forwardPorts'], f.forward, { after: f.forward, why: `port of ${f.service}` });
  return unwanted.map((u) => u.key);
}

/**
 * The attributes berth asks of a forward, given those the file has for its port. A port the file already forwards,
 * for a service without a `name`, needs no label when it has none: the label would only be the service's id, and
 * importing such a file must leave it in step. (A port berth adds gets its label; a label there is kept in step.)
 */
function wantedAttributes(f: DevcontainerForward, spec: BerthSpec, config: DevcontainerJson, present: PortAttributes | undefined): Partial<ForwardAttributes> {
  const unnamed = spec.services[f.service]?.name === undefined;
  const forwarded = (config.forwardPorts ?? []).some((e) => forwardKey(e) === forwardKey(f.forward));
  if (!unnamed || !forwarded || present?.label !== undefined) return f.attributes;
  const { label: _label, ...rest } = f.attributes;
  return rest;
}

const meets = (present: PortAttributes, want: Partial<ForwardAttributes>) => OWNED_ATTRIBUTES.every((a) => same(present[a], want[a]));

function syncAttributes(editor: Editor, config: DevcontainerJson, spec: BerthSpec, all: DevcontainerForward[], removed: string[]): void {
  // devcontainer.json keys attributes by port: where two forwards share one (db:5432 and replica:5432), the first in
  // the spec's order has it, so every --write settles on the same file
  const forwards = all.filter((f, i) => all.findIndex((g) => g.key === f.key) === i);
  if (!config.portsAttributes) {
    const needed = forwards.map((f) => ({ f, want: wantedAttributes(f, spec, config, undefined) })).filter(({ want }) => Object.keys(want).length);
    if (!needed.length) return;
    const attributes = new Map(needed.map(({ f, want }) => [f.key, want])); // in the spec's order
    editor.set(['portsAttributes'], attributes, { after: Object.fromEntries(attributes), why: `how the editor shows the ports of ${needed.map(({ f }) => f.service).join(', ')}` });
    return;
  }
  const attributes = config.portsAttributes;
  for (const f of forwards) {
    const have = attributes[f.key];
    if (!have) {
      // a range key ("3000-3010") that says what the spec says is as good as the port's own
      const range = attributesOf(config, f.port);
      const want = wantedAttributes(f, spec, config, range);
      if (range ? meets(range, want) : !Object.keys(want).length) continue;
      editor.set(['portsAttributes', f.key], f.attributes, { after: f.attributes, why: `how the editor shows ${f.service}'s port` });
      continue;
    }
    const want = wantedAttributes(f, spec, config, have);
    for (const a of OWNED_ATTRIBUTES) {
      if (same(have[a], want[a])) continue;
      editor.set(['portsAttributes', f.key, a], want[a], { before: have[a], after: want[a], why: `from ${f.service} in the spec` });
    }
  }
  const still = new Set(forwards.map((f) => f.key));
  for (const key of new Set(removed.filter((k) => /^\d+$/.test(k) && !still.has(k)))) {
    const have = attributes[key];
    if (!have) continue;
    const others = Object.keys(have).filter((a) => !(OWNED_ATTRIBUTES as readonly string[]).includes(a));
    if (!others.length) editor.set(['portsAttributes', key], undefined, { before: have, why: 'the port is no longer forwarded' });
    else for (const a of OWNED_ATTRIBUTES) if (have[a] !== undefined) editor.set(['portsAttributes', key, a], undefined, { before: have[a], why: 'the port is no longer forwarded' });
  }
}

function syncGpu(editor: Editor, config: DevcontainerJson, spec: BerthSpec): void {
  const want = gpuAskOfSpec(spec.devcontainer?.gpu || undefined);
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
