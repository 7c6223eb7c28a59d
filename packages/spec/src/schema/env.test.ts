import { describe, expect, it } from 'vitest';
import { formatProblem, parseSpec } from '../index.js';
import { Requirement } from './env.js';

const spec = (required: string) =>
  [
    'berth: 1',
    'repo: { name: demo }',
    'modules: { coherence: {} }',
    'profiles: { preview: {}, lineage: {} }',
    'env:',
    `  PREVIEW_TOKEN: { secret: true, required: ${required} }`,
    '',
  ].join('\n');

describe('Requirement', () => {
  it('reads always, never, a module and a profile (one, or a list: any of them)', () => {
    expect(Requirement.parse(true)).toEqual({ kind: 'always' });
    expect(Requirement.parse('never')).toEqual({ kind: 'never' });
    expect(Requirement.parse({ module: 'coherence' })).toEqual({ kind: 'module', modules: ['coherence'] });
    expect(Requirement.parse({ profile: 'preview' })).toEqual({ kind: 'profile', profiles: ['preview'] });
    expect(Requirement.parse({ profile: ['preview', 'lineage'] })).toEqual({ kind: 'profile', profiles: ['preview', 'lineage'] });
  });

  it('loads a variable required under a profile the spec declares', () => {
    const r = parseSpec(spec('{ profile: [preview, lineage] }'));
    expect(r.problems).toEqual([]);
    expect(r.value!.env['PREVIEW_TOKEN']!.required).toEqual({ kind: 'profile', profiles: ['preview', 'lineage'] });
  });

  it('refuses a profile the spec does not declare, at the name, with a did-you-mean', () => {
    expect(parseSpec(spec('{ profile: previw }')).problems.map(formatProblem)).toEqual(['berth.yaml:6:55: profile "previw" does not exist (did you mean "preview"?); declare it under `profiles`']);
    expect(parseSpec(spec('{ profile: [preview, linage] }')).problems.map(formatProblem)).toEqual(['berth.yaml:6:65: profile "linage" does not exist (did you mean "lineage"?); declare it under `profiles`']);
  });

  it('refuses both a module and a profile, neither, and a misspelt key, each where it is written', () => {
    expect(parseSpec(spec('{ module: coherence, profile: preview }')).problems.map(formatProblem)).toEqual(['berth.yaml:6:74: env.PREVIEW_TOKEN.required.profile: give module or profile, not both']);
    expect(parseSpec(spec('{}')).problems.map(formatProblem)).toEqual(['berth.yaml:6:44: env.PREVIEW_TOKEN.required.module: give module: NAME or profile: NAME']);
    expect(parseSpec(spec('{ profiles: preview }')).problems.map(formatProblem)).toContain('berth.yaml:6:46: env.PREVIEW_TOKEN.required: unknown key "profiles" (did you mean "profile"?)');
  });
});
