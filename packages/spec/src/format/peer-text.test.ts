import { describe, expect, it } from 'vitest';
import { clipText, CUT_MARK, peerLine, peerText, printableText } from './peer-text.js';

describe('printableText', () => {
  it('shows control and format characters, ANSI escapes, CR, LF and line separators as dots, and keeps the rest', () => {
    expect(printableText('\x1b[2J\x1b[31mred\x1b[0m\r\nnext\tline\b\x7f\x9b1m')).toBe('.[2J.[31mred.[0m..next.line...1m');
    expect(printableText('evil\u202Etxt.exe\u200B\u2028x')).toBe('evil.txt.exe..x');
    expect(printableText('café 日本 🚀 "quoted"')).toBe('café 日本 🚀 "quoted"');
  });
});

describe('clipText', () => {
  it('cuts at the length, marks the cut, and never splits a surrogate pair', () => {
    expect(clipText('short', 5)).toBe('short');
    expect(clipText('longer text', 6)).toBe(`longer${CUT_MARK}`);
    expect(clipText('ab🚀cd', 3)).toBe(`ab${CUT_MARK}`);
  });
});

describe('peerLine', () => {
  it('takes the first or last non-blank line, printable and cut', () => {
    const said = '\n  starting\x1b[0m  \r\nerror: \x1b[31mno CUDA device\x1b[0m\r\n\n';
    expect(peerLine(said, 120, 'first')).toBe('starting.[0m');
    expect(peerLine(said, 120, 'last')).toBe('error: .[31mno CUDA device.[0m');
    expect(peerLine(said, 10, 'last')).toBe(`error: .[3${CUT_MARK}`);
    expect(peerLine(' \n\t\n', 10, 'last')).toBe('');
    expect(peerText('a\nb', 10)).toBe('a.b');
  });
});
