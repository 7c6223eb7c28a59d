import { BERTH_ERROR_CODES } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS_OF, httpErrorOf } from './error-status.js';

describe('the HTTP status table', () => {
  it('gives every error code an error status with its name; no engine is 503, a taken port 409', () => {
    expect(Object.keys(HTTP_STATUS_OF).sort()).toEqual([...BERTH_ERROR_CODES].sort());
    for (const code of BERTH_ERROR_CODES) {
      const { statusCode, error } = httpErrorOf(code);
      expect(statusCode, code).toBeGreaterThanOrEqual(400);
      expect(error, code).not.toBe('Error');
    }
    expect(httpErrorOf('ERR_BERTH_ENGINE_UNREACHABLE')).toEqual({ statusCode: 503, error: 'Service Unavailable' });
    expect(httpErrorOf('ERR_BERTH_PORTS')).toEqual({ statusCode: 409, error: 'Conflict' });
    expect(httpErrorOf('ERR_BERTH_NOT_A_CODE').statusCode).toBe(500);
  });
});
