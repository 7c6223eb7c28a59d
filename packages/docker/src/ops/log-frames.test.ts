import { describe, expect, it } from 'vitest';
import { engineFrame as frame } from '../engine/frames.test-helpers.js';
import { LogFrames } from './log-frames.js';

describe('LogFrames', () => {
  it('splits stdout and stderr frames into lines, across chunk boundaries', () => {
    const lines: string[] = [];
    const f = new LogFrames((stream, line) => lines.push(`${stream}:${line}`));
    const all = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'oops\n'), frame(1, 'ld\n'), frame(1, 'tail')]);
    for (let i = 0; i < all.length; i += 5) f.push(all.subarray(i, i + 5));
    f.flush();
    expect(lines).toEqual(['stdout:hello', 'stderr:oops', 'stdout:world', 'stdout:tail']);
  });
});
