import { looksSecret, REDACTED, secretDefaults, specSecrets, withoutTextSecrets, type BerthSpec, type Problem } from '@berth/spec';
import { writeYaml } from './yaml-write.js';
import { isMap, ProblemSink, type ComposeMap } from './model.js';
import { serviceToCompose } from './export-service.js';
import { runtimeNetworkMode } from '../up/service-networks.js';
import { escapeDollars } from './references.js';
import { interpolate } from './interpolate.js';
import { objectsToCompose } from './export-deploy.js';

/** Top-level spec fields Compose has no place for: they travel under the top-level `x-berth`. */
const BERTH_TOP = ['repo', 'project', 'registry', 'profiles', 'modules', 'env', 'conventions', 'connections', 'devcontainer', 'stack', 'consumers', 'docs'];

export interface ExportComposeOptions {
  /** The spec file as written (parsed YAML before defaults), for the berth-only fields; default: the parsed spec. */
  raw?: unknown;
  /** Directory of the spec file and of the Compose file to write, to rewrite relative paths. */
  specDir?: string;
  outDir?: string;
}

export interface ExportComposeResult {
  compose: ComposeMap;
  yaml: string;
  problems: Problem[];
}

/**
 * `berth compose`: the spec as a Compose file that Debian's docker-compose (1.29) accepts: ports in
 * long syntax where it allows (short strings for host IPs and ranges), depends_on with conditions,
 * GPUs with an explicit count, durations as strings, healthcheck tests as lists; everything Compose
 * cannot express under `x-berth` (its `$` escaped as `$$`); never com.docker.compose.* labels. The
 * spec's text is Compose text already: `${VAR}` references and `$$` are written as they are.
 */
export function exportCompose(spec: BerthSpec, options: ExportComposeOptions = {}): ExportComposeResult {
  const sink = new ProblemSink();
  const raw = isMap(options.raw) ? options.raw : (spec as unknown as ComposeMap);
  const rawServices = isMap(raw.services) ? raw.services : {};
  const composeIds = new Set<string>();
  const berthServices: ComposeMap = {};
  for (const [id, svc] of Object.entries(spec.services)) {
    const kinds = svc.runtime?.map((r) => r.kind) ?? ['compose'];
    const hasImage = !!svc.image || !!svc.build || (isMap(svc['x-compose']) && (svc['x-compose'] as ComposeMap).build !== undefined);
    if (kinds.includes('compose') && hasImage) composeIds.add(id);
    else {
      const why = kinds.includes('compose') ? 'has no image and no build, one of which Compose needs' : `runs in ${kinds.join(' and ')}, not in Compose`;
      sink.warn(['services', id], `${why}; kept under x-berth.services`, 'compose-export-not-service');
      berthServices[id] = rawServices[id] ?? {};
    }
  }
  const services: ComposeMap = {};
  for (const id of composeIds) {
    services[id] = serviceToCompose(id, spec.services[id]!, { composeServices: composeIds, sink, raw: isMap(rawServices[id]) ? rawServices[id] : {}, runtimeNetworkMode: runtimeNetworkMode(spec, spec.services[id]!), ...(options.specDir && options.outDir ? { specDir: options.specDir, outDir: options.outDir } : {}) });
  }
  // With no services, docker-compose 1.29 takes the file for the version-1 format (services at the
  // top level) and refuses x-berth; a version line makes it read the file as it is.
  const compose: ComposeMap = composeIds.size ? { services } : { version: '3.9', services };
  const keep = isMap(spec['x-compose']) ? (spec['x-compose'] as ComposeMap) : {};
  const networks = exportNetworks(spec, keep.networks);
  if (Object.keys(networks).length) compose.networks = networks;
  const volumes = exportVolumes(spec, keep.volumes);
  if (Object.keys(volumes).length) compose.volumes = volumes;
  const dirs = options.specDir && options.outDir ? { specDir: options.specDir, outDir: options.outDir } : undefined;
  for (const key of ['secrets', 'configs'] as const) {
    const objects = objectsToCompose(spec[key], dirs);
    // What an import kept of one (a driver, labels) goes back beside what the spec carried of it.
    for (const [id, kept] of Object.entries(isMap(keep[key]) ? keep[key] : {})) objects[id] = isMap(objects[id]) && isMap(kept) ? { ...objects[id], ...kept } : kept;
    for (const [name, def] of Object.entries(spec[key]) as [string, { environment?: string; content?: string }][]) {
      const source = def.environment !== undefined ? 'environment' : def.content !== undefined ? 'content' : undefined;
      if (source) sink.warn([key, name], `docker-compose 1.29 does not know ${source} here (Compose v2 and later do)`, 'compose-export-object-source');
    }
    if (Object.keys(objects).length) compose[key] = objects;
  }
  for (const [k, v] of Object.entries(keep)) if (k !== 'networks' && k !== 'volumes' && k !== 'secrets' && k !== 'configs') compose[k] = v;
  for (const [k, v] of Object.entries(spec)) if (k.startsWith('x-') && k !== 'x-compose' && k !== 'x-berth') compose[k] = v;
  const berth: ComposeMap = {};
  for (const key of BERTH_TOP) if (raw[key] !== undefined) berth[key] = raw[key];
  if (berth.env !== undefined) berth.env = withoutSecretDefaults(berth.env, spec, sink);
  if (Object.keys(berthServices).length) berth.services = berthServices;
  // berth-only fields are literal text; the rest is the spec's own Compose text, references and `$$` as written
  compose['x-berth'] = escapeDollars(berth);
  const text = withoutSecretValues(composeText(compose, sink) as ComposeMap, spec, sink);
  const header = ` Written by \`berth compose\` from the berth spec; edit the spec, not this file.\n Fields Compose cannot express are kept under x-berth; \`berth import compose\` reads them back.`;
  return { compose: text, yaml: writeYaml(text, header), problems: sink.problems };
}

