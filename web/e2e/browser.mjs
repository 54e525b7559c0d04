// The headless Chromium every browser test uses: Debian's binary, with the flags this closed network needs
// (no background networking, no component updates, no sync: their connections would be refused). Playwright
// gives every launch a fresh, empty user-data-dir (and each context is isolated). push.test.mjs launches its own.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

/**
 * The setup of a browser test file: its output folder `<PARLEY_E2E_OUT>/<name>` (emptied first) and one Chromium,
 * launched before the tests and closed after them. Returns `{out, browser}` (browser set once launched).
 */
export function chromiumForTests(name) {
  const run = { out: path.join(process.env.PARLEY_E2E_OUT || path.resolve('target/e2e'), name), browser: null };
  before(async () => {
    assert.ok(process.env.PARLEY_E2E_BASE_URL, 'PARLEY_E2E_BASE_URL is not set: run scripts/e2e');
    rmSync(run.out, { recursive: true, force: true });
    mkdirSync(run.out, { recursive: true });
    run.browser = await launchChromium();
  });
  after(async () => {
    await run.browser?.close();
  });
  return run;
}

/** A page of its own context for `who`, keeping its console lines and its script errors and 5xx answers. */
export async function openPage(browser, who, url, wait = 15_000) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(wait);
  page.who = who;
  page.log = [];
  page.errors = [];
  page.on('console', (message) => page.log.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => page.errors.push(`${who}: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 500) page.errors.push(`${who}: ${response.status()} ${response.url()}`);
  });
  await page.goto(url);
  return page;
}

/**
 * `step(t, name, body)`: a subtest that screenshots every page of `pages()` into `out` after it, fails on their
 * script errors, and skips once an earlier step failed (the failing step leaves screenshots and console logs).
 */
export function stepper(out, pages) {
  let stepNo = 0;
  let failed = false;
  return (t, name, body) => t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
    stepNo += 1;
    const prefix = String(stepNo).padStart(2, '0') + '-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    try {
      await body();
      for (const page of pages()) await page.screenshot({ path: path.join(out, `${prefix}-${page.who}.png`) });
      for (const page of pages()) assert.deepEqual(page.errors, [], `${page.who}: script errors`);
    } catch (error) {
      failed = true;
      for (const page of pages()) {
        writeFileSync(path.join(out, `console-${page.who}.log`), page.log.join('\n') + '\n');
        await page.screenshot({ path: path.join(out, `failed-${prefix}-${page.who}.png`) }).catch(() => {});
      }
      throw error;
    }
  });
}
