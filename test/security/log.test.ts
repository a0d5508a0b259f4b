import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { audit, createLogger, type LogLevel } from '../../lib/log';
import { isSecretFieldName, REDACTED, Redactor } from '../../lib/security/redact';

function capture() {
  const lines: { level: LogLevel; line: string }[] = [];
  const logger = createLogger((level, line) => lines.push({ level, line }));
  return { logger, lines };
}

describe('log', () => {
  it('writes one JSON object per line with time, level and message', () => {
    const { logger, lines } = capture();
    logger.warn('registry check refused', { context: 'sim-admin', host: 'ghcr.io' });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!.line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', msg: 'registry check refused', context: 'sim-admin', host: 'ghcr.io' });
    expect(entry.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('masks fields whose names say they hold a secret, at any depth, and keeps names of things', () => {
    const { logger, lines } = capture();
    logger.info('fix', {
      password: 'hunter2-registry-password',
      credential: { username: 'david', registryPassword: 'pw-1', accessToken: 'tok-2' },
      headers: { Authorization: 'Basic ZGF2aWQ6cHctMQ==', Cookie: 'pullfix-access=abc' },
      secret: 'regcred',
      secretName: 'regcred',
      data: { '.dockerconfigjson': 'eyJhdXRocyI6e319' },
    });
    const line = lines[0]!.line;
    for (const value of ['hunter2-registry-password', 'pw-1', 'tok-2', 'ZGF2aWQ6cHctMQ==', 'pullfix-access=abc', 'eyJhdXRocyI6e319']) {
      expect(line).not.toContain(value);
    }
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry.secret).toBe('regcred');
    expect(entry.secretName).toBe('regcred');
    expect(entry.credential).toEqual({ username: 'david', registryPassword: REDACTED, accessToken: REDACTED });
  });

  it('logs an error by name and scrubbed message, never its stack', () => {
    const { logger, lines } = capture();
    const error = new Error('GET https://david:s3cret@registry.example.com/v2/ failed with Authorization: Bearer abc.def');
    logger.error('registry failed', { error });
    const entry = JSON.parse(lines[0]!.line) as { error: { name: string; message: string; stack?: string } };
    expect(entry.error.name).toBe('Error');
    expect(entry.error.stack).toBeUndefined();
    expect(entry.error.message).not.toMatch(/s3cret|abc\.def/);
    expect(entry.error.message).toContain('david:[redacted]@registry.example.com');
  });

  it('scrubs a protected value and its base64 form wherever it appears', () => {
    const { logger, lines } = capture();
    logger.protect('tok-9f8e7d6c');
    logger.info('signed in with tok-9f8e7d6c', { note: `auth ${btoa('tok-9f8e7d6c')}`, list: ['x tok-9f8e7d6c y'] });
    expect(lines[0]!.line).not.toContain('tok-9f8e7d6c');
    expect(lines[0]!.line).not.toContain(btoa('tok-9f8e7d6c'));
  });

  it('remembers a bounded number of protected values, the newest ones', () => {
    const redactor = new Redactor();
    for (let index = 0; index < 5_000; index += 1) redactor.protect(`typed-password-${index}`);
    expect(redactor.redactText('typed-password-4999')).toBe(REDACTED);
    expect(redactor.redactText('typed-password-0')).toBe('typed-password-0');
  });

  it('survives cycles', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.info('cyclic', { cyclic });
    expect(JSON.parse(lines[0]!.line)).toMatchObject({ cyclic: { name: 'loop' } });
  });
});

describe('audit', () => {
  it('writes who, what, where and the result on one info line, without secret values', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      audit({
        who: 'kubeconfig user "admin" for the local user',
        what: 'attach-pull-secret',
        where: { context: 'sim-admin', namespace: 'default', secret: 'regcred', password: 'Dav1d-pull-2024' },
        result: 'succeeded',
      });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('Dav1d-pull-2024');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      audit: true,
      msg: 'audit: attach-pull-secret succeeded',
      who: 'kubeconfig user "admin" for the local user',
      where: { context: 'sim-admin', namespace: 'default', secret: 'regcred', password: REDACTED },
      result: 'succeeded',
    });
  });
});

describe('Redactor text patterns', () => {
  const cases: [string, string][] = [
    ['Authorization: Bearer eyJhbGciOi.abc', 'Bearer eyJhbGciOi.abc'],
    ['Authorization: Basic ZGF2aWQ6aHVudGVyMg==', 'ZGF2aWQ6aHVudGVyMg=='],
    ['https://david:hunter2@ghcr.io/token', 'hunter2'],
    ['{"auths":{"ghcr.io":{"auth":"ZGF2aWQ6aHVudGVyMg=="}}}', 'ZGF2aWQ6aHVudGVyMg=='],
    ['{"username":"david","password":"hunter2"}', 'hunter2'],
    ['GET /token?service=x&password=hunter2&scope=y', 'hunter2'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl here', 'eyJzdWIiOiJ4In0'],
  ];
  it.each(cases)('%s loses %s', (text, secret) => {
    expect(new Redactor().redactText(text)).not.toContain(secret);
  });

  it.each([
    'pod shop/web-7d9 container web: pull access denied for docker.io/davidpuziol/nginx:1.0',
    'authorization failed: no basic auth credentials',
    'the token service at https://ghcr.io/token refused the credentials',
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(new Redactor().redactText(text)).toBe(text);
  });

  it('never lets a protected value through, whatever surrounds it (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 40 }), fc.string(), fc.string(), (secret, before, after) => {
        const redactor = new Redactor();
        redactor.protect(secret);
        const out = JSON.stringify(redactor.redact({ message: `${before}${secret}${after}`, nested: [{ text: secret }] }));
        return !out.includes(JSON.stringify(secret).slice(1, -1));
      }),
    );
  });
});

describe('isSecretFieldName', () => {
  it.each(['password', 'Password', 'passwd', 'auth', 'Authorization', 'accessToken', 'bearer_token', 'registryPassword', '.dockerconfigjson', 'client-key-data', 'cookie', 'set-cookie'])(
    '%s holds a secret',
    (name) => expect(isSecretFieldName(name)).toBe(true),
  );
  it.each(['secret', 'secretName', 'secrets', 'username', 'server', 'hasPassword', 'fingerprint', 'tokenExpiry', 'author'])(
    '%s does not',
    (name) => expect(isSecretFieldName(name)).toBe(false),
  );
});
