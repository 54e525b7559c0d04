// Every SockJS transport sends and receives through the bridge, driven by the official sockjs-client (the copy
// the node serves) forced onto one transport at a time, in headless Chromium. From the chat page's own origin
// (cross-origin to the socket port, as users run it): websocket, xhr-streaming, xhr-polling, eventsource, and
// the iframe transports that load /eventbus/iframe.html; from the socket port's origin: htmlfile and
// jsonp-polling, which need a same-origin page (the chat page's CSP rightly refuses cross-origin scripts).
// Run by scripts/e2e, which starts the node and sets PARLEY_E2E_BASE_URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './browser.mjs';

const BASE = process.env.PARLEY_E2E_BASE_URL;
const RUN = process.env.PARLEY_E2E_RUN_ID || Date.now().toString(36);

let browser;
let user;
let room;
let socketUrl;

async function api(path, body, token) {
  const response = await fetch(BASE + '/api/v1' + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

before(async () => {
  assert.ok(BASE, 'PARLEY_E2E_BASE_URL is not set: run scripts/e2e');
  browser = await launchChromium();
  user = await api('/auth/register', { username: 'sockjs_' + RUN, password: 'correct horse battery' });
  room = await api('/rooms', { name: 'transports ' + RUN }, user.accessToken);
  socketUrl = (await (await fetch(BASE + '/client-config.json')).json()).socketUrl;
});

after(async () => {
  await browser?.close();
});

/**
 * In the page: opens SockJS on one transport, registers the room, sends a message over chat.send and waits for
 * both the reply and the message event; resolves with what it saw.
 */
function exchange({ url, token, roomId, transport, text }) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(transport + ': no reply and message within 20 s')), 20_000);
    const sock = new SockJS(url + '?token=' + encodeURIComponent(token), null, { transports: [transport] });
    const seen = { transport: null, reply: null, message: null };
    sock.onopen = () => {
      seen.transport = sock.transport;
      sock.send(JSON.stringify({ type: 'register', address: 'chat.room.' + roomId }));
      // The register is checked before later frames are handled, so the send below is seen on the room.
      sock.send(JSON.stringify({ type: 'send', address: 'chat.send', replyAddress: 'reply-' + transport,
        body: { room: roomId, text, clientMsgId: 'c-' + transport } }));
    };
    sock.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === 'err') {
        clearTimeout(timer);
        reject(new Error(transport + ': ' + event.data));
      } else if (frame.address === 'reply-' + transport) {
        seen.reply = frame.body;
      } else if (frame.address === 'chat.room.' + roomId && frame.body.type === 'message' && frame.body.text === text) {
        seen.message = frame.body;
      }
      if (seen.reply && seen.message) {
        clearTimeout(timer);
        sock.close();
        resolve(seen);
      }
    };
    sock.onclose = (event) => {
      if (!(seen.reply && seen.message)) {
        clearTimeout(timer);
        reject(new Error(`${transport}: closed ${event.code} ${event.reason}`));
      }
    };
  });
}

async function check(pageUrl, transports) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof SockJS === 'function');
    for (const transport of transports) {
      const text = `over ${transport} ${RUN}`;
      const seen = await page.evaluate(exchange, { url: socketUrl, token: user.accessToken, roomId: room.id,
        transport, text });
      assert.equal(seen.transport, transport, 'sockjs-client used another transport');
      assert.ok(seen.reply.seq > 0, `${transport}: reply ${JSON.stringify(seen.reply)}`);
      assert.equal(seen.message.seq, seen.reply.seq, `${transport}: the message event is the acked one`);
    }
  } finally {
    await context.close();
  }
}

test('every SockJS transport sends and receives from the chat page', async () => {
  await check(BASE + '/', ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource', 'iframe-htmlfile',
    'iframe-eventsource', 'iframe-xhr-polling']);
});

test('htmlfile and jsonp-polling send and receive from a page of the socket origin', async () => {
  // /eventbus/iframe.html is a page at the socket's origin that loads the bundled sockjs-client.
  await check(socketUrl + '/iframe.html', ['htmlfile', 'jsonp-polling']);
});
