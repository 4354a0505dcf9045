// E2E against the web host (`pronto serve`) in Debian's Chromium: no Electron binary can be
// downloaded here, and the web host runs the same renderer over the same contract.
// Run: npx electron-vite build && npx playwright test
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_BASE_ARGS } from './e2e/support/chromium';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Real PBX, SIPp and WebRTC on a 2-core machine: one retry in CI absorbs scheduling stalls;
  // a test that fails twice still fails the run.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'en-US',
    timezoneId: 'Europe/Rome',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_BASE_ARGS },
  },
});
