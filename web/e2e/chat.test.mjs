// The chat page end to end, in headless Chromium (Debian's, driven by playwright-core): two users in two
// browser contexts go through everything the page offers, step by step, with a screenshot of both pages after
// each step in target/e2e/steps/ (and, when a step fails, both pages' console logs next to them).
// Run by scripts/e2e, which starts the node and sets PARLEY_E2E_BASE_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiAs, chromiumForTests, openPageIn, signUp, stepper } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const OUT = process.env.PARLEY_E2E_OUT || path.resolve('target/e2e');
const run = chromiumForTests('steps');
const STEPS = run.out;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const WAIT = 15_000;
const SIZES = [[390, 844], [768, 1024], [1280, 800]];

/**
 * A page of the chat client that records its console, script errors and failed requests; confirmations (delete,
 * leave, remove) are accepted.
 */
function openPage(context, who, { sockets, clock } = {}) {
  return openPageIn(context, who, BASE + '/', { consoleErrors: true, dialogs: true, beforeGoto: async (page) => {
    if (clock) await page.clock.setFixedTime(clock);
    if (sockets) {
      // Passes the page's bridge WebSockets through, keeping a handle to cut them later. While
      // sockets.holdRegisterMs is set, room registrations reach the server that much later than the frames
      // after them: the server is slow to put a registration in place.
      await page.routeWebSocket(/\/eventbus\//, (socket) => {
        const server = socket.connectToServer();
        socket.onMessage((data) => {
          const held = sockets.holdRegisterMs && String(data).includes('\\"type\\":\\"register\\"');
          if (held) setTimeout(() => server.send(data), sockets.holdRegisterMs);
          else server.send(data);
        });
        sockets.push({ page: socket, server });
      });
    }
  } });
}

const pages = {};
/** One step of the scenario: screenshots of both pages after it; on failure their console logs too. */
const step = stepper(STEPS, () => Object.values(pages), { checkErrors: false, failedOut: OUT });

