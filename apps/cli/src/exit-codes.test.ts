import { BERTH_ERROR_CODES } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_HELP, EXIT_CODE_OF, ExitCode, exitCodeOf } from './exit-codes.js';

describe('the exit code table', () => {
  it('gives every error code one of the documented failure exits, never 0, 70 or 130', () => {
    expect(Object.keys(EXIT_CODE_OF).sort()).toEqual([...BERTH_ERROR_CODES].sort());
    for (const code of BERTH_ERROR_CODES) expect([ExitCode.Findings, ExitCode.BadInput, ExitCode.EngineUnreachable], code).toContain(exitCodeOf(code));
    expect(exitCodeOf('ERR_BERTH_ENGINE_UNREACHABLE')).toBe(3);
  });
  it('a code it does not know is a bug in berth: 70', () => {
    expect(exitCodeOf('ERR_BERTH_NOT_A_CODE')).toBe(ExitCode.Internal);
  });
  it('--help documents every exit code berth uses', () => {
    for (const code of Object.values(ExitCode)) expect(EXIT_CODE_HELP).toMatch(new RegExp(`^  ${code} `, 'm'));
  });
});
