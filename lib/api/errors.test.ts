import { describe, expect, it, vi } from 'vitest';
import { ApiError, apiErrorFrom, isApiErrorBody } from './errors';

describe('apiErrorFrom', () => {
  it('rebuilds the error the server sent', async () => {
    const body = { error: { code: 'forbidden', message: 'the user may not', reason: 'Forbidden', status: 403 } };
    const error = await apiErrorFrom(Response.json(body, { status: 403 }));
    expect(error).toBeInstanceOf(ApiError);
    expect({ code: error.code, message: error.message, reason: error.reason, status: error.status }).toEqual(body.error);
  });

  it.each([
    [502, 'Bad Gateway', '<html>proxy error</html>', 'cluster-error'],
    [404, 'Not Found', '{"detail":"no"}', 'invalid-input'],
  ])('describes a %i that does not carry the error shape', async (status, statusText, text, code) => {
    const error = await apiErrorFrom(new Response(text, { status, statusText }));
    expect(error).toMatchObject({ code, status, reason: null, message: `the pullfix server answered ${status} ${statusText}` });
  });
});

describe('isApiErrorBody', () => {
  it.each([
    [{ error: { code: 'timeout', message: 'm', reason: null, status: 504 } }, true],
    [{ error: { code: 'timeout', message: 'm', reason: 'Timeout', status: 504 } }, true],
    [{ error: { code: 'timeout', message: 'm', status: 504 } }, false],
    [{ error: { code: 1, message: 'm', reason: null, status: 504 } }, false],
    [{ error: 'boom' }, false],
    [null, false],
    ['error', false],
  ])('%j → %s', (value, expected) => {
    expect(isApiErrorBody(value)).toBe(expected);
  });
});

describe('ApiError', () => {
  it('crosses the wire unchanged: the client rebuilds what the server answered', async () => {
    const sent = new ApiError('csrf-rejected', 403, 'the CSRF token does not match', null);
    const response = sent.toResponse({ 'WWW-Authenticate': 'Bearer realm="pullfix"' });
    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="pullfix"');
    const rebuilt = await apiErrorFrom(response);
    expect(rebuilt).toBeInstanceOf(ApiError);
    expect(rebuilt.toBody()).toEqual(sent.toBody());
  });

  it('is known across copies of its module, as each route and page bundle of the production build loads one', async () => {
    vi.resetModules();
    const copy = await import('./errors');
    expect(copy.ApiError, 'a second, separate copy of the class').not.toBe(ApiError);
    const thrown = new copy.ApiError('unreachable', 502, 'the cluster at https://127.0.0.1:6443 is not reachable');
    expect(thrown).toBeInstanceOf(ApiError);
    expect(new ApiError('timeout', 504, 'slow')).toBeInstanceOf(copy.ApiError);
    expect(new Error('boom')).not.toBeInstanceOf(ApiError);
    expect({ code: 'timeout', status: 504, message: 'forged', reason: null, name: 'ApiError' }).not.toBeInstanceOf(ApiError);
    expect(null).not.toBeInstanceOf(ApiError);
  });
});