/** A name Compose interpolates as `${NAME}`. */
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A `${NAME}` or `$NAME` reference in Compose text. */
const REFERENCE = /\$\{?[A-Za-z_]/;

/**
 * The Compose file with no secret value the spec holds (@berth/spec's specSecrets: where the spec writes one): the
 * file is meant to be committed, and berth never prints a secret. An entry the spec holds a secret in, or whose value
 * is a secret's, becomes `${NAME}` where Compose takes a variable's value by its name: a service's `environment`, and
 * its `build.args` (Compose interpolates them too, and a build with `[redacted]` would build with a wrong value); so
 * the file still runs once the value is in the environment or the `.env`. A secret default (`${TOKEN:-VALUE}`) is
 * left out, the reference kept (`${TOKEN}`). Anywhere else a string that is a secret value whole (a credential
 * header, a word of a command line after `--token`) is `[redacted]`, and a secret in a string is where it stands
 * (withoutTextSecrets: `postgres://u:[redacted]@db`, `Authorization: Bearer [redacted]`). Each is a warning naming
 * the field, never the value. A value is never hidden where it only appears inside another word: a password
 * `postgres` leaves the volume `db_postgres_data` and the host `postgres` as they are. A value the spec takes from the
 * environment is a reference already, and written as one.
 */
function withoutSecretValues(compose: ComposeMap, spec: BerthSpec, sink: ProblemSink): ComposeMap {
  const { found, names } = specSecrets(spec);
  const literal = (v: string) => !REFERENCE.test(v.replaceAll('$$', ''));
  // the entries the spec holds a secret in, by service, field and name
  const entryOf = (path: readonly (string | number)[]) =>
    path[0] === 'services' && ((path.length === 4 && path[2] === 'environment') || (path.length === 5 && path[2] === 'build' && path[3] === 'args')) ? path.join('\0') : undefined;
  const inEntry = new Set(found.flatMap((s) => entryOf(s.path) ?? []));
  const whole = new Set(found.flatMap((s) => s.values).filter(literal));
  if (!inEntry.size && !whole.size) return compose;
  const secretName = (name: string) => names.has(name) || looksSecret(name);
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      const name = path.at(-1);
      const hidden = whole.has(value) ? REDACTED : withoutTextSecrets(value, whole, { secretName, dropDefaults: true });
      const entry = entryOf(path) !== undefined && typeof name === 'string' && VARIABLE.test(name);
      // an entry that holds a secret, or whose value is one (MARQUEZ_DB: marquez, the password too), or that is its
      // own variable with a secret default (`${DATABASE_URL:-postgres://u:pw@db}`: the default goes)
      const own = entry && new RegExp(`^\\$\\{${name}(:?[-?][^]*)?\\}$`).test(value);
      if (entry && ((literal(value) && (inEntry.has(path.join('\0')) || hidden !== value)) || (own && hidden !== value))) {
        sink.warn(path, `is a secret written in the spec; written as \${${name}}, for Compose to take from the environment or the .env (the Compose file is committed, and a secret is never printed)`, 'compose-export-secret-value');
        return `\${${name}}`;
      }
      if (hidden === value) return value;
      // the variables whose secret default goes (their names, never the value), and whether anything else was hidden
      const defaults = secretDefaults(value, secretName).filter((d) => d.values.some((v) => whole.has(v)));
      if (defaults.length) {
        const which = [...new Set(defaults.map((d) => d.what))].join(', ');
        sink.warn(path, `the default of ${which} is a secret written in the spec; written without it, for Compose to take the variable from the environment or the .env (the Compose file is committed, and a secret is never printed)`, 'compose-export-secret-default');
      }
      if (hidden.split(REDACTED).length > value.split(REDACTED).length) sink.warn(path, `holds a secret written in the spec; written ${REDACTED} (the Compose file is committed, and a secret is never printed)`, 'compose-export-secret-value');
      return hidden;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  return walk(compose, []) as ComposeMap;
}

/**
 * The spec's `env` as written, less the defaults @berth/spec's rule (specSecrets) calls secret: the Compose
 * file is committed, and a secret is never printed. Each dropped default is a warning naming it, never its value.
 */
function withoutSecretDefaults(env: unknown, spec: BerthSpec, sink: ProblemSink): unknown {
  if (!isMap(env)) return env;
  const secret = new Set(specSecrets(spec).found.filter((s) => s.path.length === 3 && s.path[0] === 'env' && s.path[2] === 'default').map((s) => String(s.path[1])));
  return Object.fromEntries(
    Object.entries(env).map(([name, def]) => {
      if (!secret.has(name) || !isMap(def) || def.default === undefined) return [name, def];
      sink.warn(['env', name, 'default'], 'is the default of a secret variable; not written (the Compose file is committed, and a secret is never printed)', 'compose-export-secret-default');
      const { default: _secret, ...rest } = def;
      return [name, rest];
    }),
  );
}

/**
 * The spec's text as Compose text: a `$` that starts no reference (`cost $5`, a trailing `$`) is a
 * literal in the spec, so it is written `$$`; text Compose cannot interpolate (an unclosed `${`) is
 * written as it is, with a warning. `x-berth` is already escaped. Deep.
 */
function composeText(value: unknown, sink: ProblemSink, path: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    if (interpolate(value, () => '').invalid !== undefined) {
      sink.warn(path, `"${value}" is not valid Compose interpolation; write $$ for a literal $`, 'compose-export-interpolation');
      return value;
    }
    return value.replace(/(\$\$)|(\$(?=[{A-Za-z_]))|\$/g, (_m, escaped?: string, reference?: string) => escaped ?? reference ?? '$$');
  }
  if (Array.isArray(value)) return value.map((v, i) => composeText(v, sink, [...path, i]));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'x-berth' ? v : composeText(v, sink, [...path, k])]));
  return value;
}

function exportNetworks(spec: BerthSpec, kept: unknown): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, n] of Object.entries(spec.networks)) {
    out[name] = {
      ...(n.mode !== 'bridge' ? { driver: n.mode } : {}),
      ...(n.external ? { external: true } : {}),
      ...(n.name ? { name: n.name } : {}),
      ...(isMap(kept) && isMap(kept[name]) ? kept[name] : {}),
      ...(n.purpose ? { 'x-berth': escapeDollars({ purpose: n.purpose }) } : {}),
    };
  }
  return out;
}

function exportVolumes(spec: BerthSpec, kept: unknown): ComposeMap {
  const out: ComposeMap = {};
  for (const [name, v] of Object.entries(spec.volumes)) {
    out[name] = {
      ...(v.driver ? { driver: v.driver } : {}),
      ...(v.external ? { external: true } : {}),
      ...(v.name ? { name: v.name } : {}),
      ...(isMap(kept) && isMap(kept[name]) ? kept[name] : {}),
    };
  }
  return out;
}
