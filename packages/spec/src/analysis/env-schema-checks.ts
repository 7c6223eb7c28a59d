import type { BerthSpec } from '../schema/spec.js';
import type { Problem } from '../problem.js';
import type { SourceDocument } from '../load/yaml-document.js';
import { compilePattern, envValueProblem } from './env-values.js';
import { knownEnvVars, type KnownEnvVar } from './env-schema-view.js';

/**
 * Errors in the env schema itself, which the zod schema cannot see: a default or example that does not
 * fit the type, a pattern that does not compile, a secret with a default (it would be written into the
 * spec and .env.example), a port's env var declared with another type. Messages never quote defaults.
 */
export function checkEnvSchema(spec: BerthSpec, file?: string, source?: SourceDocument): Problem[] {
  const problems: Problem[] = [];
  const at = (path: (string | number)[]) => ({ file, ...(source ? source.locate(path) : {}), path });
  for (const v of knownEnvVars(spec).values()) {
    const d = v.declared;
    if (!d) continue;
    if (d.pattern !== undefined && !compilePattern(d.pattern)) {
      problems.push({ code: 'env-pattern', severity: 'error', ...at(['env', v.name, 'pattern']), message: `${v.name}: pattern is not a valid regular expression` });
    }
    if (d.secret && d.default !== undefined) {
      problems.push({ code: 'env-secret-default', severity: 'error', ...at(['env', v.name, 'default']), message: `${v.name} is secret, so it must not have a default (it would sit in the spec and in .env.example)` });
    } else {
      const wrong = defaultTypeProblem(v, at);
      if (wrong) problems.push(wrong);
    }
    if (d.example !== undefined) {
      const wrong = envValueProblem(d, d.example);
      if (wrong) problems.push({ code: 'env-example-type', severity: 'warning', ...at(['env', v.name, 'example']), message: `${v.name}: the example ${wrong}` });
    }
    if (v.ports.length && d.type !== 'port') {
      problems.push({ code: 'env-port-type', severity: 'error', ...at(['env', v.name, 'type']), message: `${v.name} carries the port of ${v.ports.map((p) => p.service).join(', ')}, but is declared type ${d.type}`, hint: 'declare `type: port`' });
    }
    if (v.ports.length && d.default !== undefined && !v.ports.some((p) => Number(d.default) >= p.from && Number(d.default) <= p.to)) {
      problems.push({ code: 'env-port-default', severity: 'error', ...at(['env', v.name, 'default']), message: `${v.name}: the default is not the port ${v.ports.map((p) => `${p.service} publishes (${p.from === p.to ? p.from : `${p.from}-${p.to}`})`).join(', ')}` });
    }
  }
  return problems;
}

/** What is wrong with a declared default (its type, pattern or values), in words: "the default is not a whole number". */
export function defaultMisfit(v: KnownEnvVar): string | undefined {
  const d = v.declared;
  if (d?.default === undefined) return undefined;
  const wrong = envValueProblem(d, String(d.default));
  return wrong ? `the default ${wrong}` : undefined;
}

/** A declared default that does not fit its variable's type, pattern or values: the value the app gets when nothing sets it. */
export function defaultTypeProblem(v: KnownEnvVar, at: (path: (string | number)[]) => Pick<Problem, 'file' | 'line' | 'col' | 'path'>): Problem | undefined {
  const misfit = defaultMisfit(v);
  return misfit ? { code: 'env-default-type', severity: 'error', ...at(['env', v.name, 'default']), message: `${v.name}: ${misfit}` } : undefined;
}
