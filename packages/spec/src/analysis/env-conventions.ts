import type { BerthSpec } from '../schema/spec.js';
import type { EnvConvention } from '../schema/env.js';
import type { Problem } from '../problem.js';
import type { SourceDocument } from '../load/yaml-document.js';
import { editDistance } from '../util/did-you-mean.js';
import { looksSecret } from '../secrets/names.js';
import { knownEnvVars, type KnownEnvVar } from './env-schema-view.js';

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
/** Words that mean the same in a prefix: SEMOPS_DATABASE_ is a near miss of SEMOPS_DB_. */
const SYNONYMS: Record<string, string> = { DATABASE: 'DB', POSTGRESQL: 'POSTGRES', PG: 'POSTGRES', PSQL: 'POSTGRES' };

/** UPPER_SNAKE_CASE form of a name: "openaiApiKey" -> "OPENAI_API_KEY". */
export function toUpperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * The naming rules, all warnings (they are conventions, not breakage):
 * 1. names are UPPER_SNAKE_CASE;
 * 2. a prefix declared with scope `container` (POSTGRES_: the Supabase container's config) is for variables
 *    passed into a container: one in the application's `env` schema that no service passes on belongs under
 *    an `application` prefix (SEMOPS_DB_);
 * 3. a name that almost starts with a declared prefix (SEMOPS_DATABASE_URL, POSTGRESQL_USER) should use it;
 * 4. a name that ends like a secret (_API_KEY, _TOKEN, _PASSWORD, _SECRET) is marked `secret: true`;
 * 5. a name ending in _PORT has type port, one ending in _URL or _URI type url.
 */
export function checkEnvConventions(spec: BerthSpec, file?: string, source?: SourceDocument, known: ReadonlyMap<string, KnownEnvVar> = knownEnvVars(spec)): Problem[] {
  const problems: Problem[] = [];
  // Located only when a problem is said: most variables of a large spec have none.
  const at = (path: (string | number)[]) => () => ({ file, ...(source ? source.locate(path, 'key') : {}), path });
  const conventions = [...spec.conventions.env].sort((a, b) => b.prefix.length - a.prefix.length);
  const passedOn = namesPassedToContainers(spec);
  const upper = new Map<string, string>();
  for (const v of known.values()) {
    const where = at(v.path);
    const twin = upper.get(v.name.toUpperCase());
    if (twin) problems.push({ code: 'env-name-case', severity: 'warning', ...where(), message: `${v.name} differs from ${twin} only in case; shells and Compose treat them as two variables` });
    upper.set(v.name.toUpperCase(), v.name);
    if (!UPPER_SNAKE.test(v.name)) {
      problems.push({ code: 'env-name-case', severity: 'warning', ...where(), message: `${v.name} is not UPPER_SNAKE_CASE`, hint: `name it ${toUpperSnake(v.name) || 'in upper case'}` });
    }
    const convention = conventions.find((c) => v.name.startsWith(c.prefix));
    if (convention) checkScope(v, convention, conventions, passedOn, where, problems);
    else nearMiss(v, conventions, where, problems);
    checkSuffix(v, where, problems);
  }
  return problems;
}

function checkScope(v: KnownEnvVar, c: EnvConvention, all: EnvConvention[], passedOn: Set<string>, where: () => Pick<Problem, 'file' | 'line' | 'col'>, problems: Problem[]) {
  if (c.scope !== 'container' || !v.declared || passedOn.has(v.name)) return;
  const app = all.filter((o) => o.scope === 'application');
  problems.push({
    code: 'env-prefix-scope',
    severity: 'warning',
    ...where(),
    message: `${v.name} uses ${c.prefix} (${c.purpose}, read by a container), but no service passes it to a container`,
    hint: app.length ? `application settings use ${app.map((o) => `${o.prefix} (${o.purpose})`).join(' or ')}` : 'pass it in a service\'s `environment`, or rename it',
  });
}

function nearMiss(v: KnownEnvVar, conventions: EnvConvention[], where: () => Pick<Problem, 'file' | 'line' | 'col'>, problems: Problem[]) {
  const words = v.name.toUpperCase().split('_');
  for (const c of conventions) {
    const want = c.prefix.slice(0, -1).split('_');
    if (words.length <= want.length) continue;
    const have = words.slice(0, want.length).map((w) => SYNONYMS[w] ?? w);
    if (editDistance(have.join('_'), want.join('_'), 1) <= 1 || have.join('_') === want.join('_')) {
      const fixed = `${c.prefix}${words.slice(want.length).join('_')}`;
      problems.push({ code: 'env-prefix-near-miss', severity: 'warning', ...where(), message: `${v.name} looks like the ${c.prefix} prefix (${c.purpose})`, hint: `name it ${fixed}` });
      return;
    }
  }
}

function checkSuffix(v: KnownEnvVar, where: () => Pick<Problem, 'file' | 'line' | 'col'>, problems: Problem[]) {
  if (!v.declared) return;
  const name = v.name.toUpperCase();
  if (!v.secret && looksSecret(name) && (v.type === 'string' || v.type === 'url')) {
    problems.push({ code: 'env-secret-unmarked', severity: 'warning', ...where(), message: `${v.name} looks like a secret but is not marked secret: .env.example and env check treat it as an ordinary variable, though berth hides its value by the name`, hint: 'add `secret: true`' });
  }
  if (/_PORT$/.test(name) && v.type !== 'port') problems.push({ code: 'env-type-convention', severity: 'warning', ...where(), message: `${v.name} ends in _PORT but has type ${v.type}`, hint: 'declare `type: port`' });
  if (/_UR[LI]$/.test(name) && v.type === 'string') problems.push({ code: 'env-type-convention', severity: 'warning', ...where(), message: `${v.name} ends in ${name.slice(-4)} but has type string`, hint: 'declare `type: url` so its value is checked' });
}

/** Names a service passes into its container: `environment` keys and `${NAME}` references in its values. */
function namesPassedToContainers(spec: BerthSpec): Set<string> {
  const out = new Set<string>();
  for (const svc of Object.values(spec.services)) {
    for (const [key, value] of Object.entries(svc.environment ?? {})) {
      out.add(key);
      if (typeof value === 'string') for (const m of value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]!);
    }
  }
  return out;
}
