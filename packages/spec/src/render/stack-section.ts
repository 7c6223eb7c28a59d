import type { BerthSpec } from '../schema/spec.js';
import { code, fence, table } from './markdown.js';
import { pushAll } from '../util/push-all.js';

type Section = string[];

const languageTitle = (l: string) => (l.length <= 3 ? l.toUpperCase() : l[0]!.toUpperCase() + l.slice(1));

/** The language stack: tools, key dependencies (and which repos share them), optional groups, setup. */
export function stackSection(spec: BerthSpec): Section {
  const s = spec.stack;
  if (!s) return [];
  const lang = languageTitle(s.language);
  const rows: string[][] = [];
  if (s.version) rows.push([`**${lang} version**`, code(s.version)]);
  if (s.packageManager) rows.push(['**Package manager**', `${code(s.packageManager)}${s.packageManagerNote ? ` ${s.packageManagerNote}` : ''}`]);
  if (s.virtualEnv) rows.push(['**Virtual environment**', s.virtualEnv]);
  if (s.linter && s.linter === s.formatter) rows.push(['**Linter/formatter**', code(s.linter)]);
  else {
    if (s.linter) rows.push(['**Linter**', code(s.linter)]);
    if (s.formatter) rows.push(['**Formatter**', code(s.formatter)]);
  }
  if (s.testFramework) rows.push(['**Test framework**', code(s.testFramework)]);
  const out: Section = [`## ${lang} Stack`, ''];
  if (rows.length) pushAll(out, table(['Property', 'Value'], rows));
  if (s.dependencies.length) {
    out.push('', '### Key Dependencies', '');
    pushAll(out, table(['Library', 'Purpose', 'Shared With'], s.dependencies.map((d) => [code(d.name), d.purpose ?? '', d.sharedWith.join(', ')])));
  }
  if (s.optionalGroups.length) {
    out.push('', '#### Optional Groups (architecturally notable)', '');
    pushAll(out, table(['Library', 'Group', 'Purpose'], s.optionalGroups.map((g) => [g.packages.map(code).join(' + '), code(g.name), g.purpose ?? ''])));
  }
  if (s.setup.length) {
    const lines: string[] = [];
    for (const step of s.setup) {
      if (lines.length) lines.push('');
      if (step.description) lines.push(`# ${step.description}`);
      lines.push(step.command);
    }
    out.push('', '### Setup', '', ...fence('bash', lines));
  }
  return out;
}
