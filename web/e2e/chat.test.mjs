// The chat page end to end, in headless Chromium (Debian's, driven by playwright-core): two users in two
// browser contexts sign up, share a room, exchange messages both ways over the SockJS bridge, see each other's
// typing and presence; one closes the page while the other writes, comes back and finds what it missed.
// Run by scripts/e2e, which starts the node and sets PARLEY_E2E_BASE_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const OUT = process.env.PARLEY_E2E_OUT || path.resolve('target/e2e');
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const WAIT = 15_000;

let browser;

before(async () => {
  assert.ok(BASE, 'PARLEY_E2E_BASE_URL is not set: run scripts/e2e');
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    // Playwright gives every launch a fresh, empty user-data-dir of its own (and each context is isolated).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

/** A page of the chat client that records what went wrong in it (errors in the page fail the test). */
async function openPage(context, who, sockets) {
  const page = await context.newPage();
  if (sockets) {
    // Passes the page's bridge WebSockets through, keeping a handle to cut them later.
    await page.routeWebSocket(/\/eventbus\//, (socket) => {
      sockets.push({ page: socket, server: socket.connectToServer() });
    });
  }
  page.setDefaultTimeout(WAIT);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(`${who}: ${error.message}`));
  page.on('console', (message) => {
    // A failed request is reported below with its URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      page.errors.push(`${who} console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) page.errors.push(`${who}: ${response.status()} ${response.url()}`);
  });
  await page.goto(BASE + '/');
  return page;
}

async function signUp(page, username) {
  await page.fill('#username', username);
  await page.fill('#password', 'correct horse battery');
  await page.fill('#display-name', username);
  await page.click('#signup');
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  await page.locator('#conn-status[data-state="open"]').waitFor();
  return page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')).user.id);
}

function message(page, text) {
  return page.locator('#messages li', { hasText: text });
}

async function waitOnline(page, userId, online) {
  await page.locator(`#members li[data-user-id="${userId}"] .dot${online ? '.online' : ':not(.online)'}`).waitFor();
}

async function send(page, text) {
  await page.fill('#message-text', text);
  await page.click('#send');
  // Stored: the greyed pending line became a message with its seq.
  await page.locator('#messages li:not(.pending)', { hasText: text }).waitFor();
}

async function texts(page) {
  return page.locator('#messages li .text').allTextContents();
}

test('two users chat through the page; one leaves, comes back and sees what it missed', async () => {
  const aliceContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const bobContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const alice = await openPage(aliceContext, 'alice');
  let bob = await openPage(bobContext, 'bob');
  const roomName = `e2e room ${RUN}`;
  try {
    // Both sign up; Alice creates a public room, Bob finds and joins it.
    const aliceId = await signUp(alice, `alice_${RUN}`);
    const bobId = await signUp(bob, `bob_${RUN}`);
    await alice.fill('#new-room-name', roomName);
    await alice.click('#create-room button[type=submit]');
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    await bob.click('#public-search button[type=submit]');
    await bob.locator('#public-list li', { hasText: roomName }).locator('button.join').click();
    await bob.locator('#room-title', { hasText: roomName }).waitFor();
    await bob.locator('#room-list li.active', { hasText: roomName }).waitFor();

    // Presence: each sees the other online (snapshot on open, member.joined for Alice).
    await waitOnline(bob, aliceId, true);
    await waitOnline(alice, bobId, true);

    // Messages both ways, live over the bridge.
    await send(alice, 'hello bob');
    await message(bob, 'hello bob').waitFor();
    await send(bob, 'hi alice');
    await message(alice, 'hi alice').waitFor();

    // Typing: Bob types (the page announces it at most once a second), Alice sees it, and it clears once he sent.
    await bob.locator('#message-text').pressSequentially('typing something', { delay: 120 });
    await alice.locator('#typing', { hasText: `bob_${RUN} is typing` }).waitFor();
    await bob.click('#send');
    await message(alice, 'typing something').waitFor();
    await alice.locator('#typing:empty').waitFor();

    // User text is text: markup sent as a message is shown as typed and never runs.
    const markup = '<img src=x onerror="window.__xss=1"><b>bold?</b>';
    // (Bob's page marks the room read up to it: the unread count below starts after it.)
    const bobRead = bob.waitForResponse((response) => response.url().endsWith('/read')
      && response.request().postDataJSON().seq === 4);
    await send(alice, markup);
    await message(bob, 'bold?').waitFor();
    assert.equal(await bob.locator('#messages li .text').last().textContent(), markup);
    assert.equal(await bob.locator('#messages img, #messages b').count(), 0);
    assert.equal(await bob.evaluate(() => window.__xss), undefined);
    assert.equal((await bobRead).status(), 204);

    // Bob goes offline (closes the page); Alice sees it and writes on.
    await bob.close();
    await waitOnline(alice, bobId, false);
    await send(alice, 'missed one');
    await send(alice, 'missed two');

    // Bob comes back (same browser profile, so still signed in): the room shows 2 unread, and opening it shows
    // everything in order, with what he missed.
    const bobSockets = [];
    bob = await openPage(bobContext, 'bob again', bobSockets);
    await bob.locator('#conn-status[data-state="open"]').waitFor();
    const badge = bob.locator('#room-list li', { hasText: roomName }).locator('.unread');
    await badge.waitFor();
    assert.equal((await badge.textContent()).trim(), '2');
    await bob.screenshot({ path: path.join(OUT, 'chat-bob-returns.png') });
    await waitOnline(alice, bobId, true);
    await bob.locator('#room-list li', { hasText: roomName }).click();
    await message(bob, 'missed two').waitFor();
    assert.deepEqual(await texts(bob),
      ['hello bob', 'hi alice', 'typing something', markup, 'missed one', 'missed two']);
    const seqs = await bob.locator('#messages li').evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6]);
    await bob.locator('#room-list li.active .unread').waitFor({ state: 'detached' });
    await waitOnline(bob, aliceId, true);

    // And live again both ways after the return.
    await send(bob, 'back again');
    await message(alice, 'back again').waitFor();
    await send(alice, 'welcome back');
    await message(bob, 'welcome back').waitFor();

    // Offline in place: the network goes away and the connection breaks; the page retries until the network is
    // back, reconnects by itself and reads what it missed meanwhile.
    await bobContext.setOffline(true);
    for (const socket of bobSockets) {
      await socket.page.close({ code: 1006, reason: 'network down' }).catch(() => {});
      await socket.server.close().catch(() => {});
    }
    await bob.locator('#conn-status:not([data-state="open"])').waitFor();
    await waitOnline(alice, bobId, false);
    await send(alice, 'while you were offline');
    await bobContext.setOffline(false);
    await bob.locator('#conn-status[data-state="open"]').waitFor();
    await message(bob, 'while you were offline').waitFor();
    await waitOnline(alice, bobId, true);

    // A typing hint on Alice's screen for the screenshot.
    await bob.locator('#message-text').pressSequentially('and one more thing', { delay: 120 });
    await alice.locator('#typing', { hasText: 'is typing' }).waitFor();
    await alice.screenshot({ path: path.join(OUT, 'chat.png') });
    await bob.screenshot({ path: path.join(OUT, 'chat-bob.png') });

    assert.deepEqual([...alice.errors, ...bob.errors], []);
  } catch (error) {
    // What the pages looked like when it failed.
    for (const [name, page] of [['alice', alice], ['bob', bob]]) {
      if (!page.isClosed()) await page.screenshot({ path: path.join(OUT, `failed-${name}.png`) }).catch(() => {});
    }
    throw error;
  } finally {
    await aliceContext.close();
    await bobContext.close();
  }
});
