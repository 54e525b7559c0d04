// Integrations (issue 15) in headless Chromium: a room owner opens the room's Integrations panel, creates an
// incoming webhook (its URL shown once, with a copy button), the test POSTs to that URL like a CI job would, and
// the message appears in the room with its BOT badge. A screenshot after each step in target/e2e/integrations/.
// Run by scripts/e2e (PARLEY_E2E_ONLY=integrations for this alone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const OUT = path.join(process.env.PARLEY_E2E_OUT || path.resolve('target/e2e'), 'integrations');
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const WAIT = 15_000;

let browser;
let page;

before(async () => {
  assert.ok(BASE, 'PARLEY_E2E_BASE_URL is not set: run scripts/e2e');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

let stepNo = 0;
let failed = false;

function step(t, name, body) {
  return t.test(name, { skip: failed ? 'an earlier step failed' : false }, async () => {
    stepNo += 1;
    const prefix = String(stepNo).padStart(2, '0') + '-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    try {
      await body();
      await page.screenshot({ path: path.join(OUT, `${prefix}.png`) });
      assert.deepEqual(page.errors, [], 'script errors');
    } catch (error) {
      failed = true;
      writeFileSync(path.join(OUT, 'console.log'), page.log.join('\n') + '\n');
      await page.screenshot({ path: path.join(OUT, `failed-${prefix}.png`) }).catch(() => {});
      throw error;
    }
  });
}

test('an incoming webhook made in the panel posts a message with the BOT badge', async (t) => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.log = [];
  page.errors = [];
  page.on('console', (message) => page.log.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 500) page.errors.push(`${response.status()} ${response.url()}`);
  });
  t.after(() => context.close());
  const roomName = `integrations room ${RUN}`;
  let hookUrl;

  await step(t, 'an owner in a room', async () => {
    await page.goto(BASE + '/');
    await page.fill('#username', `ia_${RUN}`);
    await page.fill('#password', 'correct horse battery');
    await page.fill('#display-name', `Ina ${RUN}`);
    await page.click('#signup');
    await page.locator('#conn-status[data-state="open"]').waitFor();
    await page.fill('#new-room-name', roomName);
    await page.click('#create-room button[type=submit]');
    await page.locator('#room-title', { hasText: roomName }).waitFor();
  });

  await step(t, 'create an incoming webhook in the Integrations panel', async () => {
    await page.click('#info-button');
    await page.click('#integrations-button');
    await page.locator('#integrations-panel.open').waitFor();
    await page.fill('#webhook-name', 'CI');
    await page.click('#webhook-form button[type=submit]');
    const shown = page.locator('#integrations-once .secret-value');
    await shown.waitFor();
    hookUrl = await shown.textContent();
    assert.match(hookUrl, /\/api\/v1\/webhooks\/[^/]+\/[^/]+$/);
    await page.locator('#integrations-once button.copy').waitFor();
    await page.locator('#webhook-list li', { hasText: 'CI' }).waitFor();
    assert.ok(!(await page.locator('#webhook-list').textContent()).includes(hookUrl.split('/').pop()),
      'the list never shows the secret');
  });

  await step(t, 'a post to the URL shows up with the BOT badge', async () => {
    await page.keyboard.press('Escape');
    const response = await fetch(BASE + new URL(hookUrl).pathname, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: `build ${RUN} is green`, clientMsgId: `build-${RUN}` }),
    });
    assert.equal(response.status, 201, await response.text());
    const item = page.locator('#messages li.message', { hasText: `build ${RUN} is green` });
    await item.locator('.bot-badge', { hasText: 'BOT' }).waitFor();
    await page.fill('#message-text', 'thanks, CI');
    await page.click('#send');
    const mine = page.locator('#messages li.message:not(.pending)', { hasText: 'thanks, CI' });
    await mine.waitFor();
    assert.equal(await mine.locator('.bot-badge').count(), 0, 'no badge on a person\'s message');
  });
});
