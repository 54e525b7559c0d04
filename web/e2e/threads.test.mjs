// Reactions, threads, pins and "seen by" (issue 13) in headless Chromium: two users in two browser contexts react
// to a message, reply in a thread from the side panel, pin a message and see who read theirs. A screenshot of
// both pages after each step in target/e2e/threads/. Run by scripts/e2e (PARLEY_E2E_ONLY=threads for this alone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumForTests, openPage, signUp, stepper } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const run = chromiumForTests('threads');
const pages = {};
const step = stepper(run.out, () => Object.values(pages));

const message = (page, text) => page.locator('#messages li.message', { hasText: text });

async function send(page, text) {
  await page.fill('#message-text', text);
  await page.click('#send');
  await page.locator('#messages li.message:not(.pending)', { hasText: text }).last().waitFor();
}

async function messageAction(page, text, action) {
  const item = message(page, text).last();
  await item.hover();
  await item.locator(`button.${action}`).click();
}

test('react, reply in a thread, pin and see who read it', async (t) => {
  const alice = pages.alice = await openPage(run.browser, 'alice', BASE + '/');
  const bob = pages.bob = await openPage(run.browser, 'bob', BASE + '/');
  const roomName = `threads room ${RUN}`;
  const bobShown = `Bob ${RUN}`;
  t.after(async () => {
    await alice.context().close();
    await bob.context().close();
  });

  await step(t, 'two users in a room', async () => {
    await signUp(alice, `ta_${RUN}`, `Alice ${RUN}`);
    await signUp(bob, `tb_${RUN}`, bobShown);
    await alice.fill('#new-room-name', roomName);
    await alice.click('#create-room button[type=submit]');
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    await bob.click('#public-search button[type=submit]');
    await bob.locator('#public-list li', { hasText: roomName }).locator('button.join').click();
    await bob.locator('#room-title', { hasText: roomName }).waitFor();
    await send(alice, 'the thread root');
    await message(bob, 'the thread root').waitFor();
  });

  await step(t, 'react to a message', async () => {
    await messageAction(bob, 'the thread root', 'react');
    await message(bob, 'the thread root').locator('button.pick[aria-label="React with 🎉"]').click();
    const chip = message(alice, 'the thread root').locator('button.reaction', { hasText: '🎉' });
    await chip.locator('.count', { hasText: '1' }).waitFor();
    assert.match(await chip.getAttribute('title'), new RegExp(bobShown));
    // Alice adds the same one: the count is 2, her chip is pressed; pressing it again takes hers back.
    await chip.click();
    await chip.locator('.count', { hasText: '2' }).waitFor();
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    await message(bob, 'the thread root').locator('button.reaction .count', { hasText: '2' }).waitFor();
    await chip.click();
    await chip.locator('.count', { hasText: '1' }).waitFor();
  });

  await step(t, 'reply in a thread', async () => {
    await messageAction(bob, 'the thread root', 'thread');
    await bob.locator('#thread-panel.open').waitFor();
    await bob.locator('#thread-root', { hasText: 'the thread root' }).waitFor();
    await bob.fill('#thread-text', 'a reply in the thread');
    await bob.click('#thread-send');
    await bob.locator('#thread-list li', { hasText: 'a reply in the thread' }).waitFor();
    await bob.keyboard.press('Escape');
    // Alice sees the count under the root (not the reply in the timeline) and opens the thread.
    const summary = message(alice, 'the thread root').locator('button.thread-summary', { hasText: '1 reply' });
    await summary.waitFor();
    assert.equal(await message(alice, 'a reply in the thread').count(), 0);
    await summary.click();
    await alice.locator('#thread-panel.open #thread-list li', { hasText: 'a reply in the thread' }).waitFor();
    await alice.fill('#thread-text', 'alice answers in the thread');
    await alice.click('#thread-send');
    await message(bob, 'the thread root').locator('button.thread-summary', { hasText: '2 replies' }).waitFor();
    await alice.keyboard.press('Escape');
  });

  await step(t, 'pin a message', async () => {
    // Bob is a member: no Pin button for him.
    await message(bob, 'the thread root').hover();
    assert.equal(await message(bob, 'the thread root').locator('button.pin').count(), 0);
    await messageAction(alice, 'the thread root', 'pin');
    await message(bob, 'the thread root').locator('.pinned-badge').waitFor();
    await message(alice, 'the thread root').locator('button.unpin').waitFor({ state: 'attached' });
    await bob.click('#info-button');
    await bob.locator('#pin-list li', { hasText: 'the thread root' }).waitFor();
    await bob.keyboard.press('Escape');
  });

  await step(t, 'see who read my last message', async () => {
    await send(alice, 'did you read this?');
    await message(bob, 'did you read this?').waitFor();
    // Bob has the room open: his read marker moves, and Alice's last message says so.
    const seen = message(alice, 'did you read this?').locator('.seen-by', { hasText: 'Seen by 1' });
    await seen.waitFor();
    assert.equal(await seen.getAttribute('title'), bobShown);
    assert.equal(await message(alice, 'the thread root').locator('.seen-by').count(), 0, 'only on the last one');
  });

  await step(t, 'stop sharing read receipts', async () => {
    await bob.click('#notifications-button');
    await bob.click('#privacy-settings summary');
    assert.equal(await bob.isChecked('#share-receipts'), true, 'shared by default');
    await bob.uncheck('#share-receipts');
    await bob.locator('#privacy-status', { hasText: 'left out' }).waitFor();
    await bob.keyboard.press('Escape');
    // Alice's page reads the receipts of her last message afresh: Bob is no longer among them.
    const readers = alice.waitForResponse((response) => response.url().includes('/readers'));
    await alice.reload();
    assert.deepEqual((await (await readers).json()).readers, [], 'Bob is left out of the receipts');
    await message(alice, 'did you read this?').waitFor();
    assert.equal(await message(alice, 'did you read this?').locator('.seen-by').count(), 0);
  });
});
