import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(__dirname),
      // `server-only` throws outside a React Server build; tests run lib code on the server side anyway.
      'server-only': path.resolve(__dirname, 'test/server-only-stub.ts'),
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Verification tests credentials against the registries of the pods' images: off, so a test cluster whose
    // images name real registries sends nothing beyond loopback; tests that serve every registry turn it on.
    env: { PULLFIX_VERIFY_CREDENTIALS: 'off' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
