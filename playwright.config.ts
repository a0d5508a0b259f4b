import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.PULLFIX_E2E_PORT ?? 3107);
const simPort = Number(process.env.PULLFIX_E2E_SIM_PORT ?? 3117);
// Every artifact of a run lives under test-results/ (git ignores it; docs/overview.png is refreshed only by
// `npm run screenshot:docs`). The cluster's files sit under outputDir: Playwright empties it before it starts
// the web servers, so every run gets a fresh cluster.
const outputDir = path.join(__dirname, 'test-results', 'e2e');
const simDir = path.join(outputDir, 'sim');

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.PULLFIX_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

/**
 * End-to-end tests drive Debian's Chromium against the production build (`next build` runs before
 * `playwright test` in `npm run test:e2e`). Playwright cannot download its own browser here.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  // Each expectation waits on a condition; on a loaded 2-core machine a server render or a client navigation
  // can take longer than Playwright's 5 s default to arrive, which is no failure of the app.
  expect: { timeout: 15_000 },
  // Beside outputDir, not in it: Playwright refuses a report folder inside the folder it empties.
  reporter: [['list'], ['html', { open: 'never', outputFolder: path.join(__dirname, 'test-results', 'e2e-report') }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: chromium, testIgnore: /fix\.spec\.ts$/ },
    // The fix journeys change the demo cluster: they run after the read-only specs, which expect it as seeded.
    { name: 'fix', use: chromium, testMatch: /fix\.spec\.ts$/, dependencies: ['chromium'] },
  ],
  webServer: [
    {
      // The demo cluster first: the app reads the kubeconfig and registry map it writes.
      name: 'sim',
      command: `npx tsx sim/main.ts --scenario demo --port ${simPort} --kubeconfig ${path.join(simDir, 'kubeconfig')}`,
      wait: { stdout: /^ready https:\/\/127\.0\.0\.1:\d+ /m },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
    {
      name: 'app',
      command: `npx next start --hostname 127.0.0.1 --port ${port}`,
      url: `http://127.0.0.1:${port}`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        PULLFIX_KUBECONFIG: path.join(simDir, 'kubeconfig'),
        PULLFIX_REGISTRY_CONFIG: path.join(simDir, 'registries.json'),
      },
    },
  ],
});
