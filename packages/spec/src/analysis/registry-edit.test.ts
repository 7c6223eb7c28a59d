import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRegistry } from '../load/load.js';
import { addRegistryEntries } from './registry-edit.js';

const example = readFileSync(fileURLToPath(new URL('../../../../examples/semops-dx-orchestrator/ports.yaml', import.meta.url)), 'utf8');

/** True when `sub` appears in `lines` in order (not necessarily adjacent). */
function inOrder(sub: string[], lines: string[]): boolean {
  let i = 0;
  for (const l of lines) if (l === sub[i]) i++;
  return i === sub.length;
}

describe('addRegistryEntries', () => {
  it('keeps every line, comment and blank line of the example, adding after the same repo\'s entries', () => {
    const out = addRegistryEntries(example, [{ port: 5010, repo: 'semops-data', service: 'superset', env: 'SUPERSET_PORT', description: 'Superset' }]);
    const before = example.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length + 1);
    expect(inOrder(before, after)).toBe(true);
    const added = after.indexOf('  - { port: 5010, repo: semops-data, service: superset, env: SUPERSET_PORT, description: Superset }');
    expect(after[added - 1]).toContain('service: marquez-web');
    expect(after[added + 2]).toBe('  # Shared infrastructure every repo connects to over localhost (owner not recorded here)');
    expect(parseRegistry(out).value!.ports.find((p) => p.service === 'superset')!.port).toEqual({ from: 5010, to: 5010 });
  });
  it("starts a new repo's group where the registry heads its groups with the repo: a blank line and `# <repo>`, and its later entries join that group", () => {
    const once = addRegistryEntries(example, [
      { port: 8889, repo: 'publisher', service: 'notebook', env: 'NOTEBOOK_PORT' },
      { port: 8890, repo: 'publisher', service: 'api' },
    ]);
    expect(once).toBe(`${example}\n  # publisher\n  - { port: 8889, repo: publisher, service: notebook, env: NOTEBOOK_PORT }\n  - { port: 8890, repo: publisher, service: api }\n`);
    const again = addRegistryEntries(once, [{ port: 8891, repo: 'publisher', service: 'web' }]);
    expect(again).toBe(once.replace('service: api }\n', 'service: api }\n  - { port: 8891, repo: publisher, service: web }\n'));
    // a block list headed the same way, with CRLF line ends: the group takes the list's indent and line ends
    const block = 'registry: 1\r\nowner: o\r\nports:\r\n    # a: the first repo\r\n    - port: 1\r\n      repo: a\r\n      service: s\r\n';
    expect(addRegistryEntries(block, [{ port: 2, repo: 'b', service: 't' }])).toBe(`${block}\r\n    # b\r\n    - port: 2\r\n      repo: b\r\n      service: t\r\n`);
    expect(parseRegistry(again).value!.ports.map((p) => p.service)).toEqual([...parseRegistry(example).value!.ports.map((p) => p.service), 'notebook', 'api', 'web']);
  });
  it('appends a new repo at the end, in block style when the list is block style, with udp and ranges', () => {
    const text = '# top\nregistry: 1\nowner: o\nports:\n  # first\n  - port: 1\n    service: a   # trailing\n';
    const out = addRegistryEntries(text, [{ port: '7000-7010', protocol: 'udp', repo: 'r', service: 'b' }]);
    expect(out).toBe('# top\nregistry: 1\nowner: o\nports:\n  # first\n  - port: 1\n    service: a   # trailing\n  - port: 7000-7010\n    protocol: udp\n    repo: r\n    service: b\n');
    expect(parseRegistry(out).problems).toEqual([]);
  });
  it('changes no byte that was there: unpadded braces, aligned comments, an unusual indent, CRLF and a BOM stay; the new line follows its neighbour', () => {
    const text = '\uFEFFregistry: 1\r\nowner: o\r\nports:\r\n- {port: 9000, repo: other, service: thing}   # aligned\r\n- {port: 8080, repo: app, service: web}      # comments\r\n\r\n# the end\r\n';
    const out = addRegistryEntries(text, [{ port: 8181, repo: 'app', service: 'admin', description: 'Admin, with a comma: and a colon' }]);
    expect(out).toBe(
      '\uFEFFregistry: 1\r\nowner: o\r\nports:\r\n- {port: 9000, repo: other, service: thing}   # aligned\r\n- {port: 8080, repo: app, service: web}      # comments\r\n- {port: 8181, repo: app, service: admin, description: "Admin, with a comma: and a colon"}\r\n\r\n# the end\r\n',
    );
    expect(parseRegistry(out).value!.ports.map((p) => p.description ?? p.service)).toEqual(['thing', 'web', 'Admin, with a comma: and a colon']);
  });
  it('puts entries of several repos each after its own, in the order given, and ends a last line that had no newline', () => {
    const text = 'registry: 1\nowner: o\nports:\n    - { port: 1, repo: a, service: s1 }\n    - { port: 2, repo: b, service: s2 }';
    const out = addRegistryEntries(text, [
      { port: 3, repo: 'a', service: 's3' },
      { port: 4, repo: 'b', service: 's4' },
      { port: 5, repo: 'a', service: 's5' },
    ]);
    expect(out).toBe('registry: 1\nowner: o\nports:\n    - { port: 1, repo: a, service: s1 }\n    - { port: 3, repo: a, service: s3 }\n    - { port: 5, repo: a, service: s5 }\n    - { port: 2, repo: b, service: s2 }\n    - { port: 4, repo: b, service: s4 }\n');
  });
  it('turns an empty flow list into a block list', () => {
    const out = addRegistryEntries('registry: 1\nowner: o\nports: []\n', [{ port: 8080, repo: 'r', service: 's' }]);
    expect(out).toBe('registry: 1\nowner: o\nports:\n  - port: 8080\n    repo: r\n    service: s\n');
  });
  it('refuses a ports list written elsewhere (an alias) rather than replace it, and fills a ports: with no value', () => {
    const aliased = 'registry: 1\nowner: o\nx-ports: &p\n  - { port: 9000, repo: other, service: thing }\nports: *p\n';
    expect(() => addRegistryEntries(aliased, [{ port: 8080, repo: 'r', service: 's' }])).toThrow('its `ports` is a YAML alias (*p), not a list written in place: berth adds entries only to such a list (write the list out, or add the entry by hand)');
    expect(() => addRegistryEntries('registry: 1\nowner: o\nports: { a: 1 }\n', [{ port: 8080, repo: 'r', service: 's' }])).toThrow('its `ports` is not a list');
    expect(parseRegistry(addRegistryEntries('registry: 1\nowner: o\nports:\n', [{ port: 8080, repo: 'r', service: 's' }])).value!.ports).toHaveLength(1);
  });
  it('creates the ports list when there is none', () => {
    const out = addRegistryEntries('registry: 1\nowner: o # keeps me\n', [{ port: 8080, repo: 'r', service: 's' }]);
    expect(out).toContain('owner: o # keeps me');
    expect(parseRegistry(out).value!.ports).toHaveLength(1);
  });
});
