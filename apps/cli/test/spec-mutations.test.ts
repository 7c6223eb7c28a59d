import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { analyzeEnv, formatProblem, parseSpec, validateSpec } from '@berth/spec';
import { renderInfrastructurePage } from '@berth/spec/render';
import { deriveChecks } from '@berth/health';
import { exportCompose, exportStack } from '@berth/docker';
import { desiredContainer } from '@berth/docker/runtime';

const example = fileURLToPath(new URL('../../../examples/semops-data/berth.yaml', import.meta.url));

/** Values a hand-edited spec may hold where something else was meant: numbers out of range, text that is not an address, the wrong shape. */
const HOSTILE: unknown[] = [-1, 0, 99999, 1.5, '', 'a b/c', '99999:80', '${X}', 'http://[', 'constructor', [], {}, null, true, [null], [99999]];

/** Every path to a value in V (the root excluded). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = at.length ? [at] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return here;
}

function withValue(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/**
 * The bundled example with one value at a time replaced by a hostile one: whatever the loader accepts must go
 * through everything that reads a spec (validate, env, the page, the health checks, the containers up would make,
 * the Compose and stack exports) without a throw, which the CLI would print as "internal error". Found this way:
 * a check URL "http://[" passed the loader and threw "Invalid URL" in the health checks, and a port's env var
 * named constructor was "set" by Object's own function (and threw where its value was read as text).
 */
describe('every value of the bundled example replaced by a hostile one', () => {
  it('is a problem at its place, or a spec that every reader takes, never a throw', () => {
    const base = parseDocument(readFileSync(example, 'utf8')).toJS() as unknown;
    const thrown = new Map<string, string>();
    let accepted = 0;
    let refused = 0;
    const unplaced: string[] = [];
    // each value at a quarter of the places, in turn: every place gets four kinds of value, the run stays short
    paths(base).forEach((path, i) => {
      for (const value of HOSTILE.filter((_, k) => (k + i) % 4 === 0)) {
        const loaded = parseSpec(stringify(withValue(base, path, value)));
        if (!loaded.value) {
          refused++;
          for (const p of loaded.problems) if (!/^berth\.yaml:\d+:\d+: /.test(formatProblem(p))) unplaced.push(formatProblem(p));
          continue;
        }
        accepted++;
        let stage = 'validate';
        try {
          validateSpec({ spec: { spec: loaded.value, file: 'berth.yaml', ...(loaded.source ? { source: loaded.source } : {}) }, env: { X: '1' } });
          stage = 'env';
          analyzeEnv(loaded.value, { env: { X: '1' }, file: 'berth.yaml' });
          stage = 'page';
          renderInfrastructurePage(loaded.value);
          stage = 'checks';
          deriveChecks(loaded.value, { baseDir: '/tmp' });
          stage = 'containers';
          for (const name of Object.keys(loaded.value.services)) desiredContainer(name, { spec: loaded.value, project: 'p', projectDir: '/tmp', vars: { X: '1' }, readText: () => 'X=1\n' }, []);
          stage = 'exports';
          exportCompose(loaded.value);
          exportStack(loaded.value);
        } catch (err) {
          thrown.set(`${stage}: ${(err as Error).message.split('\n')[0]}`, `${path.join('.')} = ${JSON.stringify(value)}`);
        }
      }
    });
    expect(Object.fromEntries(thrown)).toEqual({});
    expect(unplaced).toEqual([]);
    // both outcomes are exercised: the example has hundreds of values, most hostile ones are refused, some accepted
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(500);
  }, 120_000);
});
