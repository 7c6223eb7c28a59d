import type { JSONPath } from 'jsonc-parser';
import { devcontainerForwards, type BerthSpec, type DevcontainerForward, type ForwardAttributes, type Problem } from '@berth/spec';
import { HOST_PORT_RE, type DevcontainerJson, type PortAttributes } from './config-schema.js';
import { attributesOf } from './import-config.js';
import { composeGpuOf, gpuAskOf, gpuAskOfSpec, gpuRunArgs, gpuSelectionText, gpusFlagValue, hostGpuValue, sameSelection, type GpuSelection } from './gpu-request.js';
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
 * onAutoForward, requireLocalPort), and the GPU request (`hostRequirements.gpu`, GPU flags in `runArgs`), when the spec
 * says one (devcontainer.gpu); `readBeside` reads a Compose setup's files, for the GPU its service reserves.
 * Entries are added and removed one by one, so comments, order and every other field keep their bytes.
 */
export function syncDevcontainerJson(text: string, config: DevcontainerJson, spec: BerthSpec, options: { readBeside?: (path: string) => string | undefined } = {}): DevcontainerSync {
  const editor = new Editor(text);
  const { forwards, problems } = devcontainerForwards(spec);
  const removed = syncForwardPorts(editor, config, forwards);
  syncAttributes(editor, config, spec, forwards, removed);
  syncGpu(editor, config, spec, options.readBeside, problems);
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

/**
 * The GPU request, in step with devcontainer.gpu. Absent, berth does not manage it: the file keeps its GPU request (a
 * warning says when it asks for one the spec does not record). `false`: no GPU (hostRequirements.gpu and the GPU
 * flags of runArgs go). An ask: hostRequirements.gpu says it, and runArgs says how many GPUs or which (`--gpus 2`,
 * `--gpus "device=0,1"`); a flag that says otherwise is replaced, with a why that names the pin it drops. A Compose
 * setup's GPU is its service's reservation, which berth does not edit: a warning says what to change there by hand.
 */
function syncGpu(editor: Editor, config: DevcontainerJson, spec: BerthSpec, readBeside: ((path: string) => string | undefined) | undefined, problems: Problem[]): void {
  const gpu = spec.devcontainer?.gpu;
  const { ask: have } = gpuAskOf(config, readBeside);
  const compose = config.dockerComposeFile !== undefined && !config.image && !config.build && !config.dockerFile;
  const flags = compose ? undefined : gpuRunArgs(config);
  const reserved = compose ? composeGpuOf(config, readBeside) : undefined;
  const warn = (code: string, message: string) => problems.push({ code, severity: 'warning', path: ['devcontainer', 'gpu'], message });
  const host = config.hostRequirements?.gpu;
  const runArgs = config.runArgs ?? [];
  const dropFlags = (why: string) => {
    const indices = flags?.indices ?? [];
    if (indices.length && indices.length === runArgs.length) return editor.set(['runArgs'], undefined, { before: runArgs, why });
    for (const i of [...indices].reverse()) editor.set(['runArgs', i], undefined, { before: runArgs[i], why });
  };
  const pin = (s: GpuSelection) => (s.count !== undefined || s.devices ? ` (this drops the pin to ${gpuSelectionText(s)}; devcontainer.gpu.${s.devices ? 'devices' : 'count'} keeps it)` : '');

  if (gpu === undefined) {
    if (have) warn('devcontainer-gpu-unrecorded', `${reserved ? `the Compose service ${config.service} (${reserved.file})` : 'devcontainer.json'} asks for ${gpuSelectionText(have)}, which the spec does not record: berth leaves it as it is; record it with \`berth import devcontainer\`, or say \`gpu: false\` for none`);
    return;
  }
  const want = gpuAskOfSpec(gpu);
  if (!want) {
    if (host !== undefined && host !== false) {
      const only = Object.keys(config.hostRequirements ?? {}).length === 1;
      editor.set(only ? ['hostRequirements'] : ['hostRequirements', 'gpu'], undefined, { before: only ? config.hostRequirements : host, why: 'the spec asks for no GPU (devcontainer.gpu: false)' });
    }
    dropFlags('the spec asks for no GPU (devcontainer.gpu: false)');
    if (reserved) warn('devcontainer-gpu-compose', `the spec asks for no GPU, but the Compose service ${config.service} reserves ${gpuSelectionText(reserved)} in ${reserved.file}: berth does not edit Compose files; take the reservation out by hand`);
    return;
  }
  const value = hostGpuValue(want);
  const wanted: GpuSelection = { ...(want.count !== undefined ? { count: want.count } : {}), ...(want.devices ? { devices: want.devices } : {}) };
  const pinned = want.count !== undefined || want.devices !== undefined;
  if (compose) {
    // hostRequirements.gpu asks the Dev Containers CLI for every GPU; the service's reservation is what says more
    const hostMeets = same(host, value) || (!!reserved && value === true && (host === undefined || host === false));
    if (!hostMeets) editor.set(['hostRequirements', 'gpu'], value, { before: host, after: value, why: 'the GPU the spec asks for (devcontainer.gpu)' });
    const files = (Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile!]).join(', ');
    if (want.optional && reserved) warn('devcontainer-gpu-compose', `the spec says the GPU is optional, but the Compose service ${config.service} reserves ${gpuSelectionText(reserved)} in ${reserved.file}, which fails without one: berth does not edit Compose files; take the reservation out by hand`);
    else if (pinned && !(reserved && sameSelection(reserved, wanted))) {
      warn('devcontainer-gpu-compose', `the spec asks for ${gpuSelectionText(wanted)}, but the Compose service ${config.service} reserves ${reserved ? `${gpuSelectionText(reserved)} in ${reserved.file}` : `none in ${files}`}: berth does not edit Compose files; give it a device reservation with ${want.devices ? `device_ids: [${want.devices.map((d) => JSON.stringify(d)).join(', ')}]` : `count: ${want.count}`} and capabilities: [gpu] by hand`);
    }
    return;
  }
  if (want.optional) {
    if (!same(host, value)) editor.set(['hostRequirements', 'gpu'], value, { before: host, after: value, why: 'the GPU the spec asks for (devcontainer.gpu)' });
    if (flags) dropFlags(`a GPU flag in runArgs makes the GPU required; the spec says it is optional${pin(flags)}`);
    return;
  }
  // a plain ask is met by hostRequirements.gpu: true or by a GPU flag for every GPU (the Dev Containers CLI adds `--gpus all` itself)
  const flagsMeet = !!flags && sameSelection(flags, wanted) && !flags.warnings.length;
  // (a pinned ask gets its `--gpus` flag below, which asks for the GPU as well)
  const hostMeets = same(host, value) || (value === true && (flagsMeet || pinned) && (host === undefined || host === false));
  if (!hostMeets) editor.set(['hostRequirements', 'gpu'], value, { before: host, after: value, why: 'the GPU the spec asks for (devcontainer.gpu)' });
  if (flagsMeet || (!pinned && !flags)) return;
  if (!pinned) return dropFlags(`the spec asks for every GPU (hostRequirements.gpu)${pin(flags!)}`);
  const arg = ['--gpus', gpusFlagValue(wanted)];
  const asked = `the spec asks for ${gpuSelectionText(wanted)} (devcontainer.gpu.${want.devices ? 'devices' : 'count'})`;
  const why = !flags ? asked : sameSelection(flags, wanted) ? `${asked}: docker refuses the list unquoted, so it is written as one quoted field` : `${asked}, not ${gpuSelectionText(flags)}`;
  // one `--gpus X` or `--gpus=X` takes the new value where it is
  const [at, next] = flags?.indices ?? [];
  if (flags?.indices.length === 2 && runArgs[at!] === '--gpus') return editor.set(['runArgs', next!], arg[1], { before: runArgs[next!], after: arg[1], why });
  if (flags?.indices.length === 1 && runArgs[at!]!.startsWith('--gpus=')) return editor.set(['runArgs', at!], `--gpus=${arg[1]}`, { before: runArgs[at!], after: `--gpus=${arg[1]}`, why });
  if (flags?.indices.length === runArgs.length) return editor.set(['runArgs'], arg, { before: runArgs, after: arg, why });
  dropFlags(why);
  if (config.runArgs === undefined) editor.set(['runArgs'], arg, { after: arg, why });
  else for (const a of arg) editor.append(['runArgs'], a, { after: a, why });
}
