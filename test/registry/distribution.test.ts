import { expect, it } from 'vitest';
import { startDistribution } from './distribution';

it('fails, rather than skips, when docker-registry is not installed', async () => {
  await expect(startDistribution('/nonexistent/docker-registry')).rejects.toThrow(
    'docker-registry is not installed: apt-get install docker-registry',
  );
});
