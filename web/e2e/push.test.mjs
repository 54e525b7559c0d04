// Notification settings and desktop notifications end to end, in headless Chromium against a real node (run by
// scripts/e2e, which gives the node its own VAPID keys and allows http: push endpoints).
//
// What runs for real: the page's settings panel and per-room level (checked through the REST API), the
// service worker /push-sw.js registered by the page, the server's pushes (presence, levels, quiet hours,
// VAPID, RFC 8291 encryption) to a Web Push service started here (./push-service.mjs), which verifies the
// VAPID token and decrypts each push, and the service worker's push handler, given the decrypted payload
// through Chromium's own push delivery path (DevTools ServiceWorker.deliverPushMessage), showing the
// notification. What is stubbed: PushManager.subscribe. Chromium subscribes only with its built-in push
// service (Firebase Cloud Messaging), which this machine cannot reach; the stub tries the real call first and
// then answers with a subscription of the local push service (endpoint and keys), which the page hands to the
// server exactly as it would a real one. The applicationServerKey the page passes is checked against
// GET /push/vapid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromiumForTests, keepEvidence, openPageIn } from './browser.mjs';
import { startPushService } from './push-service.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);
const WAIT = 15_000;
const ZONE = 'Asia/Seoul';
// Chromium tries its own push service at PushManager.subscribe (see above): background networking and QUIC stay on.
const run = chromiumForTests('push', { without: ['--disable-quic', '--disable-background-networking'] });
const OUT = run.out;

let service;

before(async () => {
  service = await startPushService();
});

after(async () => {
  await service?.close();
});

