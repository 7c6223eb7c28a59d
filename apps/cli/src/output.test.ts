import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Output } from './output.js';

/** An Output whose stdout keeps each write, as the process's stdout would receive them. */
function capture(redact?: (text: string) => string) {
  const writes: string[] = [];
  const sink = () => new Writable({ decodeStrings: false, write: (chunk: string, _enc, done) => (writes.push(chunk), done()) });
  const out = new Output({ stdout: sink(), stderr: sink() }, true, false, redact);
  return { out, writes };
}

describe('Output.writeJson', () => {
  it('indents a small document, in one write ending in a newline', () => {
    const { out, writes } = capture();
    out.writeJson({ ok: true, problems: [{ code: 'x' }] });
    expect(writes).toEqual([`${JSON.stringify({ ok: true, problems: [{ code: 'x' }] }, null, 2)}\n`]);
  });

  it('writes a document past a megabyte on one line, in slices that never split a character', () => {
    // After `{"s":"x` (7 units) every character is two UTF-16 units: a slice of 2^16 units would end inside one.
    const value = { s: `x${'🚢'.repeat(600_000)}` };
    const { out, writes } = capture();
    out.writeJson(value);
    expect(writes.length).toBeGreaterThan(2);
    const text = writes.join('');
    expect(text).toBe(`${JSON.stringify(value)}\n`);
    expect(text.length).toBeGreaterThan(1 << 20);
    // Each write is valid UTF-16 on its own: it is encoded to UTF-8 before the next one arrives.
    for (const w of writes) expect(Buffer.from(w, 'utf8').toString('utf8')).toBe(w);
  });

  it('passes a large document through the redactor too', () => {
    const secret = 's3cr3t-value-of-the-api-key';
    const value = { problems: Array.from({ length: 30_000 }, (_, i) => ({ message: `line ${i} ${i === 29_999 ? secret : 'plain'}` })) };
    const { out, writes } = capture((t) => t.replaceAll(secret, '***'));
    out.writeJson(value);
    const text = writes.join('');
    expect(text).not.toContain(secret);
    expect(JSON.parse(text).problems[29_999].message).toBe('line 29999 ***');
  });
});
