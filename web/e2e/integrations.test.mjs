// Integrations (issue 15) in headless Chromium: a room owner opens the room's Integrations panel, creates an
// incoming webhook (its URL shown once, with a copy button), the test POSTs to that URL like a CI job would, and
// the message appears in the room with its BOT badge. A screenshot after each step in target/e2e/integrations/.
// Run by scripts/e2e (PARLEY_E2E_ONLY=integrations for this alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumForTests, openPage, stepper } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const run = chromiumForTests('integrations');
let page;
const step = stepper(run.out, () => (page ? [page] : []));

test('an incoming webhook made in the panel posts a message with the BOT badge', async (t) => {
  page = await openPage(run.browser, 'owner', BASE + '/');
  t.after(() => page.context().close());
  const roomName = `integrations room ${RUN}`;
  let hookUrl;

  await step(t, 'an owner in a room', async () => {
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
