import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors';
import { clientsFor } from '../../lib/kube/config';
import { assertNamespaceExists } from '../../lib/kube/namespace-check';
import { simClusterForFile } from './sim-cluster';

/** A namespace filter with a typo must say so, with the names that were probably meant. */
simClusterForFile();

describe('assertNamespaceExists', () => {
  it('passes for a namespace that exists', async () => {
    await expect(assertNamespaceExists(clientsFor('sim-admin'), 'shop')).resolves.toBeUndefined();
  });

  it('is a not-found error naming the close matches for a typo', async () => {
    const error = await assertNamespaceExists(clientsFor('sim-admin'), 'shopp').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not-found', status: 404 });
    expect((error as ApiError).message).toBe('namespace "shopp" does not exist in context "sim-admin"; did you mean shop?');
  });

  it('suggests nothing it cannot back with a name, and says only that it does not exist', async () => {
    const error = (await assertNamespaceExists(clientsFor('sim-admin'), 'payments-prod').catch((caught: unknown) => caught)) as ApiError;
    expect(error.message).toBe('namespace "payments-prod" does not exist in context "sim-admin"');
  });
});
