// The headless Chromium every browser test uses: Debian's binary, with the flags this closed network needs
// (no background networking, no component updates, no sync: their connections would be refused). Playwright
// gives every launch a fresh, empty user-data-dir (and each context is isolated).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium with {@code FLAGS} but those in {@code without} (push.test.mjs lets the browser reach its push service). */
export function launchChromium({ without = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    args: FLAGS.filter((flag) => !without.includes(flag)),
  });
}

/**
 * The setup of a browser test file: its output folder `<PARLEY_E2E_OUT>/<name>` (emptied first) and one Chromium
 * (launched with `launch`, see launchChromium), launched before the tests and closed after them. Returns
 * `{out, browser}` (browser set once launched).
 */
export function chromiumForTests(name, launch = {}) {
  const run = { out: path.join(process.env.PARLEY_E2E_OUT || path.resolve('target/e2e'), name), browser: null };
  before(async () => {
    assert.ok(process.env.PARLEY_E2E_BASE_URL, 'PARLEY_E2E_BASE_URL is not set: run scripts/e2e');
    rmSync(run.out, { recursive: true, force: true });
    mkdirSync(run.out, { recursive: true });
    run.browser = await launchChromium(launch);
  });
  after(async () => {
    await run.browser?.close();
  });
  return run;
}

/** A page of a new context of its own (`options.context`: the context's options, a 1100x760 viewport by default). */
export async function openPage(browser, who, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options.context });
  return openPageIn(context, who, url, options);
}

/**
 * A page for `who` in `context` at `url`, which keeps its console lines, script errors and failed requests in
 * `page.log` and counts as `page.errors` its script errors and the responses `failedResponse` picks (5xx by
 * default). Options: `wait` (the default timeout, 15 s), `consoleErrors` (console errors count too, but "Failed
 * to load resource", which the response says with its URL), `failedResponse`, `dialogs` (confirmations are
 * accepted and prompts answered with `page.answer`), `beforeGoto(page)` (runs before the page loads).
 */
export async function openPageIn(context, who, url, options = {}) {
  const { wait = 15_000, consoleErrors = false, failedResponse = (response) => response.status() >= 500 } = options;
  const page = await context.newPage();
  if (options.beforeGoto) await options.beforeGoto(page);
  page.setDefaultTimeout(wait);
  page.who = who;
  page.log = [];
  page.errors = [];
  const log = (line) => page.log.push(`${new Date().toISOString()} ${line}`);
  page.on('console', (message) => {
    log(`${message.type()}: ${message.text()}`);
    if (consoleErrors && message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      page.errors.push(`${who} console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => {
    log(`pageerror: ${error.stack || error.message}`);
    page.errors.push(`${who}: ${error.message}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) log(`http ${response.status()} ${response.request().method()} ${response.url()}`);
    if (failedResponse(response)) page.errors.push(`${who}: ${response.status()} ${response.url()}`);
  });
  if (options.dialogs) page.on('dialog', (dialog) => dialog.accept(dialog.type() === 'prompt' ? page.answer : undefined));
  await page.goto(url);
  return page;
}

/** Signs `username` up on the page (with `displayName` if given); the user's id once the chat view is connected. */
export async function signUp(page, username, displayName) {
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  if (displayName !== undefined) await page.fill('#display-name', displayName);
  await page.click('#signup');
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  await page.locator('#conn-status[data-state="open"]').waitFor();
  return page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')).user.id);
}

/** Calls the API as the page's signed-in user, for setup only: `{status, body}` (the body as text). */
export function apiAs(page, method, apiPath, body) {
  return page.evaluate(async ({ method, apiPath, body }) => {
    const { accessToken } = JSON.parse(localStorage.getItem('parley.session'));
    const response = await fetch('/api/v1' + apiPath, { method, body: body && JSON.stringify(body),
      headers: { Authorization: 'Bearer ' + accessToken, 'Content-Type': 'application/json' } });
    return { status: response.status, body: await response.text() };
  }, { method, apiPath, body });
}

/** After a failure: each open page's console log `console-<who>.log` and screenshot `failed-<prefix>-<who>.png` in `out`. */
export async function keepEvidence(out, pages, prefix) {
  for (const page of pages) {
    writeFileSync(path.join(out, `console-${page.who}.log`), page.log.join('\n') + '\n');
    const name = prefix ? `failed-${prefix}-${page.who}.png` : `failed-${page.who}.png`;
    if (!page.isClosed()) await page.screenshot({ path: path.join(out, name) }).catch(() => {});
  }
}

/**
 * `step(t, name, body)`: a subtest that screenshots every open page of `pages()` into `out` after it, fails on
 * their script errors (unless `checkErrors` is false), and skips once an earlier step failed (the failing step
 * leaves screenshots and console logs, in `failedOut`, by default `out`).
 */
export function stepper(out, pages, { checkErrors = true, failedOut = out } = {}) {
  let stepNo = 0;
  let failed = false;
  return (t, name, body) => t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
    stepNo += 1;
    const prefix = String(stepNo).padStart(2, '0') + '-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    try {
      await body();
      for (const page of pages()) {
        if (!page.isClosed()) await page.screenshot({ path: path.join(out, `${prefix}-${page.who}.png`) });
      }
      if (checkErrors) for (const page of pages()) assert.deepEqual(page.errors, [], `${page.who}: script errors`);
    } catch (error) {
      failed = true;
      await keepEvidence(failedOut, pages(), prefix);
      throw error;
    }
  });
}
