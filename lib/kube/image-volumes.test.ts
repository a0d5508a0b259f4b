import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockingImageVolume, mentionScore } from './image-volumes';

describe('mentionScore', () => {
  it.each([
    ['Back-off pulling image "ghcr.io/acme/api:2.1"', 'ghcr.io/acme/api:2.1', 2],
    ['failed to pull and unpack image "docker.io/library/nginx:1.27": not found', 'nginx:1.27', 2],
    ['initializing source docker://ghcr.io/acme/api:2.1: reading manifest', 'ghcr.io/acme/api:2.1', 2],
    ['manifest for nginx:1.27 not found: manifest unknown', 'nginx:1.27', 2],
    ['pull access denied for acme/api, repository does not exist', 'acme/api:2.1', 1],
    ['pull access denied for ghcr.io/acme/api, repository does not exist', 'ghcr.io/acme/api:2.1', 1],
    ['pull access denied for ghcr.io/acme/apii, repository does not exist', 'ghcr.io/acme/api:2.1', 0],
    ['failed to pull and unpack image "docker.io/library/nginx:1.27": not found', 'busybox:1.36', 0],
    ['failed to pull and unpack image "docker.io/mylib/nginx:1.27": not found', 'nginx:1.27', 0],
  ])('%s names %s: %i', (message, image, score) => {
    expect(mentionScore(message, image)).toBe(score);
  });
});

describe('blockingImageVolume', () => {
  const volumes = [
    { name: 'a', reference: 'ghcr.io/acme/a:1', pullPolicy: null },
    { name: 'b', reference: 'ghcr.io/acme/b:1', pullPolicy: null },
  ];

  it('takes only volumes the container mounts', () => {
    const container = { image: 'nginx:1.27', mounts: ['a'], waitingMessage: 'Back-off pulling image "ghcr.io/acme/b:1"' };
    expect(blockingImageVolume(container, volumes)).toBeNull();
    expect(blockingImageVolume({ ...container, mounts: ['a', 'b'] }, volumes)?.name).toBe('b');
  });

  it('never blames a volume the message does not name (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.subarray(['a', 'b']), (message, mounts) => {
        const blocking = blockingImageVolume({ image: 'nginx:1.27', mounts, waitingMessage: message.replace(/acme/g, '') }, volumes);
        expect(blocking).toBeNull();
      }),
    );
  });
});
