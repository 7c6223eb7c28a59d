import { describe, expect, it } from 'vitest';
import { clipText, CUT_MARK, peerLine, peerText, printableText } from './peer-text.js';

describe('printableText', () => {
  it('removes whole ANSI escape sequences, shows other control and format characters, CR, LF and line separators as dots, and keeps the rest', () => {
    expect(printableText('\x1b[2J\x1b[31mred\x1b[0m\r\nnext\tline\b\x7f\x9b1m')).toBe('red..next.line..');
    // CSI with parameters and intermediates, OSC (a title, a hyperlink) ended by BEL or ST, C1 forms, a lone ESC
    expect(printableText('\x1b[1;38;5;196mbold\x1b[m \x1b]0;title\x07done \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x9d2;t\x9cok')).toBe('bold done link ok');
    expect(printableText('lone \x1b end \x1b[?25l\x1b[2Kx')).toBe('lone . end x');
    expect(printableText('cut \x1b]0;no end')).toBe('cut ');
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
    expect(peerLine(said, 120, 'first')).toBe('starting');
    expect(peerLine(said, 120, 'last')).toBe('error: no CUDA device');
    expect(peerLine(said, 10, 'last')).toBe(`error: no ${CUT_MARK}`);
    expect(peerLine(' \n\t\n', 10, 'last')).toBe('');
    expect(peerText('a\nb', 10)).toBe('a.b');
  });
});