async function rest(method, apiPath, token, body) {
  const response = await fetch(BASE + '/api/v1' + apiPath, {
    method,
    headers: { ...(token ? { Authorization: 'Bearer ' + token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${apiPath}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Runs in the page before its scripts: PushManager.subscribe tries Chromium's push service, then answers with
 * the local push service's subscription (kept in localStorage, so getSubscription finds it after a reload).
 */
function stubPushManager(local) {
  const KEY = 'e2e.pushSubscription';
  const fake = (key) => ({
    endpoint: local.endpoint,
    options: { applicationServerKey: key, userVisibleOnly: true },
    toJSON: () => local,
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  const realSubscribe = PushManager.prototype.subscribe;
  PushManager.prototype.subscribe = async function subscribe(options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem(KEY, JSON.stringify({ key: Array.from(key), userVisibleOnly: options.userVisibleOnly }));
    try {
      const real = await Promise.race([realSubscribe.call(this, options),
        new Promise((resolve, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000))]);
      localStorage.setItem('e2e.realSubscribe', 'succeeded: ' + real.endpoint);
      await real.unsubscribe();
    } catch (error) {
      localStorage.setItem('e2e.realSubscribe', 'failed: ' + error.name + ': ' + error.message);
    }
    return fake(key.buffer);
  };
  PushManager.prototype.getSubscription = async function getSubscription() {
    const stored = JSON.parse(localStorage.getItem(KEY) || 'null');
    return stored ? fake(new Uint8Array(stored.key).buffer) : null;
  };
}

const openPage = (context) => openPageIn(context, 'alice', BASE + '/');

/** Waits for the next push satisfying {@code accept}, sending a message each round: presence is dropped as the
 * socket node sees the page's socket close, until then messages are "online" ones. */
async function pushAfterGoingAway(send, accept) {
  const deadline = Date.now() + 40_000;
  for (let round = 1; Date.now() < deadline; round += 1) {
    const since = service.received.length;
    await send(round);
    const push = await service.next(since, 3000, accept);
    if (push) return push;
  }
  assert.fail('no push within 40 s; received: ' + JSON.stringify(service.received));
}

/** Hands the payload to the page's service worker as Chromium delivers a push, and returns what it showed. */
async function deliverToServiceWorker(page, payload) {
  const cdp = await page.context().newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
  await cdp.send('ServiceWorker.enable');
  const deadline = Date.now() + WAIT;
  while (!registrations.some((r) => r.scopeURL === BASE + '/' && !r.isDeleted) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const registration = registrations.find((r) => r.scopeURL === BASE + '/' && !r.isDeleted);
  assert.ok(registration, 'no service worker registration for ' + BASE + '/');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: BASE, registrationId: registration.registrationId, data: JSON.stringify(payload),
  });
  const tag = 'parley-room-' + payload.room;
  const shown = await page.waitForFunction(async (wanted) => {
    const worker = await navigator.serviceWorker.getRegistration('/');
    const list = worker ? await worker.getNotifications({ tag: wanted }) : [];
    return list.length ? { title: list[0].title, body: list[0].body, data: list[0].data } : null;
  }, tag, { polling: 200 });
  await cdp.detach();
  return shown.jsonValue();
}

test('notification settings and desktop notifications', async (t) => {
  const step = async (name, body) => { t.diagnostic(name); await body(); };
  const bobName = 'pb' + RUN.slice(0, 8);
  const bob = await rest('POST', '/auth/register', null, { username: bobName, password: 'correct horse battery' });
  const local = service.subscribe();
  const context = await run.browser.newContext({ timezoneId: ZONE, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['notifications'], { origin: BASE });
  await context.addInitScript(stubPushManager, local);
  let page = await openPage(context);
  const shot = (name) => page.screenshot({ path: path.join(OUT, name + '.png') });
  let alice;
  let room;

  try {
    await step('sign up and get a room', async () => {
      await page.fill('#username', 'pa' + RUN.slice(0, 8));
      await page.fill('#password', 'correct horse battery');
      await page.click('#signup');
      await page.locator('#conn-status[data-state="open"]').waitFor();
      alice = await page.evaluate(() => JSON.parse(localStorage.getItem('parley.session')));
      room = await rest('POST', '/rooms', bob.accessToken, { name: 'push ' + RUN, visibility: 'private', members: [alice.user.id] });
      await page.locator('#room-list li', { hasText: 'push ' + RUN }).click();
      await page.locator('#room-name', { hasText: 'push ' + RUN }).waitFor();
    });

    await step('the settings panel stores level, push content and quiet hours in the browser zone', async () => {
      await page.click('#notifications-button');
      await page.click('#notify-settings summary');
      assert.equal(await page.inputValue('#notify-level'), 'mentions', 'the default level');
      assert.equal(await page.isChecked('#notify-push'), true);
      await page.check('#notify-quiet');
      assert.equal(await page.inputValue('#notify-zone'), ZONE, 'the zone defaults to the browser\'s');
      // Quiet hours from two to three hours ahead in Seoul: not now, so pushes still go out.
      const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
      const at = (h) => String((hour + h) % 24).padStart(2, '0') + ':00';
      await page.fill('#notify-quiet-start', at(2));
      await page.fill('#notify-quiet-end', at(3));
      await page.fill('#notify-zone', 'Mars/Olympus_Mons');
      await page.click('#notify-save');
      await page.locator('#notify-error', { hasText: /time ?zone/i }).waitFor();
      await page.fill('#notify-zone', ZONE);
      await page.click('#notify-save');
      await page.locator('#notify-status', { hasText: 'Saved.' }).waitFor();
      assert.deepEqual(await rest('GET', '/notifications/preferences', alice.accessToken), {
        level: 'mentions', push: true, pushContent: 'full', quietHours: { start: at(2), end: at(3), timeZone: ZONE },
      });
      await shot('01-settings');
    });

    await step('the room panel sets the room\'s own level', async () => {
      await page.keyboard.press('Escape');
      await page.click('#info-button');
      assert.equal(await page.inputValue('#room-notify-level'), 'default');
      await page.selectOption('#room-notify-level', 'none');
      await page.locator('#mute-toggle', { hasText: 'Unmute' }).waitFor();
      await page.selectOption('#room-notify-level', 'all');
      await page.locator('#mute-toggle', { hasText: /^Mute$/ }).waitFor();
      assert.deepEqual(await rest('GET', '/notifications/rooms', alice.accessToken), { levels: { [room.id]: 'all' } });
      await page.keyboard.press('Escape');
      await page.click('#info-button');
      await page.waitForFunction(() => document.getElementById('room-notify-level').value === 'all');
      await shot('02-room-level');
      await page.keyboard.press('Escape');
    });

    await step('"Enable desktop notifications" registers the service worker and the subscription', async () => {
      const script = await fetch(BASE + '/push-sw.js');
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type'), /javascript/);
      await page.click('#notifications-button');
      await page.click('#push-enable');
      await page.locator('#push-enable', { hasText: 'Disable desktop notifications' }).waitFor();
      const worker = await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.ready;
        return { scope: registration.scope, script: registration.active.scriptURL };
      });
      assert.deepEqual(worker, { scope: BASE + '/', script: BASE + '/push-sw.js' });
      const asked = await page.evaluate(() => ({
        subscribe: JSON.parse(localStorage.getItem('e2e.pushSubscription')), real: localStorage.getItem('e2e.realSubscribe'),
      }));
      t.diagnostic('Chromium\'s own PushManager.subscribe: ' + asked.real);
      const { publicKey } = await rest('GET', '/push/vapid', alice.accessToken);
      assert.deepEqual(Buffer.from(asked.subscribe.key).toString('base64url'), publicKey, 'subscribed with the VAPID key');
      assert.equal(asked.subscribe.userVisibleOnly, true);
      const { subscriptions } = await rest('GET', '/push/subscriptions', alice.accessToken);
      assert.deepEqual(subscriptions.map((s) => [s.kind, s.endpoint]), [['webpush', local.endpoint]]);
      await shot('03-enabled');
    });

    let pushed;
    await step('away, a message of the room (level all) is pushed, VAPID-signed and encrypted', async () => {
      await page.close();
      const push = await pushAfterGoingAway(
        (round) => rest('POST', `/rooms/${room.id}/messages`, bob.accessToken, { clientMsgId: `${RUN}-a${round}`, text: 'are you there? ' + round }),
        (p) => p.problem || (p.payload && p.payload.room === room.id));
      assert.equal(push.problem, undefined, 'the push service refused a push: ' + push.problem);
      const { publicKey } = await rest('GET', '/push/vapid', alice.accessToken);
      assert.equal(push.vapidKey, publicKey);
      assert.equal(push.payload.sender, bob.user.id);
      assert.match(push.payload.body, /are you there\? \d+/);
      assert.ok(push.payload.seq > 0);
      assert.ok(Number(push.ttl) > 0);
      pushed = push.payload;
    });

    await step('the service worker shows the decrypted payload as a notification', async () => {
      page = await openPage(context);
      await page.locator('#conn-status[data-state="open"]').waitFor();
      const shown = await deliverToServiceWorker(page, pushed);
      assert.equal(shown.title, pushed.title);
      assert.equal(shown.body, pushed.body);
      assert.deepEqual(shown.data, { room: room.id, seq: pushed.seq });
    });

    await step('generic push content carries no text and no names', async () => {
      await page.click('#notifications-button');
      await page.click('#notify-settings summary');
      await page.selectOption('#notify-content', 'generic');
      await page.click('#notify-save');
      await page.locator('#notify-status', { hasText: 'Saved.' }).waitFor();
      await page.close();
      const push = await pushAfterGoingAway(
        (round) => rest('POST', `/rooms/${room.id}/messages`, bob.accessToken, { clientMsgId: `${RUN}-g${round}`, text: `@${alice.user.username} secret plans` }),
        (p) => p.problem || (p.payload && p.payload.room === room.id));
      assert.equal(push.problem, undefined);
      const text = JSON.stringify(push.payload);
      assert.ok(!text.includes('secret') && !text.includes(bobName), 'generic payload: ' + text);
      page = await openPage(context);
      const shown = await deliverToServiceWorker(page, push.payload);
      assert.ok(!shown.body.includes('secret'), 'shown: ' + shown.body);
      await shot('04-generic');
    });

    await step('"Disable desktop notifications" deletes the subscription', async () => {
      await page.click('#notifications-button');
      await page.click('#notify-settings summary');
      await page.click('#push-enable');
      await page.locator('#push-enable', { hasText: 'Enable desktop notifications' }).waitFor();
      assert.deepEqual((await rest('GET', '/push/subscriptions', alice.accessToken)).subscriptions, []);
    });
  } catch (error) {
    if (!page.isClosed()) await keepEvidence(OUT, [page]);
    throw error;
  } finally {
    await context.close();
  }
});
