import { describe, expect, it } from 'vitest';
import { withTag } from './image-tag-fix';

describe('withTag', () => {
  it.each([
    ['nginx:1.27-alpne', '1.27-alpine', 'nginx:1.27-alpine'],
    ['nginx', '1.27', 'nginx:1.27'],
    ['docker.io/davidpuziol/nginx', 'v2', 'docker.io/davidpuziol/nginx:v2'],
    ['registry.example.com:5000/team/app', '1.4', 'registry.example.com:5000/team/app:1.4'],
    ['registry.example.com:5000/team/app:1.3', '1.4', 'registry.example.com:5000/team/app:1.4'],
    [`busybox:1.36@sha256:${'a'.repeat(64)}`, '1.37', 'busybox:1.37'],
    [`busybox@sha256:${'b'.repeat(64)}`, '1.37', 'busybox:1.37'],
  ])('%s with tag %s is %s', (image, tag, expected) => {
    expect(withTag(image, tag)).toBe(expected);
  });

  it('refuses an image that does not parse, saying so', () => {
    expect(() => withTag('Nginx:Latest', '1.0')).toThrow(/does not parse/);
  });
});
