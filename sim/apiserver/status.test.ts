import { describe, expect, it } from 'vitest';
import { alreadyExists, conflict, forbidden, invalid, notFound, type ApiError } from './status';

const secrets = { resource: 'secrets', group: '' };
const deployments = { resource: 'deployments', group: 'apps' };

describe('Status errors', () => {
  it.each<[string, ApiError, object]>([
    ['NotFound, core', notFound(secrets, 'regcred'), { code: 404, reason: 'NotFound', message: 'secrets "regcred" not found', details: { name: 'regcred', kind: 'secrets' } }],
    [
      'NotFound, grouped',
      notFound(deployments, 'web'),
      { code: 404, message: 'deployments.apps "web" not found', details: { name: 'web', group: 'apps', kind: 'deployments' } },
    ],
    ['AlreadyExists', alreadyExists(secrets, 'regcred'), { code: 409, reason: 'AlreadyExists', message: 'secrets "regcred" already exists' }],
    [
      'Conflict',
      conflict(deployments, 'web'),
      {
        code: 409,
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
      },
    ],
    [
      'Forbidden on a named object',
      forbidden(deployments, 'web', 'User "u" cannot patch resource "deployments" in API group "apps" in the namespace "default"'),
      {
        code: 403,
        message: 'deployments.apps "web" is forbidden: User "u" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
        details: { name: 'web', group: 'apps', kind: 'deployments' },
      },
    ],
    ['Forbidden on a collection', forbidden(secrets, '', 'reason'), { message: 'secrets is forbidden: reason', details: { kind: 'secrets' } }],
    [
      'Invalid with one cause',
      invalid('Pod', '', 'web', [{ reason: 'FieldValueForbidden', message: 'Forbidden: no', field: 'spec' }]),
      { code: 422, reason: 'Invalid', message: 'Pod "web" is invalid: spec: Forbidden: no', details: { name: 'web', kind: 'Pod' } },
    ],
    [
      'Invalid with two causes, grouped kind',
      invalid('Deployment', 'apps', 'web', [
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
        { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template' },
      ]),
      { message: 'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template: Required value]', details: { kind: 'Deployment', group: 'apps' } },
    ],
  ])('%s', (_name, error, expected) => {
    const status = error.toStatus();
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...expected });
    expect(status.code).toBe(error.code);
  });
});
