import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import { parseStatus, toApiError } from './errors';

const target = { context: 'prod', server: 'https://10.0.0.1:6443' };
const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

describe('toApiError from the API server\'s answers', () => {
  const cases = [
    { code: 401, body: undefined, expect: { code: 'unauthorized', status: 401, reason: 'Unauthorized' } },
    {
      code: 403,
      body: status(403, 'Forbidden', 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "shop"'),
      expect: {
        code: 'forbidden',
        status: 403,
        reason: 'Forbidden',
        message: 'the user of context "prod" is not allowed to do this: secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "shop"',
      },
    },
    { code: 404, body: status(404, 'NotFound', 'pods "x" not found'), expect: { code: 'not-found', status: 404, reason: 'NotFound' } },
    { code: 504, body: status(504, 'Timeout', 'Timeout: request did not complete within 60s'), expect: { code: 'timeout', status: 504, reason: 'Timeout' } },
    { code: 409, body: status(409, 'AlreadyExists', 'secrets "regcred" already exists'), expect: { code: 'cluster-error', status: 409, reason: 'AlreadyExists' } },
    { code: 500, body: 'not json at all', expect: { code: 'cluster-error', status: 502, reason: null, message: 'the cluster at https://10.0.0.1:6443 answered 500' } },
  ];

  it.each(cases)('$code', ({ code, body, expect: expected }) => {
    const headers = { authorization: 'Bearer secret-token-value', 'audit-id': 'x' };
    const error = toApiError(new ApiException(code, 'Unknown API Status Code!', body, headers), target);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject(expected);
    expect(JSON.stringify(error.toBody())).not.toMatch(/secret-token-value|HTTP-Code|Headers|audit-id/);
  });

  it('passes an ApiError through unchanged', () => {
    const original = new ApiError('unknown-context', 404, 'no such context');
    expect(toApiError(original, target)).toBe(original);
  });

  it('answers the one shape from toResponse', async () => {
    const response = new ApiError('forbidden', 403, 'no', 'Forbidden').toResponse();
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'no', reason: 'Forbidden', status: 403 } });
  });
});

describe('parseStatus', () => {
  it.each([
    [status(403, 'Forbidden', 'nope'), { message: 'nope', reason: 'Forbidden' }],
    [{ message: 'already parsed', reason: 'Conflict' }, { message: 'already parsed', reason: 'Conflict' }],
    [undefined, { message: null, reason: null }],
    ['<html>', { message: null, reason: null }],
    ['{"message": 3}', { message: null, reason: null }],
  ])('%j', (body, expected) => {
    expect(parseStatus(body)).toEqual(expected);
  });
});
