import { isMap } from './model.js';

/**
 * The shape Compose gives each service field berth reads: what it refuses (`docker compose config` says "must be a
 * string", "must be a mapping"), berth refuses too, rather than dropping the field or coercing it. Scalars stand in
 * for one another (`user: 1000`), and null is an unset field, as Compose takes them.
 */
type Shape = 'scalar' | 'list' | 'map' | 'scalarOrList' | 'scalarOrMap' | 'listOrMap';
interface FieldShape {
  shape: Shape;
  /** What a list holds: scalars only, or scalars and mappings (the long syntax). */
  items?: 'scalar' | 'scalarOrMap';
  /** One entry of the list, in words. */
  item?: string;
  /** What a mapping's values are: mappings (or null), or scalars (or null). */
  values?: 'map' | 'scalar';
  what: string;
}

const SCALAR = (what: string): FieldShape => ({ shape: 'scalar', what });

const SHAPES: Record<string, FieldShape> = {
  image: SCALAR('an image reference'),
  working_dir: SCALAR('a path'),
  user: SCALAR('a user (name or uid[:gid])'),
  network_mode: SCALAR('a network mode'),
  container_name: SCALAR('a name'),
  hostname: SCALAR('a host name'),
  restart: SCALAR('a restart policy'),
  stop_grace_period: SCALAR('a duration'),
  stop_signal: SCALAR('a signal'),
  platform: SCALAR('a platform'),
  pull_policy: SCALAR('a pull policy'),
  command: { shape: 'scalarOrList', items: 'scalar', item: 'a word', what: 'a command line or a list of its words' },
  entrypoint: { shape: 'scalarOrList', items: 'scalar', item: 'a word', what: 'a command line or a list of its words' },
  env_file: { shape: 'scalarOrList', items: 'scalarOrMap', item: 'a file or a mapping (path, required)', what: 'a file or a list of files' },
  dns: { shape: 'scalarOrList', items: 'scalar', item: 'an address', what: 'an address or a list of them' },
  tmpfs: { shape: 'scalarOrList', items: 'scalar', item: 'a path', what: 'a path or a list of them' },
  ports: { shape: 'list', items: 'scalarOrMap', item: 'a port or a mapping (target, published, ...)', what: 'a list of ports' },
  volumes: { shape: 'list', items: 'scalarOrMap', item: 'a mount or a mapping (type, source, target, ...)', what: 'a list of mounts' },
  secrets: { shape: 'list', items: 'scalarOrMap', item: 'a secret name or a mapping (source, target, ...)', what: 'a list of secrets' },
  configs: { shape: 'list', items: 'scalarOrMap', item: 'a config name or a mapping (source, target, ...)', what: 'a list of configs' },
  cap_add: { shape: 'list', items: 'scalar', item: 'a capability', what: 'a list of capabilities' },
  cap_drop: { shape: 'list', items: 'scalar', item: 'a capability', what: 'a list of capabilities' },
  environment: { shape: 'listOrMap', items: 'scalar', item: 'a KEY=value entry', values: 'scalar', what: 'a list of KEY=value entries or a mapping' },
  labels: { shape: 'listOrMap', items: 'scalar', item: 'a KEY=value entry', values: 'scalar', what: 'a list of KEY=value entries or a mapping' },
  depends_on: { shape: 'listOrMap', items: 'scalar', item: 'a service name (the long syntax is a mapping, not a list of them)', values: 'map', what: 'a list of service names or a mapping of them to their conditions' },
  networks: { shape: 'listOrMap', items: 'scalar', item: 'a network name (the long syntax is a mapping, not a list of them)', values: 'map', what: 'a list of network names or a mapping of them' },
  healthcheck: { shape: 'map', what: 'a mapping (test, interval, timeout, retries, ...)' },
  deploy: { shape: 'map', what: 'a mapping' },
  logging: { shape: 'map', what: 'a mapping' },
  ulimits: { shape: 'map', what: 'a mapping' },
  build: { shape: 'scalarOrMap', what: 'a context or a mapping (context, dockerfile, target, args, ...)' },
};

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** What a YAML value is, in words, never its content (a value may be a secret). */
function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isMap(v)) return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return 'null';
}

/** Where a field's value has a shape Compose refuses: the place (relative to the field) and the message; none when it fits. */
export function shapeProblems(key: string, value: unknown): { at: (string | number)[]; message: string }[] {
  const s = SHAPES[key];
  if (!s || value === null || value === undefined) return [];
  const fits =
    (s.shape === 'scalar' && isScalar(value)) ||
    (s.shape === 'list' && Array.isArray(value)) ||
    (s.shape === 'map' && isMap(value)) ||
    (s.shape === 'scalarOrList' && (isScalar(value) || Array.isArray(value))) ||
    (s.shape === 'scalarOrMap' && (isScalar(value) || isMap(value))) ||
    (s.shape === 'listOrMap' && (Array.isArray(value) || isMap(value)));
  if (!fits) return [{ at: [], message: `must be ${s.what}, not ${kind(value)}; Compose refuses it` }];
  const out: { at: (string | number)[]; message: string }[] = [];
  if (Array.isArray(value) && s.items) {
    value.forEach((item, i) => {
      if (isScalar(item) || (s.items === 'scalarOrMap' && isMap(item))) return;
      out.push({ at: [i], message: `must be ${s.item}, not ${kind(item)}; Compose refuses it` });
    });
  }
  if (isMap(value) && s.values) {
    for (const [name, v] of Object.entries(value)) {
      if (v === null || (s.values === 'map' ? isMap(v) : isScalar(v))) continue;
      out.push({ at: [name], message: `must be ${s.values === 'map' ? 'a mapping' : 'a value'}, not ${kind(v)}; Compose refuses it` });
    }
  }
  return out;
}
