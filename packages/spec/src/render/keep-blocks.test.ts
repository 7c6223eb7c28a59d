import { describe, expect, it } from 'vitest';
import { findKeepBlocks, mergeKeepBlocks } from './keep-blocks.js';

const rendered = ['# Infrastructure', '', '## Services', '', '| a |', '', '## Health Checks', '', 'curl x', ''].join('\n');

describe('berth:keep blocks', () => {
  it('puts a block back at the end of the section it was written under', () => {
    const previous = ['# Infrastructure', '', '## Services', '', '| old |', '', '<!-- berth:keep ports-note -->', 'Ask ops before moving 5000.', '<!-- /berth:keep ports-note -->', '', '## Health Checks', ''].join('\n');
    const merged = mergeKeepBlocks(rendered, previous);
    const lines = merged.split('\n');
    const at = lines.indexOf('Ask ops before moving 5000.');
    expect(at).toBeGreaterThan(lines.indexOf('| a |'));
    expect(at).toBeLessThan(lines.indexOf('## Health Checks'));
    expect(merged).not.toContain('| old |');
  });

  it('appends a block whose section is gone at the end, and keeps everything between the markers byte for byte', () => {
    const body = ['Text with `code`, | pipes and  two spaces.', '', '- a list'];
    const previous = ['## Gone', '<!-- berth:keep notes -->', ...body, '<!-- /berth:keep notes -->'].join('\n');
    const merged = mergeKeepBlocks(rendered, previous);
    expect(merged.endsWith(['<!-- berth:keep notes -->', ...body, '<!-- /berth:keep notes -->', ''].join('\n'))).toBe(true);
  });

  it('fills a slot of the same name in the rendered page', () => {
    const withSlot = rendered.replace('curl x', 'curl x\n<!-- berth:keep extra -->\n<!-- /berth:keep extra -->');
    const merged = mergeKeepBlocks(withSlot, '<!-- berth:keep extra -->\nmine\n<!-- /berth:keep extra -->\n');
    expect(merged).toContain('<!-- berth:keep extra -->\nmine\n<!-- /berth:keep extra -->');
  });

  it('is stable: merging into its own output changes nothing', () => {
    const previous = ['## Services', '<!-- berth:keep a -->', 'x', '<!-- /berth:keep a -->'].join('\n');
    const once = mergeKeepBlocks(rendered, previous);
    expect(mergeKeepBlocks(rendered, once)).toBe(once);
  });

  it('reports unclosed, stray and repeated markers with their lines', () => {
    const scan = findKeepBlocks(['<!-- berth:keep a -->', 'x', '<!-- /berth:keep b -->', '<!-- berth:keep c -->', '<!-- /berth:keep c -->', '<!-- berth:keep c -->', '<!-- /berth:keep c -->'].join('\n'));
    expect(scan.problems).toEqual([
      { line: 1, message: 'berth:keep a is never closed (add "<!-- /berth:keep a -->")' },
      { line: 3, message: 'a berth:keep closing marker without its opening marker' },
      { line: 6, message: 'berth:keep c appears twice; names must be unique' },
    ]);
    expect(scan.blocks.map((b) => b.name)).toEqual(['c']);
  });

  it('returns the rendered page untouched when there is no previous page', () => {
    expect(mergeKeepBlocks(rendered, undefined)).toBe(rendered);
  });
});
