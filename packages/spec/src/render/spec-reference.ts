import { ecosystemJsonSchema, registryJsonSchema, specJsonSchema } from '../json-schema.js';

/** A JSON Schema node, loosely typed: the generator reads what zod's toJSONSchema writes. */
interface Js {
  type?: string | string[];
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Js[];
  oneOf?: Js[];
  items?: Js;
  properties?: Record<string, Js>;
  required?: string[];
  additionalProperties?: Js | boolean;
  patternProperties?: Record<string, Js>;
  propertyNames?: Js;
  default?: unknown;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  $defs?: Record<string, Js>;
}

const anchor = (title: string) => title.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Renders the spec reference: one section per object in berth.yaml and the registry, with each field's type, default and meaning. */
export function renderSpecReference(): string {
  const out: string[] = [
    '# Spec reference',
    '',
    '<!-- Generated from the zod schemas in packages/spec/src/schema by packages/spec/scripts/gen-spec-reference.mts; do not edit. -->',
    '',
    'berth reads three YAML files: a `berth.yaml` per repo, and one port registry (`ports.yaml`) and one ecosystem manifest',
    '(`ecosystem.yaml`, see [ecosystem.md](ecosystem.md)) per ecosystem, kept by the repo that orchestrates it. All are defined once,',
    'as zod schemas; this page, the TypeScript types and the JSON Schemas in',
    '[docs/schema/](schema/) (for editors: `# yaml-language-server: $schema=...`) are generated from them.',
    '',
    'Types are what you write in YAML. Keys starting with `x-` are allowed where noted (extensions, as in Compose) and ignored.',
    'Durations are written `"2s"`, `"500ms"`, `"1m30s"` or as a number of milliseconds.',
    '',
  ];
  out.push(...document('berth.yaml', specJsonSchema() as Js), ...document('Port registry (ports.yaml)', registryJsonSchema() as Js), ...document('Ecosystem manifest (ecosystem.yaml)', ecosystemJsonSchema() as Js));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function document(title: string, root: Js): string[] {
  const defs = root.$defs ?? {};
  const sections: string[][] = [];
  const done = new Set<string>();
  const queue: { title: string; schema: Js }[] = [{ title, schema: root }];
  const defTitle = (name: string) => `${name} (${title.split(' ')[0]})`;

  /**
   * The forms a value may take. An anyOf or oneOf beside a `type` is no list of forms but a rule on the one form
   * (an object needing one key of several: json-schema-extra.ts), which the description says.
   */
  const forms = (s: Js): Js[] | undefined => (s.type === undefined ? (s.anyOf ?? s.oneOf) : undefined);

  /** The type as a reader sees it; objects get their own section, queued here. */
  const typeOf = (s: Js, at: string): string => {
    if (s.$ref) {
      const name = s.$ref.split('/').pop()!;
      const t = defTitle(name);
      if (!done.has(t) && defs[name]) queue.push({ title: t, schema: defs[name]! });
      return `[${name}](#${anchor(t)})`;
    }
    if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
    if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
    const alts = forms(s);
    if (alts) return alts.map((a, i) => typeOf(a, alts.length > 1 ? `${at} (form ${i + 1})` : at)).join(' or ');
    if (Array.isArray(s.type)) return s.type.join(' or ');
    switch (s.type) {
      case 'array':
        return `list of ${s.items ? typeOf(s.items, `${at}[]`) : 'anything'}${s.minItems ? ` (at least ${s.minItems})` : ''}`;
      case 'object': {
        if (s.properties) {
          if (!done.has(at)) queue.push({ title: at, schema: s });
          return `[map](#${anchor(at)})`;
        }
        const value = typeof s.additionalProperties === 'object' ? typeOf(s.additionalProperties, `${at}.<name>`) : 'anything';
        return `map of name → ${value}`;
      }
      case 'integer':
      case 'number': {
        const range = s.minimum !== undefined && s.maximum !== undefined ? ` ${s.minimum}–${s.maximum}` : s.minimum !== undefined ? ` ≥ ${s.minimum}` : '';
        return `${s.type === 'integer' ? 'integer' : 'number'}${range}`;
      }
      case 'string':
        return s.pattern ? `string (\`${esc(s.pattern.length > 40 ? 'pattern' : s.pattern)}\`)` : 'string';
      case 'boolean':
        return 'boolean';
      default:
        return 'anything';
    }
  };

  while (queue.length) {
    const { title: t, schema } = queue.shift()!;
    if (done.has(t)) continue;
    done.add(t);
    const lines = [`## ${t}`, ''];
    if (schema.description) lines.push(schema.description, '');
    const target = schema.properties ? schema : forms(schema)?.find((a) => a.properties);
    if (!target?.properties) {
      lines.push(`Type: ${typeOf(schema, t)}`);
      sections.push(lines);
      continue;
    }
    const alts = forms(schema);
    if (alts && alts.length > 1) lines.push(`Written as any of: ${typeOf(schema, t)}.`, '');
    lines.push('| Key | Type | Required | Default | Description |', '|-----|------|----------|---------|-------------|');
    for (const [key, prop] of Object.entries(target.properties)) {
      const required = target.required?.includes(key) ? 'yes' : '';
      const def = prop.default === undefined ? '' : `\`${esc(JSON.stringify(prop.default))}\``;
      lines.push(`| \`${key}\` | ${typeOf(prop, `${t} › ${key}`)} | ${required} | ${def} | ${esc(prop.description ?? '')} |`);
    }
    if (target.patternProperties?.['^x-']) lines.push('', 'Also accepts `x-` extension keys.');
    sections.push(lines);
  }
  return sections.flatMap((s) => [...s, '']);
}
