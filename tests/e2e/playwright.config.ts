import { defineConfig } from '@playwright/test';
import { BASE_URL, PORT, STATE_DIR } from './support/env';

// Chromium from Debian (`apt-get install chromium`); this suite never downloads a browser.
const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: '/usr/bin/chromium',
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

export default defineConfig({
  testDir: './specs',
  // Files run in parallel on the two workers; the tests in one file run in order. Tests that
  // change an account (language, password) use a different account in each project.
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    // A Norwegian person's browser: Accept-Language nb-NO (the app also falls back to bokmål).
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'js', use: { ...chromium, javaScriptEnabled: true } },
    // scripts.spec.ts checks that the page's script and wasm load: nothing to check without JS.
    // Without JavaScript every axe check replays the page in a fresh context (support/a11y.ts),
    // 2–4 s each; a test with three log-ins runs a dozen of them. The timeout guards against a
    // hang, it is not a speed target (those are the benchmarks).
    { name: 'no-js', use: { ...chromium, javaScriptEnabled: false }, testIgnore: /scripts\.spec\.ts$/, timeout: 120_000 },
  ],
  webServer: {
    command: './start-server.sh',
    url: `${BASE_URL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { STEGVIS_E2E_PORT: String(PORT), STEGVIS_E2E_DIR: STATE_DIR },
  },
});
