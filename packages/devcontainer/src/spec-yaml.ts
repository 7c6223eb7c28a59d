import { isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { BerthSpecSchema, parseYamlDocument, type BerthSpec } from '@berth/spec';
import type { DevcontainerImport, ForwardImport } from './import-config.js';
import { spliceYaml } from './yaml-splice.js';
import { gpuSelectionText } from './gpu-request.js';

/** The order of the devcontainer block's keys that berth writes, so a new key lands beside its neighbours. */
const DEVCONTAINER_KEYS = ['config', 'image', 'build', 'compose', 'gpu', 'python', 'postCreateCommand', 'features', 'decision', 'checks'];
/** The spec's top-level keys in the order the schema (and the reference) lists them. */
const TOP_KEYS = Object.keys(BerthSpecSchema.shape);
const SERVICE_KEYS = ['name', 'purpose', 'runtime', 'profiles', 'image', 'build', 'command', 'ports'];
const CARRIED = ['config', 'image', 'build', 'compose', 'postCreateCommand', 'features'] as const;
const RUNTIME_FIELDS = ['onAutoForward', 'requireLocalPort', 'composeService'] as const;

/** The node under `key`, whatever its kind (the yaml types say Scalar). */
const nodeAt = (map: YAMLMap, key: string): unknown => map.get(key, true) as unknown;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const toJs = (n: unknown) => (n && typeof n === 'object' && 'toJSON' in n ? (n as { toJSON(): unknown }).toJSON() : n);

/** Sets `key` in a map, a new key going after the last of the keys that come before it in `order` (else at the end). */
function setOrdered(doc: Document, map: YAMLMap, key: string, value: unknown, order: readonly string[]): void {
  const node = doc.createNode(value);
  if (map.has(key)) return map.set(key, node);
  const rank = order.indexOf(key);
  if (rank === -1) return map.set(key, node);
  let at = 0;
  map.items.forEach((pair, i) => {
    const k = String(toJs(pair.key));
    if (order.indexOf(k) !== -1 && order.indexOf(k) < rank) at = i + 1;
  });
  map.items.splice(at, 0, doc.createPair(doc.createNode(key), node));
}

/** The map under a top-level key, made (after a blank line, block style) when missing. */
function mapAt(doc: Document, parent: YAMLMap, key: string, order: readonly string[]): YAMLMap {
  const found = nodeAt(parent, key);
  if (isMap(found)) return found;
  setOrdered(doc, parent, key, {}, order);
  const pair = parent.items.find((p) => toJs(p.key) === key)!;
  if (isScalar(pair.key)) pair.key.spaceBefore = true;
  const created = pair.value as YAMLMap;
  created.flow = false;
  return created;
}

/**
 * berth.yaml with what a devcontainer.json says merged in, through the yaml library's Document API: the
 * devcontainer block's carried fields (image, build, compose, the GPU ask, postCreateCommand, features, where the
 * file is) as the file has them, and each forwarded port as a port of a service that runs in the devcontainer.
 * What the file does not carry (python, decision, checks, the CUDA facts) stays. Every part of the text that did
 * not change keeps its bytes, comments included. Returns the changes in words; no change gives back `text` itself.
 * Throws SpliceRefused (spliceYaml) when the text cannot be kept so: the caller writes nothing.
 */
export function mergeIntoSpecYaml(text: string, imported: DevcontainerImport, spec: BerthSpec | undefined): { text: string; changes: string[] } {
  const doc = parseYamlDocument(text);
  if (doc.errors.length || !isMap(doc.contents)) throw new Error(`the spec does not parse: ${doc.errors[0]?.message.split('\n')[0] ?? 'not a YAML mapping'}`);
  const root = doc.contents as YAMLMap;
  const changes: string[] = [];
  const dc = mapAt(doc, root, 'devcontainer', TOP_KEYS);
  for (const key of CARRIED) {
    const want = imported.devcontainer[key];
    // devcontainer.json has one, but it holds a secret and is not carried: what the spec has stays
    if (want === undefined && imported.withheld?.includes(key as 'postCreateCommand')) continue;
    if (want === undefined) {
      if (dc.has(key)) {
        dc.delete(key);
        changes.push(`devcontainer.${key}: removed (devcontainer.json has none)`);
      }
    } else if (!same(toJs(nodeAt(dc, key)), want)) {
      setOrdered(doc, dc, key, want, DEVCONTAINER_KEYS);
      changes.push(`devcontainer.${key}: ${JSON.stringify(want)}`);
    }
  }
  mergeGpu(doc, dc, imported.devcontainer.gpu, changes);

  const forwards = imported.forwards;
  if (forwards.length) {
    const services = mapAt(doc, root, 'services', TOP_KEYS);
    const created = new Set<string>();
    for (const f of forwards) mergeForward(doc, services, f, spec, created, changes);
  }
  if (!changes.length) return { text, changes };
  return { text: spliceYaml(text, doc.toString({ lineWidth: 0 })), changes };
}

function mergeGpu(doc: Document, dc: YAMLMap, ask: DevcontainerImport['devcontainer']['gpu'], changes: string[]): void {
  const gpu = nodeAt(dc, 'gpu');
  if (!ask) {
    // `gpu: false` already says it
    if (gpu !== undefined && toJs(gpu) !== false) {
      dc.delete('gpu');
      changes.push('devcontainer.gpu: removed (devcontainer.json asks for no GPU)');
    }
    return;
  }
  if (!isMap(gpu)) {
    setOrdered(doc, dc, 'gpu', { vendor: 'nvidia', ...ask }, DEVCONTAINER_KEYS);
    changes.push(`devcontainer.gpu: asks for ${ask.optional ? 'an optional GPU' : ask.devices || ask.count !== undefined ? gpuSelectionText(ask) : 'a GPU'}`);
    return;
  }
  for (const key of ['optional', 'cores', 'memory', 'count', 'devices'] as const) {
    const want = ask[key];
    if (same(toJs(nodeAt(gpu, key)), want)) continue;
    if (want === undefined) gpu.delete(key);
    else gpu.set(key, want);
    changes.push(`devcontainer.gpu.${key}: ${want === undefined ? 'removed' : JSON.stringify(want)}`);
  }
}

function mergeForward(doc: Document, services: YAMLMap, f: ForwardImport, spec: BerthSpec | undefined, created: Set<string>, changes: string[]): void {
  let svc = nodeAt(services, f.service);
  if (!isMap(svc)) {
    const fresh: Record<string, unknown> = { ...(f.name !== undefined ? { name: f.name } : {}) };
    services.set(f.service, doc.createNode(fresh));
    svc = nodeAt(services, f.service);
    (svc as YAMLMap).flow = false;
    created.add(f.service);
    changes.push(`services.${f.service}: added, runs in the devcontainer`);
  }
  const map = svc as YAMLMap;
  if (!created.has(f.service) && f.name !== undefined && toJs(nodeAt(map, 'name')) !== f.name) {
    setOrdered(doc, map, 'name', f.name, SERVICE_KEYS);
    changes.push(`services.${f.service}.name: ${JSON.stringify(f.name)} (the port's label)`);
  }
  mergeRuntime(doc, map, f, created.has(f.service), changes);
  mergePort(doc, map, f, spec, changes);
}

/** The service's devcontainer runtime, with the forward's attributes; other runtimes stay. */
function mergeRuntime(doc: Document, svc: YAMLMap, f: ForwardImport, isNew: boolean, changes: string[]): void {
  const fields = Object.fromEntries(RUNTIME_FIELDS.filter((k) => f.runtime[k] !== undefined).map((k) => [k, f.runtime[k]]));
  const wanted = Object.keys(fields).length ? { kind: 'devcontainer', ...fields } : 'devcontainer';
  const runtime = nodeAt(svc, 'runtime');
  const at = `services.${f.service}.runtime`;
  if (runtime === undefined) {
    setOrdered(doc, svc, 'runtime', isNew ? wanted : ['compose', wanted], SERVICE_KEYS);
    if (!isNew) changes.push(`${at}: also the devcontainer`);
    return;
  }
  const entries: unknown[] = isSeq(runtime) ? (runtime as YAMLSeq).items : [runtime];
  const index = entries.findIndex((e) => (isScalar(e) ? e.value === 'devcontainer' : isMap(e) && e.get('kind') === 'devcontainer'));
  if (index === -1) {
    if (isSeq(runtime)) (runtime as YAMLSeq).items.push(doc.createNode(wanted));
    else svc.set('runtime', doc.createNode([toJs(runtime), wanted]));
    changes.push(`${at}: also the devcontainer`);
    return;
  }
  const entry = entries[index];
  if (isMap(entry)) {
    for (const k of RUNTIME_FIELDS) {
      if (same(toJs(nodeAt(entry, k)), f.runtime[k])) continue;
      if (f.runtime[k] === undefined) entry.delete(k);
      else entry.set(k, f.runtime[k]);
      changes.push(`${at}.${k}: ${f.runtime[k] === undefined ? 'removed' : JSON.stringify(f.runtime[k])}`);
    }
  } else if (typeof wanted === 'object') {
    const node = doc.createNode(wanted);
    if (isSeq(runtime)) (runtime as YAMLSeq).items[index] = node;
    else svc.set('runtime', node);
    changes.push(`${at}: ${JSON.stringify(fields)}`);
  }
}

/** The forwarded port among the service's ports, with the label's protocol. */
function mergePort(doc: Document, svc: YAMLMap, f: ForwardImport, spec: BerthSpec | undefined, changes: string[]): void {
  const at = `services.${f.service}.ports`;
  let ports = nodeAt(svc, 'ports');
  if (!isSeq(ports)) {
    setOrdered(doc, svc, 'ports', [], SERVICE_KEYS);
    ports = nodeAt(svc, 'ports');
    (ports as YAMLSeq).flow = false;
  }
  const bindings = spec?.services[f.service]?.ports ?? [];
  const index = bindings.findIndex((b) => b.protocol === 'tcp' && b.host.from === f.port && b.host.to === f.port);
  const seq = ports as YAMLSeq;
  if (index === -1 || index >= seq.items.length) {
    seq.items.push(doc.createNode(f.appProtocol ? { host: f.port, appProtocol: f.appProtocol } : f.port));
    changes.push(`${at}: ${f.port} added (forwarded by the devcontainer)`);
    return;
  }
  const b = bindings[index]!;
  if (!f.appProtocol || b.appProtocol === f.appProtocol) return;
  const item = seq.items[index];
  if (isMap(item)) item.set('appProtocol', f.appProtocol);
  else {
    const long = { host: f.port, ...(b.container.from !== f.port ? { container: b.container.from } : {}), ...(b.hostIp ? { hostIp: b.hostIp } : {}), appProtocol: f.appProtocol };
    seq.items[index] = doc.createNode(long);
  }
  changes.push(`${at}[${index}].appProtocol: ${f.appProtocol}`);
}

/** A new berth.yaml for a repo that has none: the least that is valid, for the import to fill. */
export function newSpecText(repoName: string): string {
  return `# This repo's development infrastructure, started by \`berth import devcontainer\` (\`berth init\` shows every section).\nberth: 1\n\nrepo:\n  name: ${repoName}\n`;
}
