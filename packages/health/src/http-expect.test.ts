import { HttpCheck } from '@berth/spec';
import { describe, expect, it } from 'vitest';
import { jsonPath, judgeHttpAnswer, statusMatches } from './http-expect.js';

const check = (expectPart: Record<string, unknown> = {}) => HttpCheck.parse({ type: 'http', url: 'http://127.0.0.1:1/', expect: expectPart });
const answer = (status: number, body = '', latencyMs = 5) => ({ status, body, truncated: false, latencyMs });

describe('statusMatches', () => {
  it('accepts codes, classes and ranges; 200-399 when nothing is said', () => {
    expect(statusMatches(204)).toBe(true);
    expect(statusMatches(404)).toBe(false);
    expect(statusMatches(503, ['5xx'])).toBe(true);
    expect(statusMatches(418, [200, '400-418'])).toBe(true);
    expect(statusMatches(419, [200, '400-418'])).toBe(false);
  });
});

describe('jsonPath', () => {
  it('walks objects and arrays, and tells a missing field from a null one', () => {
    const doc = { data: [{ ok: true, v: null }] };
    expect(jsonPath(doc, 'data.0.ok')).toEqual({ found: true, value: true });
    expect(jsonPath(doc, 'data.0.v')).toEqual({ found: true, value: null });
    expect(jsonPath(doc, 'data.1.ok')).toEqual({ found: false });
    expect(jsonPath('text', 'a')).toEqual({ found: false });
  });
});

describe('judgeHttpAnswer', () => {
  it('says which statuses were expected', () => {
    expect(judgeHttpAnswer(check({ status: [200, 204] }), answer(500)).reason).toBe('status 500, expected 200 or 204');
  });
  it('401 and 403 are up when unauthorizedIsUp, and only then', () => {
    expect(judgeHttpAnswer(check({ status: [200], unauthorizedIsUp: true }), answer(401))).toMatchObject({ status: 'passing', reason: 'up; wants a token (status 401)' });
    expect(judgeHttpAnswer(check({ status: [200] }), answer(401)).status).toBe('critical');
  });
  it('a missing substring quotes what came instead', () => {
    expect(judgeHttpAnswer(check({ bodyContains: 'OK' }), answer(200, 'starting')).reason).toBe('status 200 but the body does not contain "OK"; got "starting"');
  });
  it('a missing JSON field is named', () => {
    expect(judgeHttpAnswer(check({ json: { path: 'status' } }), answer(200, '{"state":"up"}')).reason).toBe('JSON has no field "status"');
  });
  it('slow beyond maxLatency is a warning, not a failure', () => {
    expect(judgeHttpAnswer(check({ maxLatency: 100 }), answer(200, '', 1500))).toMatchObject({ status: 'warning', reason: 'slow: status 200 after 1.5 s, limit 100 ms' });
  });
});
