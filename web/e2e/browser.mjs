// The headless Chromium every browser test uses: Debian's binary, with the flags this closed network needs
// (no background networking, no component updates, no sync: their connections would be refused). Playwright
// gives every launch a fresh, empty user-data-dir (and each context is isolated). push.test.mjs launches its own.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