const message = (page, text) => page.locator('#messages li.message', { hasText: text });
/** The message whose text is exactly {@code text} ("filler 1", not "filler 10"). */
const exactly = (page, text) => page.locator('#messages li.message')
  .filter({ has: page.locator('.text', { hasText: new RegExp('^' + text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$') }) });
const roomItem = (page, name) => page.locator('#room-list li', { hasText: name });

async function waitOnline(page, userId, online) {
  await page.locator(`#members li[data-user-id="${userId}"] .dot${online ? '.online' : ':not(.online)'}`).waitFor();
}

async function send(page, text) {
  await page.fill('#message-text', text);
  await page.click('#send');
  // Stored: the greyed pending line became a message with its seq.
  await page.locator('#messages li.message:not(.pending)', { hasText: text }).last().waitFor();
}

async function openRoom(page, name) {
  await roomItem(page, name).locator('button').click();
  await page.locator('#room-title', { hasText: name }).waitFor();
}

async function messageAction(page, text, action) {
  const item = message(page, text).last();
  await item.hover();
  await item.locator(`button.${action}`).click();
}

/** Every visible form control has an accessible name (a label or aria-label). */
async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((c) => c.offsetParent !== null && c.type !== 'hidden')
    .filter((c) => !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !c.textContent.trim())
    .map((c) => c.id || c.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, [], `${page.who}: controls without a label`);
}

/** The composer, the Send button and the last message are fully inside the viewport and the message list. */
async function assertConversationFits(page) {
  const fits = await page.evaluate(() => {
    const box = (el) => el.getBoundingClientRect();
    const inside = (r, outer) => r.top >= outer.top - 1 && r.bottom <= outer.bottom + 1 && r.left >= outer.left - 1
      && r.right <= outer.right + 1;
    const view = { top: 0, left: 0, bottom: innerHeight, right: innerWidth };
    const items = document.querySelectorAll('#messages li.message');
    const last = items[items.length - 1];
    return {
      composer: inside(box(document.getElementById('composer')), view),
      send: inside(box(document.getElementById('send')), view),
      input: inside(box(document.getElementById('message-text')), view),
      lastMessage: last != null && inside(box(last), view) && inside(box(last), box(document.getElementById('messages'))),
      noSideScroll: document.documentElement.scrollWidth <= innerWidth,
    };
  });
  assert.deepEqual(fits, { composer: true, send: true, input: true, lastMessage: true, noSideScroll: true },
    `${page.who} at ${page.viewportSize().width}x${page.viewportSize().height}`);
}

test('two users use every part of the page', async (t) => {
  const aliceContext = await run.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const bobContext = await run.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const alice = pages.alice = await openPage(aliceContext, 'alice');
  let bob = pages.bob = await openPage(bobContext, 'bob');
  const aliceName = `alice_${RUN}`;
  const bobName = `bob_${RUN}`;
  const aliceShown = 'Alice Kim 앨리스';
  const bobShown = 'Bob 밥 🙂';
  const roomName = `e2e room ${RUN}`;
  let aliceId;
  let bobId;
  let dmName;
  const bobSockets = [];
  const markup = '<img src=x onerror="window.__xss=1"><b>bold?</b>';
  const korean = '서버가 느려요 <b>정말</b> 🚀';

  t.after(async () => {
    await aliceContext.close();
    await bobContext.close();
  });

  await step(t, 'sign up and empty states', async () => {
    aliceId = await signUp(alice, aliceName, aliceShown);
    bobId = await signUp(bob, bobName, bobShown);
    await alice.locator('#rooms-empty').waitFor();
    await alice.locator('#no-room').waitFor();
    await alice.locator('#whoami', { hasText: aliceShown }).waitFor();
    await assertLabelled(alice);
  });

  await step(t, 'create a room and join it', async () => {
    await alice.fill('#new-room-name', roomName);
    await alice.click('#create-room button[type=submit]');
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    await alice.locator('#messages-empty').waitFor();
    // Focus goes to the composer when a room opens.
    await alice.waitForFunction(() => document.activeElement.id === 'message-text');
    await bob.click('#public-search button[type=submit]');
    await bob.locator('#public-list li', { hasText: roomName }).locator('button.join').click();
    await bob.locator('#room-title', { hasText: roomName }).waitFor();
    await bob.locator('#room-list li.active', { hasText: roomName }).waitFor();
    await waitOnline(bob, aliceId, true);
    await waitOnline(alice, bobId, true);
  });

  await step(t, 'messages both ways, keyboard send, display names', async () => {
    await send(alice, 'hello bob');
    await message(bob, 'hello bob').waitFor();
    // Keyboard: Enter sends, Shift+Enter makes a new line; Tab goes from the box to Send.
    await bob.locator('#message-text').fill('hi alice');
    await bob.keyboard.press('Shift+Enter');
    await bob.keyboard.type('second line');
    await bob.keyboard.press('Enter');
    await message(alice, 'second line').waitFor();
    assert.equal(await message(alice, 'hi alice').locator('.text').textContent(), 'hi alice\nsecond line');
    await bob.locator('#message-text').focus();
    await bob.keyboard.press('Tab');
    assert.equal(await bob.evaluate(() => document.activeElement.id), 'send');
    // Display names where people are shown, usernames on hover.
    const sender = message(alice, 'hi alice').locator('.sender');
    assert.equal(await sender.textContent(), bobShown);
    assert.equal(await sender.getAttribute('title'), '@' + bobName);
    assert.equal(await bob.locator(`#members li[data-user-id="${aliceId}"] .member-name`).textContent(), aliceShown);
    await alice.locator('#messages li.day', { hasText: 'Today' }).waitFor();
  });

  await step(t, 'typing indicator', async () => {
    await bob.locator('#message-text').pressSequentially('typing something', { delay: 120 });
    await alice.locator('#typing', { hasText: `${bobShown} is typing` }).waitFor();
    await bob.click('#send');
    await message(alice, 'typing something').waitFor();
    await alice.locator('#typing:empty').waitFor();
  });

  await step(t, 'markup is shown as text', async () => {
    await send(alice, markup);
    await message(bob, 'bold?').waitFor();
    assert.equal(await message(bob, 'bold?').locator('.text').textContent(), markup);
    assert.equal(await bob.locator('#messages img, #messages b').count(), 0);
    assert.equal(await bob.evaluate(() => window.__xss), undefined);
  });

  await step(t, 'reply, edit and delete', async () => {
    await messageAction(alice, 'second line', 'reply');
    await alice.locator('#composer-context', { hasText: `Replying to ${bobShown}` }).waitFor();
    await alice.locator('#message-text').fill('a reply to you');
    await alice.keyboard.press('Enter');
    const reply = message(bob, 'a reply to you');
    await reply.locator('.quote', { hasText: 'hi alice' }).waitFor();
    assert.ok((await reply.locator('.quote .quote-sender').textContent()).includes(bobShown));
    await messageAction(alice, 'hello bob', 'edit');
    await alice.locator('#composer-context', { hasText: 'Editing' }).waitFor();
    await alice.locator('#message-text').fill('hello bob, edited');
    await alice.keyboard.press('Enter');
    await message(bob, 'hello bob, edited').locator('.edited').waitFor();
    await messageAction(bob, 'typing something', 'delete');
    await alice.locator('#messages li.message.deleted', { hasText: '(deleted)' }).waitFor();
    assert.equal(await message(alice, 'typing something').count(), 0);
    // Bob may not edit or delete Alice's messages: no such buttons on them.
    assert.equal(await message(bob, 'a reply to you').locator('button.edit, button.delete').count(), 0);
  });

  await step(t, 'direct message from the user search', async () => {
    await bob.fill('#user-q', aliceName.slice(0, 8));
    await bob.click('#user-search button[type=submit]');
    const found = bob.locator('#user-list li', { hasText: aliceShown });
    await found.locator('button.message-user').click();
    await bob.locator('#room-title .badge', { hasText: 'direct' }).waitFor();
    dmName = (await bob.locator('#room-name').textContent()).trim();
    await send(bob, 'psst, a direct message');
    await roomItem(alice, dmName).waitFor();
    await openRoom(alice, dmName);
    await message(alice, 'psst, a direct message').waitFor();
    // A direct message is a notification too; read here, so the counts below start at zero.
    await alice.locator('#notif-count', { hasText: '1' }).waitFor();
    await alice.click('#notifications-button');
    await alice.locator('#notif-list li.unread', { hasText: 'psst' }).waitFor();
    await alice.click('#notif-read-all');
    await alice.locator('#notif-count').waitFor({ state: 'hidden' });
    await alice.keyboard.press('Escape');
    await openRoom(alice, roomName);
  });

  await step(t, 'away and back: unread count, last room reopened', async () => {
    // Bob's last open room is the direct one; he closes the page and Alice writes in the group room.
    await bob.close();
    await waitOnline(alice, bobId, false);
    await send(alice, 'missed one');
    await send(alice, 'missed two');
    bob = pages.bob = await openPage(bobContext, 'bob', { sockets: bobSockets });
    await bob.locator('#conn-status[data-state="open"]').waitFor();
    await bob.locator('#room-list li.active', { hasText: dmName }).waitFor();
    await message(bob, 'psst, a direct message').waitFor();
    const badge = roomItem(bob, roomName).locator('.unread');
    await badge.waitFor();
    assert.equal((await badge.textContent()).trim(), '2');
    await waitOnline(alice, bobId, true);
    await openRoom(bob, roomName);
    await message(bob, 'missed two').waitFor();
    assert.deepEqual(await bob.locator('#messages li.message .text').allTextContents(),
      ['hello bob, edited', 'hi alice\nsecond line', '(deleted)', markup, 'a reply to you', 'missed one', 'missed two']);
    const seqs = await bob.locator('#messages li.message').evaluateAll((items) => items.map((li) => Number(li.dataset.seq)));
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7]);
    await roomItem(bob, roomName).locator('.unread').waitFor({ state: 'detached' });
  });

  await step(t, 'network cut: reconnect, missed message, typing right after', async () => {
    await bobContext.setOffline(true);
    for (const socket of bobSockets) {
      await socket.page.close({ code: 1006, reason: 'network down' }).catch(() => {});
      await socket.server.close().catch(() => {});
    }
    await bob.locator('#conn-status:not([data-state="open"])').waitFor();
    await waitOnline(alice, bobId, false);
    await send(alice, 'while you were offline');
    bobSockets.holdRegisterMs = 1500;
    await bobContext.setOffline(false);
    await bob.locator('#conn-status[data-state="open"]').waitFor();
    // Typing at once, before the room's registration is in place (held back above): the page holds the
    // typing until the server confirms the registration, instead of sending what the server would drop.
    await bob.locator('#message-text').pressSequentially('and one more', { delay: 50 });
    await alice.locator('#typing', { hasText: `${bobShown} is typing` }).waitFor({ timeout: 5000 });
    bobSockets.holdRegisterMs = 0;
    await message(bob, 'while you were offline').waitFor();
    await waitOnline(alice, bobId, true);
    await bob.locator('#message-text').fill('');
  });

  await step(t, 'mentions and notifications', async () => {
    await send(bob, `@${aliceName} look at this`);
    const mention = message(alice, 'look at this');
    await mention.locator('.mention.me', { hasText: '@' + aliceName }).waitFor();
    assert.match(await mention.getAttribute('class'), /mentions-me/);
    await alice.locator('#notif-count', { hasText: '1' }).waitFor();
    await alice.click('#notifications-button');
    const item = alice.locator('#notif-list li.unread', { hasText: 'look at this' });
    await item.waitFor();
    assert.ok((await item.textContent()).includes(bobShown));
    await alice.screenshot({ path: path.join(STEPS, 'notifications-open-alice.png') });
    await item.locator('button').click();
    await alice.locator('#notif-count').waitFor({ state: 'hidden' });
    await alice.locator('#messages li.message.hit', { hasText: 'look at this' }).waitFor();
    await send(bob, `thanks @${aliceName}.`);
    await alice.locator('#notif-count', { hasText: '1' }).waitFor();
    await alice.click('#notifications-button');
    await alice.click('#notif-read-all');
    await alice.locator('#notif-count').waitFor({ state: 'hidden' });
    assert.equal(await alice.locator('#notif-list li.unread').count(), 0);
    await alice.keyboard.press('Escape');
    await alice.locator('#notifications-panel').waitFor({ state: 'hidden' });
  });

  await step(t, 'mute a room', async () => {
    await alice.click('#mute-toggle');
    await alice.locator('#mute-toggle[aria-pressed="true"]').waitFor();
    await roomItem(alice, roomName).locator('.muted').waitFor();
    await send(bob, `@${aliceName} muted mention`);
    await message(alice, 'muted mention').waitFor();
    // A notification from an unmuted room comes after it; the muted one never does.
    await openRoom(bob, dmName);
    await send(bob, `@${aliceName} in the direct room`);
    await alice.locator('#notif-count', { hasText: '1' }).waitFor();
    await alice.click('#notifications-button');
    await alice.locator('#notif-list li', { hasText: 'in the direct room' }).waitFor();
    assert.equal(await alice.locator('#notif-list li', { hasText: 'muted mention' }).count(), 0);
    const listed = JSON.parse((await apiAs(alice, 'GET', '/notifications')).body);
    assert.equal(listed.notifications.filter((n) => n.text.includes('muted mention')).length, 0);
    await alice.click('#notif-read-all');
    await alice.keyboard.press('Escape');
    await alice.click('#mute-toggle');
    await alice.locator('#mute-toggle[aria-pressed="false"]').waitFor();
  });

  await step(t, 'older history, Korean search with highlights, jump to the hit', async () => {
    await send(alice, korean);
    // Enough later messages that the hit is no longer among the newest page.
    const roomId = await alice.evaluate(() => document.querySelector('#room-list li.active').dataset.roomId);
    for (let i = 1; i <= 60; i++) {
      const sent = await apiAs(alice, 'POST', `/rooms/${roomId}/messages`, { text: `filler ${i}`, clientMsgId: `filler-${RUN}-${i}` });
      assert.equal(sent.status, 201);
    }
    // After a reload the last room opens again, at its newest page; older messages load on demand.
    await alice.reload();
    await alice.locator('#room-title', { hasText: roomName }).waitFor();
    await message(alice, 'filler 60').waitFor();
    assert.equal(await exactly(alice, 'filler 1').count(), 0);
    await alice.click('#older');
    await exactly(alice, 'filler 1').waitFor();
    await message(alice, korean).waitFor();
    // Bob (in the direct room) searches: the index follows within about a second.
    await bob.click('#search-button');
    await bob.fill('#search-q', '서버');
    const hit = bob.locator('#hit-list li', { hasText: '정말' });
    const deadline = Date.now() + WAIT;
    while (await hit.count() === 0) {
      assert.ok(Date.now() < deadline, 'no search hit for 서버');
      await bob.click('#search-form button[type=submit]');
      await bob.locator('#search-status', { hasText: 'found' }).waitFor();
    }
    assert.equal(await hit.locator('mark').first().textContent(), '서버');
    assert.equal(await hit.locator('.highlight').textContent(), korean);
    assert.equal(await bob.locator('#hit-list b, #hit-list img').count(), 0);
    await bob.screenshot({ path: path.join(STEPS, 'search-results-bob.png') });
    await hit.locator('button').click();
    await bob.locator('#room-title', { hasText: roomName }).waitFor();
    const target = bob.locator('#messages li.message.hit', { hasText: '정말' });
    await target.waitFor();
    assert.ok(await target.evaluate((li) => {
      const r = li.getBoundingClientRect();
      const list = document.getElementById('messages').getBoundingClientRect();
      return r.top >= list.top && r.bottom <= list.bottom;
    }), 'the hit is scrolled into view');
    // In context: the messages around it are there.
    await message(bob, 'a reply to you').waitFor();
    await exactly(bob, 'filler 1').waitFor();
  });

  await step(t, 'room management: members, roles, rename, visibility, leave, delete', async () => {
    const ops = `ops ${RUN}`;
    await alice.fill('#new-room-name', ops);
    await alice.uncheck('#new-room-public');
    await alice.click('#create-room button[type=submit]');
    await alice.locator('#room-title', { hasText: ops }).waitFor();
    await alice.click('#info-button');
    await alice.fill('#add-member-q', bobName);
    await alice.click('#add-member button[type=submit]');
    await alice.locator('#add-member-results li', { hasText: bobShown }).locator('button.add').click();
    await alice.locator(`#member-list li[data-user-id="${bobId}"]`).waitFor();
    await alice.screenshot({ path: path.join(STEPS, 'room-panel-alice.png') });
    // Bob gets the room, opens it and leaves.
    await openRoom(bob, ops);
    await bob.click('#info-button');
    assert.equal(await bob.locator('#room-settings').isVisible(), false);
    await bob.click('#leave-room');
    await roomItem(bob, ops).waitFor({ state: 'detached' });
    await bob.locator('#no-room').waitFor();
    await alice.locator(`#member-list li[data-user-id="${bobId}"]`).waitFor({ state: 'detached' });
    // Added again, made admin: he may rename it.
    await alice.fill('#add-member-q', bobName);
    await alice.click('#add-member button[type=submit]');
    await alice.locator('#add-member-results li', { hasText: bobShown }).locator('button.add').click();
    const madeAdmin = alice.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/members/${bobId}`));
    await alice.locator(`#member-list li[data-user-id="${bobId}"] select.role`).selectOption('admin');
    assert.equal((await madeAdmin).status(), 200);
    await openRoom(bob, ops);
    await bob.click('#info-button');
    await bob.locator('#info-role', { hasText: 'admin' }).waitFor();
    await bob.fill('#settings-name', ops + ' renamed');
    await bob.click('#room-settings button[type=submit]');
    await alice.locator('#room-title', { hasText: ops + ' renamed' }).waitFor();
    await roomItem(alice, ops + ' renamed').waitFor();
    // Alice makes it public, then removes Bob, then deletes the room.
    await alice.selectOption('#settings-visibility', 'public');
    await alice.click('#room-settings button[type=submit]');
    await bob.locator('#room-kind', { hasText: 'public' }).waitFor();
    await alice.locator(`#member-list li[data-user-id="${bobId}"] button.remove`).click();
    await roomItem(bob, ops).waitFor({ state: 'detached' });
    await alice.click('#delete-room');
    await roomItem(alice, ops).waitFor({ state: 'detached' });
    await alice.locator('#no-room').waitFor();
    await openRoom(alice, roomName);
    await openRoom(bob, roomName);
  });

  await step(t, 'dates on older messages and day separators', async () => {
    // The same signed-in Alice two days later: dates instead of "Today". A context of its own, with her
    // localStorage, because a page's clock is its context's clock.
    const laterContext = await run.browser.newContext({ viewport: { width: 1100, height: 760 },
      storageState: await aliceContext.storageState() });
    const later = pages.later = await openPage(laterContext, 'alice-two-days-later', { clock: Date.now() + 2 * 86_400_000 });
    await later.locator('#room-title', { hasText: roomName }).waitFor();
    await message(later, 'filler 60').waitFor();
    const separators = await later.locator('#messages li.day').allTextContents();
    assert.ok(separators.length >= 1 && !separators.includes('Today') && !separators.includes('Yesterday'), separators.join());
    assert.match(await message(later, 'filler 60').locator('time').textContent(), /[A-Za-z]{3}/);
    await later.screenshot({ path: path.join(STEPS, 'dates-two-days-later.png') });
    delete pages.later;
    await laterContext.close();
  });

  await step(t, 'layouts: phone, tablet, desktop', async () => {
    await send(bob, 'A longer message to see the layout wrap on small screens: 한국어 문장도 잘 보여야 합니다. 😀🎉 '
      + 'and-a-very-long-unbroken-word-that-must-not-push-the-composer-off-the-screen-at-all-ever');
    await message(alice, 'A longer message').waitFor();
    for (const [width, height] of SIZES) {
      for (const page of [alice, bob]) {
        await page.setViewportSize({ width, height });
        await page.locator('#messages').evaluate((list) => { list.scrollTop = list.scrollHeight; });
        await assertConversationFits(page);
        await page.screenshot({ path: path.join(STEPS, `layout-${width}x${height}-${page.who}.png`) });
      }
    }
    // On a phone the sidebar is a drawer; picking a room closes it.
    await alice.setViewportSize({ width: 390, height: 844 });
    assert.equal(await alice.locator('#sidebar').isVisible(), false);
    await alice.click('#menu');
    await alice.locator('#sidebar.open').waitFor();
    await assertLabelled(alice);
    await alice.screenshot({ path: path.join(STEPS, 'layout-390x844-drawer-alice.png') });
    await roomItem(alice, roomName).locator('button').click();
    await alice.locator('#sidebar').waitFor({ state: 'hidden' });
    await alice.click('#info-button');
    await alice.screenshot({ path: path.join(STEPS, 'layout-390x844-room-panel-alice.png') });
    await alice.keyboard.press('Escape');
    await assertConversationFits(alice);
    await alice.setViewportSize({ width: 1280, height: 800 });
    await bob.setViewportSize({ width: 1280, height: 800 });
  });

  await step(t, 'no script errors', async () => {
    await alice.screenshot({ path: path.join(OUT, 'chat.png') });
    await bob.screenshot({ path: path.join(OUT, 'chat-bob.png') });
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });
});
