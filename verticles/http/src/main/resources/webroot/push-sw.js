// Parley's service worker: shows the Web Push notifications the server sends to this browser.
// The browser has already decrypted the payload (RFC 8291): {kind, room, seq, sender, title, body, count}.
'use strict';

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch (notJson) {
    payload = { title: 'Parley', body: event.data ? event.data.text() : '' };
  }
  const title = payload.title || 'Parley';
  event.waitUntil(self.registration.showNotification(title, {
    body: payload.body || '',
    // One notification per room: a newer push replaces the older one instead of piling up.
    tag: payload.room ? 'room-' + payload.room : undefined,
    renotify: true,
    data: { room: payload.room, seq: payload.seq },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const room = event.notification.data && event.notification.data.room;
  const target = room ? '/#room=' + encodeURIComponent(room) : '/';
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    for (const client of windows) {
      if ('focus' in client) {
        client.postMessage({ type: 'parley.openRoom', room });
        return client.focus();
      }
    }
    return self.clients.openWindow(target);
  }));
});
