import { describe, expect, it } from 'vitest';
import { MAX_LOG_LINES, toolAnswer } from './answer.js';
import { TOOLS } from './tools.js';

const tool = (name: string) => TOOLS.find((t) => t.name === name)!;
const text = (r: ReturnType<typeof toolAnswer>) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('toolAnswer', () => {
  it('exit 0 and exit 1 are answers: the JSON as structured content, a summary and the JSON as text', () => {
    const json = { ok: false, spec: 'berth.yaml', registry: 'ports.yaml', errors: 2, warnings: 0, problems: [] };
    const r = toolAnswer(tool('validate'), { stdout: JSON.stringify(json, null, 2), stderr: '', exitCode: 1 });
    expect(r.isError).toBeUndefined();
    expect(r.structuredContent).toEqual(json);
    expect(r.content).toEqual([
      { type: 'text', text: 'berth.yaml + ports.yaml: 2 errors' },
      { type: 'text', text: JSON.stringify(json) },
    ]);
  });

  it('an error the CLI reported in JSON is a tool error with the lines it prints without --json', () => {
    const json = {
      ok: false,
      error: { code: 'ERR_BERTH_INVALID_SPEC', message: 'bad.yaml: the spec is not valid' },
      problems: [{ severity: 'error', file: 'bad.yaml', line: 4, col: 14, code: 'invalid-value', message: 'services.a.image: expected a string, got 3' }],
    };
    const r = toolAnswer(tool('status'), { stdout: JSON.stringify(json), stderr: '', exitCode: 2 });
    expect(r.isError).toBe(true);
    expect(text(r)).toBe('bad.yaml:4:14: services.a.image: expected a string, got 3');
    expect(r.structuredContent).toEqual(json);
    const plain = toolAnswer(tool('restart'), { stdout: JSON.stringify({ ok: false, error: { code: 'X', message: 'no container for service web', hint: 'start it with berth up' }, problems: [] }), stderr: '', exitCode: 1 });
    expect(text(plain)).toBe('berth: no container for service web\nhint: start it with berth up');
  });

  it('no JSON, or an exit code that is not an answer, is a tool error with what berth said on stderr', () => {
    const r = toolAnswer(tool('doctor'), { stdout: '', stderr: 'berth: internal error: boom (this is a bug; set BERTH_DEBUG=1 for the stack)\n', exitCode: 70 });
    expect([r.isError, text(r)]).toEqual([true, 'berth: internal error: boom (this is a bug; set BERTH_DEBUG=1 for the stack)']);
    expect(text(toolAnswer(tool('doctor'), { stdout: '', stderr: '', exitCode: 130 }))).toBe('the doctor tool: berth ended with exit code 130 and no answer');
  });

  it('log lines are collected into one answer, the newest kept when there are too many', () => {
    const lines = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => ({ service: 'web', stream: 'stdout', line: `line ${i}` }));
    const r = toolAnswer(tool('logs'), { stdout: lines.map((l) => JSON.stringify(l)).join('\n'), stderr: '', exitCode: 0 });
    const s = r.structuredContent as { lines: typeof lines; truncated: boolean; omitted: number };
    expect([s.lines.length, s.truncated, s.omitted, s.lines[0]!.line]).toEqual([MAX_LOG_LINES, true, 5, 'line 5']);
    expect(r.content[0]).toEqual({ type: 'text', text: `${MAX_LOG_LINES} log lines (truncated)` });
    expect(toolAnswer(tool('logs'), { stdout: '', stderr: '', exitCode: 0 }).structuredContent).toEqual({ lines: [] });
    // what berth logs --json prints when there is no line to show: no line
    const none = toolAnswer(tool('logs'), { stdout: '{"ok":true,"project":"p","lines":0,"containers":0}\n', stderr: '', exitCode: 0 });
    expect([none.isError ?? false, none.structuredContent]).toEqual([false, { lines: [] }]);
    const error = { ok: false, error: { code: 'ERR_BERTH_NOT_RUNNING', message: 'no container for service web in project p' }, problems: [] };
    const failed = toolAnswer(tool('logs'), { stdout: JSON.stringify(error, null, 2), stderr: '', exitCode: 1 });
    expect([failed.isError, text(failed), failed.structuredContent]).toEqual([true, 'berth: no container for service web in project p', error]);
  });
});
