// End-to-end tests in Debian's Chromium at phone size, against the real hocphi
// binary on a fresh demo database with a pinned clock.
const { defineConfig } = require('@playwright/test');
const path = require('path');
const os = require('os');
const fs = require('fs');

const port = process.env.HOCPHI_E2E_PORT || '3917';
const root = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const binary = process.env.HOCPHI_BIN || path.join(targetDir, 'debug', 'hocphi');
const workDir = process.env.HOCPHI_E2E_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'hocphi-e2e-'));
// Test workers inherit these: they reach the server's demo database through the CLI.
process.env.HOCPHI_E2E_DIR = workDir;
process.env.HOCPHI_BIN = binary;
// The demo database in the work directory, or a PostgreSQL database given by
// HOCPHI_E2E_DATABASE_URL (scripts/test.sh runs the suite on both), seeded with
// the demo data. Tests that run the CLI against it read this variable.
const postgres = process.env.HOCPHI_E2E_DATABASE_URL;
process.env.HOCPHI_E2E_DATABASE_URL = postgres || `sqlite://${path.join(workDir, 'hocphi-demo.db')}`;

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  // The server under test is a debug build sharing two cores with Chromium:
  // CI once waited more than the default 5 s for a parent's lookup to draw
  // the child's page (stop 39; locally it takes about a second). A wrong
  // page still fails, after 10 s; retries would hide a real race, so none.
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    // Run from a fresh temporary directory: the demo database starts empty and is seeded.
    command: `cd ${workDir} && exec ${binary}`,
    url: `http://127.0.0.1:${port}/`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      HOCPHI_ADDR: `127.0.0.1:${port}`,
      HOCPHI_DIST: path.join(root, 'dist'),
      HOCPHI_NOW: '2026-11-26T09:00:00+07:00',
      // The events test's receiver listens on this machine.
      HOCPHI_WEBHOOKS_TO_LOOPBACK: 'true',
      RUST_LOG: 'warn',
      ...(postgres ? { DATABASE_URL: postgres, HOCPHI_DEMO: 'true' } : {}),
    },
  },
});
