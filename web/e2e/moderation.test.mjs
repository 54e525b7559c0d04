// Moderation and administration on the chat page (issue 14), in headless Chromium: the owner sets slow mode
// and the member sees it (and is held to it), a member blocks the owner and reports a message, the server
// administrator sees the report and deletes the message, the owner bans the member from the member list, and
// the administrator deactivates them, which signs their page out. Run by scripts/e2e
// (PARLEY_E2E_ONLY=moderation scripts/e2e), which starts the node with PARLEY_E2E_ADMIN in admin.usernames.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumForTests, openPage, signUp, stepper } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const ADMIN = process.env.PARLEY_E2E_ADMIN;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const run = chromiumForTests('moderation');
const pages = {};
// Screenshots after each step; the page's script errors are not this test's concern.
const step = stepper(run.out, () => Object.values(pages), { checkErrors: false });

before(() => assert.ok(ADMIN, 'PARLEY_E2E_ADMIN is not set: run scripts/e2e'));

/** A page in its own context; confirmations are accepted and prompts answered with {@code page.answer}. */
async function open(who) {
  const page = await openPage(run.browser, who, BASE + '/',
    { context: { viewport: { width: 1280, height: 800 } }, dialogs: true });
  page.answer = '';
  pages[who] = page;
  return page;
}

const member = (page, name) => page.locator('#member-list li', { hasText: name });
const message = (page, text) => page.locator('#messages li.message', { hasText: text });

async function send(page, text) {
  await page.fill('#message-text', text);
  await page.press('#message-text', 'Enter');
}

test('moderation on the chat page', async (t) => {
  const ownerName = 'own' + RUN;
  const bobName = 'bob' + RUN;
  const roomName = 'moderated ' + RUN;
  let owner;
  let bob;
  let admin;

  await step(t, 'three people sign up; only the administrator gets the admin view', async () => {
    owner = await open('owner');
    bob = await open('bob');
    admin = await open('admin');
    await signUp(owner, ownerName);
    await signUp(bob, bobName);
    await signUp(admin, ADMIN);
    await admin.locator('#admin-button').waitFor({ state: 'visible' });
    assert.equal(await owner.locator('#admin-button').isVisible(), false);
    assert.equal(await bob.locator('#admin-button').isVisible(), false);
  });

  await step(t, 'the owner makes a room, adds bob and sets slow mode', async () => {
    await owner.fill('#new-room-name', roomName);
    await owner.click('#create-room button[type=submit]');
    await owner.locator('#room-name', { hasText: roomName }).waitFor();
    await owner.click('#info-button');
    await owner.fill('#add-member-q', bobName);
    await owner.click('#add-member button[type=submit]');
    await owner.locator('#add-member-results li', { hasText: bobName }).locator('button.add').click();
    await member(owner, bobName).waitFor();
    await owner.fill('#settings-slow-mode', '30');
    await owner.click('#room-settings button[type=submit]');
    await owner.locator('#slow-mode', { hasText: '30 s' }).waitFor();
    await owner.keyboard.press('Escape');
  });

  await step(t, 'bob sees the slow mode and is held to it', async () => {
    await bob.locator('#room-list li', { hasText: roomName }).click();
    await bob.locator('#slow-mode', { hasText: 'one message every 30 s' }).waitFor();
    await send(bob, 'first from bob');
    await message(bob, 'first from bob').waitFor();
    await send(bob, 'second too soon');
    await bob.locator('#room-error', { hasText: 'slow mode' }).waitFor();
  });

  await step(t, 'bob blocks the owner from the member list', async () => {
    await bob.click('#info-button');
    await member(bob, ownerName).locator('button.block').click();
    await member(bob, ownerName).locator('button.block', { hasText: 'Unblock' }).waitFor();
    await bob.keyboard.press('Escape');
  });

  await step(t, 'the owner reports bob\'s message; the administrator deletes it', async () => {
    await message(owner, 'first from bob').waitFor();
    owner.answer = 'spam ' + RUN;
    await message(owner, 'first from bob').hover();
    await message(owner, 'first from bob').locator('button.report').click();
    await owner.locator('#room-error', { hasText: 'Reported' }).waitFor();
    await admin.click('#admin-button');
    const report = admin.locator('#admin-reports li', { hasText: 'spam ' + RUN });
    await report.waitFor();
    assert.match(await report.textContent(), /first from bob/);
    await report.locator('button.delete-reported').click();
    await message(owner, 'first from bob').waitFor({ state: 'detached' }).catch(() => {});
    await owner.locator('#messages li.message.deleted').first().waitFor();
  });

  await step(t, 'the owner bans bob, whose room goes away', async () => {
    await owner.click('#info-button');
    owner.answer = 'enough';
    await member(owner, bobName).locator('button.ban').click();
    await member(owner, bobName).waitFor({ state: 'detached' });
    await bob.locator('#room-list li', { hasText: roomName }).waitFor({ state: 'detached' });
    await owner.keyboard.press('Escape');
  });

  await step(t, 'the administrator deactivates bob, whose page is signed out', async () => {
    await admin.fill('#admin-user-q', bobName);
    await admin.click('#admin-user-search button[type=submit]');
    await admin.locator('#admin-users li', { hasText: bobName }).locator('button.deactivate').click();
    await admin.locator('#admin-users li', { hasText: bobName + ' (deactivated)' }).waitFor();
    await bob.locator('#auth-view').waitFor({ state: 'visible', timeout: 30_000 });
  });
});
